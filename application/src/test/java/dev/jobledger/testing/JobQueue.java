package dev.jobledger.testing;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobledger.standins.LocalSqs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Reads the job queue of the test stack as a worker would. Every message read is taken off the queue; messages of
 * other jobs are kept aside for the tests that wait for them.
 */
public final class JobQueue {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, List<Message>> readAside = new ConcurrentHashMap<>();

    private JobQueue() {}

    /**
     * Waits until {@code count} messages of the job arrived on the shared job queue; answers them (and takes every
     * message it reads).
     */
    public static List<Message> awaitMessages(String jobId, int count) {
        return awaitMessages(TestStack.queues(), jobId, count);
    }

    /** As {@link #awaitMessages(String, int)}, on the job queue of a stack of its own. */
    public static List<Message> awaitMessages(LocalSqs.QueuePair queues, String jobId, int count) {
        return awaitMessages(queues, List.of(jobId), count).get(jobId);
    }

    /**
     * Waits until {@code count} messages of each of the jobs arrived on the shared job queue, reading it once for all
     * of them; answers each job's messages.
     */
    public static Map<String, List<Message>> awaitMessages(Collection<String> jobIds, int count) {
        return awaitMessages(TestStack.queues(), jobIds, count);
    }

    private static Map<String, List<Message>> awaitMessages(
            LocalSqs.QueuePair queues, Collection<String> jobIds, int count) {
        Map<String, List<Message>> found = new LinkedHashMap<>();
        jobIds.forEach(jobId -> found.put(jobId, new ArrayList<>(taken(jobId))));
        try (SqsClient sqs = TestStack.sqs().client()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (Message message : receive(sqs, queues.queueUrl())) {
                    MessageAttributeValue owner = message.messageAttributes().get("jobId");
                    if (owner == null) {
                        continue;
                    }
                    List<Message> mine = found.get(owner.stringValue());
                    if (mine != null) {
                        mine.add(message);
                    } else {
                        readAside
                                .computeIfAbsent(owner.stringValue(), any -> new CopyOnWriteArrayList<>())
                                .add(message);
                    }
                }
                return found.values().stream().allMatch(messages -> messages.size() >= count);
            });
        }
        return found;
    }

    /** The attempt ticket the dispatcher signed into the message's body. */
    public static String ticket(Message message) {
        try {
            return JSON.readTree(message.body()).path("ticket").textValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Message> taken(String jobId) {
        List<Message> earlier = readAside.remove(jobId);
        return earlier == null ? List.of() : earlier;
    }

    /** One receive, every message it got taken off the queue. */
    private static List<Message> receive(SqsClient sqs, String url) {
        List<Message> messages = sqs.receiveMessage(receive -> receive.queueUrl(url)
                        .maxNumberOfMessages(10)
                        .waitTimeSeconds(1)
                        .messageAttributeNames("All"))
                .messages();
        for (Message message : messages) {
            sqs.deleteMessage(delete -> delete.queueUrl(url).receiptHandle(message.receiptHandle()));
        }
        return messages;
    }
}
