package dev.jobledger.command.job;

/** An idempotency key was sent again with a different request. Answered as 422 Unprocessable Content. */
public class IdempotencyKeyReused extends RuntimeException {

    IdempotencyKeyReused(String key) {
        super("Idempotency key '" + key + "' was already used for a different request");
    }
}
