package dev.jobledger.command.job;

import dev.jobledger.messages.AttemptEnd;
import dev.jobledger.messages.JobLogsAppended;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.AbstractSnapshotTrigger;
import org.axonframework.eventsourcing.SnapshotTrigger;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Snapshots of the Job aggregate, so that a job with thousands of log batches loads from its latest snapshot instead
 * of its first event. The history and {@code asOf} queries never use them: they replay the events themselves.
 *
 * <p>Loading a job costs what its events weigh, and a log batch weighs its lines: a CSV import reports its invalid
 * rows in batches of hundreds, so a job of twenty batches would replay thousands of lines on every command long
 * before it reached a count of events. Either limit makes a snapshot.
 */
@Configuration(proxyBeanMethods = false)
class JobSnapshots {

    static final String TRIGGER = "jobSnapshotTrigger";

    /**
     * @param threshold events replayed while loading a job that make the ledger store a snapshot of it
     * @param logLinesThreshold log lines replayed while loading a job that make the ledger store a snapshot of it
     */
    @ConfigurationProperties("jobledger.snapshots")
    record Settings(
            @DefaultValue("100") int threshold,
            @DefaultValue("1000") int logLinesThreshold) {}

    @Bean(TRIGGER)
    SnapshotTriggerDefinition jobSnapshotTrigger(Snapshotter snapshotter, Settings settings) {
        return new WeighingLogLines(snapshotter, settings.threshold(), settings.logLinesThreshold());
    }

    /** Axon's event count trigger, which also counts the lines of the log batches it sees. */
    record WeighingLogLines(Snapshotter snapshotter, int events, int logLines) implements SnapshotTriggerDefinition {

        @Override
        public SnapshotTrigger prepareTrigger(Class<?> aggregateType) {
            return new Trigger(snapshotter, aggregateType, events, logLines);
        }

        @Override
        public SnapshotTrigger reconfigure(Class<?> aggregateType, SnapshotTrigger trigger) {
            if (trigger instanceof Trigger known) {
                known.setSnapshotter(snapshotter);
                return known;
            }
            return prepareTrigger(aggregateType);
        }
    }

    static final class Trigger extends AbstractSnapshotTrigger {

        private static final long serialVersionUID = 1L;

        private final int eventsThreshold;
        private final int logLinesThreshold;
        private int events;
        private int logLines;

        Trigger(Snapshotter snapshotter, Class<?> aggregateType, int eventsThreshold, int logLinesThreshold) {
            super(snapshotter, aggregateType);
            this.eventsThreshold = eventsThreshold;
            this.logLinesThreshold = logLinesThreshold;
        }

        @Override
        public void eventHandled(EventMessage<?> event) {
            // The aggregate has applied the event, so its payload is deserialised already: reading it costs nothing.
            if (event.getPayload() instanceof JobLogsAppended logs) {
                logLines += logs.entries().size();
            } else if (event.getPayload() instanceof AttemptEnd end) {
                logLines += end.logs().size();
            }
            super.eventHandled(event);
        }

        @Override
        protected boolean exceedsThreshold() {
            return ++events >= eventsThreshold || logLines >= logLinesThreshold;
        }

        @Override
        protected void reset() {
            events = 0;
            logLines = 0;
        }
    }
}
