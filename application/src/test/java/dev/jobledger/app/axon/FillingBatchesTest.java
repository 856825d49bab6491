package dev.jobledger.app.axon;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.junit.jupiter.api.Test;

class FillingBatchesTest {

    private static final Duration WAIT = Duration.ofMillis(10);

    private final Store store = new Store();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final FillingBatches.Filling stream =
            new FillingBatches.Filling(store, new FillingBatches.Settings(WAIT, 4), clock::get);

    @Test
    void aBatchAfterAQuietOneTakesWhatIsThereAndWaitsForNothing() throws Exception {
        store.has(2).arrivesWhileWaiting(3);

        assertThat(nextBatch()).hasSize(2);
        assertThat(store.waits).isEmpty();

        store.has(1);
        assertThat(nextBatch()).hasSize(1);
        assertThat(store.waits).isEmpty();
    }

    @Test
    void aBatchAfterABusyOneWaitsWithinItsWindowForMoreEvents() throws Exception {
        store.has(5);
        assertThat(nextBatch()).hasSize(5);

        store.has(1).arrivesWhileWaiting(2);
        clock.addAndGet(Duration.ofMillis(4).toNanos());

        assertThat(nextBatch()).hasSize(3);
        assertThat(store.waits)
                .hasSize(3)
                .allSatisfy(wait -> assertThat(wait).isPositive().isLessThanOrEqualTo(WAIT.toNanos()));
    }

    @Test
    void theWaitCountsFromTheBatchsFirstEvent() throws Exception {
        store.has(5);
        nextBatch();

        store.has(1);
        clock.addAndGet(Duration.ofMillis(3).toNanos());
        assertThat(stream.hasNextAvailable(1000, MILLISECONDS)).isTrue();
        stream.nextAvailable();
        clock.addAndGet(Duration.ofMillis(4).toNanos());

        assertThat(stream.peek()).isEmpty();
        assertThat(store.waits).containsExactly(Duration.ofMillis(6).toNanos());
    }

    @Test
    void aBatchWaitsNoLongerOnceItsWindowHasPassed() throws Exception {
        store.has(5);
        nextBatch();

        store.has(1).arrivesWhileWaiting(2);
        assertThat(stream.hasNextAvailable(1000, MILLISECONDS)).isTrue();
        stream.nextAvailable();
        clock.addAndGet(WAIT.toNanos());

        assertThat(stream.peek()).isEmpty();
        assertThat(store.waits).isEmpty();
    }

    @Test
    void aBatchThatFillsWithoutWaitingAfterAQuietOneMakesTheNextOneWait() throws Exception {
        store.has(2);
        nextBatch();
        store.has(4);
        nextBatch();
        assertThat(store.waits).isEmpty();

        store.has(1).arrivesWhileWaiting(1);
        assertThat(nextBatch()).hasSize(2);
        assertThat(store.waits).isNotEmpty();
    }

    @Test
    void settingsThatWouldWaitBackwardsOrAfterEveryBatchAreRefused() {
        assertThatThrownBy(() -> new FillingBatches.Settings(Duration.ofMillis(-1), 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("window");
        assertThatThrownBy(() -> new FillingBatches.Settings(WAIT, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("busy batch");
    }

    /**
     * A batch as Axon's TrackingEventProcessor (4.13) takes one: it waits for a first event, then takes more while a
     * look at the stream finds one.
     */
    private List<TrackedEventMessage<?>> nextBatch() throws InterruptedException {
        List<TrackedEventMessage<?>> batch = new ArrayList<>();
        if (!stream.hasNextAvailable(1000, MILLISECONDS)) {
            return batch;
        }
        batch.add(stream.nextAvailable());
        while (batch.size() < 100 && stream.peek().isPresent()) {
            batch.add(stream.nextAvailable());
        }
        return batch;
    }

    /** The event store's stream: the events there now, and those that arrive while a reader waits, one per wait. */
    private static final class Store implements BlockingStream<TrackedEventMessage<?>> {

        final Deque<TrackedEventMessage<?>> available = new ArrayDeque<>();
        final Deque<TrackedEventMessage<?>> arriving = new ArrayDeque<>();
        final List<Long> waits = new ArrayList<>();
        private long sequence;

        Store has(int events) {
            for (int i = 0; i < events; i++) {
                available.add(event());
            }
            return this;
        }

        Store arrivesWhileWaiting(int events) {
            for (int i = 0; i < events; i++) {
                arriving.add(event());
            }
            return this;
        }

        private TrackedEventMessage<?> event() {
            sequence++;
            return new GenericTrackedEventMessage<>(
                    new GlobalSequenceTrackingToken(sequence), GenericEventMessage.asEventMessage("event " + sequence));
        }

        @Override
        public Optional<TrackedEventMessage<?>> peek() {
            return Optional.ofNullable(available.peek());
        }

        @Override
        public boolean hasNextAvailable(int timeout, TimeUnit unit) {
            if (available.isEmpty() && timeout > 0) {
                waits.add(unit.toNanos(timeout));
                if (!arriving.isEmpty()) {
                    available.add(arriving.poll());
                }
            }
            return !available.isEmpty();
        }

        @Override
        public TrackedEventMessage<?> nextAvailable() {
            return available.poll();
        }

        @Override
        public void close() {}
    }
}
