package dev.jobledger.app.axon;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.messaging.Message;
import org.axonframework.monitoring.MessageMonitor;

/**
 * An event processor's meters, made once per processor: its lag ({@code eventProcessor.latency}, the age in
 * milliseconds of the last event it handled, as Axon's own latency monitor reports it) and its counts of events
 * ingested, succeeded, failed and ignored.
 *
 * <p>Axon's default monitors look every meter up again for each event, with a name and a tag list built per event, and
 * time each one into a histogram: in a profile of the ledger benchmark they took one sample in fifteen of the whole
 * service. These meters keep the names and the {@code processorName} tag that dashboards and alerts use
 * (docs/operations.md), without the per-payload-type split.
 */
final class ProcessorMeters implements MessageMonitor<Message<?>> {

    private static final String PREFIX = "eventProcessor";

    private final Clock clock;
    private final AtomicLong latency = new AtomicLong();
    private final Counter ingested;
    private final Counter succeeded;
    private final Counter failed;
    private final Counter ignored;
    private final MonitorCallback callback;

    ProcessorMeters(String processorName, MeterRegistry registry, Clock clock) {
        this.clock = clock;
        Tags tags = Tags.of("processorName", processorName);
        Gauge.builder(PREFIX + ".latency", latency, AtomicLong::get)
                .tags(tags)
                .baseUnit("milliseconds")
                .register(registry);
        ingested = registry.counter(PREFIX + ".ingestedCounter", tags);
        succeeded = registry.counter(PREFIX + ".successCounter", tags);
        failed = registry.counter(PREFIX + ".failureCounter", tags);
        ignored = registry.counter(PREFIX + ".ignoredCounter", tags);
        callback = new MonitorCallback() {
            @Override
            public void reportSuccess() {
                succeeded.increment();
            }

            @Override
            public void reportFailure(Throwable cause) {
                failed.increment();
            }

            @Override
            public void reportIgnored() {
                ignored.increment();
            }
        };
    }

    /** Installs these meters on every event processor, in place of Axon's default ones. */
    static ConfigurerModule onEveryProcessor(MeterRegistry registry, Clock clock) {
        return configurer -> configurer.configureMessageMonitor(
                EventProcessor.class, (configuration, type, name) -> new ProcessorMeters(name, registry, clock));
    }

    @Override
    public MonitorCallback onMessageIngested(Message<?> message) {
        ingested.increment();
        if (message instanceof EventMessage<?> event) {
            latency.set(Math.max(0, clock.millis() - event.getTimestamp().toEpochMilli()));
        }
        return callback;
    }
}
