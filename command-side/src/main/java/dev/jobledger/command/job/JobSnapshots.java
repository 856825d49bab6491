package dev.jobledger.command.job;

import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Snapshots of the Job aggregate, so that a job with thousands of log batches loads from its latest snapshot instead
 * of its first event. The history and {@code asOf} queries never use them: they replay the events themselves.
 */
@Configuration(proxyBeanMethods = false)
class JobSnapshots {

    static final String TRIGGER = "jobSnapshotTrigger";

    /** @param threshold events replayed while loading a job that make the ledger store a snapshot of it */
    @ConfigurationProperties("jobledger.snapshots")
    record Settings(@DefaultValue("100") int threshold) {}

    @Bean(TRIGGER)
    SnapshotTriggerDefinition jobSnapshotTrigger(Snapshotter snapshotter, Settings settings) {
        return new EventCountSnapshotTriggerDefinition(snapshotter, settings.threshold());
    }
}
