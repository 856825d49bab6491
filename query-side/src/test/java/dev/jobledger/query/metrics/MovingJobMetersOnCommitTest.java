package dev.jobledger.query.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.messages.Actor;
import dev.jobledger.messages.JobCompleted;
import dev.jobledger.messages.JobFailed;
import dev.jobledger.messages.JobLogsAppended;
import dev.jobledger.messages.JobRetried;
import dev.jobledger.messages.JobStarted;
import dev.jobledger.messages.JobStatus;
import dev.jobledger.messages.JobSubmitted;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.SimpleEventBus;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * The job meters follow what is stored: the events a command publishes on the bus count once its unit of work
 * commits, in their order, and only then.
 */
class MovingJobMetersOnCommitTest {

    private static final Instant SUBMITTED = Instant.parse("2026-12-02T10:00:00Z");
    private static final Actor WORKER = Actor.bridge("worker", "m-1", "r-1");

    private final MeterRegistry registry = new SimpleMeterRegistry();
    // No job is looked up in the read model here: each one is submitted first.
    private final JobMetrics metrics = new JobMetrics(registry, null);
    private final EventBus bus = SimpleEventBus.builder().build();

    MovingJobMetersOnCommitTest() {
        bus.subscribe(metrics::stored);
    }

    @Test
    void aSubmissionIsCountedOnlyOnceItsCommandCommits() {
        UnitOfWork<?> command = DefaultUnitOfWork.startAndGet(null);
        bus.publish(at(SUBMITTED, submitted(UUID.randomUUID())));

        assertThat(submittedCount()).isZero();
        command.commit();
        assertThat(submittedCount()).isEqualTo(1);
    }

    @Test
    void aCommandThatRollsBackMovesNoMeter() {
        UnitOfWork<?> command = DefaultUnitOfWork.startAndGet(null);
        bus.publish(at(SUBMITTED, submitted(UUID.randomUUID())));
        command.rollback(new IllegalStateException("refused after its events were applied"));

        assertThat(submittedCount()).isZero();
    }

    @Test
    void theEventsOfOneCommitMoveTheMetersInTheirOrder() {
        UUID job = UUID.randomUUID();

        UnitOfWork<?> command = DefaultUnitOfWork.startAndGet(null);
        bus.publish(
                at(SUBMITTED, submitted(job)),
                at(SUBMITTED.plusSeconds(1), new JobStarted(job, 1, null, WORKER)),
                at(SUBMITTED.plusSeconds(2), new JobLogsAppended(job, 1, 1, List.of(), WORKER)),
                at(SUBMITTED.plusSeconds(5), new JobCompleted(job, 1, Map.of(), WORKER)));
        command.commit();

        assertThat(submittedCount()).isEqualTo(1);
        assertThat(registry.get("jobledger.jobs.completed")
                        .tag("job_type", "csv-import")
                        .counter()
                        .count())
                .isEqualTo(1);
        Timer attempt = registry.get("jobledger.jobs.attempt.duration")
                .tag("outcome", "completed")
                .timer();
        assertThat(attempt.count()).isEqualTo(1);
        assertThat(attempt.totalTime(TimeUnit.SECONDS)).isEqualTo(4);
    }

    @Test
    void theQueueWaitRunsFromTheSubmissionToTheAttemptsStart() {
        UUID job = UUID.randomUUID();
        bus.publish(at(SUBMITTED, submitted(job)));
        bus.publish(at(SUBMITTED.plusSeconds(3), new JobStarted(job, 1, null, WORKER)));

        assertThat(registry.get("jobledger.jobs.started").counter().count()).isEqualTo(1);
        Timer wait = registry.get("jobledger.jobs.queue.wait")
                .tag("job_type", "csv-import")
                .timer();
        assertThat(wait.count()).isEqualTo(1);
        assertThat(wait.totalTime(TimeUnit.SECONDS)).isEqualTo(3);
    }

