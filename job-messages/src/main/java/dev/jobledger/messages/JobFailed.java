package dev.jobledger.messages;

import java.util.List;
import java.util.UUID;

/**
 * The job failed for good: FAILED. Either its error was not retryable or it used its last attempt.
 *
 * @param jobId the job
 * @param attempt the attempt that failed last
 * @param reason what went wrong
 * @param retryable whether the last error itself was retryable (true means the budget ran out)
 * @param actor who reported it
 * @param progress the attempt's final progress, reported with the failure, or {@code null}
 * @param firstLogSequence the position of {@code logs}' first line in the job's log; 0 when there are none
 * @param logs the lines the worker still held when the attempt failed (see {@link AttemptEnd}); empty when there were
 *     none, and in events written before
 */
public record JobFailed(
        UUID jobId,
        int attempt,
        String reason,
        boolean retryable,
        Actor actor,
        Progress progress,
        long firstLogSequence,
        List<LogEntry> logs)
        implements AttemptEnd {

    public JobFailed {
        if (logs == null) {
            logs = List.of();
        }
    }

    /** A failure without a final progress or lines. */
    public JobFailed(UUID jobId, int attempt, String reason, boolean retryable, Actor actor) {
        this(jobId, attempt, reason, retryable, actor, null, 0, List.of());
    }
}
