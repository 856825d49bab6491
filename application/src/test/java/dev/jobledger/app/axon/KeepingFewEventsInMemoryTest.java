package dev.jobledger.app.axon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.testing.LedgerIntegrationTest;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.axonframework.config.Configuration;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventStream;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The event store keeps the latest events in memory for the processors that follow the head. Axon's default of 10,000
 * such events, each with its payload as the first processor deserialised it, let 1,500 submissions of 200 KB payloads
 * exhaust a 2 GB heap (docs/benchmarks.md, eighth round), and even 64 of them held 40 MB of a CSV import's log lines
 * (eleventh round): the store must let go of older events, and of payloads no processor uses.
 */
class KeepingFewEventsInMemoryTest extends LedgerIntegrationTest {

    /** An event no processor of the service handles, so that it changes no read model and sends nothing. */
    record Probe(String text) {}

    @Autowired
    private EventStorageEngine storage;

    @Autowired
    private Configuration axon;

    @Autowired
    private AxonConfiguration.EventStoreSettings settings;

    @Test
    void payloadsOfEventsPastTheCacheCanBeCollectedOnceTheProcessorsHaveReadThem() throws Exception {
        EmbeddedEventStore store = storeKeeping(16);
        try (var stream = followingTheHead(store)) {
            String aggregate = "probe-" + UUID.randomUUID();
            // Small enough for the cache to keep its deserialised copy: only leaving the cache lets it go.
            String text = "x".repeat(1_000);
            List<WeakReference<Object>> payloads = new ArrayList<>();
            for (int sequence = 0; sequence < 100; sequence++) {
                store.publish(new GenericDomainEventMessage<>("Probe", aggregate, sequence, new Probe(text)));
                TrackedEventMessage<?> read = nextProbe(stream);
                assertThat(read.getPayload()).isEqualTo(new Probe(text));
                payloads.add(new WeakReference<>(read.getPayload()));
            }

            List<WeakReference<Object>> pastTheCache = payloads.subList(0, 50);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                System.gc();
                return pastTheCache.stream().allMatch(payload -> payload.get() == null);
            });
        } finally {
            store.shutDown();
        }
    }

    @Test
    void payloadsOfCachedEventsCanBeCollectedOnceTheProcessorsHaveReadThemAndAreReadAgainWhenAsked() throws Exception {
        EmbeddedEventStore store = storeKeeping(64);
        try (var stream = followingTheHead(store)) {
            String aggregate = "probe-" + UUID.randomUUID();
            List<TrackedEventMessage<?>> cached = new ArrayList<>();
            List<WeakReference<Object>> payloads = new ArrayList<>();
            for (int sequence = 0; sequence < 10; sequence++) {
                store.publish(new GenericDomainEventMessage<>(
                        "Probe", aggregate, sequence, new Probe(sequence + "x".repeat(10_000))));
                TrackedEventMessage<?> read = nextProbe(stream);
                // Two processors reading the event while it is handled share one copy.
                assertThat(read.getPayload()).isSameAs(read.getPayload());
                cached.add(read);
                payloads.add(new WeakReference<>(read.getPayload()));
            }

            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                System.gc();
                return payloads.stream().allMatch(payload -> payload.get() == null);
            });
            for (int sequence = 0; sequence < 10; sequence++) {
                assertThat(cached.get(sequence).getPayload()).isEqualTo(new Probe(sequence + "x".repeat(10_000)));
            }
        } finally {
            store.shutDown();
        }
    }

    @Test
    void anEventWithAPayloadAboveSixtyFourKibibytesKeepsNoneOfItAndReadsItAgainWhenAsked() throws Exception {
        EmbeddedEventStore store = storeKeeping(64);
        try (var stream = followingTheHead(store)) {
            String aggregate = "probe-" + UUID.randomUUID();
            Probe large = new Probe("x".repeat(LedgerEventStorageEngine.KEPT_PAYLOAD_BYTES));
            Probe small = new Probe("y".repeat(LedgerEventStorageEngine.KEPT_PAYLOAD_BYTES / 2));
            store.publish(
                    new GenericDomainEventMessage<>("Probe", aggregate, 0, large),
                    new GenericDomainEventMessage<>("Probe", aggregate, 1, small));
            TrackedEventMessage<?> readLarge = nextProbe(stream);
            TrackedEventMessage<?> readSmall = nextProbe(stream);

            // As the store keeps them, before any processor asks for their payloads.
            assertThat(largestArrayHeldBy(readLarge)).isLessThan(1_000);
            assertThat(largestArrayHeldBy(readSmall)).isGreaterThan(LedgerEventStorageEngine.KEPT_PAYLOAD_BYTES / 2);
            assertThat(readLarge.getPayload()).isEqualTo(large);
            assertThat(readLarge.getTimestamp()).isNotNull();
            assertThat(readSmall.getPayload()).isEqualTo(small);
        } finally {
            store.shutDown();
        }
    }

    /**
     * The length of the largest array or text the message holds through fields of Axon's, the service's and the JDK's
     * collections. Not followed: references that do not keep what they point at (weak, soft), and the serializer and
     * storage engine the message may use, which are shared by every message and hold no event.
     */
    private static int largestArrayHeldBy(Object message) throws IllegalAccessException {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object> next = new ArrayDeque<>(List.of(message));
        int largest = 0;
        while (!next.isEmpty()) {
            Object object = next.pop();
            if (!seen.add(object) || object instanceof Reference<?> || object instanceof Class<?>) {
                continue;
            }
            Class<?> type = object.getClass();
            if (type.isArray()) {
                largest = Math.max(largest, Array.getLength(object));
                if (!type.getComponentType().isPrimitive()) {
                    for (Object element : (Object[]) object) {
                        if (element != null) {
                            next.push(element);
                        }
                    }
                }
                continue;
            }
            if (object instanceof String text) {
                largest = Math.max(largest, text.length());
                continue;
            }
            if (object instanceof Collection<?> elements) {
                elements.stream().filter(Objects::nonNull).forEach(next::push);
                continue;
            }
            if (object instanceof Map<?, ?> entries) {
                entries.forEach((key, value) -> {
                    next.push(key);
                    if (value != null) {
                        next.push(value);
                    }
                });
                continue;
            }
            if (type.getModule().isNamed()
                    || type.getName().startsWith("java.")
                    || object instanceof Serializer
                    || object instanceof EventStorageEngine) {
                continue;
            }
            for (Class<?> declaring = type;
                    declaring != null && !declaring.getName().startsWith("java.");
                    declaring = declaring.getSuperclass()) {
                for (Field field : declaring.getDeclaredFields()) {
                    if (!Modifier.isStatic(field.getModifiers())
                            && !field.getType().isPrimitive()) {
                        field.setAccessible(true);
                        Object value = field.get(object);
                        if (value != null) {
                            next.push(value);
                        }
                    }
                }
            }
        }
        return largest;
    }

    private EmbeddedEventStore storeKeeping(int cachedEvents) {
        return new AxonConfiguration()
                .eventStore(
                        storage, axon, new AxonConfiguration.EventStoreSettings(cachedEvents, settings.headReads()));
    }

    /** A stream that reads the store's shared reader of the latest events, as processors that keep up do. */
    private static TrackingEventStream followingTheHead(EmbeddedEventStore store) throws InterruptedException {
        TrackingEventStream stream = store.openStream(store.createHeadToken());
        // Nothing is stored past the head yet: the stream ends its own read of the database and follows the store's
        // shared reader.
        stream.hasNextAvailable(1, TimeUnit.MILLISECONDS);
        return stream;
    }

    /** The next event of this test's aggregate: the stream also carries what other tests store meanwhile. */
    private static TrackedEventMessage<?> nextProbe(TrackingEventStream stream) throws InterruptedException {
        while (true) {
            assertThat(stream.hasNextAvailable(10, TimeUnit.SECONDS)).isTrue();
            TrackedEventMessage<?> next = stream.nextAvailable();
            if (next.getPayloadType().equals(Probe.class)) {
                return next;
            }
        }
    }
}
