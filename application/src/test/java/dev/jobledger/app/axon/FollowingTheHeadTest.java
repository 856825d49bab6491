package dev.jobledger.app.axon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.testing.LedgerIntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.axonframework.config.Configuration;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventStream;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * When a burst puts every stream behind the event store's cache of the latest events, the store's reader of the head
 * stops (it reads only for streams that follow it), and a stream that then reads past its stale cache can never find
 * its way back: it notices a new event only when its wait times out. The event processors wait a second at a time, so
 * every hop of every job took a second from then on. The head follower keeps the reader going.
 */
class FollowingTheHeadTest extends LedgerIntegrationTest {

    /** An event no processor of the service handles. */
    record Probe(int number) {}

    private static final String WAITER = "probe-waiter";

    @Autowired
    private EventStorageEngine storage;

    @Autowired
    private Configuration axon;

    @Autowired
    private AxonConfiguration.EventStoreSettings settings;

    @Test
    void aStreamThatFellBehindTheCacheWithEveryOtherIsWokenByTheNextEvent() throws Exception {
        LedgerEventStore store = new AxonConfiguration()
                .eventStore(storage, axon, new AxonConfiguration.EventStoreSettings(2, settings.headReads()));
        HeadFollower follower = new HeadFollower(store);
        ExecutorService waiter = Executors.newSingleThreadExecutor(task -> new Thread(task, WAITER));
        follower.start();
        String aggregate = "probe-" + UUID.randomUUID();
        try (TrackingEventStream stream = store.openStream(store.createHeadToken())) {
            // At the head: the stream follows the store's reader.
            stream.hasNextAvailable(1, TimeUnit.MILLISECONDS);
            store.publish(probes(aggregate, 0, 200));
            // Far behind a cache of two: the stream reads the database itself from here.
            nextProbe(stream);
            nextProbe(stream);
            store.publish(probes(aggregate, 200, 20));
            for (int read = 2; read < 220; read++) {
                assertThat(nextProbe(stream).getPayload()).isEqualTo(new Probe(read));
            }

            // As an event processor waits for its next event: far longer than the test may take.
            Future<Boolean> waiting = waiter.submit(() -> stream.hasNextAvailable(1, TimeUnit.HOURS));
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> waiting.isDone() || waiterIsParked());
            store.publish(probes(aggregate, 220, 1));

            // Woken by the new event: whether it is already read or read at the next ask, the wait ends now.
            waiting.get(20, TimeUnit.SECONDS);
            assertThat(nextProbe(stream).getPayload()).isEqualTo(new Probe(220));
        } finally {
            waiter.shutdownNow();
            follower.stop();
            store.shutDown();
        }
    }

    /** The waiter, parked in the store's wait for the next event. */
    private static boolean waiterIsParked() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(entry -> entry.getKey().getName().equals(WAITER))
                .anyMatch(entry -> entry.getKey().getState() == Thread.State.TIMED_WAITING
                        && Arrays.stream(entry.getValue())
                                .anyMatch(frame -> frame.getClassName().contains("EmbeddedEventStore")));
    }

    private static List<EventMessage<?>> probes(String aggregate, int first, int count) {
        List<EventMessage<?>> probes = new ArrayList<>();
        for (int number = first; number < first + count; number++) {
            probes.add(new GenericDomainEventMessage<>("Probe", aggregate, number, new Probe(number)));
        }
        return probes;
    }

    /**
     * The next event of this test's aggregate, within ten seconds. The stream also carries what other tests store
     * meanwhile, and may answer that nothing is there before its wait is over, as it does to an event processor.
     */
    private static TrackedEventMessage<?> nextProbe(TrackingEventStream stream) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            assertThat(System.nanoTime())
                    .as("the next probe within ten seconds")
                    .isLessThan(deadline);
            if (stream.hasNextAvailable(1, TimeUnit.SECONDS)) {
                TrackedEventMessage<?> next = stream.nextAvailable();
                if (next.getPayloadType().equals(Probe.class)) {
                    return next;
                }
            }
        }
    }
}
