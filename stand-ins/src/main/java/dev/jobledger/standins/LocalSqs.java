package dev.jobledger.standins;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A real SQS-protocol server (ElasticMQ) on loopback, with the job queue and its dead-letter queue created through
 * the SQS API itself, as Terraform creates them in AWS.
 */
public final class LocalSqs implements AutoCloseable {

    public static final String ACCESS_KEY = "local";
    public static final String SECRET_KEY = "local";
    public static final Region REGION = Region.US_EAST_1;

    private final SQSRestServer server;
    private final URI endpoint;
    private final int port;

    private LocalSqs(SQSRestServer server, int port) {
        this.server = server;
        this.port = port;
        this.endpoint = URI.create("http://localhost:" + port);
    }

    /** Starts the server on the port (0 for any free one). */
    public static LocalSqs start(int port) {
        SQSRestServer server = SQSRestServerBuilder.withPort(port)
                .withInterface("127.0.0.1")
                .withServerAddress(new NodeAddress("http", "localhost", port, ""))
                .start();
        int bound = server.waitUntilStarted().localAddress().getPort();
        return new LocalSqs(server, bound);
    }

    public URI endpoint() {
        return endpoint;
    }

    public int port() {
        return port;
    }

    public SqsClient client() {
        return SqsClient.builder()
                .endpointOverride(endpoint)
                .region(REGION)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    /**
     * Creates (or finds) a queue and its dead-letter queue, with a redrive policy after {@code maxReceiveCount}
     * receives. Answers the queue's URL.
     */
    public QueuePair createQueueWithDeadLetterQueue(String name, int visibilityTimeoutSeconds, int maxReceiveCount) {
        try (SqsClient sqs = client()) {
            String dlqUrl = sqs.createQueue(create -> create.queueName(name + "-dlq")
                            .attributes(Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD, "1209600")))
                    .queueUrl();
            String dlqArn = sqs.getQueueAttributes(
                            get -> get.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes()
                    .get(QueueAttributeName.QUEUE_ARN);
            String redrive =
                    "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}";
            String queueUrl = sqs.createQueue(create -> create.queueName(name)
                            .attributes(Map.of(
                                    QueueAttributeName.VISIBILITY_TIMEOUT,
                                    Integer.toString(visibilityTimeoutSeconds),
                                    QueueAttributeName.REDRIVE_POLICY,
                                    redrive)))
                    .queueUrl();
            return new QueuePair(queueUrl, dlqUrl);
        }
    }

    /**
     * A received message as Lambda's SQS event source mapping hands it to a function: body, system and message
     * attributes, and the queue's ARN as {@code eventSourceARN}.
     */
    public static SQSEvent.SQSMessage lambdaRecord(Message message, String queueArn) {
        SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
        record.setMessageId(message.messageId());
        record.setReceiptHandle(message.receiptHandle());
        record.setBody(message.body());
        record.setMd5OfBody(message.md5OfBody());
        record.setEventSource("aws:sqs");
        record.setEventSourceArn(queueArn);
        Map<String, String> attributes = new HashMap<>();
        message.attributes().forEach((name, value) -> attributes.put(name.toString(), value));
        record.setAttributes(attributes);
        Map<String, SQSEvent.MessageAttribute> messageAttributes = new HashMap<>();
        message.messageAttributes().forEach((name, value) -> {
            SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
            attribute.setDataType(value.dataType());
            attribute.setStringValue(value.stringValue());
            if (value.binaryValue() != null) {
                attribute.setBinaryValue(value.binaryValue().asByteBuffer());
            }
            messageAttributes.put(name, attribute);
        });
        record.setMessageAttributes(messageAttributes);
        return record;
    }

    /** A job queue and its dead-letter queue. */
    public record QueuePair(String queueUrl, String deadLetterQueueUrl) {}

    @Override
    public void close() {
        server.stopAndWait();
    }
}
