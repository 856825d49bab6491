package dev.jobledger.command.job;

import com.github.benmanes.caffeine.cache.Caffeine;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentMap;
import org.axonframework.common.Registration;
import org.axonframework.common.caching.Cache;
import org.axonframework.config.Configuration;
import org.axonframework.eventsourcing.AggregateFactory;
import org.axonframework.eventsourcing.CachingEventSourcingRepository;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.modelling.command.RepositorySpanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Jobs kept in memory between their commands, so that a command does not read the job's snapshot and events and
 * replay them: a job's start and end each loaded it from the event store, about a fifth of the ledger's CPU.
 *
 * <p>Another instance of the service may have recorded events of a cached job since (behind a load balancer, any
 * instance takes any call). Appending on a stale job would fail at the store's unique sequence, but a stale job could
 * also refuse a command, or answer a repeat, without appending anything. So a cached job's decision counts only when
 * the store's last sequence number for it is the one it has ({@link Checked}); otherwise the job is read from the store
 * as if it had not been cached. A unit of work that rolls back removes the jobs it loaded from the cache (Axon's
 * caching repository), so the cache never holds a state the store does not.
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
class JobCache {

    static final String REPOSITORY = "jobRepository";

    /**
     * The resource marking a batch's unit of work ({@link BatchedCommands}): its cached jobs are checked against the
     * store when it commits, and only those that recorded nothing, instead of each when it is loaded.
     */
    static final String BATCH = JobCache.class.getName() + ".batch";

    private static final String UNCHECKED = JobCache.class.getName() + ".unchecked";

    /**
     * @param size how many jobs the cache keeps at most (Caffeine's size eviction: the least used go first); 0 keeps
     *     none
     */
    @ConfigurationProperties("jobledger.aggregate-cache")
    record Settings(@DefaultValue("10000") int size) {}

    /**
     * Built when Axon first asks for it: it needs Axon's configuration (handler resolution, the event store), which
     * Spring makes after this bean's definition.
     */
    @Bean(REPOSITORY)
    LazyRepository<Job> jobRepository(
            ObjectProvider<Configuration> axon,
            AggregateFactory<Job> jobAggregateFactory,
            @Qualifier(JobSnapshots.TRIGGER) SnapshotTriggerDefinition snapshots,
            ObjectProvider<JdbcTemplate> jdbc,
            ObjectProvider<EventSchema> schema,
            Settings settings) {
        return new LazyRepository<>(() -> {
            Configuration configuration = axon.getObject();
            EventSourcingRepository.Builder<Job> builder = EventSourcingRepository.builder(Job.class)
                    .parameterResolverFactory(configuration.parameterResolverFactory())
                    .handlerDefinition(configuration.handlerDefinition(Job.class))
                    .eventStore(configuration.eventStore())
                    .snapshotTriggerDefinition(snapshots)
                    .aggregateFactory(jobAggregateFactory)
                    .repositoryProvider(configuration::repository)
                    .spanFactory(configuration.getComponent(RepositorySpanFactory.class));
            return settings.size() == 0
                    ? builder.build()
                    : new Checked(
                            builder,
                            new Bounded(settings.size()),
                            configuration.eventStore(),
                            new StoredVersions(jdbc.getObject(), schema.getObject()));
        });
    }

    /**
     * Axon's caching repository, checking a cached job against the store before its command's answer counts.
     *
     * <p>Alone, a command's cached job is checked when it is loaded: one read of the store's last sequence number.
     *
     * <p>In a batch of commands, a cached job that records an event needs no read: its event takes the sequence number
     * after the cached one, which the store refuses (its unique aggregate sequence) if another instance recorded the
     * job meanwhile, and the batch is undone and each command sent again on its own, on what is stored. Only a job that
     * records nothing (a repeated call, a refusal) could be answered on a stale state unseen: the batch reads the store's
     * versions of those, in one query, before it commits, and is undone the same way if one has moved. The batch holds
     * each job's lock until it has committed, so no command of this instance moves a job in between.
     */
    static final class Checked extends CachingEventSourcingRepository<Job> {

        private final Cache cache;
        private final EventStore events;
        private final StoredVersions stored;

        Checked(EventSourcingRepository.Builder<Job> builder, Cache cache, EventStore events, StoredVersions stored) {
            super(builder.cache(cache));
            this.cache = cache;
            this.events = events;
            this.stored = stored;
        }

        @Override
        protected EventSourcedAggregate<Job> doLoadWithLock(String jobId, Long expectedVersion) {
            // Under the job's lock: no command of this instance changes the job or its cache entry meanwhile.
            boolean cached = cache.containsKey(jobId);
            EventSourcedAggregate<Job> job = super.doLoadWithLock(jobId, expectedVersion);
            if (cached
                    && !checkAtCommit(jobId, job)
                    && !Objects.equals(
                            job.version(), events.lastSequenceNumberFor(jobId).orElse(null))) {
                cache.remove(jobId);
                job = super.doLoadWithLock(jobId, expectedVersion);
            }
            return job;
        }

