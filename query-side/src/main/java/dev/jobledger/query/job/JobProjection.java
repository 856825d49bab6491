package dev.jobledger.query.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import dev.jobledger.messages.JobStatus;
import dev.jobledger.messages.JobSubmitted;
import dev.jobledger.messages.Progress;
import dev.jobledger.messages.StoredFile;
import java.sql.PreparedStatement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.eventhandling.TrackingToken;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Projects every job's events into the {@code job} table. Idempotent, and rebuildable from the event store.
 *
 * <p>Each event is one SQL statement, a named mutator below, that changes the row only when the event is newer than the
 * last one the row applied ({@code last_event_sequence}): a redelivered or replayed event changes nothing, and no row is
 * read first. Reading rows as entities to change them cost more than the rest of the projection together (a JSON parse
 * of every job's payload, dirty checking, and the updates written back), and is what a rebuild of millions of events
 * spends its time on.
 */
@Component
@ProcessingGroup(JobProjection.PROCESSING_GROUP)
class JobProjection {

    static final String PROCESSING_GROUP = "job-view";

    private static final String INSERT = """
            INSERT INTO job (id, job_type, status, user_id, queue, max_attempts, payload, meta, file_key, file_name,
                             file_url, file_size, file_content_type, created_at, updated_at, last_event_sequence,
                             last_event_index)
            VALUES (?, ?, ?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb), ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO NOTHING
            """;

    private static final String STARTED = change("""
            status = 'RUNNING', attempt = ?, attempts = attempts + 1, error_reason = NULL, processed_rows = 0,
            total_rows = NULL, failed_rows = 0, started_at = ?""");
    private static final String LOGGED = change("log_count = ?");
    private static final String PROGRESSED = change("processed_rows = ?, total_rows = ?, failed_rows = ?");
    private static final String COMPLETED = change("status = 'COMPLETED', result = CAST(? AS jsonb), finished_at = ?");
    private static final String COMPLETED_WITH_PROGRESS = change("""
            status = 'COMPLETED', result = CAST(? AS jsonb), finished_at = ?, processed_rows = ?, total_rows = ?,
            failed_rows = ?""");
    private static final String ATTEMPT_FAILED = change("status = 'RETRYING', error_reason = ?");
    private static final String FAILED = change("status = 'FAILED', error_reason = ?, finished_at = ?");
    private static final String CANCELLED = change("status = 'CANCELLED', finished_at = ?");
    private static final String RETRIED = change("""
            status = 'PENDING', attempts = 0, max_attempts = ?, error_reason = NULL, dead_lettered = FALSE,
            result = NULL, finished_at = NULL""");
    private static final String DEAD_LETTERED =
            change("status = 'FAILED', dead_lettered = TRUE, error_reason = ?, finished_at = ?");
    private static final String NOTED = change(null);

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    JobProjection(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** The statement of a mutator: its assignments, then the bookkeeping every applied event does. */
    private static String change(String assignments) {
        return "UPDATE job SET " + (assignments == null ? "" : assignments + ", ")
                + "last_event_sequence = ?, last_event_index = ?, updated_at = ?"
                + " WHERE id = ? AND last_event_sequence < ?";
    }

    @EventHandler
    void on(JobSubmitted event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        StoredFile file = event.file() == null ? new StoredFile(null, null, null, 0, null) : event.file();
        OffsetDateTime time = time(at);
        update(
                INSERT,
                event.jobId(),
                Storable.text(event.jobType()),
                JobStatus.PENDING.name(),
                Storable.text(event.userId()),
                Storable.text(event.queue()),
                event.maxAttempts(),
                document(event.payload()),
                document(event.meta()),
                Storable.text(file.key()),
                Storable.text(file.name()),
                Storable.text(file.url()),
                event.file() == null ? null : file.size(),
                Storable.text(file.contentType()),
                time,
                time,
                sequence,
                position(token));
    }

    @EventHandler
    void on(JobStarted event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        apply(STARTED, event.jobId(), sequence, at, token, event.attempt(), time(at));
    }

    @EventHandler
    void on(JobLogsAppended event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        long last = event.firstSequence() + event.entries().size() - 1;
        apply(LOGGED, event.jobId(), sequence, at, token, last);
    }

    @EventHandler
    void on(JobProgressed event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        Progress progress = event.progress();
        apply(
                PROGRESSED,
                event.jobId(),
                sequence,
                at,
                token,
                progress.processed(),
                progress.total(),
                progress.failed());
    }

    @EventHandler
    void on(JobCompleted event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        Progress progress = event.progress();
        if (progress == null) {
            apply(COMPLETED, event.jobId(), sequence, at, token, document(event.result()), time(at));
        } else {
            apply(
                    COMPLETED_WITH_PROGRESS,
                    event.jobId(),
                    sequence,
                    at,
                    token,
                    document(event.result()),
                    time(at),
                    progress.processed(),
                    progress.total(),
                    progress.failed());
        }
    }

    @EventHandler
    void on(JobAttemptFailed event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        apply(ATTEMPT_FAILED, event.jobId(), sequence, at, token, Storable.text(event.reason()));
    }

    @EventHandler
    void on(JobFailed event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        apply(FAILED, event.jobId(), sequence, at, token, Storable.text(event.reason()), time(at));
    }

    @EventHandler
    void on(JobCancelled event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        apply(CANCELLED, event.jobId(), sequence, at, token, time(at));
    }

    @EventHandler
    void on(JobRetried event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        apply(RETRIED, event.jobId(), sequence, at, token, event.maxAttempts());
    }

    @EventHandler
    void on(JobRedriven event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        apply(RETRIED, event.jobId(), sequence, at, token, event.maxAttempts());
    }

    @EventHandler
    void on(JobDeadLettered event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        apply(DEAD_LETTERED, event.jobId(), sequence, at, token, Storable.text(event.reason()), time(at));
    }

    @EventHandler
    void on(JobDispatched event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        apply(NOTED, event.jobId(), sequence, at, token);
    }

    @EventHandler
    void on(JobRedispatched event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        apply(NOTED, event.jobId(), sequence, at, token);
    }

    @ResetHandler
    void reset() {
        jdbc.update("TRUNCATE job");
    }

    /**
     * Runs a mutator's statement with its values, then the bookkeeping's. Nothing changed means the event was applied
     * already, or the job has no row: an event ahead of its job's submission, which this read model cannot place (it
     * is parked, with the job's later events, in the processor's dead-letter queue).
     */
    private void apply(String statement, UUID jobId, long sequence, Instant at, TrackingToken token, Object... values) {
        Object[] arguments = new Object[values.length + 5];
        System.arraycopy(values, 0, arguments, 0, values.length);
        arguments[values.length] = sequence;
        arguments[values.length + 1] = position(token);
        arguments[values.length + 2] = time(at);
        arguments[values.length + 3] = jobId;
        arguments[values.length + 4] = sequence;
        if (update(statement, arguments) == 0
                && !Boolean.TRUE.equals(
                        jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM job WHERE id = ?)", Boolean.class, jobId))) {
            throw new IllegalStateException(
                    "Event " + sequence + " of job " + jobId + " arrived before the job was projected");
        }
    }

    /**
     * Binds the values as they are; a null as a value of no type, which PostgreSQL takes from its column. (Spring's
     * own binding of a null asks the database for the parameter's type first: a round trip per null.)
     */
    private int update(String statement, Object... values) {
        return jdbc.update(statement, (PreparedStatement bound) -> {
            for (int index = 0; index < values.length; index++) {
                if (values[index] == null) {
                    bound.setNull(index + 1, Types.NULL);
                } else {
                    bound.setObject(index + 1, values[index]);
                }
            }
        });
    }

    private static OffsetDateTime time(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }

    /**
     * The event's global index. The live streams follow the table by it (see {@code JobChanges}): one segment
     * applies events in this order and commits them in it, so a reader that saw index n has seen every change below.
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
