package dev.jobledger.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobledger.lambda.AttemptContext.StopReason;
import dev.jobledger.lambda.LedgerClient.AttemptReport;
import dev.jobledger.lambda.LedgerClient.AttemptToStart;
import dev.jobledger.lambda.LedgerClient.ItemResult;
import dev.jobledger.lambda.spi.HandlerResult;
import dev.jobledger.lambda.spi.JobFailure;
import dev.jobledger.lambda.spi.JobHandler;
import dev.jobledger.lambda.spi.JobStopped;
import dev.jobledger.messages.AttemptDecision;
import dev.jobledger.messages.AttemptStartOutcome;
import dev.jobledger.messages.Delivery;
import dev.jobledger.messages.JobDispatch;
import dev.jobledger.messages.JobView;
import dev.jobledger.messages.StartAnswer;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Processes the records of one invocation with the batched worker protocol: one call starts them all, their handlers
 * run one after the other, and their ends go back in batched finish calls (see {@link PendingReports}). Each record's
 * fate is decided on its own: an exception or a refusal for one record never decides another's. A started record the
 * invocation has no time left to run, after earlier handlers used it up, goes back to its queue as a new message (see
 * {@link Requeue}), so that waiting its turn costs the job nothing.
 */
final class RecordProcessor {

    /** What becomes of the record. */
    enum Outcome {
        /** Delete the message: the ledger knows how the attempt ended, it must not run, or a new message carries it. */
        ACKNOWLEDGE,
        /** Report it in batchItemFailures, so that SQS delivers it again (and, in the end, to the DLQ). */
        REDELIVER
    }

    static final String TIME_SHORT_REASON = "remaining Lambda time ran short";
    static final int MAX_REASON_LENGTH = 4000;

    private static final FunctionLog LOG = FunctionLog.of(RecordProcessor.class);

    /**
     * A record whose body is a dispatch: its place in the batch, its function-log fields and the delivery the ledger
     * knows it by (its message id, or the one a message sent again carries on).
     */
    private record Dispatched(
            int index, SqsEvent.SqsMessage message, JobDispatch dispatch, FunctionLog.Fields log, String deliveryId) {}

    /** A record the ledger answered PROCEED. */
    private record Started(Dispatched record, StartAnswer answer) {}

    /** How an attempt ended, before the ledger hears of it. */
    private record Ending(Map<String, Object> result, String reason, boolean retryable) {

        static Ending completed(Map<String, Object> result) {
            return new Ending(result == null ? Map.of() : result, null, false);
        }

        static Ending failed(String reason, boolean retryable) {
            return new Ending(null, reason, retryable);
        }

        boolean isCompleted() {
            return reason == null;
        }
    }

    private final BridgeConfig config;
    private final LedgerClient ledger;
    private final S3Client s3;
    private final HandlerRegistry handlers;
    private final Requeue requeue;
    private final ObjectMapper json;

    RecordProcessor(BridgeConfig config, LedgerClient ledger, S3Client s3, HandlerRegistry handlers, Requeue requeue) {
        this.config = config;
        this.ledger = ledger;
        this.s3 = s3;
        this.handlers = handlers;
        this.requeue = requeue;
        this.json = LedgerClient.mapper();
    }

    /** The fate of each record, in the records' order. */
    List<Outcome> process(List<SqsEvent.SqsMessage> messages, Context lambda) {
        Outcome[] fates = new Outcome[messages.size()];
        FunctionLog.Fields invocation = new FunctionLog.Fields(lambda.getAwsRequestId(), null, null, null);
        Deadline deadline = Deadline.of(lambda, config.safetyMargin());
        try {
            List<Dispatched> dispatched = parse(messages, lambda, fates);
            if (dispatched.isEmpty()) {
                return finalFates(fates, messages);
            }
            if (deadline.timeShort(System.nanoTime())) {
                // Nothing ran: the invocation began with too little time (a timeout below the safety margin). Sent
                // again, the records would only come back to the same lack of time; the queue's redrive stops that.
                for (Dispatched record : dispatched) {
                    FunctionLog.set(record.log());
                    LOG.warn("too little time left to start the attempt; the message comes back later");
                    fates[record.index()] = Outcome.REDELIVER;
                }
                return finalFates(fates, messages);
            }
            List<Started> started = start(dispatched, lambda, fates);
            PendingReports reports = new PendingReports(
                    ledger, lambda, deadline, config.reportInterval(), (index, outcome) -> fates[index] = outcome);
            List<Dispatched> noTimeLeft = new ArrayList<>();
            try {
                int ran = 0;
                for (Started record : started) {
                    FunctionLog.set(invocation);
                    reports.sendIfDue(System.nanoTime());
                    if (deadline.timeShort(System.nanoTime())) {
                        leaveUnrun(record.record(), ran > 0, fates, noTimeLeft);
                        continue;
                    }
                    runGuarded(record, lambda, deadline, reports, fates);
                    ran++;
                }
            } finally {
                FunctionLog.set(invocation);
                reports.sendAll();
            }
            sendAgain(noTimeLeft, deadline, fates);
            return finalFates(fates, messages);
        } finally {
            FunctionLog.set(invocation);
        }
    }

