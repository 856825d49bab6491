package dev.jobledger.query.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.messages.Actor;
import dev.jobledger.messages.Delivery;
import dev.jobledger.messages.JobAttemptFailed;
import dev.jobledger.messages.JobCompleted;
import dev.jobledger.messages.JobLogsAppended;
import dev.jobledger.messages.JobProgressed;
import dev.jobledger.messages.JobStarted;
import dev.jobledger.messages.JobStatus;
import dev.jobledger.messages.JobSubmitted;
import dev.jobledger.messages.JobView;
import dev.jobledger.messages.LogEntry;
import dev.jobledger.messages.LogLevel;
import dev.jobledger.messages.Progress;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The {@code job} projection without Spring or a database: rows kept in a map behind the repository interface, events
 * fed in as a tracking processor feeds them, including again.
 */
class JobProjectionTest {

    private static final UUID JOB = UUID.randomUUID();
    private static final Actor USER = Actor.user("alice");
    private static final Actor BRIDGE = Actor.bridge("job-bridge", "m-1", "r-1");
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    private final Map<UUID, JobRow> table = new LinkedHashMap<>();
    private final JobProjection projection = new JobProjection(inMemory(table));

    /** The repository methods the projection uses, over a map; anything else is a test failure. */
    private static JobRows inMemory(Map<UUID, JobRow> table) {
        return (JobRows) Proxy.newProxyInstance(
                JobRows.class.getClassLoader(),
                new Class<?>[] {JobRows.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "existsById" -> table.containsKey((UUID) args[0]);
                    case "findById" -> Optional.ofNullable(table.get((UUID) args[0]));
                    case "save" -> {
                        JobRow row = (JobRow) args[0];
                        table.put(row.toView().jobId(), row);
                        yield row;
                    }
                    case "deleteAllInBatch" -> {
                        table.clear();
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private JobView job() {
        return table.get(JOB).toView();
    }

    private void submitted() {
        projection.on(
                new JobSubmitted(JOB, "example", "alice", "jobs", 3, Map.of("rows", 2), null, Map.of(), USER),
                0,
                T0,
                null);
    }

    @Test
    void aSubmittedJobIsAPendingRowOfItsOwner() {
        submitted();

        assertThat(job().status()).isEqualTo(JobStatus.PENDING);
        assertThat(job().userId()).isEqualTo("alice");
        assertThat(job().maxAttempts()).isEqualTo(3);
        assertThat(job().createdAt()).isEqualTo(T0);
    }

    @Test
    void aRunThatLogsReportsProgressAndCompletesEndsCompletedWithItsResult() {
        submitted();
        projection.on(new JobStarted(JOB, 1, new Delivery("m-1", "r-1"), BRIDGE), 1, T0.plusSeconds(1), null);
        projection.on(
                new JobLogsAppended(JOB, 1, 1, List.of(new LogEntry(LogLevel.INFO, "read", null, null)), BRIDGE),
                2,
                T0.plusSeconds(2),
                null);
        projection.on(new JobProgressed(JOB, 1, new Progress(2, 2L, 0), BRIDGE), 3, T0.plusSeconds(3), null);
        projection.on(new JobCompleted(JOB, 1, Map.of("rows", 2), BRIDGE), 4, T0.plusSeconds(4), null);

        assertThat(job().status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(job().result()).isEqualTo(Map.of("rows", 2));
        assertThat(job().progress()).isEqualTo(new Progress(2, 2L, 0));
        assertThat(job().startedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(job().finishedAt()).isEqualTo(T0.plusSeconds(4));
        assertThat(job().updatedAt()).isEqualTo(T0.plusSeconds(4));
    }

    @Test
    void anEventDeliveredAgainChangesNothing() {
        submitted();
        projection.on(new JobStarted(JOB, 1, new Delivery("m-1", "r-1"), BRIDGE), 1, T0.plusSeconds(1), null);
        projection.on(new JobAttemptFailed(JOB, 1, "busy", 2, BRIDGE), 2, T0.plusSeconds(2), null);
        projection.on(new JobStarted(JOB, 2, new Delivery("m-2", "r-2"), BRIDGE), 3, T0.plusSeconds(3), null);
        JobView before = job();

        projection.on(new JobAttemptFailed(JOB, 1, "busy", 2, BRIDGE), 2, T0.plusSeconds(2), null);
        projection.on(
                new JobSubmitted(JOB, "example", "alice", "jobs", 3, Map.of("rows", 2), null, Map.of(), USER),
                0,
                T0,
                null);

        assertThat(job()).isEqualTo(before);
        assertThat(job().status()).isEqualTo(JobStatus.RUNNING);
        assertThat(job().attempt()).isEqualTo(2);
    }

    @Test
    void theResetHandlerEmptiesTheTableForAReplay() {
        submitted();

        projection.reset();

        assertThat(table).isEmpty();
    }
}
