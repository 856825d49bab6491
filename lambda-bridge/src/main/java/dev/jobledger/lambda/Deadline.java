package dev.jobledger.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import java.time.Duration;

/**
 * When the invocation must end, read once from the runtime and then compared with the monotonic clock. The runtime's
 * remaining time counts down from a fixed deadline, so this loses nothing, and the checks a handler makes at every row
 * cost one clock read each instead of a call into the runtime's context and a {@link Duration} apiece.
 */
final class Deadline {

    private final long endNanos;
    private final long safetyMarginNanos;

    private Deadline(long endNanos, long safetyMarginNanos) {
        this.endNanos = endNanos;
        this.safetyMarginNanos = safetyMarginNanos;
    }

    static Deadline of(Context lambda, Duration safetyMargin) {
        long now = System.nanoTime();
        return new Deadline(now + lambda.getRemainingTimeInMillis() * 1_000_000L, safetyMargin.toNanos());
    }

    private long remainingNanos(long now) {
        return endNanos - now;
    }

    Duration remaining() {
        return Duration.ofNanos(Math.max(0, remainingNanos(System.nanoTime())));
    }

    /** Below the safety margin: no new work may start, a running handler must stop. */
    boolean timeShort(long now) {
        return remainingNanos(now) < safetyMarginNanos;
    }

    /** Within twice the safety margin: finished attempts' reports go out now rather than risk the timeout. */
    boolean closeToShort(long now) {
        return remainingNanos(now) < 2 * safetyMarginNanos;
    }
}
