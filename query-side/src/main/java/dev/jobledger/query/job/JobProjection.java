package dev.jobledger.query.job;

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
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        if (find(event.jobId()).isEmpty()) {
            JobRow row = rows.save(JobRow.submitted(event, sequence, position(token), at));
            BatchRows batch = batchRows();
            if (batch != null) {
                batch.rows().put(event.jobId(), row);
            }
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

    @EventHandler
    void on(JobRedispatched event, @SequenceNumber long sequence, @Timestamp Instant at, TrackingToken token) {
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
        JobRow row = find(jobId)
                .orElseThrow(() -> new IllegalStateException(
                        "Event " + sequence + " of job " + jobId + " arrived before the job was projected"));
        if (row.hasApplied(sequence)) {
            return;
        }
        mutation.accept(row);
        row.applied(sequence, position, at);
    }

    private Optional<JobRow> find(UUID jobId) {
        BatchRows batch = batchRows();
        if (batch == null || !batch.fetched().contains(jobId)) {
            // Not existsById: a query would first flush every row this batch has changed so far.
            return rows.findById(jobId);
        }
        return Optional.ofNullable(batch.rows().get(jobId));
    }

    /**
     * The rows of every job a processor batch touches, read with one query when the batch's first event is handled
     * instead of one query per event (the events of a batch are mostly of different jobs). A resource of the batch's
     * unit of work, so it ends with the batch's transaction, also when that is rolled back and the batch retried.
     *
     * @param fetched the jobs looked for: those without a row have none yet
     */
    private record BatchRows(Set<UUID> fetched, Map<UUID, JobRow> rows) {}

    private BatchRows batchRows() {
        if (!CurrentUnitOfWork.isStarted() || !(CurrentUnitOfWork.get() instanceof BatchingUnitOfWork<?> batch)) {
            return null;
        }
        return batch.getOrComputeResource(BatchRows.class.getName(), key -> prefetch(batch.getMessages()));
    }

    private BatchRows prefetch(List<? extends Message<?>> messages) {
        Set<UUID> jobIds = new HashSet<>();
        for (Message<?> message : messages) {
            if (message instanceof DomainEventMessage<?> event && event.getAggregateIdentifier() != null) {
                jobIds.add(UUID.fromString(event.getAggregateIdentifier()));
            }
        }
        Map<UUID, JobRow> found = new HashMap<>();
        rows.findAllById(jobIds).forEach(row -> found.put(row.getId(), row));
        return new BatchRows(jobIds, found);
    }
}
