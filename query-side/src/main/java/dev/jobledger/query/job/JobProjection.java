package dev.jobledger.query.job;

import dev.jobledger.messages.JobAttemptFailed;
import dev.jobledger.messages.JobCancelled;
import dev.jobledger.messages.JobCompleted;
import dev.jobledger.messages.JobDeadLettered;
import dev.jobledger.messages.JobDispatched;
import dev.jobledger.messages.JobFailed;
import dev.jobledger.messages.JobLogsAppended;
import dev.jobledger.messages.JobProgressed;
import dev.jobledger.messages.JobRedriven;
import dev.jobledger.messages.JobRetried;
import dev.jobledger.messages.JobStarted;
import dev.jobledger.messages.JobSubmitted;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.eventhandling.TrackingToken;
import org.springframework.stereotype.Component;

/** Projects every job's events into the {@code job} table. Idempotent, and rebuildable from the event store. */
@Component
@ProcessingGroup(JobProjection.PROCESSING_GROUP)
class JobProjection {

    static final String PROCESSING_GROUP = "job-view";

    private final JobRows rows;

    JobProjection(JobRows rows) {
        this.rows = rows;
    }

    @EventHandler
    void on(JobSubmitted event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        // findById, not existsById: a query would first flush every row this batch has changed so far.
        if (rows.findById(event.jobId()).isEmpty()) {
            rows.save(JobRow.submitted(event, sequence, position(token), at));
        }
    }

    @EventHandler
    void on(JobStarted event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        change(event.jobId(), sequence, position(token), at, row -> row.started(event.attempt(), at));
    }

    @EventHandler
    void on(JobLogsAppended event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        long last = event.firstSequence() + event.entries().size() - 1;
        change(event.jobId(), sequence, position(token), at, row -> row.logged(last));
    }

    @EventHandler
    void on(JobProgressed event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        change(event.jobId(), sequence, position(token), at, row -> row.progressed(event.progress()));
    }

    @EventHandler
    void on(JobCompleted event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        change(event.jobId(), sequence, position(token), at, row -> {
            if (event.progress() != null) {
                row.progressed(event.progress());
            }
            row.completed(event.result(), at);
        });
    }

    @EventHandler
    void on(JobAttemptFailed event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        change(event.jobId(), sequence, position(token), at, row -> row.attemptFailed(event.reason()));
    }

    @EventHandler
    void on(JobFailed event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        change(event.jobId(), sequence, position(token), at, row -> row.failed(event.reason(), at));
    }

    @EventHandler
    void on(JobCancelled event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        change(event.jobId(), sequence, position(token), at, row -> row.cancelled(at));
    }

    @EventHandler
    void on(JobRetried event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        change(event.jobId(), sequence, position(token), at, row -> row.retried(event.maxAttempts()));
    }

    @EventHandler
    void on(JobRedriven event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        change(event.jobId(), sequence, position(token), at, row -> row.retried(event.maxAttempts()));
    }

    @EventHandler
    void on(JobDeadLettered event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        change(event.jobId(), sequence, position(token), at, row -> row.deadLettered(event.reason(), at));
    }

    @EventHandler
    void on(JobDispatched event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
        change(event.jobId(), sequence, position(token), at, row -> {});
    }

    @ResetHandler
    void reset() {
        rows.deleteAllInBatch();
    }

    /**
     * The event's global index. The live streams follow the table by it (see {@code JobChanges}): one segment
     * applies events in this order and commits them in it, so a reader that saw index n has seen every change below.
     */
    private static long position(TrackingToken token) {
        return token == null ? 0 : token.position().orElse(0);
    }

    private void change(UUID jobId, long sequence, long position, Instant at, Consumer<JobRow> mutation) {
        JobRow row = rows.findById(jobId)
                .orElseThrow(() -> new IllegalStateException(
                        "Event " + sequence + " of job " + jobId + " arrived before the job was projected"));
        if (row.hasApplied(sequence)) {
            return;
        }
        mutation.accept(row);
        row.applied(sequence, position, at);
    }
}