    private List<Dispatched> parse(List<SqsEvent.SqsMessage> messages, Context lambda, Outcome[] fates) {
        List<Dispatched> dispatched = new ArrayList<>(messages.size());
        for (int index = 0; index < messages.size(); index++) {
            SqsEvent.SqsMessage message = messages.get(index);
            FunctionLog.Fields log = new FunctionLog.Fields(lambda.getAwsRequestId(), message.messageId(), null, null);
            FunctionLog.set(log);
            try {
                JobDispatch dispatch = json.readValue(message.body(), JobDispatch.class);
                if (dispatch.jobId() == null || dispatch.attempt() < 1) {
                    throw new IllegalArgumentException("jobId missing or attempt below 1");
                }
                dispatched.add(new Dispatched(
                        index,
                        message,
                        dispatch,
                        log.withJob(dispatch.jobId().toString(), dispatch.attempt()),
                        Requeue.deliveryId(message)));
            } catch (Exception e) {
                // Poison message: see docs/handlers.md, "Poison messages". Reported, so that SQS moves it to the DLQ.
                LOG.error("unparseable JobDispatch body; reporting the record as failed so that it reaches the DLQ: "
                        + e.getMessage());
                fates[index] = Outcome.REDELIVER;
            }
        }
        return dispatched;
    }

    /** One batched start for every dispatch; decides the records that are not to run, returns the others. */
    private List<Started> start(List<Dispatched> dispatched, Context lambda, Outcome[] fates) {
        List<AttemptToStart> items = dispatched.stream()
                .map(record -> new AttemptToStart(
                        record.dispatch().jobId(),
                        record.dispatch().attempt(),
                        record.deliveryId(),
                        record.dispatch().ticket()))
                .toList();
        List<ItemResult<AttemptStartOutcome>> results;
        try {
            results = ledger.startAttempts(lambda.getAwsRequestId(), items);
        } catch (RuntimeException e) {
            LOG.error("could not start the batch's attempts; every record comes back", e);
            dispatched.forEach(record -> fates[record.index()] = Outcome.REDELIVER);
            return List.of();
        }
        List<Started> started = new ArrayList<>();
        for (int i = 0; i < dispatched.size(); i++) {
            Dispatched record = dispatched.get(i);
            FunctionLog.set(record.log());
            ItemResult<AttemptStartOutcome> result = results.get(i);
            StartAnswer answer = proceedAnswer(result);
            if (answer != null) {
                started.add(new Started(record, answer));
            } else {
                fates[record.index()] = notStarted(result);
            }
        }
        return started;
    }

    private static StartAnswer proceedAnswer(ItemResult<AttemptStartOutcome> result) {
        AttemptStartOutcome outcome = result.outcome();
        if (outcome == null || outcome.status() != 200 || outcome.answer() == null) {
            return null;
        }
        return outcome.answer().decision() == AttemptDecision.PROCEED ? outcome.answer() : null;
    }

    /** Acknowledged only when the ledger's answer is final for the delivery: SKIP, 404 or 409. */
    private static Outcome notStarted(ItemResult<AttemptStartOutcome> result) {
        if (result.failure() instanceof LedgerException.Refused refused) {
            LOG.error("the ledger refused the start call (HTTP " + refused.status() + "); the message comes back: "
                    + refused.getMessage());
            return Outcome.REDELIVER;
        }
        if (result.failure() != null) {
            LOG.error("the ledger could not be reached to start the attempt; the message comes back later: "
                    + result.failure().getMessage());
            return Outcome.REDELIVER;
        }
        AttemptStartOutcome outcome = result.outcome();
        if (outcome.status() == 200 && outcome.answer() != null) {
            LOG.info("the ledger answered SKIP; acknowledged: "
                    + outcome.answer().reason());
            return Outcome.ACKNOWLEDGE;
        }
        if (outcome.status() == 404 || outcome.status() == 409) {
            LOG.warn("the ledger refused to start the attempt (" + outcome.status() + "); acknowledged: "
                    + outcome.detail());
            return Outcome.ACKNOWLEDGE;
        }
        LOG.error("the ledger answered " + outcome.status() + " to the start; the message comes back: "
                + outcome.detail());
        return Outcome.REDELIVER;
    }

