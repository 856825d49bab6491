package dev.jobledger.query.metrics;

import dev.jobledger.messages.JobAttemptFailed;
import dev.jobledger.messages.JobCancelled;
import dev.jobledger.messages.JobCompleted;
import dev.jobledger.messages.JobDeadLettered;
import dev.jobledger.messages.JobFailed;
import dev.jobledger.messages.JobRedriven;
import dev.jobledger.messages.JobRetried;
import dev.jobledger.messages.JobStarted;
import dev.jobledger.messages.JobStatus;
import dev.jobledger.messages.JobSubmitted;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Counts the jobs' transitions per job type and times their attempts and queue waits, as their events are stored.
 *
 * <p>A subscribing processor (see {@link JobMetricsConfiguration}): it sees the events of the commands this instance
 * handles, in the command's thread, and moves the meters only once they are committed, so a command that rolls back
 * moves none. A tracking processor did this before at the cost of a second read and deserialisation of every event
 * and a token commit per batch (some 4 % of the service's CPU under load, docs/benchmarks.md), for work of a few
 * microseconds per event. It never replays, so neither a deployment nor a rebuild counts history again. Durations
 * come from the events' own timestamps. Each instance counts the events it stored; sum over instances.
 */
@Component
@ProcessingGroup(JobMetrics.PROCESSING_GROUP)
class JobMetrics {

    static final String PROCESSING_GROUP = "job-metrics";

    private static final Logger log = LoggerFactory.getLogger(JobMetrics.class);

    // Enough for every job that is in flight; an evicted job's type is read back from the job table.
    private static final int REMEMBERED_JOBS = 50_000;
    private static final String UNKNOWN_TYPE = "unknown";

    /** What the meters need to know of a job between its events. */
    private static final class Tracked {
        final String type;
        Instant dueAt;
        Instant startedAt;

        Tracked(String type) {
            this.type = type;
        }
    }

    private final MeterRegistry registry;
    private final JdbcTemplate jdbc;
    private final Map<UUID, Tracked> jobs = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Tracked> eldest) {
            return size() > REMEMBERED_JOBS;
        }
    };

    JobMetrics(MeterRegistry registry, JdbcTemplate jdbc) {
        this.registry = registry;
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(JobSubmitted event, @Timestamp Instant at) {
        afterCommit(() -> {
            Tracked job = new Tracked(event.jobType());
            job.dueAt = at;
            synchronized (this) {
                jobs.put(event.jobId(), job);
                count("submitted", job);
            }
        });
    }

    @EventHandler
    void on(JobStarted event, @Timestamp Instant at) {
        afterCommit(event.jobId(), job -> {
            count("started", job);
            // Only an attempt that was due at once has a queue wait; one after a retry backoff would time the backoff.
            if (job.dueAt != null) {
                timer(
                                "jobledger.jobs.queue.wait",
                                "Time from submission (or retry, or redrive) to the attempt's start",
                                job)
                        .record(positive(Duration.between(job.dueAt, at)));
            }
            job.dueAt = null;
            job.startedAt = at;
        });
    }

    @EventHandler
    void on(JobCompleted event, @Timestamp Instant at) {
        afterCommit(event.jobId(), job -> {
            count("completed", job);
            attemptEnded(job, "completed", at);
        });
    }

    @EventHandler
    void on(JobAttemptFailed event, @Timestamp Instant at) {
        afterCommit(event.jobId(), job -> {
            count("attempt.failed", job);
            attemptEnded(job, "retrying", at);
        });
    }

    @EventHandler
    void on(JobFailed event, @Timestamp Instant at) {
        afterCommit(event.jobId(), job -> {
            count("failed", job);
            attemptEnded(job, "failed", at);
        });
    }

    @EventHandler
    void on(JobCancelled event, @Timestamp Instant at) {
        afterCommit(event.jobId(), job -> {
            count("cancelled", job);
            if (event.previousStatus() == JobStatus.RUNNING) {
                attemptEnded(job, "cancelled", at);
            }
            job.dueAt = null;
        });
    }

    @EventHandler
    void on(JobDeadLettered event, @Timestamp Instant at) {
        afterCommit(event.jobId(), job -> {
            count("dead.lettered", job);
            job.dueAt = null;
            job.startedAt = null;
        });
    }

    @EventHandler
    void on(JobRetried event, @Timestamp Instant at) {
        afterCommit(event.jobId(), job -> job.dueAt = at);
    }

    @EventHandler
    void on(JobRedriven event, @Timestamp Instant at) {
        afterCommit(event.jobId(), job -> job.dueAt = at);
    }

    /**
     * Runs once the command's unit of work has committed the event (at once outside one). A meter never fails a
     * command that is already stored.
     */
    private void afterCommit(Runnable meters) {
        Runnable guarded = () -> {
            try {
                meters.run();
            } catch (RuntimeException e) {
                log.warn("A job meter could not be moved", e);
            }
        };
        if (CurrentUnitOfWork.isStarted()) {
            CurrentUnitOfWork.get().afterCommit(unitOfWork -> guarded.run());
        } else {
            guarded.run();
        }
    }

    /**
     * Moves a job's meters after the commit, one event at a time across the request threads. A job submitted before
     * this instance started, through another instance, or evicted since has its type read from the read model first,
     * outside the lock, so that one request's query does not hold up the others' meters.
     */
    private void afterCommit(UUID jobId, Consumer<Tracked> meters) {
        afterCommit(() -> {
            synchronized (this) {
                Tracked job = jobs.get(jobId);
                if (job != null) {
                    meters.accept(job);
                    return;
                }
            }
            Tracked read = new Tracked(typeInReadModel(jobId));
            synchronized (this) {
                meters.accept(jobs.computeIfAbsent(jobId, id -> read));
            }
        });
    }

    private void attemptEnded(Tracked job, String outcome, Instant at) {
        if (job.startedAt != null) {
            Timer.builder("jobledger.jobs.attempt.duration")
                    .description("Time from an attempt's start to its end")
                    .tag("job_type", job.type)
                    .tag("outcome", outcome)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(10))
                    .maximumExpectedValue(Duration.ofHours(1))
                    .register(registry)
                    .record(positive(Duration.between(job.startedAt, at)));
        }
        job.startedAt = null;
    }

    private void count(String transition, Tracked job) {
        Counter.builder("jobledger.jobs." + transition)
                .description("Jobs (or attempts) that made this transition")
                .tag("job_type", job.type)
                .register(registry)
                .increment();
    }

    private Timer timer(String name, String description, Tracked job) {
        return Timer.builder(name)
                .description(description)
                .tag("job_type", job.type)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(registry);
    }

    private String typeInReadModel(UUID jobId) {
        return jdbc.query("SELECT job_type FROM job WHERE id = ?", (row, i) -> row.getString(1), jobId).stream()
                .findFirst()
                .orElse(UNKNOWN_TYPE);
    }

    // Clocks of two instances can disagree by a little; a timer refuses nothing, but a negative wait is noise.
    private static Duration positive(Duration duration) {
        return duration.isNegative() ? Duration.ZERO : duration;
    }
}
