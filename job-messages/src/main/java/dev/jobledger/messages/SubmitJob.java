package dev.jobledger.messages;

import java.util.Map;
import java.util.UUID;

/**
 * Record a new job as PENDING. Sent again with the same {@code jobId} (an idempotency key maps to a fixed id), it
 * answers the existing job instead of creating a second one. Answered with a {@link JobView}.
 *
 * @param jobId the new job's id
 * @param jobType a registered job type
 * @param userId the owner
 * @param queue the queue the job is dispatched to
 * @param maxAttempts how many attempts the job may use, 1 to 10
 * @param payload the handler's input, a JSON object
 * @param file the input file, or {@code null}
 * @param idempotencyKey the client's idempotency key, or {@code null}
 * @param actor who submits
 */
public record SubmitJob(
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
