package dev.jobledger.command.dispatch;

import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** The {@code job_dispatch} table: job attempts that are due, or will be, and have not been sent yet. */
@Component
class DispatchOutbox {

    /** One attempt to send. */
    record DueAttempt(
            long id,
            UUID jobId,
            int attempt,
            String jobType,
            String queue,
            String bucket,
            String fileKey,
            String fileName,
            Instant dueAt) {}

    private static final String PENDING_WRITES = DispatchOutbox.class.getName() + ".writes";

    private static final String REMEMBER = """
            INSERT INTO job_dispatch_target (job_id, job_type, queue, bucket, file_key, file_name)
            VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (job_id) DO NOTHING
            """;
    private static final String SCHEDULE = """
            INSERT INTO job_dispatch
                (cause_event_id, job_id, attempt, job_type, queue, bucket, file_key, file_name, due_at)
            SELECT ?, job_id, ?, job_type, queue, bucket, file_key, file_name, ?
            FROM job_dispatch_target WHERE job_id = ?
            ON CONFLICT (cause_event_id) DO NOTHING
            """;
    private static final String STARTED = "DELETE FROM job_dispatch WHERE job_id = ? AND attempt <= ?";
    private static final String FORGET = "DELETE FROM job_dispatch WHERE job_id = ?";

    private final JdbcTemplate jdbc;

    DispatchOutbox(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void remember(UUID jobId, String jobType, String queue, String bucket, String fileKey, String fileName) {
        write(REMEMBER, jobId, jobId, jobType, queue, bucket, fileKey, fileName);
    }

    String jobTypeOf(UUID jobId) {
        flushPendingWrites();
        return jdbc
                .query("SELECT job_type FROM job_dispatch_target WHERE job_id = ?", (row, i) -> row.getString(1), jobId)
                .stream()
                .findFirst()
                .orElse(null);
    }

    /**
     * Makes the attempt due at the given time, because of the event {@code causeEventId}; that event delivered again
     * inserts nothing twice.
     */
    void schedule(String causeEventId, UUID jobId, int attempt, Instant dueAt) {
        write(SCHEDULE, jobId, causeEventId, attempt, Timestamp.from(dueAt), jobId);
    }

    /** Attempts up to {@code attempt} need no message any more: that attempt has started. */
    void started(UUID jobId, int attempt) {
        write(STARTED, jobId, jobId, attempt);
    }

    /** Nothing more is sent for the job: it finished or was cancelled. */
    void forget(UUID jobId) {
        write(FORGET, jobId, jobId);
    }

    /**
     * Inside a unit of work (the dispatch processor's batch), the statement waits for the batch to commit and goes
     * with the batch's other statements (one round trip per kind instead of four per job, in the same transaction as
     * the processor's token); outside one, it runs at once.
     */
    private void write(String sql, UUID jobId, Object... arguments) {
        if (!CurrentUnitOfWork.isStarted()) {
            jdbc.update(sql, arguments);
            return;
        }
        UnitOfWork<?> batch = CurrentUnitOfWork.get().root();
        batch.getOrComputeResource(PENDING_WRITES, key -> {
                    OutboxWrites writes = new OutboxWrites();
                    batch.onPrepareCommit(committing -> writes.flush(jdbc::batchUpdate));
                    return writes;
                })
                .add(sql, jobId, arguments);
    }

    /** A read in the middle of a batch sees what the batch wrote before it. */
    private void flushPendingWrites() {
        if (CurrentUnitOfWork.isStarted()) {
            OutboxWrites writes = CurrentUnitOfWork.get().root().getResource(PENDING_WRITES);
            if (writes != null) {
                writes.flush(jdbc::batchUpdate);
            }
        }
    }

    /**
     * Claims the attempts that are due for one sender until {@code claimedUntil}, in one statement. Skips rows other
     * senders hold, so several instances can send side by side.
     */
    List<DueAttempt> claimDue(Instant now, Instant claimedUntil, int limit) {
        List<DueAttempt> due = new ArrayList<>(jdbc.query(
                """
                UPDATE job_dispatch SET claimed_until = ?
                WHERE id IN (
                    SELECT id FROM job_dispatch
                    WHERE due_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)
                    ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED)
                RETURNING id, job_id, attempt, job_type, queue, bucket, file_key, file_name, due_at
                """,
                (row, i) -> new DueAttempt(
                        row.getLong("id"),
                        row.getObject("job_id", UUID.class),
                        row.getInt("attempt"),
                        row.getString("job_type"),
                        row.getString("queue"),
                        row.getString("bucket"),
                        row.getString("file_key"),
                        row.getString("file_name"),
                        row.getTimestamp("due_at").toInstant()),
                Timestamp.from(claimedUntil),
                Timestamp.from(now),
                Timestamp.from(now),
                limit));
        due.sort(Comparator.comparing(DueAttempt::dueAt).thenComparing(DueAttempt::id));
        return due;
    }

    /** The attempts were sent and recorded on their jobs: one statement for a whole batch. */
    void sent(List<DueAttempt> attempts) {
        if (attempts.isEmpty()) {
            return;
        }
        Long[] ids = attempts.stream().map(DueAttempt::id).toArray(Long[]::new);
        jdbc.update(connection -> {
            PreparedStatement delete = connection.prepareStatement("DELETE FROM job_dispatch WHERE id = ANY(?)");
            delete.setArray(1, connection.createArrayOf("bigint", ids));
            return delete;
        });
    }

    /** Sending failed: the attempt stays due and is tried again after a wait that doubles up to ten seconds. */
    void failed(DueAttempt attempt, Instant now) {
        jdbc.update("""
                UPDATE job_dispatch
                SET claimed_until = CAST(? AS TIMESTAMPTZ) + LEAST(POWER(2, failures), 10) * INTERVAL '1 second', failures = failures + 1
                WHERE id = ?
                """, Timestamp.from(now), attempt.id());
    }
}
