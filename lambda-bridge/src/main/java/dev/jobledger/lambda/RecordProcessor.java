package dev.jobledger.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobledger.lambda.AttemptContext.StopReason;
import dev.jobledger.lambda.spi.HandlerResult;
import dev.jobledger.lambda.spi.JobFailure;
import dev.jobledger.lambda.spi.JobHandler;
import dev.jobledger.lambda.spi.JobStopped;
import dev.jobledger.messages.AttemptDecision;
import dev.jobledger.messages.JobDispatch;
import dev.jobledger.messages.JobView;
import dev.jobledger.messages.StartAnswer;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** Processes one SQS record: asks the ledger to start the attempt, runs the handler, reports how it ended. */
final class RecordProcessor {

    /** What becomes of the record. */
    enum Outcome {
        /** Delete the message: the ledger knows how the attempt ended, or it must not run. */
        ACKNOWLEDGE,
        /** Report it in batchItemFailures, so that SQS delivers it again (and, in the end, to the DLQ). */
        REDELIVER
    }

    static final String TIME_SHORT_REASON = "remaining Lambda time ran short";
    static final int MAX_REASON_LENGTH = 4000;

    private static final FunctionLog LOG = FunctionLog.of(RecordProcessor.class);

    private final BridgeConfig config;
    private final LedgerClient ledger;
    private final S3Client s3;
    private final HandlerRegistry handlers;
    private final ObjectMapper json;

    RecordProcessor(BridgeConfig config, LedgerClient ledger, S3Client s3, HandlerRegistry handlers) {
        this.config = config;
        this.ledger = ledger;
        this.s3 = s3;
        this.handlers = handlers;
        this.json = LedgerClient.mapper();
    }

    Outcome process(SQSEvent.SQSMessage message, Context lambda) {
        JobDispatch dispatch;
        try {
            dispatch = json.readValue(message.getBody(), JobDispatch.class);
            if (dispatch.jobId() == null || dispatch.attempt() < 1) {
                throw new IllegalArgumentException("jobId missing or attempt below 1");
            }
        } catch (Exception e) {
            // Poison message: see docs/handlers.md, "Poison messages". Reported, so that SQS moves it to the DLQ.
            LOG.error("unparseable JobDispatch body; reporting the record as failed so that it reaches the DLQ: "
                    + e.getMessage());
            return Outcome.REDELIVER;
        }
        FunctionLog.set(FunctionLog.fields().withJob(dispatch.jobId().toString(), dispatch.attempt()));

        if (lambda.getRemainingTimeInMillis() < config.safetyMargin().toMillis()) {
            LOG.warn("too little time left to start the attempt; the message comes back later");
            return Outcome.REDELIVER;
        }

        LedgerClient.Delivery delivery = new LedgerClient.Delivery(message.getMessageId(), lambda.getAwsRequestId());
        StartAnswer answer;
        try {
            answer = ledger.startAttempt(dispatch.jobId(), dispatch.attempt(), delivery);
        } catch (LedgerException.Unavailable e) {
            LOG.error("the ledger could not be reached to start the attempt; the message comes back later", e);
            return Outcome.REDELIVER;
        } catch (LedgerException.Refused e) {
            if (e.jobUnknown() || e.conflict()) {
                LOG.warn("the ledger refused to start the attempt; acknowledged: " + e.getMessage());
                return Outcome.ACKNOWLEDGE;
            }
            LOG.error("the ledger refused to start the attempt; the message comes back (then the DLQ): "
                    + e.getMessage());
            return Outcome.REDELIVER;
        }
        if (answer.decision() != AttemptDecision.PROCEED) {
            LOG.info("the ledger answered SKIP; acknowledged: " + answer.reason());
            return Outcome.ACKNOWLEDGE;
        }
        return run(dispatch, answer, delivery, lambda);
    }