    @Test
    void aMeterThatCannotMoveFailsNeitherTheCommandNorTheOtherMeters() {
        // A job this instance never saw, with no read model to ask: its meter cannot move.
        UUID unknown = UUID.randomUUID();

        UnitOfWork<?> command = DefaultUnitOfWork.startAndGet(null);
        bus.publish(
                at(SUBMITTED, new JobStarted(unknown, 1, null, WORKER)), at(SUBMITTED, submitted(UUID.randomUUID())));
        command.commit();

        assertThat(command.isRolledBack()).isFalse();
        assertThat(submittedCount()).isEqualTo(1);
    }

    @Test
    void aJobSubmittedThroughAnotherInstanceIsCountedUnderItsTypeReadOutsideTheMetersLock() {
        List<Boolean> lockHeldWhileReading = new ArrayList<>();
        AtomicReference<JobMetrics> instance = new AtomicReference<>();
        JdbcTemplate readModel = new JdbcTemplate() {
            @Override
            public <T> List<T> query(String sql, RowMapper<T> rowMapper, Object... args) {
                lockHeldWhileReading.add(Thread.holdsLock(instance.get()));
                @SuppressWarnings("unchecked")
                List<T> types = (List<T>) List.of("report");
                return types;
            }
        };
        JobMetrics elsewhere = new JobMetrics(registry, readModel);
        instance.set(elsewhere);
        UUID job = UUID.randomUUID();

        elsewhere.stored(List.of(
                at(SUBMITTED, new JobStarted(job, 1, null, WORKER)),
                at(SUBMITTED, new JobCompleted(job, 1, Map.of(), Actor.bridge("worker", "m-1", "r-2")))));

        assertThat(registry.get("jobledger.jobs.completed")
                        .tag("job_type", "report")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(lockHeldWhileReading).containsExactly(false);
    }

    @Test
    void aFinishedJobIsForgottenAndOneRetriedLaterHasItsTypeReadBack() {
        List<UUID> readBack = new ArrayList<>();
        JdbcTemplate readModel = new JdbcTemplate() {
            @Override
            public <T> List<T> query(String sql, RowMapper<T> rowMapper, Object... args) {
                readBack.add((UUID) args[0]);
                @SuppressWarnings("unchecked")
                List<T> types = (List<T>) List.of("csv-import");
                return types;
            }
        };
        JobMetrics metrics = new JobMetrics(registry, readModel);
        UUID completed = UUID.randomUUID();
        UUID failed = UUID.randomUUID();

        metrics.stored(List.of(
                at(SUBMITTED, submitted(completed)),
                at(SUBMITTED, submitted(failed)),
                at(SUBMITTED.plusSeconds(1), new JobStarted(completed, 1, null, WORKER)),
                at(SUBMITTED.plusSeconds(1), new JobStarted(failed, 1, null, WORKER)),
                at(SUBMITTED.plusSeconds(2), new JobCompleted(completed, 1, Map.of(), WORKER)),
                at(SUBMITTED.plusSeconds(2), new JobFailed(failed, 1, "bad file", false, WORKER))));
        assertThat(readBack).isEmpty();
        metrics.stored(List.of(
                at(SUBMITTED.plusSeconds(10), new JobRetried(failed, JobStatus.FAILED, 3, 2, Actor.user("user-1"))),
                at(SUBMITTED.plusSeconds(14), new JobStarted(failed, 2, null, WORKER))));

        assertThat(readBack).containsExactly(failed);
        Timer wait = registry.get("jobledger.jobs.queue.wait")
                .tag("job_type", "csv-import")
                .timer();
        assertThat(wait.count()).isEqualTo(3);
        assertThat(wait.max(TimeUnit.SECONDS)).isEqualTo(4);
    }

    private double submittedCount() {
        Counter counter = registry.find("jobledger.jobs.submitted").counter();
        return counter == null ? 0 : counter.count();
    }

    private static EventMessage<?> at(Instant timestamp, Object payload) {
        return new GenericEventMessage<>(GenericEventMessage.asEventMessage(payload), () -> timestamp);
    }

    private static JobSubmitted submitted(UUID job) {
        return new JobSubmitted(job, "csv-import", "user-1", "jobs", 3, Map.of(), null, Map.of(), Actor.user("user-1"));
    }
}
