package dev.jobledger.standins;

import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;
import org.elasticmq.NodeAddress;
import org.elasticmq.actor.QueueManagerActor;
import org.elasticmq.actor.queue.QueueEvent;
import org.elasticmq.persistence.sql.SqlQueuePersistenceActor;
import org.elasticmq.persistence.sql.SqlQueuePersistenceConfig;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.util.NowProvider;
import scala.Option;
import scala.util.Either;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A real SQS-protocol server (ElasticMQ) on loopback, with the job queue and its dead-letter queue created through
 * the SQS API itself, as Terraform creates them in AWS. It keeps queues and messages in memory, or in a directory
 * (ElasticMQ's own SQL message storage, on an H2 file), where a message whose send was answered outlives the process,
 * kill -9 included.
 */
public final class LocalSqs implements AutoCloseable {

    public static final String ACCESS_KEY = "local";
    public static final String SECRET_KEY = "local";
    public static final Region REGION = Region.US_EAST_1;

    private static final Duration RESTORE_WAIT = Duration.ofMinutes(1);

    /** The directory this JVM's message storage is in, once one was opened. */
    private static Path storageDirectory;

    private final ActorSystem actors;
    private final SQSRestServer server;
    private final URI endpoint;
    private final int port;

    private LocalSqs(ActorSystem actors, SQSRestServer server, int port) {
        this.actors = actors;
        this.server = server;
        this.port = port;
        this.endpoint = URI.create("http://localhost:" + port);
    }

    /** Starts the server on the port (0 for any free one), keeping queues and messages in memory. */
    public static LocalSqs start(int port) {
        return start(port, null);
    }

    /**
     * Starts the server on the port (0 for any free one), keeping queues and messages in an H2 database under
     * {@code directory}, or in memory when it is {@code null}. Queues and messages stored there before are restored
     * first, received ones with the visibility timeout they had.
     */
    public static LocalSqs start(int port, Path directory) {
        // Stopped by close(), in the order its owner chooses: never by a JVM shutdown hook of its own.
        ActorSystem actors = ActorSystem.create(
                "elasticmq",
                ConfigFactory.parseString("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off")
                        .withFallback(ConfigFactory.load()));
        try {
            Option<ActorRef> storage = Option.empty();
            if (directory != null) {
                SqlQueuePersistenceConfig config = storageConfig(directory);
                storage = Option.apply(actors.actorOf(Props.create(
                        SqlQueuePersistenceActor.class,
                        () -> new SqlQueuePersistenceActor(config, scala.collection.immutable.List$.MODULE$.empty()))));
            }
            Option<ActorRef> listener = storage;
            ActorRef queues = actors.actorOf(Props.create(
                    QueueManagerActor.class,
                    () -> new QueueManagerActor(new NowProvider(), SQSRestServerBuilder.sqsLimits(), listener)));
            if (storage.isDefined()) {
                restore(storage.get(), queues, directory);
            }
            SQSRestServer server = SQSRestServerBuilder.withActorSystem(actors)
                    .withQueueManagerActor(queues)
                    .withPort(port)
                    .withInterface("127.0.0.1")
                    .withServerAddress(new NodeAddress("http", "localhost", port, ""))
                    .start();
            int bound = server.waitUntilStarted().localAddress().getPort();
            return new LocalSqs(actors, server, bound);
        } catch (RuntimeException e) {
            terminate(actors);
            throw e;
        }
    }

    /**
     * ElasticMQ opens its message storage once per JVM (a scalikejdbc singleton connection pool, kept for the JVM's
     * life), so every later storage in the same JVM would silently write to the first one's database: refused.
     * WRITE_DELAY=0 stores each commit in the file before the SQS answer (H2's default keeps the last 500 ms of
     * commits in memory, lost with kill -9). RETENTION_TIME=0 reuses the space of replaced data at once: H2 keeps it
     * 45 s by default, a guard for disks that reorder writes in a power cut, and with a write per commit the file
     * grows by hundreds of megabytes under load. Closing is the stack's job, not a JVM shutdown hook's, which would
     * race the last writes.
     */
    private static synchronized SqlQueuePersistenceConfig storageConfig(Path directory) {
        Path absolute = directory.toAbsolutePath().normalize();
        if (storageDirectory != null && !storageDirectory.equals(absolute)) {
            throw new IllegalStateException("This JVM already keeps the local SQS messages in " + storageDirectory
                    + "; ElasticMQ opens one message storage per JVM, so " + absolute + " cannot be used too");
        }
        storageDirectory = absolute;
        String url = "jdbc:h2:file:" + absolute.resolve("elasticmq")
                + ";WRITE_DELAY=0;RETENTION_TIME=0;DB_CLOSE_ON_EXIT=FALSE";
        return new SqlQueuePersistenceConfig(true, "org.h2.Driver", url, "sa", "", false);
    }

    /** Creates the stored queues and puts their messages back, before any client can reach the server. */
    private static void restore(ActorRef storage, ActorRef queues, Path directory) {
        Object answer;
        try {
            answer = Patterns.ask(storage, new QueueEvent.Restore(queues), RESTORE_WAIT)
                    .toCompletableFuture()
                    .get(RESTORE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not restore the local SQS queues stored in " + directory, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while restoring the local SQS queues", e);
        }
        if (!(answer instanceof Either<?, ?> restored) || restored.isLeft()) {
            throw new IllegalStateException(
                    "Could not restore the local SQS queues stored in " + directory + ": " + answer);
        }
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
     * Received messages as Lambda's SQS event source mapping hands them to a function: the event's JSON, as a tree of
     * maps and lists to write with any JSON library, with the field names Lambda uses ({@code Records},
     * {@code eventSourceARN}, ...). Each record has its body, system and message attributes (a binary value
     * base64-encoded) and the queue's ARN.
     */
    public static Map<String, Object> lambdaEvent(List<Message> messages, String queueArn) {
        return Map.of(
                "Records",
                messages.stream()
                        .map(message -> lambdaRecord(message, queueArn))
                        .toList());
    }

    private static Map<String, Object> lambdaRecord(Message message, String queueArn) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("messageId", message.messageId());
        record.put("receiptHandle", message.receiptHandle());
        record.put("body", message.body());
        Map<String, String> attributes = new LinkedHashMap<>();
        message.attributes().forEach((name, value) -> attributes.put(name.toString(), value));
        record.put("attributes", attributes);
        Map<String, Object> messageAttributes = new LinkedHashMap<>();
        message.messageAttributes().forEach((name, value) -> {
            Map<String, Object> attribute = new LinkedHashMap<>();
            if (value.stringValue() != null) {
                attribute.put("stringValue", value.stringValue());
            }
            if (value.binaryValue() != null) {
                attribute.put(
                        "binaryValue",
                        Base64.getEncoder().encodeToString(value.binaryValue().asByteArray()));
            }
            attribute.put("stringListValues", List.of());
            attribute.put("binaryListValues", List.of());
            attribute.put("dataType", value.dataType());
            messageAttributes.put(name, attribute);
        });
        record.put("messageAttributes", messageAttributes);
        record.put("md5OfBody", message.md5OfBody());
        record.put("eventSource", "aws:sqs");
        record.put("eventSourceARN", queueArn);
        // arn:partition:sqs:region:account:name
        record.put("awsRegion", queueArn.split(":")[3]);
        return record;
    }

    /** A job queue and its dead-letter queue. */
    public record QueuePair(String queueUrl, String deadLetterQueueUrl) {}

    @Override
    public void close() {
        try {
            server.stopAndWait();
        } finally {
            terminate(actors);
        }
    }

    private static void terminate(ActorSystem actors) {
        actors.terminate();
        try {
            actors.getWhenTerminated().toCompletableFuture().get(1, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("The local SQS did not stop within a minute", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
