package dev.jobledger.messages;

import java.util.List;
import java.util.UUID;

/**
 * An attempt failed with a retryable error and attempts remain: the job is RETRYING.
 *
 * @param jobId the job
 * @param attempt the failed attempt
 * @param reason what went wrong
 * @param attemptsLeft attempts left in the budget
 * @param actor the bridge
 * @param progress the attempt's final progress, reported with the failure, or {@code null}
 * @param firstLogSequence the position of {@code logs}' first line in the job's log; 0 when there are none
 * @param logs the lines the worker still held when the attempt failed (see {@link AttemptEnd}); empty when there were
 *     none, and in events written before
 */
public record JobAttemptFailed(
        UUID jobId,
        int attempt,
        String reason,
        int attemptsLeft,
        Actor actor,
        Progress progress,
        long firstLogSequence,
        List<LogEntry> logs)
        implements AttemptEnd {

    public JobAttemptFailed {
        if (logs == null) {
            logs = List.of();
        }
    }

    /** A failed attempt without a final progress or lines. */
    public JobAttemptFailed(UUID jobId, int attempt, String reason, int attemptsLeft, Actor actor) {
        this(jobId, attempt, reason, attemptsLeft, actor, null, 0, List.of());
    }
}
