package dev.jobledger.messages;

import java.util.List;
import java.util.UUID;

/**
 * The running attempt failed. The ledger decides what follows: RETRYING while attempts remain and the error is
 * retryable, else FAILED. Repeated for the same attempt, it changes nothing. Answered with a {@link JobView}.
 *
 * @param jobId the job
 * @param attempt the failing attempt, or {@code null} for the current one
 * @param reason what went wrong, for people
 * @param retryable whether another attempt may succeed
 * @param actor the bridge
 * @param finalLogs the attempt's last log lines, recorded on the failure event itself, or empty
 * @param finalProgress the attempt's final progress, recorded on the failure event, or {@code null}
 */
public record FailJobAttempt(
        UUID jobId,
        Integer attempt,
        String reason,
        boolean retryable,
        Actor actor,
        List<LogEntry> finalLogs,
        Progress finalProgress)
        implements JobCommand {

    public FailJobAttempt {
        finalLogs = finalLogs == null ? List.of() : List.copyOf(finalLogs);
    }

    /** A failure with nothing riding on it. */
    public FailJobAttempt(UUID jobId, Integer attempt, String reason, boolean retryable, Actor actor) {
        this(jobId, attempt, reason, retryable, actor, List.of(), null);
    }
}
