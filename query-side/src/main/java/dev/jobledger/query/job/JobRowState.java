package dev.jobledger.query.job;

import dev.jobledger.messages.JobStatus;
import dev.jobledger.messages.JobSubmitted;
import dev.jobledger.messages.Progress;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

/**
 * What the {@code job} projection changes of one row: the columns events change, read without the documents a
 * submission set (payload, meta, file), changed only through named mutators, each called for one event, and written
 * back once per processor batch. The sequence number of the last applied event makes a redelivered event change
 * nothing.
 */
final class JobRowState {

    /** The columns events change: with {@code id}, what {@link #read} reads and the projection writes back. */
    static final String CHANGED_COLUMNS = "status, attempt, attempts, max_attempts, error_reason, dead_lettered,"
            + " processed_rows, total_rows, failed_rows, log_count, updated_at, started_at, finished_at,"
            + " last_event_sequence, last_event_index";

    final UUID id;

    /** The submission, for a row this batch creates; {@code null} for a row that exists in the table. */
    final JobSubmitted submission;

    /** The last applied event's sequence number as stored: the row is written back only if it is still that. */
    final long storedSequence;

    JobStatus status;
    int attempt;
    int attempts;
    int maxAttempts;
    String errorReason;
    boolean deadLettered;
    boolean resultChanged;
    Map<String, Object> result;
    long processedRows;
    Long totalRows;
    long failedRows;
    long logCount;
    Instant createdAt;
    Instant updatedAt;
    Instant startedAt;
    Instant finishedAt;
    long lastEventSequence;
    long lastEventIndex;

    private JobRowState(UUID id, JobSubmitted submission, long storedSequence) {
        this.id = id;
        this.submission = submission;
        this.storedSequence = storedSequence;
    }

    static JobRowState submitted(JobSubmitted event, long sequence, long position, Instant at) {
        JobRowState row = new JobRowState(event.jobId(), event, -1);
        row.status = JobStatus.PENDING;
        row.maxAttempts = event.maxAttempts();
        row.createdAt = at;
        row.updatedAt = at;
        row.lastEventSequence = sequence;
        row.lastEventIndex = position;
        return row;
    }

    static JobRowState read(ResultSet row) throws SQLException {
        long sequence = row.getLong("last_event_sequence");
        JobRowState state = new JobRowState(row.getObject("id", UUID.class), null, sequence);
        state.status = JobStatus.valueOf(row.getString("status"));
        state.attempt = row.getInt("attempt");
        state.attempts = row.getInt("attempts");
        state.maxAttempts = row.getInt("max_attempts");
        state.errorReason = row.getString("error_reason");
        state.deadLettered = row.getBoolean("dead_lettered");
        state.processedRows = row.getLong("processed_rows");
        long total = row.getLong("total_rows");
        state.totalRows = row.wasNull() ? null : total;
        state.failedRows = row.getLong("failed_rows");
        state.logCount = row.getLong("log_count");
        state.updatedAt = instant(row, "updated_at");
        state.startedAt = instant(row, "started_at");
        state.finishedAt = instant(row, "finished_at");
        state.lastEventSequence = sequence;
        state.lastEventIndex = row.getLong("last_event_index");
        return state;
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime time = row.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    boolean isNew() {
        return submission != null;
    }

    /** Whether the event with this sequence number was applied already. */
    boolean hasApplied(long sequence) {
        return sequence <= lastEventSequence;
    }

    void applied(long sequence, long position, Instant at) {
        lastEventSequence = sequence;
        lastEventIndex = position;
        updatedAt = at;
    }

    void started(int attemptNumber, Instant at) {
        status = JobStatus.RUNNING;
        attempt = attemptNumber;
        attempts++;
        errorReason = null;
        processedRows = 0;
        totalRows = null;
        failedRows = 0;
        startedAt = at;
    }

    void logged(long lastLogSequence) {
        logCount = lastLogSequence;
    }

    void progressed(Progress progress) {
        processedRows = progress.processed();
        totalRows = progress.total();
        failedRows = progress.failed();
    }

    void completed(Map<String, Object> handlerResult, Instant at) {
        status = JobStatus.COMPLETED;
        result = Storable.document(handlerResult);
        resultChanged = true;
        finishedAt = at;
    }

    void attemptFailed(String reason) {
        status = JobStatus.RETRYING;
        errorReason = Storable.text(reason);
    }

    void failed(String reason, Instant at) {
        status = JobStatus.FAILED;
        errorReason = Storable.text(reason);
        finishedAt = at;
    }

    void cancelled(Instant at) {
        status = JobStatus.CANCELLED;
        finishedAt = at;
    }

    void retried(int newBudget) {
        status = JobStatus.PENDING;
        attempts = 0;
        maxAttempts = newBudget;
        errorReason = null;
        deadLettered = false;
        result = null;
        resultChanged = true;
        finishedAt = null;
    }

    void deadLettered(String reason, Instant at) {
        status = JobStatus.FAILED;
        deadLettered = true;
        errorReason = Storable.text(reason);
        finishedAt = at;
    }
}
