package dev.jobledger.messages;

import java.util.List;
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
 * @param firstLogSequence the position of {@code logs}' first line in the job's whole log (1-based), as in
 *     {@link JobLogsAppended}; 0 when there are none
 * @param logs the lines the worker still held when the attempt ended, in written order (see {@link AttemptEnd}):
 *     one stored event fewer per job, nothing lost from the history. Empty when there were none, and in events written
 *     before (whose final lines came as a {@link JobLogsAppended} just before)
 */
public record JobCompleted(
        UUID jobId,
        int attempt,
        Map<String, Object> result,
        Actor actor,
        Progress progress,
        long firstLogSequence,
        List<LogEntry> logs)
        implements AttemptEnd {

    public JobCompleted {
        if (logs == null) {
            logs = List.of();
        }
    }

    /** A completion without final lines. */
    public JobCompleted(UUID jobId, int attempt, Map<String, Object> result, Actor actor, Progress progress) {
        this(jobId, attempt, result, actor, progress, 0, List.of());
    }

    /** A completion without a final progress or lines. */
    public JobCompleted(UUID jobId, int attempt, Map<String, Object> result, Actor actor) {
        this(jobId, attempt, result, actor, null);
    }
}
