package dev.jobledger.app.axon;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.commandhandling.gateway.IntervalRetryScheduler;
import org.axonframework.commandhandling.gateway.RetryScheduler;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.EventBusSpanFactory;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jpa.SQLStateResolver;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.correlation.MessageOriginProvider;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * Axon's wiring that differs from its defaults.
 *
 * <p>Serializers get an object mapper of their own: the stored event format must not change when the web layer's
 * JSON settings do (the web layer refuses unknown fields; stored events must stay readable after fields are added).
 */
@Configuration(proxyBeanMethods = false)
class AxonConfiguration {

    /**
     * PostgreSQL reports a unique violation by SQL state (23505), not by the vendor code Axon's default resolver
     * reads. Recognised, a second writer of the same aggregate version fails with a ConcurrencyException, which the
     * gateway retries, instead of an opaque storage error.
     */
    @Bean
    PersistenceExceptionResolver persistenceExceptionResolver() {
        return new SQLStateResolver("23505");
    }

    /**
     * Commands that lost a race for the same aggregate version (two instances, or a report racing the dispatcher)
     * are sent again: they are decided anew on the winner's state. Nothing else is retried: a refusal or a missing
     * job is the answer, and retrying it would only delay it (and let its timing tell a missing job from another
     * user's).
     */
    @Bean
    CommandGateway commandGateway(CommandBus commandBus) {
        ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "command-retry");
            thread.setDaemon(true);
            return thread;
        });
        RetryScheduler interval = IntervalRetryScheduler.builder()
                .retryExecutor(retries)
                .retryInterval(20)
                .maxRetryCount(5)
                .build();
        RetryScheduler onlyLostRaces = (command, failure, failures, dispatch) ->
                isLostRace(failure) && interval.scheduleRetry(command, failure, failures, dispatch);
        return DefaultCommandGateway.builder()
                .commandBus(commandBus)
                .retryScheduler(onlyLostRaces)
                .build();
    }

    private static boolean isLostRace(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConcurrencyException) {
                return true;
            }
        }
        return false;
    }

    /** Axon's default table and column names (V1__axon_event_store.sql); the job cache reads the table too. */
    @Bean
    EventSchema eventSchema() {
        return new EventSchema();
    }

    /**
     * Axon's JDBC engine as its autoconfiguration builds it, reading timestamps once (see the class), its reads outside
     * a transaction of their own.
     */
    @Bean
    EventStorageEngine eventStorageEngine(
            Serializer defaultSerializer,
            PersistenceExceptionResolver persistenceExceptionResolver,
            @Qualifier("eventSerializer") Serializer eventSerializer,
            org.axonframework.config.Configuration configuration,
            ConnectionProvider connectionProvider,
            TransactionManager transactionManager,
            EventSchema schema,
            EventStoreSettings settings) {
        return LedgerEventStorageEngine.of(
                JdbcEventStorageEngine.builder()
                        .snapshotSerializer(defaultSerializer)
                        .upcasterChain(configuration.upcasterChain())
                        .persistenceExceptionResolver(persistenceExceptionResolver)
                        .eventSerializer(eventSerializer)
                        .snapshotFilter(configuration.snapshotFilter())
                        .connectionProvider(connectionProvider)
                        .transactionManager(new ReadsWithoutTransaction(transactionManager)),
                schema,
                PacedHeadReads.of(settings.headReads()));
    }

    /**
     * @param cachedEvents how many of the latest events the event store keeps in memory for the event processors that
     *     follow the head; a processor further behind reads the store itself until it has caught up
     * @param headReads how often the event store reads the latest events under load ({@link PacedHeadReads})
     */
    @ConfigurationProperties("jobledger.event-store")
    record EventStoreSettings(
            @DefaultValue("1024") int cachedEvents,
            @DefaultValue PacedHeadReads.Settings headReads) {}

    /**
     * Axon's embedded event store as its autoconfiguration builds it, keeping fewer of the latest events than Axon's
     * 10,000. A job's payload or result may be 256 KB of JSON and a log call megabytes: the storage engine keeps a
     * payload above 4 KiB as stored and deserialised only while used ({@link PayloadKeptWhileUsed}), and one above
     * {@value LedgerEventStorageEngine#KEPT_PAYLOAD_BYTES} bytes not at all (it is read again when used), so a kept
     * event weighs at most that much. The processors must not fall behind what is kept: under concurrent writes one
     * that did seldom finds its way back (Axon rejoins on an equal token, and the gaps of concurrent commits make its
     * token differ from every kept one), and then reads every event from the database itself until the service is
     * idle. With 64 kept events all three processors and the head follower did so under load, five reads of every
     * event; with 1,024, one and a half to two (docs/benchmarks.md, eighteenth round).
     */
    @Bean(name = "eventBus")
    @Qualifier("eventStore")
    LedgerEventStore eventStore(
            EventStorageEngine storageEngine,
            org.axonframework.config.Configuration configuration,
            EventStoreSettings settings) {
        return new LedgerEventStore(EmbeddedEventStore.builder()
                .storageEngine(storageEngine)
                .messageMonitor(configuration.messageMonitor(EventStore.class, "eventStore"))
                .spanFactory(configuration.getComponent(EventBusSpanFactory.class))
                .cachedEvents(settings.cachedEvents()));
    }

    /**
     * Axon's default keeps, on every message made while handling another, the handled message's id as {@code
     * correlationId} and its {@code traceId}. For an event that means deserialising the event's metadata in every
     * event processor for every event (Axon makes a result message per event), a tenth of a rebuild's CPU, for an id
     * nothing reads. Events pass on only their own id; commands pass on both, as before.
     */
    @Bean
    CorrelationDataProvider messageOriginProvider() {
        MessageOriginProvider origin = new MessageOriginProvider();
        return message -> message instanceof EventMessage<?>
                ? Map.of(MessageOriginProvider.getDefaultCorrelationKey(), message.getIdentifier())
                : origin.correlationDataFor(message);
    }

    @Bean
    @ConditionalOnProperty(value = "axon.metrics.auto-configuration.enabled", matchIfMissing = true)
    ConfigurerModule processorMeters(MeterRegistry registry, Clock clock) {
        return ProcessorMeters.onEveryProcessor(registry, clock);
    }

    @Bean
    @ConditionalOnProperty(value = "axon.metrics.auto-configuration.enabled", matchIfMissing = true)
    ConfigurerModule busMeters(MeterRegistry registry) {
        return BusMeters.onEveryBus(registry);
    }

    /**
     * An event handler that fails (the database is down, a bug) stops its processor, which retries the same events
     * with a growing backoff, instead of Axon's default of logging the failure and moving on: skipping would leave a
     * read model without the event for good, or a submitted job never dispatched.
     */
    @Autowired
    void failuresAreRetriedNotSkipped(EventProcessingConfigurer processing) {
        processing.registerDefaultListenerInvocationErrorHandler(configuration -> PropagatingErrorHandler.instance());
    }

    private static ObjectMapper eventMapper() {
        return JsonMapper.builder()
                .findAndAddModules()
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    private static Serializer jackson() {
        return new CachingJacksonSerializer(eventMapper());
    }

    @Bean
    @Primary
    Serializer serializer() {
        return jackson();
    }

    @Bean
    @Qualifier("messageSerializer")
    Serializer messageSerializer() {
        return jackson();
    }

    @Bean
    @Qualifier("eventSerializer")
    Serializer eventSerializer() {
        return jackson();
    }
}
