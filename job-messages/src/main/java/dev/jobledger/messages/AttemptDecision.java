package dev.jobledger.messages;

/** The ledger's answer to a worker that wants to start an attempt. */
public enum AttemptDecision {
    /** Run the attempt. */
    PROCEED,
    /** Run nothing and acknowledge the delivery: the attempt already started, is stale, or the job is finished. */
    SKIP
}
