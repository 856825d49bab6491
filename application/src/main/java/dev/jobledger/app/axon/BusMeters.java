package dev.jobledger.app.axon;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.messaging.Message;
import org.axonframework.monitoring.MessageMonitor;
import org.axonframework.queryhandling.QueryBus;

/**
 * The command, event and query buses' meters, per payload type, made once per type instead of looked up again for
 * every message: {@code <bus>.ingestedCounter}, {@code .successCounter}, {@code .failureCounter} and
 * {@code <bus>.processingDuration} (a timer), tagged {@code payloadType}, under Axon's names for the buses
 * ({@code commandBus}, {@code eventStore}, {@code queryBus}). See {@link ProcessorMeters} for why.
 */
final class BusMeters implements MessageMonitor<Message<?>> {

    private final String bus;
    private final MeterRegistry registry;
    private final Map<Class<?>, PerType> types = new ConcurrentHashMap<>();

    private BusMeters(String bus, MeterRegistry registry) {
        this.bus = bus;
        this.registry = registry;
    }

    /** Installs these meters on the buses, in place of Axon's default ones. */
    static ConfigurerModule onEveryBus(MeterRegistry registry) {
        return configurer -> configurer
                .configureMessageMonitor(
                        CommandBus.class, (configuration, type, name) -> new BusMeters("commandBus", registry))
                .configureMessageMonitor(
                        EventBus.class, (configuration, type, name) -> new BusMeters("eventStore", registry))
                .configureMessageMonitor(
                        QueryBus.class, (configuration, type, name) -> new BusMeters("queryBus", registry));
    }

    @Override
    public MonitorCallback onMessageIngested(Message<?> message) {
        PerType meters = types.computeIfAbsent(message.getPayloadType(), PerType::new);
        meters.ingested.increment();
        long start = System.nanoTime();
        return new MonitorCallback() {
            @Override
            public void reportSuccess() {
                meters.duration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                meters.succeeded.increment();
            }

            @Override
            public void reportFailure(Throwable cause) {
                meters.duration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                meters.failed.increment();
            }

            @Override
            public void reportIgnored() {}
        };
    }

    private final class PerType {
        final Counter ingested;
        final Counter succeeded;
        final Counter failed;
        final Timer duration;

        PerType(Class<?> payloadType) {
            Tags tags = Tags.of("payloadType", payloadType.getSimpleName());
            ingested = registry.counter(bus + ".ingestedCounter", tags);
            succeeded = registry.counter(bus + ".successCounter", tags);
            failed = registry.counter(bus + ".failureCounter", tags);
            duration = Timer.builder(bus + ".processingDuration").tags(tags).register(registry);
        }
    }
}
