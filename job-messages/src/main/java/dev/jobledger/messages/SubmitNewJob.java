package dev.jobledger.messages;

import java.util.Map;
import java.util.UUID;

/**
 * Record a job under a new, random id, as PENDING. Nothing is read first: no job can have that id yet. Submissions
 * with an idempotency key, whose id may name a job recorded before, are {@link SubmitJob}. Answered with a
 * {@link JobView}.
 *
 * @param jobId the new job's id, random
 * @param jobType a registered job type
 * @param userId the owner
 * @param queue the queue the job is dispatched to
 * @param maxAttempts how many attempts the job may use, 1 to 10
 * @param payload the handler's input, a JSON object
 * @param file the input file, or {@code null}
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
        Actor actor)
        implements JobCommand {}
