package dev.jobledger.messages;

import java.time.Instant;
import java.util.UUID;

/**
 * A worker asks to run the job's next attempt. Answered with a {@link StartAnswer}: PROCEED when this start
 * begins an attempt, SKIP (and no event) when the attempt already started, is stale, or the job is finished or
 * cancelled. This makes the ledger the guard against duplicate deliveries.
 *
 * <p>A running attempt that has reported nothing since {@code abandonedIfQuietSince} is taken to be abandoned (its
 * worker died without a word: out of memory, killed at its timeout): it fails as retryable, and this start runs the
 * next attempt if the budget allows. Without it a redelivered message would be skipped forever behind a dead attempt.
 *
 * @param jobId the job
 * @param attempt the attempt the delivery was dispatched for, or {@code null} for "the next one"
 * @param delivery the delivery that caused the start
 * @param actor the bridge
 * @param abandonedIfQuietSince the running attempt's lease: quiet since before this instant means abandoned; {@code
 *     null} never takes over
 */
public record StartJobAttempt(
        UUID jobId, Integer attempt, Delivery delivery, Actor actor, Instant abandonedIfQuietSince)
        implements JobCommand {

    /** A start that never takes over a running attempt. */
    public StartJobAttempt(UUID jobId, Integer attempt, Delivery delivery, Actor actor) {
        this(jobId, attempt, delivery, actor, null);
    }
}
