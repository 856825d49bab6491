package dev.jobledger.query.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobledger.messages.AttemptEnd;
import dev.jobledger.messages.JobAttemptFailed;
import dev.jobledger.messages.JobCancelled;
import dev.jobledger.messages.JobCompleted;
import dev.jobledger.messages.JobDeadLettered;
import dev.jobledger.messages.JobDispatched;
import dev.jobledger.messages.JobFailed;
import dev.jobledger.messages.JobLogsAppended;
import dev.jobledger.messages.JobProgressed;
import dev.jobledger.messages.JobRedispatched;
import dev.jobledger.messages.JobRedriven;
import dev.jobledger.messages.JobRetried;
import dev.jobledger.messages.JobStarted;
import dev.jobledger.messages.JobSubmitted;
import dev.jobledger.messages.StoredFile;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.postgresql.PGStatement;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Projects every job's events into the {@code job} table. Idempotent, and rebuildable from the event store.
 *
 * <p>The rows of the jobs a processor batch touches are read with one query (only the columns events change, never the
 * documents a submission set), changed in memory by named mutators ({@link JobRowState}), and written back once each,
 * in two JDBC batches (new rows, changed rows), when the batch commits. A job's many events in one batch (a rebuild
 * replays them back to back) are one update, not one each; and reading rows as JPA entities cost more than the rest of
 * the projection together (a JSON parse of every job's payload, dirty checking).
 */
@Component
@ProcessingGroup(JobProjection.PROCESSING_GROUP)
class JobProjection {

    static final String PROCESSING_GROUP = "job-view";

    private static final String SELECT = "SELECT id, " + JobRowState.CHANGED_COLUMNS + " FROM job WHERE id = ANY (?)";

    private static final int CHANGED_COUNT = JobRowState.CHANGED_COLUMNS.split(",").length;

    private static final String INSERT = "INSERT INTO job (id, job_type, user_id, queue, file_key, file_name, file_url,"
            + " file_size, file_content_type, payload, meta, created_at, " + JobRowState.CHANGED_COLUMNS + ", result)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb), ?, "
            + "?, ".repeat(CHANGED_COUNT) + "CAST(? AS jsonb)) ON CONFLICT (id) DO NOTHING";

    /**
     * Written only over the row as it was read: a row changed meanwhile fails the batch, which is tried again. The
     * result, a document the row was not read with, is written only when an event set it.
     */
    private static final String UPDATE = "UPDATE job SET (" + JobRowState.CHANGED_COLUMNS + ") = ("
            + "?, ".repeat(CHANGED_COUNT - 1) + "?), result = CASE WHEN ? THEN CAST(? AS jsonb) ELSE result END"
            + " WHERE id = ? AND last_event_sequence = ?";

    private static final String ROWS = JobProjection.class.getName() + ".rows";

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    JobProjection(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @EventHandler
    void on(JobSubmitted event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        withRows(rows -> {
            if (rows.find(event.jobId()) == null) {
                rows.changed(JobRowState.submitted(event, sequence, position(token), at));
            }
        });
    }

    @EventHandler
    void on(JobStarted event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        change(event.jobId(), sequence, at, token, row -> row.started(event.attempt(), at));
    }

    @EventHandler
    void on(JobLogsAppended event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        long last = event.firstSequence() + event.entries().size() - 1;
        change(event.jobId(), sequence, at, token, row -> row.logged(last));
    }

    @EventHandler
    void on(JobProgressed event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        change(event.jobId(), sequence, at, token, row -> row.progressed(event.progress()));
    }

    @EventHandler
    void on(JobCompleted event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        change(event.jobId(), sequence, at, token, row -> {
            lastLinesAndProgress(row, event);
            row.completed(event.result(), at);
        });
    }

    @EventHandler
    void on(JobAttemptFailed event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        change(event.jobId(), sequence, at, token, row -> {
            lastLinesAndProgress(row, event);
            row.attemptFailed(event.reason());
        });
    }

    @EventHandler
    void on(JobFailed event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        change(event.jobId(), sequence, at, token, row -> {
            lastLinesAndProgress(row, event);
            row.failed(event.reason(), at);
        });
    }

    /** What an attempt's end carries of its worker's last report: the final progress, the count of its last lines. */
    private static void lastLinesAndProgress(JobRowState row, AttemptEnd end) {
        if (end.progress() != null) {
            row.progressed(end.progress());
        }
        if (!end.logs().isEmpty()) {
            row.logged(end.firstLogSequence() + end.logs().size() - 1);
        }
    }

    @EventHandler
    void on(JobCancelled event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        change(event.jobId(), sequence, at, token, row -> row.cancelled(at));
    }

    @EventHandler
    void on(JobRetried event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        change(event.jobId(), sequence, at, token, row -> row.retried(event.maxAttempts()));
    }

    @EventHandler
    void on(JobRedriven event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        change(event.jobId(), sequence, at, token, row -> row.retried(event.maxAttempts()));
    }

    @EventHandler
    void on(JobDeadLettered event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        change(event.jobId(), sequence, at, token, row -> row.deadLettered(event.reason(), at));
    }

    @EventHandler
    void on(JobDispatched event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        change(event.jobId(), sequence, at, token, row -> {});
    }

    @EventHandler
    void on(JobRedispatched event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        change(event.jobId(), sequence, at, token, row -> {});
    }

    @ResetHandler
    void reset() {
        jdbc.update("TRUNCATE job");
    }

    /**
     * Applies a mutator to the job's row. An event of a job without a row is ahead of its job's submission, which this
     * read model cannot place: refused, and parked with the job's later events in the processor's dead-letter queue.
     */
    private void change(UUID jobId, long sequence, Instant at, TrackingToken token, Consumer<JobRowState> mutation) {
        withRows(rows -> {
            JobRowState row = rows.find(jobId);
            if (row == null) {
                throw new IllegalStateException(
                        "Event " + sequence + " of job " + jobId + " arrived before the job was projected");
            }
            if (row.hasApplied(sequence)) {
                return;
            }
            mutation.accept(row);
            row.applied(sequence, position(token), at);
            rows.changed(row);
        });
    }

    /**
     * The rows of the current unit of work, written when it commits; without one (a direct call), rows read and
     * written at once.
     */
    private void withRows(Consumer<Rows> work) {
        if (!CurrentUnitOfWork.isStarted()) {
            Rows rows = new Rows();
            work.accept(rows);
            rows.write();
            return;
        }
        UnitOfWork<?> unit = CurrentUnitOfWork.get();
        UnitOfWork<?> root = unit.root();
        work.accept(root.getOrComputeResource(ROWS, key -> {
            Rows rows = new Rows();
            if (unit instanceof BatchingUnitOfWork<?> batch) {
                rows.read(jobsOf(batch.getMessages()));
            }
            root.onPrepareCommit(committing -> rows.write());
            return rows;
        }));
    }

    private static Set<UUID> jobsOf(List<? extends Message<?>> messages) {
        Set<UUID> jobIds = new HashSet<>();
        for (Message<?> message : messages) {
            if (message instanceof DomainEventMessage<?> event && event.getAggregateIdentifier() != null) {
                jobIds.add(UUID.fromString(event.getAggregateIdentifier()));
            }
        }
        return jobIds;
    }

    /** The rows a unit of work reads and changes, and those it changed, in the order first changed. */
    private final class Rows {

        private final Set<UUID> looked = new HashSet<>();
        private final Map<UUID, JobRowState> found = new HashMap<>();
        private final Map<UUID, JobRowState> changed = new LinkedHashMap<>();

        JobRowState find(UUID jobId) {
            if (!looked.contains(jobId)) {
                read(Set.of(jobId));
            }
            return found.get(jobId);
        }

        void changed(JobRowState row) {
            found.put(row.id, row);
            changed.put(row.id, row);
        }

        void read(Collection<UUID> jobIds) {
            List<UUID> missing = jobIds.stream().filter(looked::add).toList();
            if (missing.isEmpty()) {
                return;
            }
            jdbc.query(
                    connection -> {
                        PreparedStatement select = connection.prepareStatement(SELECT);
                        // Planned for each read, never from a plan the connection cached: one cached while a new
                        // database's table held a few rows scans the whole table until PostgreSQL first analyzes it
                        // (a minute and tens of thousands of jobs later under load). Planning takes under 0.1 ms.
                        select.unwrap(PGStatement.class).setPrepareThreshold(0);
                        select.setArray(1, connection.createArrayOf("uuid", missing.toArray()));
                        return select;
                    },
                    (java.sql.ResultSet row) -> {
                        JobRowState state = JobRowState.read(row);
                        found.put(state.id, state);
                    });
        }

        void write() {
            List<JobRowState> inserts = new ArrayList<>();
            List<JobRowState> updates = new ArrayList<>();
            changed.values().forEach(row -> (row.isNew() ? inserts : updates).add(row));
            changed.clear();
            if (!inserts.isEmpty()) {
                jdbc.batchUpdate(INSERT, new Setter(inserts, JobProjection.this::bindInsert));
            }
            if (!updates.isEmpty()) {
                int[] counts = jdbc.batchUpdate(UPDATE, new Setter(updates, JobProjection.this::bindUpdate));
                for (int index = 0; index < counts.length; index++) {
                    if (counts[index] == 0) {
                        throw new IllegalStateException("The row of job " + updates.get(index).id
                                + " changed while this batch applied its events; the batch is tried again");
                    }
                }
            }
        }
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement statement, JobRowState row) throws SQLException;
    }

    private record Setter(List<JobRowState> rows, Binder binder) implements BatchPreparedStatementSetter {

        @Override
        public void setValues(PreparedStatement statement, int index) throws SQLException {
            binder.bind(statement, rows.get(index));
        }

        @Override
        public int getBatchSize() {
            return rows.size();
        }
    }

    private void bindInsert(PreparedStatement insert, JobRowState row) throws SQLException {
        JobSubmitted submission = row.submission;
        StoredFile file = submission.file();
        insert.setObject(1, row.id);
        insert.setString(2, Storable.text(submission.jobType()));
        insert.setString(3, Storable.text(submission.userId()));
        insert.setString(4, Storable.text(submission.queue()));
        insert.setString(5, file == null ? null : Storable.text(file.key()));
        insert.setString(6, file == null ? null : Storable.text(file.name()));
        insert.setString(7, file == null ? null : Storable.text(file.url()));
        insert.setObject(8, file == null ? null : file.size(), Types.BIGINT);
        insert.setString(9, file == null ? null : Storable.text(file.contentType()));
        insert.setString(10, document(submission.payload()));
        insert.setString(11, document(submission.meta()));
        insert.setObject(12, time(row.createdAt), Types.TIMESTAMP_WITH_TIMEZONE);
        int next = bindChanges(insert, 13, row);
        insert.setString(next, document(row.result));
    }

    private void bindUpdate(PreparedStatement update, JobRowState row) throws SQLException {
        int next = bindChanges(update, 1, row);
        update.setBoolean(next, row.resultChanged);
        update.setString(next + 1, document(row.result));
        update.setObject(next + 2, row.id);
        update.setLong(next + 3, row.storedSequence);
    }

    /**
     * Binds {@link JobRowState#CHANGED_COLUMNS}, in their order, from {@code first} on; answers the next parameter's
     * index.
     */
    private static int bindChanges(PreparedStatement statement, int first, JobRowState row) throws SQLException {
        int index = first;
        statement.setString(index++, row.status.name());
        statement.setInt(index++, row.attempt);
        statement.setInt(index++, row.attempts);
        statement.setInt(index++, row.maxAttempts);
        statement.setString(index++, row.errorReason);
        statement.setBoolean(index++, row.deadLettered);
        statement.setLong(index++, row.processedRows);
        statement.setObject(index++, row.totalRows, Types.BIGINT);
        statement.setLong(index++, row.failedRows);
        statement.setLong(index++, row.logCount);
        statement.setObject(index++, time(row.updatedAt), Types.TIMESTAMP_WITH_TIMEZONE);
        statement.setObject(index++, time(row.startedAt), Types.TIMESTAMP_WITH_TIMEZONE);
        statement.setObject(index++, time(row.finishedAt), Types.TIMESTAMP_WITH_TIMEZONE);
        statement.setLong(index++, row.lastEventSequence);
        statement.setLong(index++, row.lastEventIndex);
        return index;
    }

    private static OffsetDateTime time(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }

    /**
     * The change feed's cursor for a row: the processor's position, not the event's own index. The live streams follow
     * the table by it (see {@code JobChanges}): one segment commits its batches in order, so a reader that saw n has
     * seen every change below. An event that commits after a later one fills a gap and arrives with the position
     * already reached; stamped with its own, lower index it would be behind a reader that has read past it, and never
     * sent.
     */
    private static long position(TrackingToken token) {
        return token == null ? 0 : token.position().orElse(0);
    }

    private String document(Map<String, Object> document) {
        if (document == null) {
            return null;
        }
        try {
            return json.writeValueAsString(Storable.document(document));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("A job document is not JSON", e);
        }
    }
}
