package dev.jobledger.query.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobledger.messages.AttemptEnd;
import dev.jobledger.messages.JobLogsAppended;
import dev.jobledger.messages.LogEntry;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Projects log batches, and the last lines an attempt's end carries, into the {@code job_log} table. A batch is
 * inserted with one JDBC batch rather than entity by entity, because a large import writes hundreds of thousands of
 * lines. The key (job, position in the log) keeps the written order and makes a redelivered batch insert nothing.
 */
@Component
@ProcessingGroup(JobLogProjection.PROCESSING_GROUP)
class JobLogProjection {

    static final String PROCESSING_GROUP = "job-log-view";

    private static final String INSERT = """
            INSERT INTO job_log (job_id, sequence, attempt, level, message, row_number, meta, created_at)
            VALUES (?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?)
            ON CONFLICT (job_id, sequence) DO NOTHING
            """;

    private static final String PENDING = JobLogProjection.class.getName() + ".pending";

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    JobLogProjection(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** One line to insert, at its position in the job's log. */
    private record Line(UUID jobId, int attempt, long sequence, LogEntry entry, Timestamp createdAt) {}

    /**
     * Lines of every event in the processor's batch are inserted together, with one JDBC batch when the batch
     * commits: a replay of many small log events costs a round trip per batch, not per event.
     */
    @EventHandler
    void on(JobLogsAppended event, @org.axonframework.eventhandling.Timestamp Instant at) {
        append(event.jobId(), event.attempt(), event.firstSequence(), event.entries(), at);
    }

    /** The lines a worker still held when its attempt ended ride on the end: completed, or failed. */
    @EventHandler
    void on(AttemptEnd event, @org.axonframework.eventhandling.Timestamp Instant at) {
        append(event.jobId(), event.attempt(), event.firstLogSequence(), event.logs(), at);
    }

    private void append(UUID jobId, int attempt, long firstSequence, List<LogEntry> entries, Instant at) {
        if (entries.isEmpty()) {
            return;
        }
        Timestamp createdAt = Timestamp.from(at);
        List<Line> lines = IntStream.range(0, entries.size())
                .mapToObj(index -> new Line(jobId, attempt, firstSequence + index, entries.get(index), createdAt))
                .toList();
        if (CurrentUnitOfWork.isStarted()) {
            pendingInThisBatch().addAll(lines);
        } else {
            insert(lines);
        }
    }

    private List<Line> pendingInThisBatch() {
        UnitOfWork<?> batch = CurrentUnitOfWork.get().root();
        return batch.getOrComputeResource(PENDING, key -> {
            List<Line> lines = new ArrayList<>();
            batch.onPrepareCommit(committing -> insert(lines));
            return lines;
        });
    }

    private void insert(List<Line> lines) {
        if (lines.isEmpty()) {
            return;
        }
        jdbc.batchUpdate(INSERT, new BatchPreparedStatementSetter() {
            @Override
            public void setValues(PreparedStatement statement, int index) throws SQLException {
                Line line = lines.get(index);
                LogEntry entry = line.entry();
                statement.setObject(1, line.jobId());
                statement.setLong(2, line.sequence());
                statement.setInt(3, line.attempt());
                statement.setString(4, entry.level().name());
                statement.setString(5, Storable.text(entry.message()));
                statement.setObject(6, entry.rowNumber());
                statement.setString(7, toJson(entry));
                statement.setTimestamp(8, line.createdAt());
            }

            @Override
            public int getBatchSize() {
                return lines.size();
            }
        });
    }

    private String toJson(LogEntry entry) {
        if (entry.meta() == null) {
            return null;
        }
        try {
            return json.writeValueAsString(Storable.document(entry.meta()));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Log meta is not JSON", e);
        }
    }

    @ResetHandler
    void reset() {
        jdbc.update("TRUNCATE job_log");
    }
}
