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
 * @param progress the attempt's final progress, reported with the completion; {@code null} when it was reported
 *     on its own (and in events written before the batched worker protocol)
 */
public record JobCompleted(UUID jobId, int attempt, Map<String, Object> result, Actor actor, Progress progress)
        implements JobEvent {

    /** A completion without a final progress. */
    public JobCompleted(UUID jobId, int attempt, Map<String, Object> result, Actor actor) {
        this(jobId, attempt, result, actor, null);
    }
}