    /**
     * A started record whose handler would begin with less than the safety margin left. Failing the attempt would
     * spend one of the job's attempts on a handler that never ran; so it is not reported. When earlier handlers of
     * this invocation used the time up, it is sent again as a new message (below); otherwise (the start call itself
     * took the time) it comes back as it is, one receive further.
     */
    private static void leaveUnrun(
            Dispatched record, boolean earlierHandlersRan, Outcome[] fates, List<Dispatched> again) {
        FunctionLog.set(record.log());
        fates[record.index()] = Outcome.REDELIVER;
        if (earlierHandlersRan) {
            LOG.debug("earlier handlers used the time up; the started attempt is to be sent again as a new message");
            again.add(record);
        } else {
            LOG.warn("too little time left to run the started attempt; the message comes back later");
        }
    }

    /**
     * Sends the records again as new messages with their delivery ({@link Requeue}): each new message comes with a
     * fresh receive count, and the ledger answers PROCEED to its start while the attempt it started waits. A record is
     * acknowledged only once SQS accepted its new message; otherwise it comes back as it is.
     */
    private void sendAgain(List<Dispatched> records, Deadline deadline, Outcome[] fates) {
        if (records.isEmpty()) {
            return;
        }
        List<Requeue.Record> again = records.stream()
                .map(record ->
                        new Requeue.Record(String.valueOf(record.index()), record.message(), record.deliveryId()))
                .toList();
        // Whatever time is left: an invocation that times out now gives every record back, which is safe too.
        Duration timeout = Duration.ofMillis(Math.max(1, deadline.remaining().toMillis() - 500L));
        if (timeout.compareTo(config.requestTimeout()) > 0) {
            timeout = config.requestTimeout();
        }
        Set<String> accepted = requeue.send(again, timeout);
        for (Dispatched record : records) {
            FunctionLog.set(record.log());
            if (accepted.contains(String.valueOf(record.index()))) {
                LOG.info("sent again as a new message; acknowledged");
                fates[record.index()] = Outcome.ACKNOWLEDGE;
            } else {
                LOG.warn("could not be sent again; the message comes back later");
            }
        }
    }

    private void runGuarded(
            Started started, Context lambda, Deadline deadline, PendingReports reports, Outcome[] fates) {
        int index = started.record().index();
        try {
            run(started, lambda, deadline, reports, fates);
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            LOG.error("unexpected error while processing the record; the message comes back", e);
            fates[index] = Outcome.REDELIVER;
        }
    }

    private void run(Started started, Context lambda, Deadline deadline, PendingReports reports, Outcome[] fates) {
        Dispatched record = started.record();
        JobDispatch dispatch = record.dispatch();
        StartAnswer answer = started.answer();
        int attempt = answer.attempt();
        // The attempt the ledger started may be the next one (a takeover): its ticket is the answer's, not the
        // message's.
        String ticket = answer.ticket() != null ? answer.ticket() : dispatch.ticket();
        FunctionLog.Fields log = record.log().withJob(dispatch.jobId().toString(), attempt);
        FunctionLog.set(log);
        JobView job = answer.job();
        String jobType = job != null && job.jobType() != null ? job.jobType() : dispatch.jobType();
        Map<String, Object> payload = job == null ? null : job.payload();

        AttemptContext context = null;
        Ending ending;
        Optional<JobHandler> handler = handlers.find(jobType);
        if (handler.isEmpty()) {
            LOG.error("no handler registered for jobType " + jobType);
            ending = Ending.failed("no handler registered for jobType " + jobType, false);
        } else {
            InputStream file = null;
            try {
                file = openFile(dispatch, job);
                context = new AttemptContext(
                        ledger,
                        config,
                        deadline,
                        dispatch.jobId(),
                        jobType,
                        attempt,
                        ticket,
                        new Delivery(record.deliveryId(), lambda.getAwsRequestId()),
                        payload,
                        file,
                        fileName(dispatch, job),
                        reports);
                LOG.debug("running handler " + handler.get().getClass().getName());
                HandlerResult result = handler.get().handle(context);
                ending = afterHandler(context, result);
            } catch (JobStopped e) {
                ending = afterHandler(context, null);
            } catch (JobFailure e) {
                LOG.warn("the handler failed the attempt (retryable=" + e.retryable() + "): " + e.getMessage(), e);
                ending = saidStop(context) ? null : Ending.failed(reason(e), e.retryable());
            } catch (Exception | LinkageError | StackOverflowError e) {
                LOG.error("the handler threw; failing the attempt as retryable", e);
                ending = saidStop(context) ? null : Ending.failed(reason(e), true);
            } finally {
                FunctionLog.set(log);
                closeQuietly(file);
            }
        }
        if (ending == null) {
            LOG.info("stopped because the ledger said so; no report, acknowledged: " + context.stopDetail());
            fates[record.index()] = Outcome.ACKNOWLEDGE;
            return;
        }
        ending = writable(ending);
        AttemptContext.Unsent unsent =
                context == null ? new AttemptContext.Unsent(List.of(), null) : context.takeUnsent();
        String messageId = record.deliveryId();
        AttemptReport report = ending.isCompleted()
                ? AttemptReport.completed(
                        dispatch.jobId(), attempt, messageId, ticket, ending.result(), unsent.logs(), unsent.progress())
                : AttemptReport.failed(
                        dispatch.jobId(),
                        attempt,
                        messageId,
                        ticket,
                        ending.reason(),
                        ending.retryable(),
                        unsent.logs(),
                        unsent.progress());
        LOG.debug("the attempt ended; its report waits for the batched finish");
        reports.add(record.index(), log, report);
    }

