package dev.jobledger.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** Reads the job queue of the test stack as a worker would, keeping the messages of one job. */
public final class JobQueue {

    private JobQueue() {}

    /** Waits until {@code count} messages of the job arrived; answers them (and takes every message it reads). */
    public static List<Message> awaitMessages(String jobId, int count) {
        List<Message> found = new ArrayList<>();
        try (SqsClient sqs = TestStack.sqs().client()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                found.addAll(receive(sqs, jobId));
                return found.size() >= count;
            });
        }
        return found;
    }

    /** Reads the queue for a while and answers the job's messages found meanwhile (none, when all is well). */
    public static List<Message> readFor(String jobId, Duration window) {
        List<Message> found = new ArrayList<>();
        long deadline = System.nanoTime() + window.toNanos();
        try (SqsClient sqs = TestStack.sqs().client()) {
            while (System.nanoTime() < deadline) {
                found.addAll(receive(sqs, jobId));
            }
        }
        return found;
    }

    private static List<Message> receive(SqsClient sqs, String jobId) {
        String url = TestStack.queues().queueUrl();
        List<Message> messages = sqs.receiveMessage(receive -> receive.queueUrl(url)
                        .maxNumberOfMessages(10)
                        .waitTimeSeconds(1)
                        .messageAttributeNames("All"))
                .messages();
        List<Message> mine = new ArrayList<>();
        for (Message message : messages) {
            sqs.deleteMessage(delete -> delete.queueUrl(url).receiptHandle(message.receiptHandle()));
            if (message.messageAttributes().containsKey("jobId")
                    && jobId.equals(message.messageAttributes().get("jobId").stringValue())) {
                mine.add(message);
            }
        }
        return mine;
    }
}
