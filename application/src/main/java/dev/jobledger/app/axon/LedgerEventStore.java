package dev.jobledger.app.axon;

import java.util.List;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;

/** Axon's embedded event store, whose reader of the head can be asked to read now (see {@link HeadFollower}). */
final class LedgerEventStore extends EmbeddedEventStore {

    LedgerEventStore(Builder builder) {
        super(builder);
    }

    /** As after a commit of this instance: the reader reads the head now, if some stream follows it at this moment. */
    void readHeadNow() {
        afterCommit(List.of());
    }
}
