package dev.jobledger.messages;

/** Where a job is in its life. Which status may follow which is decided by the command side's lifecycle table. */
public enum JobStatus {
    /** Recorded and waiting to be picked up by a worker. */
    PENDING,
    /** A worker runs one of its attempts. */
    RUNNING,
    /** An attempt failed with a retryable error and attempts remain; the job waits for its next attempt. */
    RETRYING,
    /** The handler finished successfully. */
    COMPLETED,
    /** The last attempt failed, or the error was not retryable. */
    FAILED,
    /** Stopped on a user's or an admin's request. */
    CANCELLED
}
