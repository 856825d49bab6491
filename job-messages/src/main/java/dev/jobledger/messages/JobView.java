package dev.jobledger.messages;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A job as the ledger shows it: answered by the commands that change it (from the aggregate) and by the queries that
 * read it (from the read model).
 *
 * @param jobId the id
 * @param jobType the registered type
 * @param status where the job is
 * @param userId the owner
 * @param queue the queue it is dispatched to
 * @param attempt the number of the latest attempt (0 before the first); keeps counting across retries
 * @param attempts attempts used of the current budget
 * @param maxAttempts the budget
 * @param errorReason why the latest attempt failed, if it did
 * @param deadLettered whether the job failed because its message reached the dead-letter queue
 * @param file the input file, or {@code null}
 * @param payload the handler's input
 * @param result the handler's result, once completed
 * @param meta facts about the submission (for example its idempotency key)
 * @param progress the latest progress report
 * @param createdAt when it was submitted
 * @param updatedAt when it last changed
 * @param startedAt when its latest attempt started
 * @param finishedAt when it reached COMPLETED, FAILED or CANCELLED
 */
public record JobView(
        UUID jobId,
        String jobType,
        JobStatus status,
        String userId,
        String queue,
        int attempt,
        int attempts,
        int maxAttempts,
        String errorReason,
        boolean deadLettered,
        StoredFile file,
        Map<String, Object> payload,
        Map<String, Object> result,
        Map<String, Object> meta,
        Progress progress,
        Instant createdAt,
        Instant updatedAt,
        Instant startedAt,
        Instant finishedAt) {}
