package dev.jobledger.command.dispatch;

import dev.jobledger.command.aws.AwsSettings;
import dev.jobledger.command.jobtype.JobTypes;
import dev.jobledger.messages.JobAttemptFailed;
import dev.jobledger.messages.JobCancelled;
import dev.jobledger.messages.JobCompleted;
import dev.jobledger.messages.JobDeadLettered;
import dev.jobledger.messages.JobFailed;
import dev.jobledger.messages.JobRedispatched;
import dev.jobledger.messages.JobRedriven;
import dev.jobledger.messages.JobRetried;
import dev.jobledger.messages.JobStarted;
import dev.jobledger.messages.JobSubmitted;
import dev.jobledger.messages.StoredFile;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.messaging.annotation.MessageIdentifier;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.springframework.stereotype.Component;

/**
 * Reads the event store and writes which job attempts are due, and when, into the dispatch outbox. The event store
 * is the outbox's source: a job that was not stored is never dispatched, and the outbox row commits with this
 * processor's tracking token, so a due attempt is never lost. Never replayed: a rebuild of the read models must
 * not send anything again.
 */
@Component
@ProcessingGroup(DispatchScheduling.PROCESSING_GROUP)
@DisallowReplay
class DispatchScheduling {

    static final String PROCESSING_GROUP = "sqs-dispatch";

    private final DispatchOutbox outbox;
    private final DispatchSender sender;
    private final JobTypes jobTypes;
    private final String bucket;

    DispatchScheduling(DispatchOutbox outbox, DispatchSender sender, JobTypes jobTypes, AwsSettings aws) {
        this.outbox = outbox;
        this.sender = sender;
        this.jobTypes = jobTypes;
        this.bucket = aws.s3().bucket();
    }

    /** An attempt due now is sent as soon as its row is committed, not at the sender's next poll. */
    private void dueNow(String causeEventId, UUID jobId, int attempt, Instant at) {
        outbox.schedule(causeEventId, jobId, attempt, at);
        CurrentUnitOfWork.ifStarted(unitOfWork -> unitOfWork.afterCommit(committed -> sender.wake()));
    }

    @EventHandler
    void on(JobSubmitted event, @MessageIdentifier String eventId, @Timestamp Instant at) {
        StoredFile file = event.file();
        outbox.remember(
                event.jobId(),
                event.jobType(),
                event.queue(),
                file == null ? null : bucket,
                file == null ? null : file.key(),
                file == null ? null : file.name());
        dueNow(eventId, event.jobId(), 1, at);
    }

    @EventHandler
    void on(JobAttemptFailed event, @MessageIdentifier String eventId, @Timestamp Instant at) {
        Duration backoff = jobTypes.backoffAfter(outbox.jobTypeOf(event.jobId()), event.attempt());
        outbox.schedule(eventId, event.jobId(), event.attempt() + 1, at.plus(backoff));
    }

    @EventHandler
    void on(JobRetried event, @MessageIdentifier String eventId, @Timestamp Instant at) {
        dueNow(eventId, event.jobId(), event.nextAttempt(), at);
    }

    @EventHandler
    void on(JobRedriven event, @MessageIdentifier String eventId, @Timestamp Instant at) {
        dueNow(eventId, event.jobId(), event.nextAttempt(), at);
    }

    /** The attempt's message was lost: it is sent again, for the same attempt. */
    @EventHandler
    void on(JobRedispatched event, @MessageIdentifier String eventId, @Timestamp Instant at) {
        dueNow(eventId, event.jobId(), event.attempt(), at);
    }

    @EventHandler
    void on(JobCancelled event) {
        outbox.forget(event.jobId());
    }

    /** A worker already runs this attempt (a redelivery took over an abandoned one): its message is not needed. */
    @EventHandler
    void on(JobStarted event) {
        outbox.started(event.jobId(), event.attempt());
    }

    @EventHandler
    void on(JobCompleted event) {
        outbox.forget(event.jobId());
    }

    @EventHandler
    void on(JobFailed event) {
        outbox.forget(event.jobId());
    }

    @EventHandler
    void on(JobDeadLettered event) {
        outbox.forget(event.jobId());
    }
}
