package dev.jobledger.messages;

import java.util.UUID;

/**
 * A worker asks to run the job's next attempt. Answered with a {@link StartAnswer}: PROCEED when this start
 * begins an attempt, SKIP (and no event) when the attempt already started, is stale, or the job is finished or
 * cancelled. This makes the ledger the guard against duplicate deliveries.
 *
 * @param jobId the job
 * @param attempt the attempt the delivery was dispatched for, or {@code null} for "the next one"
 * @param delivery the delivery that caused the start
 * @param actor the bridge
 */
public record StartJobAttempt(UUID jobId, Integer attempt, Delivery delivery, Actor actor) implements JobCommand {}
