package dev.jobledger.query.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobledger.messages.Actor;
import dev.jobledger.messages.Delivery;
import dev.jobledger.messages.JobAttemptFailed;
import dev.jobledger.messages.JobCompleted;
import dev.jobledger.messages.JobDeadLettered;
import dev.jobledger.messages.JobLogsAppended;
import dev.jobledger.messages.JobProgressed;
import dev.jobledger.messages.JobRetried;
import dev.jobledger.messages.JobStarted;
import dev.jobledger.messages.JobStatus;
import dev.jobledger.messages.JobSubmitted;
import dev.jobledger.messages.JobView;
import dev.jobledger.messages.LogEntry;
import dev.jobledger.messages.LogLevel;
import dev.jobledger.messages.Progress;
import dev.jobledger.messages.StoredFile;
import dev.jobledger.testing.LedgerIntegrationTest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * The {@code job} projection on the real table: events fed in as a tracking processor feeds them, including again and
 * out of place, and the row read back as the queries read it. Each test has a job of its own, which the running
 * processors never see (its events are not in the event store).
 */
class JobProjectionTest extends LedgerIntegrationTest {

    private static final Actor USER = Actor.user("alice");
    private static final Actor BRIDGE = Actor.bridge("job-bridge", "m-1", "r-1");
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @Autowired
    private JobProjection projection;

    @Autowired
    private JobRows rows;

    @Autowired
    private JdbcTemplate jdbc;

    private final UUID job = UUID.randomUUID();

    private JobView row() {
        return rows.findById(job).map(JobRow::toView).orElseThrow();
    }

    private JobSubmitted submission(StoredFile file) {
        return new JobSubmitted(
                job, "example", "alice", "jobs", 3, Map.of("rows", 2), file, Map.of("origin", "test"), USER);
    }

    private void submitted() {
        projection.on(submission(null), 0, T0, null);
    }

    /** Submitted (0), started (1), one line logged (2). */
    private void runningWithOneLine() {
        submitted();
        projection.on(new JobStarted(job, 1, new Delivery("m-1", "r-1"), BRIDGE), 1, T0.plusSeconds(1), null);
        projection.on(
                new JobLogsAppended(job, 1, 1, List.of(new LogEntry(LogLevel.INFO, "read", null, null)), BRIDGE),
                2,
                T0.plusSeconds(2),
                null);
    }

    @Test
    void aSubmittedJobIsAPendingRowOfItsOwnerWithWhatItWasSubmittedWith() {
        projection.on(
                submission(new StoredFile("uploads/a.csv", "a.csv", "s3://bucket/uploads/a.csv", 42, "text/csv")),
                0,
                T0,
                null);

        JobView view = row();
        assertThat(view.status()).isEqualTo(JobStatus.PENDING);
        assertThat(view.userId()).isEqualTo("alice");
        assertThat(view.maxAttempts()).isEqualTo(3);
        assertThat(view.payload()).isEqualTo(Map.of("rows", 2));
        assertThat(view.meta()).isEqualTo(Map.of("origin", "test"));
        assertThat(view.file())
                .isEqualTo(new StoredFile("uploads/a.csv", "a.csv", "s3://bucket/uploads/a.csv", 42, "text/csv"));
        assertThat(view.createdAt()).isEqualTo(T0);
        assertThat(view.progress()).isEqualTo(new Progress(0, null, 0));
    }

