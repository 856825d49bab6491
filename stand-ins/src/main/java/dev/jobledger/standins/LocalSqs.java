package dev.jobledger.standins;

import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
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
import org.elasticmq.persistence.sql.SqlQueuePersistenceConfig;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.util.NowProvider;
import scala.Option;
import scala.util.Either;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A real SQS-protocol server (ElasticMQ) on loopback, with the job queue and its dead-letter queue created through
 * the SQS API itself, as Terraform creates them in AWS. It keeps queues and messages in memory, or in a PostgreSQL
 * database (ElasticMQ's own SQL message storage, its message changes committed in groups: {@link
 * GroupCommittingMessageStorage}), where a message whose send was answered outlives the process, kill -9 included.
 */
public final class LocalSqs implements AutoCloseable {

    public static final String ACCESS_KEY = "local";
    public static final String SECRET_KEY = "local";
    public static final Region REGION = Region.US_EAST_1;

    private static final Duration RESTORE_WAIT = Duration.ofMinutes(1);

    private static final String STORAGE_DISPATCHER = "jobledger-message-storage-dispatcher";

    /** The database this JVM's message storage is in, once one was opened. */
    private static String storageUrl;

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
     * Starts the server on the port (0 for any free one), keeping queues and messages in the database, or in memory
     * when it is {@code null}. Queues and messages stored there before are restored first, received ones with the
     * visibility timeout they had.
     */
    public static LocalSqs start(int port, Storage storage) {
        // Stopped by close(), in the order its owner chooses: never by a JVM shutdown hook of its own. Its actors run
        // on a pool of one thread per core, not Pekko's default of at least eight: on two cores, eight threads handing
        // each call's messages to one another spent a quarter of the server's CPU time in the kernel, waking threads.
        // The message storage waits on the database (its writes and their durable commits) on a thread of its own,
        // so that it never holds one of those few threads.
        ActorSystem actors = ActorSystem.create(
                "elasticmq",
                ConfigFactory.parseString("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off\n"
                                + "pekko.actor.default-dispatcher.fork-join-executor.parallelism-max = "
                                + Runtime.getRuntime().availableProcessors() + "\n"
                                + STORAGE_DISPATCHER + " { type = PinnedDispatcher, executor = thread-pool-executor }")
                        .withFallback(ConfigFactory.load()));
        try {
            Option<ActorRef> persistence = Option.empty();
            if (storage != null) {
                SqlQueuePersistenceConfig config = storageConfig(storage);
                persistence = Option.apply(actors.actorOf(
                        GroupCommittingMessageStorage.props(config, storage).withDispatcher(STORAGE_DISPATCHER)));
            }
            Option<ActorRef> listener = persistence;
            ActorRef queues = actors.actorOf(Props.create(
                    QueueManagerActor.class,
                    () -> new QueueManagerActor(new NowProvider(), SQSRestServerBuilder.sqsLimits(), listener)));
            if (persistence.isDefined()) {
                restore(persistence.get(), queues, storage);
            }
            SQSRestServer server = SQSRestServerBuilder.withActorSystem(actors)
                    .withQueueManagerActor(queues)
                    .withPort(port)
                    .withInterface("127.0.0.1")
                    .withServerAddress(new NodeAddress("http", "localhost", port, ""))
                    .start();
            int bound = server.waitUntilStarted().localAddress().getPort();
            return new LocalSqs(actors, server, bound);
        } catch (Exception e) {
            // Any failure, the checked ones Scala's Await hands on undeclared (a timeout, an interrupt) included: the
            // actors' threads would keep the JVM alive.
            try {
                terminate(actors);
            } catch (RuntimeException stopping) {
                e.addSuppressed(stopping);
            }
            throw e;
        }
    }

    /**
     * ElasticMQ opens its message storage once per JVM (a scalikejdbc singleton connection pool, kept for the JVM's
     * life), so every later storage in the same JVM would silently write to the first one's database: refused.
     * ElasticMQ answers a call only after its storage wrote what the call changed (here in a transaction with the other
     * changes waiting at that moment), so a PostgreSQL that commits durably keeps every answered change. Its tables declare {@code blob}
     * columns, a type PostgreSQL calls {@code bytea}: the domain makes the one the other.
     */
    private static synchronized SqlQueuePersistenceConfig storageConfig(Storage storage) {
        if (storageUrl != null && !storageUrl.equals(storage.jdbcUrl())) {
            throw new IllegalStateException("This JVM already keeps the local SQS messages in " + storageUrl
                    + "; ElasticMQ opens one message storage per JVM, so " + storage.jdbcUrl() + " cannot be used too");
        }
        try (Connection connection =
                        DriverManager.getConnection(storage.jdbcUrl(), storage.username(), storage.password());
                Statement statement = connection.createStatement()) {
            statement.execute(
                    "do $$ begin if to_regtype('blob') is null then create domain blob as bytea; end if; end $$");
        } catch (SQLException e) {
            throw new IllegalStateException("Could not prepare the local SQS storage in " + storage.jdbcUrl(), e);
        }
        storageUrl = storage.jdbcUrl();
        return new SqlQueuePersistenceConfig(
                true, "org.postgresql.Driver", storage.jdbcUrl(), storage.username(), storage.password(), false);
    }

    /** Creates the stored queues and puts their messages back, before any client can reach the server. */
    private static void restore(ActorRef persistence, ActorRef queues, Storage storage) {
        Object answer;
        try {
            answer = Patterns.ask(persistence, new QueueEvent.Restore(queues), RESTORE_WAIT)
                    .toCompletableFuture()
                    .get(RESTORE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not restore the local SQS queues stored in " + storage.jdbcUrl(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while restoring the local SQS queues", e);
        }
        if (!(answer instanceof Either<?, ?> restored) || restored.isLeft()) {
            throw new IllegalStateException(
                    "Could not restore the local SQS queues stored in " + storage.jdbcUrl() + ": " + answer);
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
     * A client for what AWS itself runs against the queue (Lambda's event source mapping): its requests are not signed
     * and the messages' MD5 sums not checked. Those are the client's costs, AWS's in production; in the local stack they
     * were charged to the service's CPU, and the stand-in's HTTP layer failed to parse every signed request's
     * Authorization header (an exception with its stack trace).
     */
    public SqsClient serviceSideClient() {
        return SqsClient.builder()
                .endpointOverride(endpoint)
                .region(REGION)
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .checksumValidationEnabled(false)
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

    /**
     * A PostgreSQL database for the queues and messages, which LocalSqs prepares and ElasticMQ fills with a table per
     * queue. Its own database: ElasticMQ names its tables after the queues' hashes, in the default schema.
     */
    public record Storage(String jdbcUrl, String username, String password) {

        @Override
        public String toString() {
            return "Storage[" + jdbcUrl + " as " + username + "]";
        }
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
