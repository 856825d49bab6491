package dev.jobledger.messages;

import java.util.Map;
import java.util.UUID;

/**
 * Record a job under an id no job has yet, as PENDING. Nothing is read first. The id is random, or it is the id an
 * idempotency key names and the store was found to hold no job under it; a job recorded under that id meanwhile (the
 * same key sent twice at once) makes the append fail at the store's unique sequence, and the submission is then sent
 * again as {@link SubmitJob}, which answers that job. Answered with a {@link JobView}.
 *
 * @param jobId the new job's id
 * @param jobType a registered job type
 * @param userId the owner
 * @param queue the queue the job is dispatched to
 * @param maxAttempts how many attempts the job may use, 1 to 10
 * @param payload the handler's input, a JSON object
 * @param file the input file, or {@code null}
 * @param idempotencyKey the client's idempotency key that names {@code jobId}, or {@code null} for a random id
 * @param actor who submits
 */
public record SubmitNewJob(
        UUID jobId,
        String jobType,
        String userId,
        String queue,
        int maxAttempts,
        Map<String, Object> payload,
        StoredFile file,
        String idempotencyKey,
        Actor actor)
        implements JobCommand {}
