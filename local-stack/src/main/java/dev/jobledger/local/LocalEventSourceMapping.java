package dev.jobledger.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.jobledger.standins.LocalLambdaContext;
import dev.jobledger.standins.LocalSqs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
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
 * invokes) with a context that counts down, deletes the records the answer does not report as failed
 * ({@code ReportBatchItemFailures}), and leaves the failed ones, or the whole batch when the invocation fails or
 * times out, to come back after their visibility timeout.
 */
public final class LocalEventSourceMapping implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalEventSourceMapping.class);

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
    private final RequestHandler<SQSEvent, SQSBatchResponse> function;
    private final Settings settings;
    private final String queueArn;
    private final ExecutorService pollers;
    private final ExecutorService invocations;
    private volatile boolean running = true;

    public LocalEventSourceMapping(
            SqsClient sqs, RequestHandler<SQSEvent, SQSBatchResponse> function, Settings settings) {
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
        SQSEvent event = new SQSEvent();
        event.setRecords(batch.stream()
                .map(message -> LocalSqs.lambdaRecord(message, queueArn))
                .toList());
        Future<SQSBatchResponse> invocation = invocations.submit(() -> function.handleRequest(event, context));
        Set<String> failed;
        try {
            SQSBatchResponse response =
                    invocation.get(settings.functionTimeout().toMillis(), TimeUnit.MILLISECONDS);
            failed = response == null || response.getBatchItemFailures() == null
                    ? Set.of()
                    : response.getBatchItemFailures().stream()
                            .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                            .collect(Collectors.toSet());
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