        /**
         * A finished job leaves the cache once its end is recorded: another command for it is rare (a repeated
         * delivery, an operator's retry) and reads it from the store, and the cache holds the jobs in flight, not the
         * last ten thousand that ran, which the collector would otherwise keep copying and marking.
         */
        @Override
        protected void doSaveWithLock(EventSourcedAggregate<Job> job) {
            super.doSaveWithLock(job);
            if (job.invoke(Job::isFinished)) {
                cache.remove(job.identifierAsString());
            }
        }

        /**
         * Leaves the check to the batch's commit; false outside a batch, and for a job the batch loads a second time
         * (its first load undone by a refusal), which is checked at once.
         */
        private boolean checkAtCommit(String jobId, EventSourcedAggregate<Job> job) {
            if (!CurrentUnitOfWork.isStarted()) {
                return false;
            }
            UnitOfWork<?> root = CurrentUnitOfWork.get().root();
            if (root.getResource(BATCH) == null) {
                return false;
            }
            Map<String, Loaded> unchecked = root.getOrComputeResource(UNCHECKED, key -> {
                Map<String, Loaded> loaded = new LinkedHashMap<>();
                // Whether this runs before or after the batch's append, the jobs it reads recorded nothing in the
                // batch: their versions in the store are what others recorded.
                root.onPrepareCommit(committing -> verify(loaded));
                return loaded;
            });
            return unchecked.putIfAbsent(jobId, new Loaded(job, job.version())) == null;
        }

        private void verify(Map<String, Loaded> loaded) {
            List<String> unmoved = new ArrayList<>();
            loaded.forEach((jobId, job) -> {
                if (Objects.equals(job.aggregate().version(), job.version())) {
                    unmoved.add(jobId);
                }
            });
            if (unmoved.isEmpty()) {
                return;
            }
            Map<String, Long> versions = stored.lastSequenceNumbers(unmoved);
            for (String jobId : unmoved) {
                if (!Objects.equals(versions.get(jobId), loaded.get(jobId).version())) {
                    cache.remove(jobId);
                    throw new StaleJobException(jobId);
                }
            }
        }

        /** A job as the batch loaded it from the cache, and its version then. */
        private record Loaded(EventSourcedAggregate<Job> aggregate, Long version) {}
    }

    /** A cached job that another instance moved: its batch is undone, and its commands decided on what is stored. */
    static final class StaleJobException extends RuntimeException {

        StaleJobException(String jobId) {
            super("Job " + jobId + " was recorded elsewhere since it was cached");
        }
    }

    /** The store's last sequence number of several jobs, in one query. */
    static final class StoredVersions {

        private final JdbcTemplate jdbc;
        private final String query;

        StoredVersions(JdbcTemplate jdbc, EventSchema schema) {
            this.jdbc = jdbc;
            // One index lookup per job, as Axon's own lastSequenceNumberFor does for one.
            this.query = "SELECT job_id, (SELECT MAX(" + schema.sequenceNumberColumn() + ") FROM "
                    + schema.domainEventTable() + " WHERE " + schema.aggregateIdentifierColumn()
                    + " = job_id) FROM unnest(?::varchar[]) AS jobs(job_id)";
        }

        /** A job without events maps to null. */
        Map<String, Long> lastSequenceNumbers(List<String> jobIds) {
            Map<String, Long> versions = new HashMap<>();
            if (jobIds.isEmpty()) {
                return versions;
            }
            jdbc.query(
                    connection -> {
                        PreparedStatement statement = connection.prepareStatement(query);
                        statement.setArray(1, connection.createArrayOf("varchar", jobIds.toArray()));
                        return statement;
                    },
                    (ResultSet row) -> {
                        String jobId = row.getString(1);
                        // wasNull() speaks of the column read last, so the id is read before the number.
                        long last = row.getLong(2);
                        versions.put(jobId, row.wasNull() ? null : last);
                    });
            return versions;
        }
    }

    /**
     * Axon's cache interface on a bounded Caffeine map; nothing in the ledger listens to its entries. A job holds its
     * payload and result, up to the document limit each, so a count alone does not bound the memory: the jobs are
     * held softly, and the collector drops them before the heap runs out (they are read from the store again).
     */
    static final class Bounded implements Cache {

        private final ConcurrentMap<Object, Object> entries;

        Bounded(int size) {
            this.entries = Caffeine.newBuilder()
                    .maximumSize(size)
                    .softValues()
                    // Its upkeep (evictions, values the collector cleared) runs on the thread that wrote, usually a few
                    // entries; on the shared pool, nearly every write woke a pool thread to do it. After a collection
                    // that cleared many jobs, one writer drops them all, a rare pause of a few milliseconds.
                    .executor(Runnable::run)
                    .build()
                    .asMap();
        }

        @Override
        @SuppressWarnings("unchecked")
        public <K, V> V get(K key) {
            return (V) entries.get(key);
        }

        @Override
        public void put(Object key, Object value) {
            entries.put(key, value);
        }

        @Override
        public boolean putIfAbsent(Object key, Object value) {
            return entries.putIfAbsent(key, value) == null;
        }

        @Override
        public boolean remove(Object key) {
            return entries.remove(key) != null;
        }

        @Override
        public void removeAll() {
            entries.clear();
        }

        @Override
        public boolean containsKey(Object key) {
            return entries.containsKey(key);
        }

        @Override
        public Registration registerCacheEntryListener(EntryListener listener) {
            throw new UnsupportedOperationException("The job cache has no entry listeners");
        }
    }
}
