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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Counts the jobs' transitions per job type and times their attempts and queue waits, as their events are stored.
 *
 * <p>Subscribed to the event bus (see {@link JobMetricsConfiguration}): it is handed the events of each command this
 * instance handles as the command's unit of work prepares to commit, in the command's thread, and moves the meters
 * only once they are committed, so a command that rolls back moves none. It never replays, so neither a deployment
 * nor a rebuild counts history again. Durations come from the events' own timestamps. Each instance counts the
 * events it stored; sum over instances.
 *
 * <p>Why not an event processor: a tracking one read and deserialised every event a second time and committed a token
 * per batch (some 4 % of the service's CPU under load), and even a subscribing one spent some 3 % in Axon's
 * per-message machinery (a unit of work, interceptors and monitors per event) for work of a few microseconds
 * (docs/benchmarks.md, thirteenth and sixteenth rounds).
 */
@Component
class JobMetrics {

    private static final Logger log = LoggerFactory.getLogger(JobMetrics.class);

    // Enough for every job that is in flight (a finished one is forgotten at once); an evicted or retried job's type is
    // read back from the job table.
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

    private void on(JobSubmitted event, Instant at) {
        Tracked job = new Tracked(event.jobType());
        job.dueAt = at;
        synchronized (this) {
            jobs.put(event.jobId(), job);
            count("submitted", job);
        }
    }

    private void on(JobStarted event, Instant at) {
        withJob(event.jobId(), job -> {
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

    private void on(JobCompleted event, Instant at) {
        withJob(event.jobId(), job -> {
            count("completed", job);
            attemptEnded(job, "completed", at);
            jobs.remove(event.jobId());
        });
    }

    private void on(JobAttemptFailed event, Instant at) {
        withJob(event.jobId(), job -> {
            count("attempt.failed", job);
            attemptEnded(job, "retrying", at);
        });
    }

    private void on(JobFailed event, Instant at) {
        withJob(event.jobId(), job -> {
            count("failed", job);
            attemptEnded(job, "failed", at);
            jobs.remove(event.jobId());
        });
    }

    private void on(JobCancelled event, Instant at) {
        withJob(event.jobId(), job -> {
            count("cancelled", job);
            if (event.previousStatus() == JobStatus.RUNNING) {
                attemptEnded(job, "cancelled", at);
            }
            jobs.remove(event.jobId());
        });
    }

    private void on(JobDeadLettered event, Instant at) {
        withJob(event.jobId(), job -> {
            count("dead.lettered", job);
            job.dueAt = null;
            job.startedAt = null;
        });
    }

    private void on(JobRetried event, Instant at) {
        withJob(event.jobId(), job -> job.dueAt = at);
    }

    private void on(JobRedriven event, Instant at) {
        withJob(event.jobId(), job -> job.dueAt = at);
    }

    /**
     * The events a unit of work is about to commit, in their order: their meters move, in that order, once it has
     * committed (at once outside one); a unit of work with nothing to count (log batches, progress, dispatches)
     * registers nothing. A meter never fails a command: whatever goes wrong is logged and skipped.
     */
    void stored(List<? extends EventMessage<?>> events) {
        List<Runnable> moves = new ArrayList<>(events.size());
        for (EventMessage<?> event : events) {
            Runnable move = movesFor(event.getPayload(), event.getTimestamp());
            if (move != null) {
                moves.add(move);
            }
        }
        if (moves.isEmpty()) {
            return;
        }
        if (CurrentUnitOfWork.isStarted()) {
            CurrentUnitOfWork.get().afterCommit(committed -> move(moves));
        } else {
            move(moves);
        }
    }

    private static void move(List<Runnable> moves) {
        for (Runnable move : moves) {
            try {
                move.run();
            } catch (RuntimeException e) {
                log.warn("A job meter could not be moved", e);
            }
        }
    }

    /** What the event moves, or {@code null} for an event no meter counts. */
    private Runnable movesFor(Object payload, Instant at) {
        if (payload instanceof JobSubmitted submitted) {
            return () -> on(submitted, at);
        } else if (payload instanceof JobStarted started) {
            return () -> on(started, at);
        } else if (payload instanceof JobCompleted completed) {
            return () -> on(completed, at);
        } else if (payload instanceof JobAttemptFailed attemptFailed) {
            return () -> on(attemptFailed, at);
        } else if (payload instanceof JobFailed failed) {
            return () -> on(failed, at);
        } else if (payload instanceof JobCancelled cancelled) {
            return () -> on(cancelled, at);
        } else if (payload instanceof JobDeadLettered deadLettered) {
            return () -> on(deadLettered, at);
        } else if (payload instanceof JobRetried retried) {
            return () -> on(retried, at);
        } else if (payload instanceof JobRedriven redriven) {
            return () -> on(redriven, at);
        }
        return null;
    }

    /**
     * Moves a job's meters, one event at a time across the request threads. A job submitted before this instance
     * started, through another instance, or evicted since has its type read from the read model first, outside the
     * lock, so that one request's query does not hold up the others' meters.
     */
    private void withJob(UUID jobId, Consumer<Tracked> meters) {
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
