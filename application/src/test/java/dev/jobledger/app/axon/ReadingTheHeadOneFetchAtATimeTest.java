package dev.jobledger.app.axon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.testing.LedgerIntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.upcasting.event.EventUpcaster;
import org.axonframework.serialization.upcasting.event.EventUpcasterChain;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;

/**
 * The event store's reader of the latest events (Axon asks with {@code mayBlock}) gets one fetch per read, and reads
 * again from where it stopped; every other reader gets everything after its token in one stream. A fetch whose events
 * an upcaster drops altogether is read past, as Axon's own stream reads past it.
 */
class ReadingTheHeadOneFetchAtATimeTest extends LedgerIntegrationTest {

    /** An event no processor of the service handles. */
    record Probe(int number) {}

    @Autowired
    private EventStorageEngine storage;

    @Autowired
    @Qualifier("eventSerializer")
    private Serializer eventSerializer;

    @Autowired
    private ConnectionProvider connections;

    @Autowired
    private TransactionManager transactions;

    @Autowired
    private EventSchema schema;

    @Test
    void theHeadIsReadABatchAtATimeWithNothingLostOrReordered() {
        LedgerEventStorageEngine engine = storage();
        int probes = engine.batchSize() + 50;
        TrackingToken before = engine.createHeadToken();
        String aggregate = "probe-" + UUID.randomUUID();
        engine.appendEvents(probes(aggregate, probes));

        List<Integer> read = new ArrayList<>();
        int reads = 0;
        TrackingToken from = before;
        while (read.size() < probes) {
            List<? extends TrackedEventMessage<?>> batch =
                    engine.readEvents(from, true).toList();
            assertThat(batch).as("read %d", reads).isNotEmpty().hasSizeLessThanOrEqualTo(engine.batchSize());
            batch.stream()
                    .filter(event -> event.getPayload() instanceof Probe)
                    .forEach(event -> read.add(((Probe) event.getPayload()).number()));
            from = batch.get(batch.size() - 1).trackingToken();
            reads++;
        }

        assertThat(reads).isGreaterThanOrEqualTo(2);
        assertThat(read)
                .containsExactlyElementsOf(IntStream.range(0, probes).boxed().toList());
        assertThat(engine.readEvents(before, false)
                        .filter(event -> event.getPayload() instanceof Probe)
                        .map(event -> ((Probe) event.getPayload()).number()))
                .containsExactlyElementsOf(read);
    }

    @Test
    void aFetchWhoseEventsAreAllUpcastAwayIsReadPastNotFetchedAgainForGood() {
        String aggregate = "probe-" + UUID.randomUUID();
        int dropped = storage().batchSize() + 20;
        int probes = dropped + 30;
        // An upcaster that drops this aggregate's first events, more than a fetch holds.
        EventUpcaster dropping = events -> events.filter(
                event -> !(aggregate.equals(event.getAggregateIdentifier().orElse(null))
                        && event.getSequenceNumber().orElseThrow() < dropped));
        LedgerEventStorageEngine engine = LedgerEventStorageEngine.of(
                JdbcEventStorageEngine.builder()
                        .eventSerializer(eventSerializer)
                        .snapshotSerializer(eventSerializer)
                        .upcasterChain(new EventUpcasterChain(dropping))
                        .connectionProvider(connections)
                        .transactionManager(transactions),
                schema,
                PacedHeadReads.of(new PacedHeadReads.Settings(Duration.ofMillis(5), 2)));
        TrackingToken before = engine.createHeadToken();
        engine.appendEvents(probes(aggregate, probes));

        List<Integer> read = new ArrayList<>();
        TrackingToken from = before;
        for (int reads = 0; reads < 10 && read.size() < probes - dropped; reads++) {
            List<? extends TrackedEventMessage<?>> batch =
                    engine.readEvents(from, true).toList();
            batch.stream()
                    .filter(event -> event.getPayload() instanceof Probe)
                    .forEach(event -> read.add(((Probe) event.getPayload()).number()));
            if (!batch.isEmpty()) {
                from = batch.get(batch.size() - 1).trackingToken();
            }
        }

        assertThat(read)
                .containsExactlyElementsOf(
                        IntStream.range(dropped, probes).boxed().toList());
    }

    private LedgerEventStorageEngine storage() {
        return (LedgerEventStorageEngine) storage;
    }

    private static List<EventMessage<?>> probes(String aggregate, int count) {
        List<EventMessage<?>> probes = new ArrayList<>();
        for (int number = 0; number < count; number++) {
            probes.add(new GenericDomainEventMessage<>("Probe", aggregate, number, new Probe(number)));
        }
        return probes;
    }
}
