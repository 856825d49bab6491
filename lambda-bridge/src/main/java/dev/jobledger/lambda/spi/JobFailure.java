package dev.jobledger.lambda.spi;

/**
 * Fails the attempt with a reason for people. {@code retryable=false} says another attempt cannot succeed (the input
 * is wrong), so the ledger fails the job at once; {@code retryable=true} lets the ledger retry while attempts remain.
 * Any other exception thrown by a handler counts as retryable.
 */
public class JobFailure extends RuntimeException {

    private final boolean retryable;

    public JobFailure(String reason, boolean retryable) {
        super(reason);
        this.retryable = retryable;
    }

    public JobFailure(String reason, boolean retryable, Throwable cause) {
        super(reason, cause);
        this.retryable = retryable;
    }

    /** The input can never succeed: fail the job without retrying. */
    public static JobFailure notRetryable(String reason) {
        return new JobFailure(reason, false);
    }

    /** Something transient went wrong: the ledger may retry. */
    public static JobFailure retryable(String reason) {
        return new JobFailure(reason, true);
    }

    public boolean retryable() {
        return retryable;
    }
}