    private Outcome run(JobDispatch dispatch, StartAnswer answer, LedgerClient.Delivery delivery, Context lambda) {
        int attempt = answer.attempt();
        FunctionLog.set(FunctionLog.fields().withJob(dispatch.jobId().toString(), attempt));
        JobView job = answer.job();
        String jobType = job != null && job.jobType() != null ? job.jobType() : dispatch.jobType();
        Map<String, Object> payload = job == null ? null : job.payload();

        Optional<JobHandler> handler = handlers.find(jobType);
        if (handler.isEmpty()) {
            LOG.error("no handler registered for jobType " + jobType);
            return fail(dispatch, attempt, "no handler registered for jobType " + jobType, false, delivery);
        }

        InputStream file = null;
        AttemptContext context = null;
        try {
            file = openFile(dispatch, job);
            context = new AttemptContext(
                    ledger,
                    config,
                    lambda,
                    dispatch.jobId(),
                    jobType,
                    attempt,
                    delivery,
                    payload,
                    file,
                    fileName(dispatch, job));
            LOG.info("running handler " + handler.get().getClass().getName());
            HandlerResult result = handler.get().handle(context);
            return finish(dispatch, attempt, context, result, delivery);
        } catch (JobStopped e) {
            return finish(dispatch, attempt, context, null, delivery);
        } catch (JobFailure e) {
            LOG.warn("the handler failed the attempt (retryable=" + e.retryable() + "): " + e.getMessage(), e);
            flushQuietly(context);
            if (context != null && context.stopReason() == StopReason.LEDGER_SAID_STOP) {
                return Outcome.ACKNOWLEDGE;
            }
            return fail(dispatch, attempt, reason(e), e.retryable(), delivery);
        } catch (Exception | LinkageError | StackOverflowError e) {
            LOG.error("the handler threw; failing the attempt as retryable", e);
            flushQuietly(context);
            if (context != null && context.stopReason() == StopReason.LEDGER_SAID_STOP) {
                return Outcome.ACKNOWLEDGE;
            }
            return fail(dispatch, attempt, reason(e), true, delivery);
        } finally {
            closeQuietly(file);
        }
    }

    /** After the handler returned (result set) or stopped (result null). */
    private Outcome finish(
            JobDispatch dispatch,
            int attempt,
            AttemptContext context,
            HandlerResult result,
            LedgerClient.Delivery delivery) {
        if (context.stopReason() == null && result == null) {
            // JobStopped thrown without a reason known to the bridge: treat as a retryable failure.
            return fail(dispatch, attempt, "the handler stopped without a reason", true, delivery);
        }
        context.flushAll();
        StopReason stop = context.stopReason();
        if (stop == StopReason.LEDGER_SAID_STOP) {
            LOG.info("stopped because the ledger said so; no complete, acknowledged: " + context.stopDetail());
            return Outcome.ACKNOWLEDGE;
        }
        if (stop == StopReason.TIME_SHORT) {
            return fail(dispatch, attempt, TIME_SHORT_REASON, true, delivery);
        }
        if (stop == StopReason.LEDGER_UNREACHABLE) {
            return fail(dispatch, attempt, "the ledger could not be reached while the attempt ran", true, delivery);
        }
        try {
            JobView view =
                    ledger.complete(dispatch.jobId(), attempt, result == null ? Map.of() : result.result(), delivery);
            LOG.info("completed; the job is " + (view == null ? "?" : view.status()));
            return Outcome.ACKNOWLEDGE;
        } catch (LedgerException.Refused e) {
            LOG.warn("the ledger refused the completion (the job moved on); acknowledged: " + e.getMessage());
            return Outcome.ACKNOWLEDGE;
        } catch (LedgerException.Unavailable e) {
            LOG.error("the ledger could not be reached to complete the attempt; the message comes back", e);
            return Outcome.REDELIVER;
        }
    }

    private Outcome fail(
            JobDispatch dispatch, int attempt, String reason, boolean retryable, LedgerClient.Delivery delivery) {
        try {
            JobView view = ledger.fail(dispatch.jobId(), attempt, reason, retryable, delivery);
            LOG.info("failed the attempt (retryable=" + retryable + "): " + reason + "; the job is "
                    + (view == null ? "?" : view.status()));
            return Outcome.ACKNOWLEDGE;
        } catch (LedgerException.Refused e) {
            LOG.warn("the ledger refused the failure report (the job moved on); acknowledged: " + e.getMessage());
            return Outcome.ACKNOWLEDGE;
        } catch (LedgerException.Unavailable e) {
            LOG.error("the ledger could not be reached to fail the attempt; the message comes back", e);
            return Outcome.REDELIVER;
        }
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

    private static void flushQuietly(AttemptContext context) {
        if (context == null) {
            return;
        }
        try {
            context.flushAll();
        } catch (RuntimeException e) {
            LOG.warn("could not send the last log lines", e);
        }
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