    /** After the handler returned (result set) or stopped (result null); {@code null}: the ledger said stop. */
    private static Ending afterHandler(AttemptContext context, HandlerResult result) {
        StopReason stop = context.stopReason();
        if (stop == null && result == null) {
            // JobStopped thrown without a reason known to the bridge: treat as a retryable failure.
            return Ending.failed("the handler stopped without a reason", true);
        }
        if (stop == null) {
            return Ending.completed(result.result());
        }
        return switch (stop) {
            case LEDGER_SAID_STOP -> null;
            case TIME_SHORT -> Ending.failed(TIME_SHORT_REASON, true);
            case LEDGER_UNREACHABLE -> Ending.failed("the ledger could not be reached while the attempt ran", true);
            case LEDGER_REFUSED ->
                Ending.failed(
                        "the ledger refused the attempt's reports while it ran (" + context.stopDetail() + ")", true);
        };
    }

    private static boolean saidStop(AttemptContext context) {
        return context != null && context.stopReason() == StopReason.LEDGER_SAID_STOP;
    }

    /**
     * A result that cannot be written as JSON would fail the whole finish call, with the other jobs' reports in it:
     * caught here, and failed as any other handler error.
     */
    private Ending writable(Ending ending) {
        if (!ending.isCompleted()) {
            return ending;
        }
        try {
            json.writeValueAsBytes(ending.result());
            return ending;
        } catch (Exception e) {
            LOG.error("the handler's result cannot be written as JSON; failing the attempt as retryable", e);
            return Ending.failed(reason(e), true);
        }
    }

    private static List<Outcome> finalFates(Outcome[] fates, List<SqsEvent.SqsMessage> messages) {
        for (int i = 0; i < fates.length; i++) {
            if (fates[i] == null) {
                // Not decided: an error between the phases. Coming back is always safe (every step is idempotent).
                FunctionLog.set(FunctionLog.fields().withMessage(messages.get(i).messageId()));
                LOG.error("no outcome was decided for the record; the message comes back");
                fates[i] = Outcome.REDELIVER;
            }
        }
        return Arrays.asList(fates);
    }

    private InputStream openFile(JobDispatch dispatch, JobView job) {
        String key = dispatch.key();
        if (key == null && job != null && job.file() != null) {
            key = job.file().key();
        }
        if (key == null) {
            return null;
        }
        String bucket = dispatch.bucket() != null ? dispatch.bucket() : config.s3Bucket();
        if (bucket == null) {
            throw JobFailure.notRetryable("the job has a file but no bucket is known (set JOBLEDGER_S3_BUCKET)");
        }
        String objectKey = key;
        try {
            return s3.getObject(request -> request.bucket(bucket).key(objectKey));
        } catch (NoSuchKeyException | NoSuchBucketException e) {
            throw new JobFailure("the job's file s3://" + bucket + "/" + key + " does not exist", false, e);
        } catch (SdkException e) {
            throw new JobFailure(
                    "cannot read the job's file s3://" + bucket + "/" + key + ": " + e.getMessage(), true, e);
        }
    }

    private static String fileName(JobDispatch dispatch, JobView job) {
        if (dispatch.fileName() != null) {
            return dispatch.fileName();
        }
        return job != null && job.file() != null ? job.file().name() : null;
    }

    private static String reason(Throwable e) {
        String text = e.getMessage() == null || e.getMessage().isBlank()
                ? e.getClass().getName()
                : (e instanceof JobFailure ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage());
        return text.length() > MAX_REASON_LENGTH ? text.substring(0, MAX_REASON_LENGTH - 3) + "..." : text;
    }

    private static void closeQuietly(InputStream stream) {
        if (stream == null) {
            return;
        }
        try {
            if (stream instanceof software.amazon.awssdk.core.ResponseInputStream<?> response) {
                response.abort(); // do not drain the rest of a large object just to close it
            }
            stream.close();
        } catch (Exception e) {
            LOG.debug("closing the file stream: " + e);
        }
    }
}
