package dev.jobledger.lambda;

/** A ledger call that did not succeed. */
public abstract sealed class LedgerException extends RuntimeException
        permits LedgerException.Unavailable, LedgerException.Refused {

    LedgerException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The ledger could not be reached, or kept answering 5xx, after the bridge's bounded retries. */
    public static final class Unavailable extends LedgerException {

        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The ledger answered 4xx: not retried. 404 = job unknown, 409 = the job moved on. */
    public static final class Refused extends LedgerException {

        private final int status;

        public Refused(int status, String message) {
            super(message, null);
            this.status = status;
        }

        public int status() {
            return status;
        }

        public boolean jobUnknown() {
            return status == 404;
        }

        public boolean conflict() {
            return status == 409;
        }
    }
}
