package dev.jobledger.app.axon;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.StreamableMessageSource;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.stereotype.Component;

/**
 * The event store as the ledger's event processors read it (their {@code source} in application.yml): under load, a
 * batch waits a few milliseconds to fill before it is handled.
 *
 * <p>A processor's batch costs a transaction, a token update and a commit (a WAL flush) whatever it holds, and the
 * job view one read of its rows. Axon's tracking processor takes what is there when a batch starts: with jobs
 * submitted one per request its batches held about 14 events, and that fixed cost, three processors over, was much
 * of the pipeline's database time. After a batch of at least {@code busyBatch} events, the next one waits until
 * {@code window} has passed since it started, or until it is full, before it is handled: the pipeline's database time
 * per job fell by a sixth (docs/benchmarks.md, twentieth round). After a smaller batch (an idle service, a job at a
 * time) nothing waits, so idle latency does not move.
 *
 * <p>How: Axon's {@code TrackingEventProcessor} (4.13) starts a batch with {@link BlockingStream#hasNextAvailable(int,
 * TimeUnit)} and fills it while {@link BlockingStream#peek()} finds another event; this stream's {@code peek} waits
 * for one within the batch's window. Anything else it passes on as it is. Were a later Axon to fill its batches
 * otherwise, nothing would wait: its batches would again be what is there.
 */
@Component
class FillingBatches implements StreamableMessageSource<TrackedEventMessage<?>> {

    /**
     * @param window how long a batch after a busy one may take to fill, from its first event; zero never waits
     * @param busyBatch the events a batch must have held for the next one to wait
     */
    @ConfigurationProperties("jobledger.event-processors.batch-filling")
    record Settings(
            @DefaultValue("10ms") Duration window,
            @DefaultValue("4") int busyBatch) {

        Settings {
            if (window.isNegative() || busyBatch < 1) {
                throw new IllegalArgumentException("jobledger.event-processors.batch-filling needs a window of 0 or"
                        + " more and a busy batch of 1 or more, not " + window + " and " + busyBatch);
            }
        }
    }

    private final LedgerEventStore events;
    private final Settings settings;

    FillingBatches(LedgerEventStore events, Settings settings) {
        this.events = events;
        this.settings = settings;
    }

    @Override
    public BlockingStream<TrackedEventMessage<?>> openStream(TrackingToken trackingToken) {
        BlockingStream<TrackedEventMessage<?>> stream = events.openStream(trackingToken);
        return settings.window().isZero() ? stream : new Filling(stream, settings, System::nanoTime);
    }

    @Override
    public TrackingToken createTailToken() {
        return events.createTailToken();
    }

    @Override
    public TrackingToken createHeadToken() {
        return events.createHeadToken();
    }

    @Override
    public TrackingToken createTokenAt(Instant dateTime) {
        return events.createTokenAt(dateTime);
    }

    /** One processor thread's stream: its state is that thread's alone. */
    static final class Filling implements BlockingStream<TrackedEventMessage<?>> {

        private final BlockingStream<TrackedEventMessage<?>> delegate;
        private final long waitNanos;
        private final int busyBatch;
        private final LongSupplier nanoTime;
        private long batchStarted;
        private int takenInBatch;
        private boolean afterBusyBatch;

        Filling(BlockingStream<TrackedEventMessage<?>> delegate, Settings settings, LongSupplier nanoTime) {
            this.delegate = delegate;
            this.waitNanos = settings.window().toNanos();
            this.busyBatch = settings.busyBatch();
            this.nanoTime = nanoTime;
        }

        @Override
        public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
            boolean available = delegate.hasNextAvailable(timeout, unit);
            if (available) {
                afterBusyBatch = takenInBatch >= busyBatch;
                takenInBatch = 0;
                batchStarted = nanoTime.getAsLong();
            }
            return available;
        }

        @Override
        public Optional<TrackedEventMessage<?>> peek() {
            Optional<TrackedEventMessage<?>> next = delegate.peek();
            if (next.isPresent() || !afterBusyBatch) {
                return next;
            }
            long left = batchStarted + waitNanos - nanoTime.getAsLong();
            if (left <= 0) {
                return next;
            }
            try {
                delegate.hasNextAvailable((int) Math.min(left, Integer.MAX_VALUE), TimeUnit.NANOSECONDS);
            } catch (InterruptedException stopping) {
                // The processor is being stopped: it sees the flag at its next wait; this batch ends here.
                Thread.currentThread().interrupt();
            }
            return delegate.peek();
        }

        @Override
        public TrackedEventMessage<?> nextAvailable() throws InterruptedException {
            takenInBatch++;
            return delegate.nextAvailable();
        }

        @Override
        public boolean hasNextAvailable() {
            return delegate.hasNextAvailable();
        }

        @Override
        public void skipMessagesWithPayloadTypeOf(TrackedEventMessage<?> ignoredMessage) {
            delegate.skipMessagesWithPayloadTypeOf(ignoredMessage);
        }

        @Override
        public boolean setOnAvailableCallback(Runnable callback) {
            return delegate.setOnAvailableCallback(callback);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
