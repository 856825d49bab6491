package dev.jobledger.command.job;

import static dev.jobledger.messages.JobStatus.CANCELLED;
import static dev.jobledger.messages.JobStatus.COMPLETED;
import static dev.jobledger.messages.JobStatus.FAILED;
import static dev.jobledger.messages.JobStatus.PENDING;
import static dev.jobledger.messages.JobStatus.RETRYING;
import static dev.jobledger.messages.JobStatus.RUNNING;
import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.jobledger.messages.Actor;
import dev.jobledger.messages.ActorKind;
import dev.jobledger.messages.AppendJobLogs;
import dev.jobledger.messages.AttemptDecision;
import dev.jobledger.messages.AttemptEnd;
import dev.jobledger.messages.CancelJob;
import dev.jobledger.messages.CompleteJob;
import dev.jobledger.messages.FailJobAttempt;
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
import dev.jobledger.messages.JobView;
import dev.jobledger.messages.LogEntry;
import dev.jobledger.messages.MarkJobDeadLettered;
import dev.jobledger.messages.Progress;
import dev.jobledger.messages.RecordJobDispatch;
import dev.jobledger.messages.RecoverStalledJob;
import dev.jobledger.messages.RedriveJob;
import dev.jobledger.messages.ReportAck;
import dev.jobledger.messages.ReportJobProgress;
import dev.jobledger.messages.RetryJob;
import dev.jobledger.messages.StartAnswer;
import dev.jobledger.messages.StartJobAttempt;
import dev.jobledger.messages.StoredFile;
import dev.jobledger.messages.SubmitJob;
import dev.jobledger.messages.SubmitNewJob;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * One job's decisions. Command handlers check the rules and apply events; event sourcing handlers only assign state.
 * Commands repeated for the same attempt change nothing, which makes redelivered queue messages harmless.
 */
