package dev.jobledger.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobledger.standins.LocalLambdaContext;
import dev.jobledger.standins.LocalSqs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What AWS Lambda's SQS event source mapping does, against a local queue: long-polls batches of up to ten messages
 * with a visibility timeout longer than the function's timeout, invokes the function (the same handler class AWS
 * invokes, through the same entry point: the event's JSON in, the answer's JSON out) with a context that counts down,
 * deletes the records the answer does not report as failed ({@code ReportBatchItemFailures}), and leaves the failed
 * ones, or the whole batch when the invocation fails, times out or answers what Lambda could not read, to come back
 * after their visibility timeout.
 */
public final class LocalEventSourceMapping implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalEventSourceMapping.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param queueUrl the queue to read
     * @param batchSize records per invocation, 1 to 10
     * @param functionTimeout how long one invocation may run
     * @param concurrency invocations at once; 0 reads nothing, for a worker of one's own on the same queue
     */
    public record Settings(String queueUrl, int batchSize, Duration functionTimeout, int concurrency) {

        public Settings {
            if (concurrency < 0) {
                throw new IllegalArgumentException("concurrency must be 0 or more, not " + concurrency);
            }
        }

        Duration visibilityTimeout() {
            return functionTimeout.multipliedBy(6);
        }
    }

    private final SqsClient sqs;
    private final RequestStreamHandler function;
    private final Settings settings;
    private final String queueArn;
    private final ExecutorService pollers;
    private final ExecutorService invocations;
    private volatile boolean running = true;

    public LocalEventSourceMapping(SqsClient sqs, RequestStreamHandler function, Settings settings) {
        this.sqs = sqs;
        this.function = function;
        this.settings = settings;
        this.queueArn = sqs.getQueueAttributes(
                        get -> get.queueUrl(settings.queueUrl()).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes()
                .get(QueueAttributeName.QUEUE_ARN);
        this.pollers = Executors.newFixedThreadPool(Math.max(1, settings.concurrency()), daemon("esm-poller"));
        this.invocations = Executors.newCachedThreadPool(daemon("esm-invocation"));
        for (int i = 0; i < settings.concurrency(); i++) {
            pollers.submit(this::poll);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    private void poll() {
        while (running) {
            try {
                List<Message> batch = sqs.receiveMessage(receive -> receive.queueUrl(settings.queueUrl())
                                .maxNumberOfMessages(settings.batchSize())
                                .waitTimeSeconds(5)
                                .visibilityTimeout(
                                        (int) settings.visibilityTimeout().toSeconds())
                                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                                .messageAttributeNames("All"))
                        .messages();
                if (!batch.isEmpty()) {
                    invoke(batch);
                }
            } catch (RuntimeException e) {
                if (running) {
                    log.warn("Polling {} failed: {}", settings.queueUrl(), e.toString());
                    pause();
                }
            }
        }
    }

    private void invoke(List<Message> batch) {
        String requestId = UUID.randomUUID().toString();
        LocalLambdaContext context = new LocalLambdaContext(requestId, settings.functionTimeout());
        byte[] event;
        try {
            event = JSON.writeValueAsBytes(LocalSqs.lambdaEvent(batch, queueArn));
        } catch (IOException e) {
            throw new IllegalStateException("Could not write the event of " + batch.size() + " records", e);
        }
        Future<byte[]> invocation = invocations.submit(() -> {
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            function.handleRequest(new ByteArrayInputStream(event), answer, context);
            return answer.toByteArray();
        });
        Set<String> failed;
        try {
            failed = reportedFailures(
                    invocation.get(settings.functionTimeout().toMillis(), TimeUnit.MILLISECONDS), batch);
        } catch (TimeoutException timedOut) {
            invocation.cancel(true);
            log.warn("Invocation {} timed out; its {} records come back later", requestId, batch.size());
            return;
        } catch (ExecutionException crashed) {
            log.warn(
                    "Invocation {} failed; its {} records come back later",
                    requestId,
                    batch.size(),
                    crashed.getCause());
            return;
        } catch (IllegalArgumentException unreadable) {
            log.warn(
                    "Invocation {} answered what Lambda could not read ({}); its {} records come back later",
                    requestId,
                    unreadable.getMessage(),
                    batch.size());
            return;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return;
        }
        // As Lambda does, the records the function did not report are deleted, in one call for the batch; an entry
        // SQS refuses only comes back after the visibility timeout, as with a lost delete in AWS.
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (Message message : batch) {
            if (!failed.contains(message.messageId())) {
                done.add(DeleteMessageBatchRequestEntry.builder()
                        .id(Integer.toString(done.size()))
                        .receiptHandle(message.receiptHandle())
                        .build());
            }
        }
        if (!done.isEmpty()) {
            DeleteMessageBatchResponse deleted = sqs.deleteMessageBatch(
                    delete -> delete.queueUrl(settings.queueUrl()).entries(done));
            if (deleted.hasFailed() && !deleted.failed().isEmpty()) {
                log.warn(
                        "{} records of invocation {} were not deleted; they come back later",
                        deleted.failed().size(),
                        requestId);
            }
        }
    }

    /**
     * The message ids an answer reports, as Lambda reads them: no answer, {@code null} or no {@code batchItemFailures}
     * reports none; anything but {@code {"batchItemFailures":[{"itemIdentifier":"..."}, ...]}} naming messages of the
     * batch is refused (IllegalArgumentException), and Lambda then takes the whole batch as failed.
     */
    private static Set<String> reportedFailures(byte[] answer, List<Message> batch) {
        JsonNode json;
        try {
            json = answer.length == 0 ? null : JSON.readTree(answer);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON", e);
        }
        if (json == null || json.isNull()) {
            return Set.of();
        }
        JsonNode failures = json.path("batchItemFailures");
        if (failures.isMissingNode() || failures.isNull()) {
            return Set.of();
        }
        if (!failures.isArray()) {
            throw new IllegalArgumentException("batchItemFailures is not a list");
        }
        Set<String> ids = new HashSet<>();
        for (JsonNode failure : failures) {
            JsonNode id = failure.path("itemIdentifier");
            if (!id.isTextual() || id.textValue().isEmpty()) {
                throw new IllegalArgumentException("an itemIdentifier is missing or empty");
            }
            if (batch.stream().noneMatch(message -> message.messageId().equals(id.textValue()))) {
                throw new IllegalArgumentException("itemIdentifier " + id.textValue() + " is no message of the batch");
            }
            ids.add(id.textValue());
        }
        return ids;
    }

    private void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        pollers.shutdownNow();
        invocations.shutdownNow();
    }
}
