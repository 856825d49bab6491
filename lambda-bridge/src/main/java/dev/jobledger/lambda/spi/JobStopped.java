package dev.jobledger.lambda.spi;

/**
 * Thrown by {@link JobContext#checkStop()} when the attempt must stop (the job was cancelled, the attempt is no longer
 * the running one, or the function's remaining time ran short). Handlers let it propagate; the bridge knows why it
 * stopped and reports accordingly.
 */
public final class JobStopped extends RuntimeException {

    public JobStopped(String reason) {
        super(reason, null, false, false);
    }
}
