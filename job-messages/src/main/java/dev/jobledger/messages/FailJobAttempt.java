package dev.jobledger.messages;

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
 */
public record FailJobAttempt(UUID jobId, Integer attempt, String reason, boolean retryable, Actor actor)
        implements JobCommand {}
