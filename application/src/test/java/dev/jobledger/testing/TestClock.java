package dev.jobledger.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The service's clock in tests about time: the system clock, moved forward by the test instead of waiting for real
 * time to pass. Events keep their real timestamps (Axon stamps them), so moving this clock forward is, to the
 * service's decisions (a lease, a quiet period, a due retry), that much time gone by since every recorded event.
 */
public final class TestClock extends Clock {

    private final Clock system = Clock.systemUTC();
    private final AtomicReference<Duration> ahead = new AtomicReference<>(Duration.ZERO);

    /** Moves the service's time forward; later calls add up. */
    public void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("A test clock only moves forward: " + by);
        }
        ahead.accumulateAndGet(by, Duration::plus);
    }

    /** Back to real time, for the next test. */
    public void reset() {
        ahead.set(Duration.ZERO);
    }

    @Override
    public Instant instant() {
        return system.instant().plus(ahead.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (!ZoneOffset.UTC.equals(zone)) {
            throw new UnsupportedOperationException("The service works in UTC, not " + zone);
        }
        return this;
    }
}
