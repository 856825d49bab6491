package dev.jobledger.messages;

import java.util.Map;
import java.util.UUID;

/**
 * A job was recorded as PENDING.
 *
 * @param jobId the id
 * @param jobType the registered type
 * @param userId the owner
 * @param queue the queue it is dispatched to
 * @param maxAttempts the budget of attempts
 * @param payload the handler's input
 * @param file the input file, or {@code null}
 * @param meta facts about the submission
 * @param actor who submitted
 */
public record JobSubmitted(
        UUID jobId,
        String jobType,
        String userId,
        String queue,
        int maxAttempts,
        Map<String, Object> payload,
        StoredFile file,
        Map<String, Object> meta,
        Actor actor)
        implements JobEvent {}