// Snapshots are this class serialized by its fields, which are its state; it has no getters to confuse that.
@JsonAutoDetect(
        fieldVisibility = JsonAutoDetect.Visibility.ANY,
        getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
@Aggregate(
        commandTargetResolver = JobCommandRouting.BEAN_NAME,
        snapshotTriggerDefinition = JobSnapshots.TRIGGER,
        repository = JobCache.REPOSITORY)
class Job {

    /** A worker resends a batch within seconds; a thousand batches back is far beyond any retry. */
    private static final int REMEMBERED_LOG_BATCHES = 1000;

    @AggregateIdentifier
    private UUID jobId;

    private String jobType;
    private String userId;
    private String queue;
    private JobStatus status;
    private int attempt;
    private int attemptsUsed;
    private int maxAttempts;
    private String errorReason;
    private boolean deadLettered;
    private int lastDispatchedAttempt;
    /** When the awaited attempt's message was last sent, or asked to be sent again. */
    private Instant lastSentAt;
    /** How often the awaited attempt's message was sent again, which doubles the wait before the next time. */
    private int redispatches;
    /** A resend was asked for, and its message not yet recorded. */
    private boolean redispatchPending;

    private String runningMessageId;
    /** The log batches the running attempt recorded, by the worker's batch id: the latest ones, oldest first. */
    private LinkedHashSet<String> logBatchesOfAttempt = new LinkedHashSet<>();

    private StoredFile file;
    private Map<String, Object> payload;
    private Map<String, Object> result;
    private Map<String, Object> meta;
    private Progress progress;
    private long logCount;
    private Instant createdAt;
    private Instant updatedAt;
    private Instant startedAt;
    private Instant finishedAt;

    protected Job() {
        // for Axon: the aggregate is rebuilt from its events
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    JobView handle(SubmitJob command) {
        if (status != null) {
            return answerRepeatedSubmission(command);
        }
        return handle(asNew(command));
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.ALWAYS)
    JobView handle(SubmitNewJob command) {
        apply(new JobSubmitted(
                command.jobId(),
                command.jobType(),
                command.userId(),
                command.queue(),
                command.maxAttempts(),
                command.payload() == null ? Map.of() : command.payload(),
                command.file(),
                command.idempotencyKey() == null ? Map.of() : Map.of("idempotencyKey", command.idempotencyKey()),
                command.actor()));
        return view();
    }

    /** The submission of a key whose id no job has: the job it creates is the one the key names from now on. */
    static SubmitNewJob asNew(SubmitJob command) {
        return new SubmitNewJob(
                command.jobId(),
                command.jobType(),
                command.userId(),
                command.queue(),
                command.maxAttempts(),
                command.payload(),
                command.file(),
                command.idempotencyKey(),
                command.actor());
    }

    private JobView answerRepeatedSubmission(SubmitJob command) {
        boolean sameRequest = Objects.equals(userId, command.userId())
                && Objects.equals(jobType, command.jobType())
                && maxAttempts == command.maxAttempts()
                && Objects.equals(payload, command.payload() == null ? Map.of() : command.payload());
        if (!sameRequest) {
            throw new IdempotencyKeyReused(command.idempotencyKey());
        }
        return view();
    }

    @CommandHandler
    StartAnswer handle(StartJobAttempt command) {
        if (JobLifecycle.isFinished(status)) {
            return skip("the job is " + status);
        }
        boolean takenOver = false;
        if (status == RUNNING) {
            boolean abandoned = isAbandoned(command);
            if (!abandoned && isSameDelivery(command)) {
                // The worker did not get the answer to its start (a timeout, a 5xx) and asks again: it is the running
                // attempt's own worker, so it runs. Answered SKIP, it would delete its message and strand the job.
                // Past the lease the same message is a redelivery after its worker died, and takes over below.
                return new StartAnswer(AttemptDecision.PROCEED, attempt, null, view());
            }
            if (!abandoned) {
                return skip("attempt " + attempt + " is already running");
            }
            abandonRunningAttempt(command.actor());
            if (status == FAILED) {
                return skip("attempt " + attempt + " was abandoned, and it was the last the budget allowed");
            }
            takenOver = true;
        }
        int next = attempt + 1;
        if (!takenOver && command.attempt() != null && command.attempt() != next) {
            return skip("attempt " + command.attempt() + " is not the job's next attempt (" + next + ")");
        }
        changeStatus(RUNNING, new JobStarted(jobId, next, command.delivery(), command.actor()));
        return new StartAnswer(AttemptDecision.PROCEED, attempt, null, view());
    }

    private boolean isSameDelivery(StartJobAttempt command) {
        return runningMessageId != null
                && command.delivery() != null
                && runningMessageId.equals(command.delivery().messageId());
    }

    /** The running attempt reported nothing within its lease, and the delivery is for it or a later one. */
    private boolean isAbandoned(StartJobAttempt command) {
        return command.abandonedIfQuietSince() != null
                && updatedAt.isBefore(command.abandonedIfQuietSince())
                && (command.attempt() == null || command.attempt() >= attempt);
    }

    private void abandonRunningAttempt(Actor actor) {
        String reason = "attempt " + attempt + " was abandoned: its worker reported nothing within the attempt lease";
        if (attemptsUsed < maxAttempts) {
            changeStatus(RETRYING, new JobAttemptFailed(jobId, attempt, reason, maxAttempts - attemptsUsed, actor));
        } else {
            changeStatus(FAILED, new JobFailed(jobId, attempt, reason, true, actor));
        }
    }

    private StartAnswer skip(String reason) {
        return new StartAnswer(AttemptDecision.SKIP, attempt, reason, view());
    }

    @CommandHandler
    ReportAck handle(AppendJobLogs command) {
        if (!isRunning(command.attempt())) {
            return notRecorded();
        }
        if (command.batchId() != null && logBatchesOfAttempt.contains(command.batchId())) {
            return new ReportAck(true, true, status, attempt);
        }
        apply(new JobLogsAppended(
                jobId, attempt, logCount + 1, List.copyOf(command.entries()), command.actor(), command.batchId()));
        return new ReportAck(true, true, status, attempt);
    }

    @CommandHandler
    ReportAck handle(ReportJobProgress command) {
        if (!isRunning(command.attempt())) {
            return notRecorded();
        }
        apply(new JobProgressed(jobId, attempt, command.progress(), command.actor()));
        return new ReportAck(true, true, status, attempt);
    }

    /** Reports from anything but the running attempt record nothing and tell the reporter to stop. */
    private ReportAck notRecorded() {
        return new ReportAck(false, false, status, attempt);
    }

    @CommandHandler
    JobView handle(CompleteJob command) {
        if (status == COMPLETED && isLatest(command.attempt())) {
            return view();
        }
        requireRunning(command.attempt(), COMPLETED);
        List<LogEntry> finalLogs = command.finalLogs();
        changeStatus(
                COMPLETED,
                new JobCompleted(
                        jobId,
                        attempt,
                        command.result(),
                        command.actor(),
                        command.finalProgress(),
                        firstSequenceOf(finalLogs),
                        finalLogs));
        return view();
    }

    @CommandHandler
    JobView handle(FailJobAttempt command) {
        if ((status == RETRYING || status == FAILED) && isLatest(command.attempt())) {
            return view();
        }
        boolean retry = command.retryable() && attemptsUsed < maxAttempts;
        requireRunning(command.attempt(), retry ? RETRYING : FAILED);
        List<LogEntry> finalLogs = command.finalLogs();
        long firstLogSequence = firstSequenceOf(finalLogs);
        if (retry) {
            changeStatus(
                    RETRYING,
                    new JobAttemptFailed(
                            jobId,
                            attempt,
                            command.reason(),
                            maxAttempts - attemptsUsed,
                            command.actor(),
                            command.finalProgress(),
                            firstLogSequence,
                            finalLogs));
        } else {
            changeStatus(
                    FAILED,
                    new JobFailed(
                            jobId,
                            attempt,
                            command.reason(),
                            command.retryable(),
                            command.actor(),
                            command.finalProgress(),
                            firstLogSequence,
                            finalLogs));
        }
        return view();
    }

    /** Where the last lines an attempt's end carries start in the job's log (0: there are none). */
    private long firstSequenceOf(List<LogEntry> lastLines) {
        return lastLines.isEmpty() ? 0 : logCount + 1;
    }

    @CommandHandler
    JobView handle(CancelJob command) {
        requireVisibleTo(command.actor());
        if (status == CANCELLED) {
            return view();
        }
        changeStatus(CANCELLED, new JobCancelled(jobId, status, command.reason(), command.actor()));
        return view();
    }

    @CommandHandler
    JobView handle(RetryJob command) {
        requireVisibleTo(command.actor());
        JobLifecycle.require(jobId, status, PENDING);
        if (deadLettered && command.actor().kind() != ActorKind.ADMIN) {
            // The queue gave up on it: whatever stopped every worker is likely to stop the next one, so sending it
            // round again is an admin's call, through the redrive.
            throw new JobTransitionRefused(
                    jobId, status, PENDING, "a dead-lettered job is sent round again by an admin's redrive");
        }
        changeStatus(PENDING, new JobRetried(jobId, status, maxAttempts, attempt + 1, command.actor()));
        return view();
    }

    @CommandHandler
    void handle(RecordJobDispatch command) {
        if (command.attempt() <= attempt || JobLifecycle.isFinished(status)) {
            // Reported after its attempt started or the job ended (a sender that claimed the row just before, a
            // crash between its send and its report): that message's worker is told to skip, and the history keeps
            // what happened to the job rather than a send that no longer matters.
            return;
        }
        boolean resent = command.attempt() == lastDispatchedAttempt && redispatchPending;
        if (command.attempt() < lastDispatchedAttempt || (command.attempt() == lastDispatchedAttempt && !resent)) {
            return;
        }
        apply(new JobDispatched(jobId, command.attempt(), command.queueUrl(), command.messageId(), command.actor()));
    }

    @CommandHandler
    boolean handle(RecoverStalledJob command) {
        if (status == RUNNING) {
            // Its worker is gone (the lease passed) and so is its message (it would have come back and taken over).
            if (updatedAt.plus(command.lease()).plus(command.quietFor()).isAfter(command.now())) {
                return false;
            }
            abandonRunningAttempt(command.actor());
            return true;
        }
        int awaited = attempt + 1;
        if ((status != PENDING && status != RETRYING) || lastDispatchedAttempt != awaited || lastSentAt == null) {
            // Finished, or its attempt is still in the outbox, whose sender retries it on its own.
            return false;
        }
        Duration wait = command.quietFor().multipliedBy(1L << Math.min(redispatches, 10));
        if (lastSentAt.plus(wait).isAfter(command.now())) {
            return false;
        }
        apply(new JobRedispatched(
                jobId,
                awaited,
                "attempt " + awaited + " was sent to the queue at " + lastSentAt
                        + " and never started: its message is sent again",
                command.actor()));
        return true;
    }

    @CommandHandler
    JobView handle(MarkJobDeadLettered command) {
        int liveAttempt = status == RUNNING ? attempt : attempt + 1;
        if (JobLifecycle.isFinished(status) || command.attempt() < liveAttempt) {
            return view();
        }
        changeStatus(
                FAILED,
                new JobDeadLettered(
                        jobId, command.attempt(), command.messageId(), command.reason(), status, command.actor()));
        return view();
    }

    @CommandHandler
    JobView handle(RedriveJob command) {
        if (!deadLettered) {
            throw new JobTransitionRefused(jobId, status, PENDING, "only dead-lettered jobs can be redriven");
        }
        changeStatus(PENDING, new JobRedriven(jobId, maxAttempts, attempt + 1, command.actor()));
        return view();
    }

    private boolean isRunning(Integer reportedAttempt) {
        return status == RUNNING && isLatest(reportedAttempt);
    }

    private boolean isLatest(Integer reportedAttempt) {
        return reportedAttempt == null || reportedAttempt == attempt;
    }

    private void requireRunning(Integer reportedAttempt, JobStatus to) {
        JobLifecycle.require(jobId, status, to);
        if (status != RUNNING) {
            throw new JobTransitionRefused(
                    jobId, status, to, "only a running attempt can end, and the job is " + status);
        }
        if (!isLatest(reportedAttempt)) {
            throw new JobTransitionRefused(
                    jobId, status, to, "attempt " + reportedAttempt + " is not the running attempt " + attempt);
        }
    }

    /**
     * The one way a job's status changes, as JobRunr's {@code Job.addJobState}: the lifecycle table decides, then the
     * event records the change. A command handler may check earlier, to refuse before it records anything else.
     */
    private void changeStatus(JobStatus to, Object event) {
        JobLifecycle.require(jobId, status, to);
        apply(event);
    }

    private void requireVisibleTo(Actor actor) {
        if (!actor.mayActOnJobOf(userId)) {
            throw new JobNotFound(jobId);
        }
    }

    @EventSourcingHandler
    void on(JobSubmitted event, @Timestamp Instant at) {
        jobId = event.jobId();
        jobType = event.jobType();
        userId = event.userId();
        queue = event.queue();
        maxAttempts = event.maxAttempts();
        payload = event.payload();
        file = event.file();
        meta = event.meta();
        status = PENDING;
        progress = Progress.NONE;
        createdAt = at;
        updatedAt = at;
    }

    @EventSourcingHandler
    void on(JobStarted event, @Timestamp Instant at) {
        status = RUNNING;
        logBatchesOfAttempt = new LinkedHashSet<>();
        attempt = event.attempt();
        runningMessageId = event.delivery() == null ? null : event.delivery().messageId();
        attemptsUsed++;
        errorReason = null;
        progress = Progress.NONE;
        startedAt = at;
        updatedAt = at;
    }

    @EventSourcingHandler
    void on(JobLogsAppended event, @Timestamp Instant at) {
        logCount = event.firstSequence() + event.entries().size() - 1;
        if (event.batchId() != null) {
            logBatchesOfAttempt.add(event.batchId());
            if (logBatchesOfAttempt.size() > REMEMBERED_LOG_BATCHES) {
                logBatchesOfAttempt.remove(logBatchesOfAttempt.iterator().next());
            }
        }
        updatedAt = at;
    }

    @EventSourcingHandler
    void on(JobProgressed event, @Timestamp Instant at) {
        progress = event.progress();
        updatedAt = at;
    }

    @EventSourcingHandler
    void on(JobCompleted event, @Timestamp Instant at) {
        status = COMPLETED;
        result = event.result();
        lastLinesAndProgress(event);
        finishedAt = at;
        updatedAt = at;
    }

    @EventSourcingHandler
    void on(JobAttemptFailed event, @Timestamp Instant at) {
        status = RETRYING;
        errorReason = event.reason();
        lastLinesAndProgress(event);
        updatedAt = at;
    }

    @EventSourcingHandler
    void on(JobFailed event, @Timestamp Instant at) {
        status = FAILED;
        errorReason = event.reason();
        lastLinesAndProgress(event);
        finishedAt = at;
        updatedAt = at;
    }

    private void lastLinesAndProgress(AttemptEnd end) {
        if (!end.logs().isEmpty()) {
            logCount = end.firstLogSequence() + end.logs().size() - 1;
        }
        if (end.progress() != null) {
            progress = end.progress();
        }
    }

    @EventSourcingHandler
    void on(JobCancelled event, @Timestamp Instant at) {
        status = CANCELLED;
        finishedAt = at;
        updatedAt = at;
    }

    @EventSourcingHandler
    void on(JobRetried event, @Timestamp Instant at) {
        startAgain(event.maxAttempts(), at);
    }

    @EventSourcingHandler
    void on(JobRedriven event, @Timestamp Instant at) {
        startAgain(event.maxAttempts(), at);
    }

    private void startAgain(int budget, Instant at) {
        status = PENDING;
        attemptsUsed = 0;
        maxAttempts = budget;
        errorReason = null;
        deadLettered = false;
        result = null;
        finishedAt = null;
        updatedAt = at;
    }

    @EventSourcingHandler
    void on(JobDispatched event, @Timestamp Instant at) {
        if (event.attempt() > lastDispatchedAttempt) {
            redispatches = 0;
        }
        lastDispatchedAttempt = event.attempt();
        lastSentAt = at;
        redispatchPending = false;
        // A change on the job's history like any other, as the read model shows it.
        updatedAt = at;
    }

    @EventSourcingHandler
    void on(JobRedispatched event, @Timestamp Instant at) {
        redispatches++;
        redispatchPending = true;
        lastSentAt = at;
        updatedAt = at;
    }

    @EventSourcingHandler
    void on(JobDeadLettered event, @Timestamp Instant at) {
        status = FAILED;
        deadLettered = true;
        errorReason = event.reason();
        finishedAt = at;
        updatedAt = at;
    }

    /** Whether only an operator (a retry, a redrive) can move the job any more: the cache lets it go (JobCache). */
    boolean isFinished() {
        return JobLifecycle.isFinished(status);
    }

    JobView view() {
        return new JobView(
                jobId,
                jobType,
                status,
                userId,
                queue,
                attempt,
                attemptsUsed,
                maxAttempts,
                errorReason,
                deadLettered,
                file,
                payload,
                result,
                meta,
                progress,
                createdAt,
                updatedAt,
                startedAt,
                finishedAt);
    }
}
