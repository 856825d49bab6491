package dev.jobledger.app.axon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.testing.LedgerIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The event store's reader of the latest events (Axon asks with {@code mayBlock}) gets one fetch per read, and reads
 * again from where it stopped; every other reader gets everything after its token in one stream.
 */
class ReadingTheHeadOneFetchAtATimeTest extends LedgerIntegrationTest {

    /** An event no processor of the service handles. */
    record Probe(int number) {}

    @Autowired
    private EventStorageEngine storage;

    @Test
    void theHeadIsReadABatchAtATimeWithNothingLostOrReordered() {
        LedgerEventStorageEngine engine = (LedgerEventStorageEngine) storage;
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

    private static List<EventMessage<?>> probes(String aggregate, int count) {
        List<EventMessage<?>> probes = new ArrayList<>();
        for (int number = 0; number < count; number++) {
            probes.add(new GenericDomainEventMessage<>("Probe", aggregate, number, new Probe(number)));
        }
        return probes;
    }
}
