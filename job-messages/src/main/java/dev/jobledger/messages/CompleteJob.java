package dev.jobledger.messages;

import java.util.Map;
import java.util.UUID;

/**
 * The running attempt finished successfully. Repeated for the same attempt, it changes nothing. Answered with a
 * {@link JobView}.
 *
 * @param jobId the job
 * @param attempt the finishing attempt, or {@code null} for the current one
 * @param result the handler's result, a JSON object, or {@code null}
 * @param actor the bridge
 */
public record CompleteJob(UUID jobId, Integer attempt, Map<String, Object> result, Actor actor) implements JobCommand {}
