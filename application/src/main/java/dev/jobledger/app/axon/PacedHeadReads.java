package dev.jobledger.app.axon;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The pace of the event store's reader of the latest events: under load, at most one read per {@code interval}.
 *
 * <p>Axon's embedded event store has one reader that follows the head of the store for the processors. It reads
 * again as soon as a read found events, and after an empty read as soon as the next commit: under load it read the
 * head some 400 times a second, each read finding two or three events, and more than half of the reads ended empty
 * with Axon's extended gap check. Those queries, and the wake-ups of every processor after each read, were a twentieth
 * of the pipeline's CPU (docs/benchmarks.md, twenty-first round). While the last read that found events found at least
 * {@code busy}, a read waits until {@code interval} has passed since the previous one started, so that it finds what
 * arrived meanwhile in one query; empty reads keep that pace. A read that found fewer (an idle service: one commit,
 * one event) ends it, so idle latency does not move, and a full batch never waits: a backlog is read at once.
 *
 * <p>Axon asks its storage engine for the head with {@code mayBlock} set, which allows the engine to wait for events
 * ({@code EventStorageEngine#readEvents(TrackingToken, boolean)}): the engine waits here, on the reader's own thread.
 * The service has one event store, so one reader; the state here is shared by whatever asks with {@code mayBlock}.
 */
final class PacedHeadReads {

    private final long intervalNanos;
    private final int busy;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private final AtomicLong lastStarted = new AtomicLong();
    private final AtomicInteger foundByLast = new AtomicInteger();
    private volatile boolean busyLately;

    /**
     * {@code jobledger.event-store.head-reads}.
     *
     * @param interval the least time between two reads of the latest events after a busy one; zero never waits
     * @param busy the events a read must have found for the next one to wait
     */
    record Settings(
            @DefaultValue("5ms") Duration interval,
            @DefaultValue("2") int busy) {

        Settings {
            if (interval.isNegative() || busy < 1) {
                throw new IllegalArgumentException("jobledger.event-store.head-reads needs an interval of 0 or more"
                        + " and a busy read of 1 or more events, not " + interval + " and " + busy);
            }
        }
    }

    @FunctionalInterface
    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    PacedHeadReads(Settings settings, LongSupplier nanoTime, Sleeper sleeper) {
        this.intervalNanos = settings.interval().toNanos();
        this.busy = settings.busy();
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    static PacedHeadReads of(Settings settings) {
        return new PacedHeadReads(settings, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
    }

    /**
     * Reads once the previous read is an interval old, if the head has been busy and the previous read was not a full
     * batch of {@code fullBatch} events; counts what the read finds.
     */
    <T> Stream<T> read(int fullBatch, Supplier<Stream<T>> read) {
        if (intervalNanos == 0) {
            return read.get();
        }
        int found = foundByLast.getAndSet(0);
        if (found > 0) {
            busyLately = found >= busy;
        }
        if (busyLately && found < fullBatch) {
            long left = lastStarted.get() + intervalNanos - nanoTime.getAsLong();
            if (left > 0) {
                try {
                    sleeper.sleep(left);
                } catch (InterruptedException interrupted) {
                    // Not Axon's shutdown, which closes the reader without interrupting it: the read goes ahead, and
                    // the reader's next wait ends on the restored flag.
                    Thread.currentThread().interrupt();
                }
            }
        }
        lastStarted.set(nanoTime.getAsLong());
        return read.get().peek(event -> foundByLast.incrementAndGet());
    }
}