    @Test
    void aRunThatLogsReportsProgressAndCompletesEndsCompletedWithItsResult() {
        runningWithOneLine();
        projection.on(new JobProgressed(job, 1, new Progress(2, 2L, 0), BRIDGE), 3, T0.plusSeconds(3), null);
        projection.on(new JobCompleted(job, 1, Map.of("rows", 2), BRIDGE), 4, T0.plusSeconds(4), null);

        JobView view = row();
        assertThat(view.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(view.attempt()).isEqualTo(1);
        assertThat(view.attempts()).isEqualTo(1);
        assertThat(view.result()).isEqualTo(Map.of("rows", 2));
        assertThat(view.progress()).isEqualTo(new Progress(2, 2L, 0));
        assertThat(view.startedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(view.finishedAt()).isEqualTo(T0.plusSeconds(4));
        assertThat(view.updatedAt()).isEqualTo(T0.plusSeconds(4));
    }

    @Test
    void aCompletionThatCarriesTheFinalProgressSetsIt() {
        submitted();
        projection.on(new JobStarted(job, 1, new Delivery("m-1", "r-1"), BRIDGE), 1, T0.plusSeconds(1), null);
        projection.on(
                new JobCompleted(job, 1, Map.of("rows", 5), BRIDGE, new Progress(5, 5L, 1)),
                2,
                T0.plusSeconds(2),
                null);

        assertThat(row().progress()).isEqualTo(new Progress(5, 5L, 1));
    }

    @Test
    void theLastLinesACompletionCarriesCountInTheJobsLog() {
        runningWithOneLine();
        assertThat(logCount()).isEqualTo(1);

        projection.on(
                new JobCompleted(
                        job,
                        1,
                        Map.of("rows", 2),
                        BRIDGE,
                        null,
                        2,
                        List.of(
                                new LogEntry(LogLevel.INFO, "row 1", 1L, null),
                                new LogEntry(LogLevel.ERROR, "row 2", 2L, null))),
                3,
                T0.plusSeconds(3),
                null);

        assertThat(logCount()).isEqualTo(3);
        assertThat(row().status()).isEqualTo(JobStatus.COMPLETED);
    }

    @Test
    void aCompletionWithoutLinesLeavesTheLogCountAsItWas() {
        runningWithOneLine();

        projection.on(new JobCompleted(job, 1, Map.of(), BRIDGE), 3, T0.plusSeconds(3), null);

        assertThat(logCount()).isEqualTo(1);
    }

    @Test
    void aFailedAttemptsLastLinesAndProgressCountOnItsFailure() {
        runningWithOneLine();

        projection.on(
                new JobAttemptFailed(
                        job,
                        1,
                        "locked",
                        2,
                        BRIDGE,
                        new Progress(1, 4L, 1),
                        2,
                        List.of(new LogEntry(LogLevel.ERROR, "row 1 is locked", 1L, null))),
                3,
                T0.plusSeconds(3),
                null);

        assertThat(logCount()).isEqualTo(2);
        assertThat(row().status()).isEqualTo(JobStatus.RETRYING);
        assertThat(row().progress()).isEqualTo(new Progress(1, 4L, 1));
    }

    private long logCount() {
        return jdbc.queryForObject("SELECT log_count FROM job WHERE id = ?", Long.class, job);
    }

    @Test
    void aFailedAttemptThenARetryStartsTheCountAgainAndClearsTheOutcome() {
        submitted();
        projection.on(new JobStarted(job, 1, new Delivery("m-1", "r-1"), BRIDGE), 1, T0.plusSeconds(1), null);
        projection.on(new JobAttemptFailed(job, 1, "busy", 2, BRIDGE), 2, T0.plusSeconds(2), null);
        assertThat(row().status()).isEqualTo(JobStatus.RETRYING);
        assertThat(row().errorReason()).isEqualTo("busy");
        projection.on(
                new JobDeadLettered(job, 1, "msg-1", "gave up", JobStatus.RETRYING, Actor.system("dlq")),
                3,
                T0.plusSeconds(3),
                null);
        assertThat(row().status()).isEqualTo(JobStatus.FAILED);
        assertThat(row().deadLettered()).isTrue();

        projection.on(new JobRetried(job, JobStatus.FAILED, 5, 2, USER), 4, T0.plusSeconds(4), null);

        JobView view = row();
        assertThat(view.status()).isEqualTo(JobStatus.PENDING);
        assertThat(view.attempts()).isZero();
        assertThat(view.maxAttempts()).isEqualTo(5);
        assertThat(view.errorReason()).isNull();
        assertThat(view.deadLettered()).isFalse();
        assertThat(view.finishedAt()).isNull();
    }

    @Test
    void anEventDeliveredAgainChangesNothing() {
        submitted();
        projection.on(new JobStarted(job, 1, new Delivery("m-1", "r-1"), BRIDGE), 1, T0.plusSeconds(1), null);
        projection.on(new JobAttemptFailed(job, 1, "busy", 2, BRIDGE), 2, T0.plusSeconds(2), null);
        projection.on(new JobStarted(job, 2, new Delivery("m-2", "r-2"), BRIDGE), 3, T0.plusSeconds(3), null);
        JobView before = row();

        projection.on(new JobAttemptFailed(job, 1, "busy", 2, BRIDGE), 2, T0.plusSeconds(2), null);
        projection.on(new JobStarted(job, 2, new Delivery("m-2", "r-2"), BRIDGE), 3, T0.plusSeconds(3), null);
        projection.on(submission(null), 0, T0, null);

        assertThat(row()).isEqualTo(before);
        assertThat(row().status()).isEqualTo(JobStatus.RUNNING);
        assertThat(row().attempt()).isEqualTo(2);
        assertThat(row().attempts()).isEqualTo(2);
    }

    @Test
    void anEventOfAJobWithoutARowIsRefusedForTheDeadLetterQueue() {
        assertThatThrownBy(() -> projection.on(
                        new JobStarted(job, 1, new Delivery("m-1", "r-1"), BRIDGE), 1, T0.plusSeconds(1), null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("arrived before the job was projected");
        assertThat(rows.findById(job)).isEmpty();
    }

    @Test
    void textPostgreSqlCannotStoreIsKeptReadable() {
        projection.on(
                new JobSubmitted(
                        job, "example", "alice", "jobs", 3, Map.of("note", "nul\u0000byte"), null, Map.of(), USER),
                0,
                T0,
                null);
        projection.on(new JobAttemptFailed(job, 1, "bad\u0000reason", 2, BRIDGE), 1, T0.plusSeconds(1), null);

        assertThat(row().payload()).isEqualTo(Map.of("note", "nul\uFFFDbyte"));
        assertThat(row().errorReason()).isEqualTo("bad\uFFFDreason");
    }

    /**
     * A new database's job table grows from empty within seconds under load, long before PostgreSQL analyzes it. A
     * plan the connection cached while the table held a few rows (a sequential scan, right then) must not stay: it
     * made every batch read a scan of the whole table, 0.9 ms per batch at 9,000 jobs and growing.
     */
    @Test
    void aJobsRowIsFoundByItsKeyAfterTheTableGrewFromEmpty(
            @Autowired DataSource dataSource, @Autowired ObjectMapper json) throws SQLException {
        String schema = "growing_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = dataSource.getConnection();
                Statement sql = connection.createStatement()) {
            sql.execute("CREATE SCHEMA " + schema);
            try {
                sql.execute("CREATE TABLE " + schema + ".job (LIKE public.job INCLUDING ALL)");
                sql.execute("SET search_path = " + schema);
                JdbcTemplate oneConnection = new JdbcTemplate(new SingleConnectionDataSource(connection, true));
                JobProjection growing = new JobProjection(oneConnection, json);
                List<UUID> jobs = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    UUID id = UUID.randomUUID();
                    growing.on(
                            new JobSubmitted(id, "example", "alice", "jobs", 3, Map.of(), null, Map.of(), USER),
                            0,
                            T0,
                            null);
                    jobs.add(id);
                }
                sql.execute("INSERT INTO job SELECT (jsonb_populate_record(NULL::job, to_jsonb(j)"
                        + " || jsonb_build_object('id', gen_random_uuid()))).* FROM job j, generate_series(1, 2000)");

                connection.setAutoCommit(false);
                growing.on(
                        new JobStarted(jobs.get(0), 1, new Delivery("m-1", "r-1"), BRIDGE), 1, T0.plusSeconds(1), null);
                Map<String, Object> scans = oneConnection.queryForMap(
                        "SELECT seq_scan, idx_scan FROM pg_stat_xact_user_tables WHERE relid = 'job'::regclass");
                connection.commit();

                assertThat(scans).containsEntry("seq_scan", 0L);
                assertThat((Long) scans.get("idx_scan")).isPositive();
            } finally {
                connection.setAutoCommit(true);
                sql.execute("RESET search_path");
                sql.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }
}
