package dev.jobledger.messages;

/**
 * The answer to {@link StartJobAttempt}.
 *
 * @param decision run or skip
 * @param attempt the attempt to run (PROCEED) or the job's latest attempt (SKIP)
 * @param reason why a start was skipped, {@code null} for PROCEED
 * @param job the job as the ledger knows it after the decision: type, payload, file and budget for the handler
 * @param ticket with PROCEED over the worker bridge: the attempt ticket of the attempt to run, for the worker's later
 *     calls about it. It is the delivery's own attempt's, except after a takeover, where a delivery of an abandoned
 *     attempt runs the next one; {@code null} for SKIP and where the job decides (the bridge adds it)
 */
public record StartAnswer(AttemptDecision decision, int attempt, String reason, JobView job, String ticket) {

    /** The answer as the job decides it, before the bridge hands out a ticket. */
    public StartAnswer(AttemptDecision decision, int attempt, String reason, JobView job) {
        this(decision, attempt, reason, job, null);
    }

    /** This answer with the ticket of its attempt. */
    public StartAnswer withTicket(String ticket) {
        return new StartAnswer(decision, attempt, reason, job, ticket);
    }
}
