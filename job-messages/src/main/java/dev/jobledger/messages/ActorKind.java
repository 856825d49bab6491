package dev.jobledger.messages;

/** What kind of party caused a command, and so an event. */
public enum ActorKind {
    /** A user acting on their own jobs. */
    USER,
    /** A user with the {@link Caller#ADMIN} permission, who may act on every job. */
    ADMIN,
    /** The worker bridge reporting on behalf of an SQS delivery processed by the Lambda function. */
    BRIDGE,
    /** The ledger itself (dispatcher, dead-letter watcher). */
    SYSTEM
}
