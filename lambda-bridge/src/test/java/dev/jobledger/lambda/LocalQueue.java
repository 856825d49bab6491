package dev.jobledger.lambda;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobledger.standins.LocalSqs;
import java.net.URI;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The project's SQS stand-in (ElasticMQ) on loopback with the queue the test events come from ({@value #NAME}, as
 * their {@code eventSourceARN} says) and its dead-letter queue, used through the function's own SQS client.
 */
final class LocalQueue implements AutoCloseable {

    static final String NAME = "job-ledger-jobs";

    private final LocalSqs server;
    private final SqsClient client;
    private final LocalSqs.QueuePair queues;
    private final String arn;

    /** {@code maxReceiveCount}: receives after which SQS moves a message to the dead-letter queue. */
    LocalQueue(int maxReceiveCount) {
        server = LocalSqs.start(0);
        queues = server.createQueueWithDeadLetterQueue(NAME, 30, maxReceiveCount);
        // The SDK's default credentials chain reads these system properties: the function's client is used as is.
        System.setProperty("aws.accessKeyId", LocalSqs.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", LocalSqs.SECRET_KEY);
        client = SqsJobHandler.sqsClient(BridgeConfig.builder()
                .apiBaseUrl(URI.create("http://unused"))
                .bridgeToken("unused")
                .region(LocalSqs.REGION.id())
                .sqsEndpoint(server.endpoint())
                .build());
        arn = client.getQueueAttributes(
                        get -> get.queueUrl(queues.queueUrl()).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes()
                .get(QueueAttributeName.QUEUE_ARN);
    }

    SqsClient client() {
        return client;
    }

    URI endpoint() {
        return server.endpoint();
    }

    /** Empties the queue and its dead-letter queue, so that each test sees only its own messages. */
    void purge() {
        client.purgeQueue(purge -> purge.queueUrl(queues.queueUrl()));
        client.purgeQueue(purge -> purge.queueUrl(queues.deadLetterQueueUrl()));
    }

    /** The messages waiting in the queue (up to ten), with their receive count and message attributes. */
    List<Message> receive() {
        return client.receiveMessage(receive -> receive.queueUrl(queues.queueUrl())
                        .maxNumberOfMessages(10)
                        .waitTimeSeconds(1)
                        .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                        .messageAttributeNames("All"))
                .messages();
    }

    /** The messages waiting in the dead-letter queue (up to ten). */
    List<Message> deadLetters() {
        return client.receiveMessage(receive -> receive.queueUrl(queues.deadLetterQueueUrl())
                        .maxNumberOfMessages(10)
                        .waitTimeSeconds(1))
                .messages();
    }

    /** The messages as Lambda's event source mapping hands them to the function: the event's JSON. */
    ObjectNode asEvent(List<Message> messages) {
        return new ObjectMapper().valueToTree(LocalSqs.lambdaEvent(messages, arn));
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
