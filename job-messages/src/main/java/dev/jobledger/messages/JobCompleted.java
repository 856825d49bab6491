package dev.jobledger.messages;

import java.util.Map;
import java.util.UUID;

/**
 * The job finished successfully: COMPLETED.
 *
 * @param jobId the job
 * @param attempt the attempt that finished it
 * @param result the handler's result, or {@code null}
 * @param actor the bridge
 */
public record JobCompleted(UUID jobId, int attempt, Map<String, Object> result, Actor actor) implements JobEvent {}
