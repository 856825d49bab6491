package dev.jobledger.command.job;

import static dev.jobledger.command.job.JobEvents.BRIDGE;
import static dev.jobledger.command.job.JobEvents.JOB;
import static dev.jobledger.command.job.JobEvents.OWNER;
import static dev.jobledger.command.job.JobEvents.USER;
import static dev.jobledger.command.job.JobEvents.aJob;
import static org.axonframework.test.matchers.Matchers.andNoMore;
import static org.axonframework.test.matchers.Matchers.exactSequenceOf;
import static org.axonframework.test.matchers.Matchers.matches;
import static org.axonframework.test.matchers.Matchers.payloadsMatching;
import static org.hamcrest.Matchers.containsString;

import dev.jobledger.messages.Actor;
import dev.jobledger.messages.AppendJobLogs;
import dev.jobledger.messages.AttemptDecision;
import dev.jobledger.messages.CancelJob;
import dev.jobledger.messages.CompleteJob;
import dev.jobledger.messages.Delivery;
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
import dev.jobledger.messages.LogLevel;
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
import dev.jobledger.messages.SubmitJob;
import dev.jobledger.messages.SubmitNewJob;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JobTest {

    private static final Delivery DELIVERY = new Delivery("msg-9", "req-9");
    private static final List<LogEntry> TWO_LINES = List.of(
            new LogEntry(LogLevel.INFO, "read header", null, null),
            new LogEntry(LogLevel.ERROR, "bad date", 7L, Map.of("column", "date")));

    private AggregateTestFixture<Job> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Job.class);
        fixture.registerCommandTargetResolver(new JobCommandRouting());
    }

    private static SubmitJob submit(Map<String, Object> payload) {
        return new SubmitJob(JOB, "example", OWNER, "jobs", 3, payload, null, "key-1", USER);
    }

    /** What {@link #submit} records when no job has its id yet. */
    private static JobSubmitted submittedUnderKey(Map<String, Object> payload) {
        return new JobSubmitted(
                JOB, "example", OWNER, "jobs", 3, payload, null, Map.of("idempotencyKey", "key-1"), USER);
    }

    @Test
    void submittingRecordsAPendingJob() {
        fixture.givenNoPriorActivity()
                .when(submit(Map.of("rows", 10)))
                .expectEvents(submittedUnderKey(Map.of("rows", 10)))
                .expectResultMessagePayloadMatching(matches((JobView job) ->
                        job.status() == JobStatus.PENDING && job.attempt() == 0 && job.maxAttempts() == 3));
    }

    @Test
    void submittingWithoutAKeyRecordsAPendingJobUnderItsNewId() {
        fixture.givenNoPriorActivity()
                .when(new SubmitNewJob(JOB, "example", OWNER, "jobs", 2, null, null, null, USER))
                .expectEvents(new JobSubmitted(JOB, "example", OWNER, "jobs", 2, Map.of(), null, Map.of(), USER))
                .expectResultMessagePayloadMatching(
                        matches((JobView job) -> job.status() == JobStatus.PENDING && job.maxAttempts() == 2));
    }

    @Test
    void submittingUnderAKeyThatNamesNoJobYetRecordsTheKeyWithTheNewJob() {
        fixture.givenNoPriorActivity()
                .when(Job.asNew(submit(Map.of("rows", 10))))
                .expectEvents(submittedUnderKey(Map.of("rows", 10)));
    }

    @Test
    void submittingTheSameRequestAgainAnswersTheExistingJobWithoutANewEvent() {
        fixture.given(aJob().submitted().started().list())
                .when(submit(Map.of("rows", 10)))
                .expectNoEvents()
                .expectResultMessagePayloadMatching(matches((JobView job) -> job.status() == JobStatus.RUNNING));
    }

    @Test
    void submittingAnotherRequestUnderTheSameIdempotencyKeyIsRefused() {
        fixture.given(aJob().submitted().list())
                .when(submit(Map.of("rows", 11)))
                .expectNoEvents()
                .expectException(IdempotencyKeyReused.class);
    }

    @Test
    void startingAPendingJobRunsItsFirstAttempt() {
        fixture.given(aJob().submitted().list())
                .when(new StartJobAttempt(JOB, 1, DELIVERY, BRIDGE))
                .expectEvents(new JobStarted(JOB, 1, DELIVERY, BRIDGE))
                .expectResultMessagePayloadMatching(matches(
                        (StartAnswer answer) -> answer.decision() == AttemptDecision.PROCEED && answer.attempt() == 1));
    }

    @Test
    void startingWithoutAnAttemptNumberRunsTheNextAttempt() {
        fixture.given(aJob().submitted().started().attemptFailed().list())
                .when(new StartJobAttempt(JOB, null, DELIVERY, BRIDGE))
                .expectEvents(new JobStarted(JOB, 2, DELIVERY, BRIDGE));
    }

    @Test
    void aRepeatedStartOfTheRunningAttemptIsSkippedWithoutAnEvent() {
        fixture.given(aJob().submitted().started().list())
                .when(new StartJobAttempt(JOB, 1, DELIVERY, BRIDGE))
                .expectNoEvents()
                .expectResultMessagePayloadMatching(
                        matches((StartAnswer answer) -> answer.decision() == AttemptDecision.SKIP
                                && answer.reason().contains("already running")));
    }

    @Test
    void aStartRepeatedForTheRunningAttemptsOwnDeliveryProceedsAgainWithoutAnEvent() {
        fixture.given(aJob().submitted().started().list())
                .when(new StartJobAttempt(JOB, 1, new Delivery("msg-1", "req-2"), BRIDGE))
                .expectNoEvents()
                .expectResultMessagePayloadMatching(matches(
                        (StartAnswer answer) -> answer.decision() == AttemptDecision.PROCEED && answer.attempt() == 1));
    }

    @Test
    void aStartForAStaleAttemptIsSkipped() {
        fixture.given(aJob().submitted().started().attemptFailed().list())
                .when(new StartJobAttempt(JOB, 1, DELIVERY, BRIDGE))
                .expectNoEvents()
                .expectResultMessagePayloadMatching(
                        matches((StartAnswer answer) -> answer.decision() == AttemptDecision.SKIP));
    }

    private static final String ABANDONED =
            "attempt 1 was abandoned: its worker reported nothing within the attempt lease";

    @Test
    void aRunningAttemptThatWentQuietPastItsLeaseIsFailedAndTheRedeliveryRunsTheNextAttempt() {
        Instant leaseEnd = Instant.now().plus(Duration.ofDays(1));
        fixture.given(aJob().submitted().started().list())
                .when(new StartJobAttempt(JOB, 1, DELIVERY, BRIDGE, leaseEnd))
                .expectEvents(
                        new JobAttemptFailed(JOB, 1, ABANDONED, 2, BRIDGE), new JobStarted(JOB, 2, DELIVERY, BRIDGE))
                .expectResultMessagePayloadMatching(matches(
                        (StartAnswer answer) -> answer.decision() == AttemptDecision.PROCEED && answer.attempt() == 2));
    }

    @Test
    void theSameMessageRedeliveredPastTheLeaseTakesOverAsTheNextAttempt() {
        Instant leaseEnd = Instant.now().plus(Duration.ofDays(1));
        Delivery redelivery = new Delivery("msg-1", "req-3");
        fixture.given(aJob().submitted().started().list())
                .when(new StartJobAttempt(JOB, 1, redelivery, BRIDGE, leaseEnd))
                .expectEvents(
                        new JobAttemptFailed(JOB, 1, ABANDONED, 2, BRIDGE), new JobStarted(JOB, 2, redelivery, BRIDGE))
                .expectResultMessagePayloadMatching(matches(
                        (StartAnswer answer) -> answer.decision() == AttemptDecision.PROCEED && answer.attempt() == 2));
    }

    @Test
    void aRunningAttemptWithinItsLeaseIsNotTakenOver() {
        Instant leaseEnd = Instant.now().minus(Duration.ofDays(1));
        fixture.given(aJob().submitted().started().list())
                .when(new StartJobAttempt(JOB, 1, DELIVERY, BRIDGE, leaseEnd))
                .expectNoEvents()
                .expectResultMessagePayloadMatching(
                        matches((StartAnswer answer) -> answer.decision() == AttemptDecision.SKIP
                                && answer.reason().contains("already running")));
    }

    @Test
    void aLateDeliveryOfAnEarlierAttemptNeverTakesOver() {
        Instant leaseEnd = Instant.now().plus(Duration.ofDays(1));
        fixture.given(aJob().submitted().started().attemptFailed().started().list())
                .when(new StartJobAttempt(JOB, 1, DELIVERY, BRIDGE, leaseEnd))
                .expectNoEvents()
                .expectResultMessagePayloadMatching(
                        matches((StartAnswer answer) -> answer.decision() == AttemptDecision.SKIP));
    }

    @Test
    void anAbandonedLastAttemptFailsTheJobAndRunsNothing() {
        Instant leaseEnd = Instant.now().plus(Duration.ofDays(1));
        fixture.given(aJob().withMaxAttempts(1).submitted().started().list())
                .when(new StartJobAttempt(JOB, 1, DELIVERY, BRIDGE, leaseEnd))
                .expectEvents(new JobFailed(JOB, 1, ABANDONED, true, BRIDGE))
                .expectResultMessagePayloadMatching(
                        matches((StartAnswer answer) -> answer.decision() == AttemptDecision.SKIP
                                && answer.job().status() == JobStatus.FAILED));
    }

    @Test
    void startingARetryingJobRunsItsNextAttempt() {
        fixture.given(aJob().submitted().started().attemptFailed().list())
                .when(new StartJobAttempt(JOB, 2, DELIVERY, BRIDGE))
                .expectEvents(new JobStarted(JOB, 2, DELIVERY, BRIDGE));
    }

    @ParameterizedTest
    @EnumSource(
            value = JobStatus.class,
            names = {"COMPLETED", "FAILED", "CANCELLED"})
    void startsOfFinishedOrCancelledJobsAreSkipped(JobStatus status) {
        fixture.given(JobEvents.in(status))
                .when(new StartJobAttempt(JOB, null, DELIVERY, BRIDGE))
                .expectNoEvents()
                .expectResultMessagePayloadMatching(
                        matches((StartAnswer answer) -> answer.decision() == AttemptDecision.SKIP
                                && answer.job().status() == status));
    }

    @Test
    void aLogBatchSentAgainUnderItsIdIsRecordedOnceAndAnsweredAsRecorded() {
        fixture.given(aJob().submitted().started().list())
                .andGiven(new JobLogsAppended(JOB, 1, 1, TWO_LINES, BRIDGE, "batch-1"))
                .when(new AppendJobLogs(JOB, 1, TWO_LINES, "batch-1", BRIDGE))
                .expectNoEvents()
                .expectResultMessagePayload(new ReportAck(true, true, JobStatus.RUNNING, 1));
        fixture.given(aJob().submitted().started().list())
                .andGiven(new JobLogsAppended(JOB, 1, 1, TWO_LINES, BRIDGE, "batch-1"))
                .when(new AppendJobLogs(JOB, 1, TWO_LINES, "batch-2", BRIDGE))
                .expectEvents(new JobLogsAppended(JOB, 1, 3, TWO_LINES, BRIDGE, "batch-2"));
    }

    @Test
    void eachLogBatchOfTheRunningAttemptBecomesOneEventContinuingTheLogsOrder() {
        fixture.given(aJob().submitted().started().list())
                .andGiven(new JobLogsAppended(JOB, 1, 1, TWO_LINES, BRIDGE))
                .when(new AppendJobLogs(JOB, 1, TWO_LINES, BRIDGE))
                .expectEvents(new JobLogsAppended(JOB, 1, 3, TWO_LINES, BRIDGE))
                .expectResultMessagePayload(new ReportAck(true, true, JobStatus.RUNNING, 1));
    }

    @Test
    void progressOfTheRunningAttemptIsRecorded() {
        Progress progress = new Progress(50, 100L, 2);
        fixture.given(aJob().submitted().started().list())
                .when(new ReportJobProgress(JOB, null, progress, BRIDGE))
                .expectEvents(new JobProgressed(JOB, 1, progress, BRIDGE))
                .expectResultMessagePayload(new ReportAck(true, true, JobStatus.RUNNING, 1));
    }

    @Test
    void reportsFromAStaleAttemptAreNotRecordedAndTellTheWorkerToStop() {
        fixture.given(aJob().submitted().started().attemptFailed().started().list())
                .when(new AppendJobLogs(JOB, 1, TWO_LINES, BRIDGE))
                .expectNoEvents()
                .expectResultMessagePayload(new ReportAck(false, false, JobStatus.RUNNING, 2));
    }

    @Test
    void reportsToACancelledJobAreNotRecordedAndTellTheWorkerToStop() {
        fixture.given(aJob().submitted().started().cancelled(JobStatus.RUNNING).list())
                .when(new ReportJobProgress(JOB, 1, new Progress(1, null, 0), BRIDGE))
                .expectNoEvents()
                .expectResultMessagePayload(new ReportAck(false, false, JobStatus.CANCELLED, 1));
    }

    @Test
    void completingTheRunningAttemptCompletesTheJob() {
        fixture.given(aJob().submitted().started().list())
                .when(new CompleteJob(JOB, 1, Map.of("imported", 10), BRIDGE))
                .expectEvents(new JobCompleted(JOB, 1, Map.of("imported", 10), BRIDGE))
                .expectResultMessagePayloadMatching(matches((JobView job) -> job.status() == JobStatus.COMPLETED));
    }

    @Test
    void theLastLinesAndFinalProgressRideOnTheCompletionEventItself() {
        Progress done = new Progress(2, 2L, 0);
        fixture.given(aJob().submitted().started().list())
                .andGiven(new JobLogsAppended(JOB, 1, 1, TWO_LINES, BRIDGE))
                .when(new CompleteJob(JOB, 1, Map.of("imported", 2), BRIDGE, TWO_LINES, done))
                .expectEvents(new JobCompleted(JOB, 1, Map.of("imported", 2), BRIDGE, done, 3, TWO_LINES))
                .expectResultMessagePayloadMatching(
                        matches((JobView job) -> job.status() == JobStatus.COMPLETED && done.equals(job.progress())));
    }

    @Test
    void theLastLinesAndFinalProgressOfAFailedAttemptRideOnItsFailure() {
        Progress partial = new Progress(1, 2L, 1);
        fixture.given(aJob().submitted().started().list())
                .andGiven(new JobLogsAppended(JOB, 1, 1, TWO_LINES, BRIDGE))
                .when(new FailJobAttempt(JOB, 1, "locked", true, BRIDGE, TWO_LINES, partial))
                .expectEvents(new JobAttemptFailed(JOB, 1, "locked", 2, BRIDGE, partial, 3, TWO_LINES))
                .expectResultMessagePayloadMatching(
                        matches((JobView job) -> job.status() == JobStatus.RETRYING && partial.equals(job.progress())));
    }

    @Test
    void theLastLinesOfAnAttemptThatFailsForGoodRideOnTheFailure() {
        fixture.given(aJob().submitted().started().list())
                .when(new FailJobAttempt(JOB, 1, "unparseable file", false, BRIDGE, TWO_LINES, null))
                .expectEvents(new JobFailed(JOB, 1, "unparseable file", false, BRIDGE, null, 1, TWO_LINES));
    }

    @Test
    void theNextAttemptsLinesFollowTheLinesTheFailureCarried() {
        fixture.given(aJob().submitted().started().list())
                .andGiven(new JobAttemptFailed(JOB, 1, "locked", 2, BRIDGE, null, 1, TWO_LINES))
                .andGiven(new JobStarted(JOB, 2, DELIVERY, BRIDGE))
                .when(new AppendJobLogs(JOB, 2, TWO_LINES, BRIDGE))
                .expectEvents(new JobLogsAppended(JOB, 2, 3, TWO_LINES, BRIDGE));
    }

    @Test
    void aRepeatedCompletionWithItsLastLinesRecordsTheLinesOnlyOnce() {
        fixture.given(aJob().submitted().started().list())
                .andGiven(new JobCompleted(JOB, 1, Map.of(), BRIDGE, null, 1, TWO_LINES))
                .when(new CompleteJob(JOB, 1, Map.of(), BRIDGE, TWO_LINES, null))
                .expectNoEvents();
    }

    @Test
    void completingTheSameAttemptAgainChangesNothing() {
        fixture.given(aJob().submitted().started().completed().list())
                .when(new CompleteJob(JOB, 1, Map.of(), BRIDGE))
                .expectNoEvents()
                .expectSuccessfulHandlerExecution();
    }

    @ParameterizedTest
    @EnumSource(
            value = JobStatus.class,
            names = {"PENDING", "RETRYING", "FAILED", "CANCELLED"})
    void completingAJobThatIsNotRunningIsRefused(JobStatus status) {
        fixture.given(JobEvents.in(status))
                .when(new CompleteJob(JOB, null, null, BRIDGE))
                .expectNoEvents()
                .expectException(matches((JobTransitionRefused refusal) ->
                        refusal.from() == status && refusal.to() == JobStatus.COMPLETED));
    }

    @Test
    void completingAStaleAttemptIsRefused() {
        fixture.given(aJob().submitted().started().attemptFailed().started().list())
                .when(new CompleteJob(JOB, 1, null, BRIDGE))
                .expectNoEvents()
                .expectException(JobTransitionRefused.class)
                .expectExceptionMessage("Job " + JOB + ": attempt 1 is not the running attempt 2");
    }

    @Test
    void aRetryableFailureWithAttemptsLeftMakesTheJobRetrying() {
        fixture.given(aJob().submitted().started().list())
                .when(new FailJobAttempt(JOB, 1, "timeout", true, BRIDGE))
                .expectEvents(new JobAttemptFailed(JOB, 1, "timeout", 2, BRIDGE))
                .expectResultMessagePayloadMatching(matches(
                        (JobView job) -> job.status() == JobStatus.RETRYING && "timeout".equals(job.errorReason())));
    }

    @Test
    void aRetryableFailureOfTheLastAttemptFailsTheJob() {
        fixture.given(aJob().withMaxAttempts(2)
                        .submitted()
                        .started()
                        .attemptFailed()
                        .started()
                        .list())
                .when(new FailJobAttempt(JOB, 2, "timeout", true, BRIDGE))
                .expectEvents(new JobFailed(JOB, 2, "timeout", true, BRIDGE));
    }

    @Test
    void aFailureThatIsNotRetryableFailsTheJobAtOnce() {
        fixture.given(aJob().submitted().started().list())
                .when(new FailJobAttempt(JOB, 1, "unparseable file", false, BRIDGE))
                .expectEvents(new JobFailed(JOB, 1, "unparseable file", false, BRIDGE));
    }

    @Test
    void aRepeatedFailureOfTheSameAttemptChangesNothing() {
        fixture.given(aJob().submitted().started().attemptFailed().list())
                .when(new FailJobAttempt(JOB, 1, "timeout", true, BRIDGE))
                .expectNoEvents()
                .expectResultMessagePayloadMatching(matches((JobView job) -> job.status() == JobStatus.RETRYING));
    }

    @ParameterizedTest
    @EnumSource(
            value = JobStatus.class,
            names = {"PENDING", "COMPLETED", "CANCELLED"})
    void failingAJobThatIsNotRunningIsRefused(JobStatus status) {
        fixture.given(JobEvents.in(status))
                .when(new FailJobAttempt(JOB, null, "boom", false, BRIDGE))
                .expectNoEvents()
                .expectException(JobTransitionRefused.class);
    }

    @ParameterizedTest
    @EnumSource(
            value = JobStatus.class,
            names = {"PENDING", "RETRYING", "RUNNING"})
    void pendingRetryingAndRunningJobsCanBeCancelled(JobStatus status) {
        fixture.given(JobEvents.in(status))
                .when(new CancelJob(JOB, "not needed", USER))
                .expectEvents(new JobCancelled(JOB, status, "not needed", USER));
    }

    @Test
    void cancellingACancelledJobChangesNothing() {
        fixture.given(JobEvents.in(JobStatus.CANCELLED))
                .when(new CancelJob(JOB, null, USER))
                .expectNoEvents()
                .expectSuccessfulHandlerExecution();
    }

    @ParameterizedTest
    @EnumSource(
            value = JobStatus.class,
            names = {"COMPLETED", "FAILED"})
    void finishedJobsCannotBeCancelled(JobStatus status) {
        fixture.given(JobEvents.in(status))
                .when(new CancelJob(JOB, null, USER))
                .expectNoEvents()
                .expectException(matches((JobTransitionRefused refusal) ->
                        refusal.from() == status && refusal.to() == JobStatus.CANCELLED));
    }

    @Test
    void anotherUserCannotCancelOrRetryAJobAndCannotTellItExists() {
        fixture.given(JobEvents.in(JobStatus.RUNNING))
                .when(new CancelJob(JOB, null, Actor.user("mallory")))
                .expectNoEvents()
                .expectException(JobNotFound.class);
        fixture.given(JobEvents.in(JobStatus.FAILED))
                .when(new RetryJob(JOB, Actor.user("mallory")))
                .expectNoEvents()
                .expectException(JobNotFound.class);
    }

    @Test
    void anAdminCanCancelAnyonesJob() {
        Actor admin = Actor.admin("root");
        fixture.given(JobEvents.in(JobStatus.RUNNING))
                .when(new CancelJob(JOB, null, admin))
                .expectEvents(new JobCancelled(JOB, JobStatus.RUNNING, null, admin));
    }

    @ParameterizedTest
    @EnumSource(
            value = JobStatus.class,
            names = {"FAILED", "CANCELLED"})
    void failedAndCancelledJobsCanBeRetriedWithAFreshBudget(JobStatus status) {
        fixture.given(JobEvents.in(status))
                .when(new RetryJob(JOB, USER))
                .expectEvents(
                        new JobRetried(JOB, status, 3, JobEvents.in(status).size() > 2 ? 2 : 1, USER))
                .expectResultMessagePayloadMatching(matches((JobView job) ->
                        job.status() == JobStatus.PENDING && job.attempts() == 0 && job.errorReason() == null));
    }

    @Test
    void attemptNumbersKeepCountingAfterARetrySoLateDeliveriesStayStale() {
        fixture.given(aJob().submitted()
                        .started()
                        .failed()
                        .retried(JobStatus.FAILED)
                        .list())
                .when(new StartJobAttempt(JOB, 1, DELIVERY, BRIDGE))
                .expectNoEvents()
                .expectResultMessagePayloadMatching(
                        matches((StartAnswer answer) -> answer.decision() == AttemptDecision.SKIP));
        fixture.given(aJob().submitted()
                        .started()
                        .failed()
                        .retried(JobStatus.FAILED)
                        .list())
                .when(new StartJobAttempt(JOB, 2, DELIVERY, BRIDGE))
                .expectEvents(new JobStarted(JOB, 2, DELIVERY, BRIDGE))
                .expectResultMessagePayloadMatching(
                        matches((StartAnswer answer) -> answer.job().attempts() == 1));
    }

    @ParameterizedTest
    @EnumSource(
            value = JobStatus.class,
            names = {"PENDING", "RUNNING", "RETRYING", "COMPLETED"})
    void onlyFailedOrCancelledJobsCanBeRetried(JobStatus status) {
        fixture.given(JobEvents.in(status))
                .when(new RetryJob(JOB, USER))
                .expectNoEvents()
                .expectException(matches((JobTransitionRefused refusal) ->
                        refusal.from() == status && refusal.to() == JobStatus.PENDING));
    }

    @Test
    void aDispatchIsRecordedOncePerAttempt() {
        Actor dispatcher = Actor.system("sqs-dispatcher");
        fixture.given(aJob().submitted().list())
                .when(new RecordJobDispatch(JOB, 1, "queue-url", "m-1", dispatcher))
                .expectEvents(new JobDispatched(JOB, 1, "queue-url", "m-1", dispatcher));
        fixture.given(aJob().submitted().list())
                .andGiven(new JobDispatched(JOB, 1, "queue-url", "m-1", dispatcher))
                .when(new RecordJobDispatch(JOB, 1, "queue-url", "m-1-again", dispatcher))
                .expectNoEvents();
    }

    @ParameterizedTest
    @EnumSource(
            value = JobStatus.class,
            names = {"PENDING", "RUNNING", "RETRYING"})
    void aDeadLetteredMessageOfTheLiveAttemptFailsTheJob(JobStatus status) {
        Actor watcher = Actor.system("dlq-watcher");
        int liveAttempt = status == JobStatus.PENDING ? 1 : status == JobStatus.RUNNING ? 1 : 2;
        fixture.given(JobEvents.in(status))
                .when(new MarkJobDeadLettered(JOB, liveAttempt, "m-1", "dead-lettered", watcher))
                .expectEvents(new JobDeadLettered(JOB, liveAttempt, "m-1", "dead-lettered", status, watcher))
                .expectResultMessagePayloadMatching(
                        matches((JobView job) -> job.status() == JobStatus.FAILED && job.deadLettered()));
    }

    @Test
    void aDeadLetteredMessageOfAFinishedJobOrAStaleAttemptChangesNothing() {
        Actor watcher = Actor.system("dlq-watcher");
        fixture.given(JobEvents.in(JobStatus.COMPLETED))
                .when(new MarkJobDeadLettered(JOB, 1, "m-1", "dead-lettered", watcher))
                .expectNoEvents();
        fixture.given(aJob().submitted().started().attemptFailed().started().list())
                .when(new MarkJobDeadLettered(JOB, 1, "m-1", "dead-lettered", watcher))
                .expectNoEvents();
    }

    private static final Duration QUIET = Duration.ofMinutes(15);
    private static final Duration LEASE = Duration.ofMinutes(16);
    private static final Actor WATCHER = Actor.system("stalled-job-watcher");

    private RecoverStalledJob recoverAfter(Duration elapsed) {
        return new RecoverStalledJob(JOB, fixture.currentTime().plus(elapsed), QUIET, LEASE, WATCHER);
    }

    @Test
    void aDispatchedAttemptThatNeverStartedIsSentAgainOnceItHasWaitedTooLong() {
        fixture.given(aJob().submitted().dispatched().list())
                .when(recoverAfter(QUIET.plusSeconds(1)))
                .expectEvents(new JobRedispatched(
                        JOB,
                        1,
                        "attempt 1 was sent to the queue at " + fixture.currentTime()
                                + " and never started: its message is sent again",
                        WATCHER))
                .expectResultMessagePayload(true);
    }

    @Test
    void aDispatchedAttemptWithinItsWaitIsLeftAlone() {
        fixture.given(aJob().submitted().dispatched().list())
                .when(recoverAfter(QUIET.minusSeconds(1)))
                .expectNoEvents()
                .expectResultMessagePayload(false);
    }

    @Test
    void eachResendOfTheSameAttemptWaitsTwiceAsLongAsTheOneBefore() {
        fixture.given(aJob().submitted().dispatched().redispatched().list())
                .when(recoverAfter(QUIET.multipliedBy(2).minusSeconds(1)))
                .expectNoEvents();
        fixture.given(aJob().submitted().dispatched().redispatched().list())
                .when(recoverAfter(QUIET.multipliedBy(2).plusSeconds(1)))
                .expectEventsMatching(payloadsMatching(
                        exactSequenceOf(matches((JobRedispatched event) -> event.attempt() == 1), andNoMore())))
                .expectResultMessagePayload(true);
    }

    @Test
    void theResentMessageIsRecordedOnTheHistoryButARepeatedRecordIsNot() {
        fixture.given(aJob().submitted().dispatched().redispatched().list())
                .when(new RecordJobDispatch(JOB, 1, "queue-url", "msg-1-again", JobEvents.DISPATCHER))
                .expectEvents(new JobDispatched(JOB, 1, "queue-url", "msg-1-again", JobEvents.DISPATCHER));
        fixture.given(aJob().submitted().dispatched().redispatched().list())
                .andGiven(new JobDispatched(JOB, 1, "queue-url", "msg-1-again", JobEvents.DISPATCHER))
                .when(new RecordJobDispatch(JOB, 1, "queue-url", "msg-1-again", JobEvents.DISPATCHER))
                .expectNoEvents();
    }

    @Test
    void aSendReportedAfterItsAttemptStartedOrTheJobEndedIsNotRecorded() {
        RecordJobDispatch resentFirst = new RecordJobDispatch(JOB, 1, "queue-url", "msg-1-again", JobEvents.DISPATCHER);
        fixture.given(aJob().submitted().dispatched().redispatched().started().list())
                .when(resentFirst)
                .expectNoEvents();
        fixture.given(aJob().submitted()
                        .dispatched()
                        .redispatched()
                        .started()
                        .completed()
                        .list())
                .when(resentFirst)
                .expectNoEvents();
        fixture.given(aJob().submitted()
                        .dispatched()
                        .started()
                        .attemptFailed()
                        .cancelled(JobStatus.RETRYING)
                        .list())
                .when(new RecordJobDispatch(JOB, 2, "queue-url", "msg-2", JobEvents.DISPATCHER))
                .expectNoEvents();
    }

    @Test
    void anAttemptStillInTheOutboxOrAFinishedJobIsNeverSentAgain() {
        fixture.given(aJob().submitted().list())
                .when(recoverAfter(Duration.ofDays(1)))
                .expectNoEvents()
                .expectResultMessagePayload(false);
        fixture.given(aJob().submitted().dispatched().started().completed().list())
                .when(recoverAfter(Duration.ofDays(1)))
                .expectNoEvents()
                .expectResultMessagePayload(false);
    }

    @Test
    void aRunningAttemptQuietPastItsLeaseAndTheWaitIsAbandonedForTheNextAttempt() {
        fixture.given(aJob().submitted().dispatched().started().list())
                .when(recoverAfter(LEASE.plus(QUIET).minusSeconds(1)))
                .expectNoEvents();
        fixture.given(aJob().submitted().dispatched().started().list())
                .when(recoverAfter(LEASE.plus(QUIET).plusSeconds(1)))
                .expectEvents(new JobAttemptFailed(JOB, 1, ABANDONED, 2, WATCHER))
                .expectResultMessagePayload(true);
    }

    @Test
    void anOwnerCannotRetryADeadLetteredJobButAnAdminCan() {
        fixture.given(aJob().submitted().list())
                .andGiven(new JobDeadLettered(JOB, 1, "m-1", "dead", JobStatus.PENDING, Actor.system("dlq")))
                .when(new RetryJob(JOB, USER))
                .expectNoEvents()
                .expectException(JobTransitionRefused.class)
                .expectExceptionMessage(containsString("admin's redrive"));
        Actor admin = Actor.admin("root");
        fixture.given(aJob().submitted().list())
                .andGiven(new JobDeadLettered(JOB, 1, "m-1", "dead", JobStatus.PENDING, Actor.system("dlq")))
                .when(new RetryJob(JOB, admin))
                .expectSuccessfulHandlerExecution();
    }

    @Test
    void onlyDeadLetteredJobsCanBeRedrivenAndTheyGetAFreshBudget() {
        Actor admin = Actor.admin("root");
        fixture.given(JobEvents.in(JobStatus.FAILED))
                .when(new RedriveJob(JOB, admin))
                .expectNoEvents()
                .expectException(JobTransitionRefused.class);
        fixture.given(aJob().submitted().list())
                .andGiven(new JobDeadLettered(JOB, 1, "m-1", "dead", JobStatus.PENDING, Actor.system("dlq")))
                .when(new RedriveJob(JOB, admin))
                .expectEvents(new JobRedriven(JOB, 3, 1, admin))
                .expectResultMessagePayloadMatching(
                        matches((JobView job) -> job.status() == JobStatus.PENDING && !job.deadLettered()));
    }
}
