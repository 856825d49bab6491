package dev.jobledger.messages;

/**
 * The answer to {@link StartJobAttempt}.
 *
 * @param decision run or skip
 * @param attempt the attempt to run (PROCEED) or the job's latest attempt (SKIP)
 * @param reason why a start was skipped, {@code null} for PROCEED
 * @param job the job as the ledger knows it after the decision: type, payload, file and budget for the handler
 */
public record StartAnswer(AttemptDecision decision, int attempt, String reason, JobView job) {}
