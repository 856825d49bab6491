package dev.jobledger.testing;

import dev.jobledger.standins.LocalS3;
import dev.jobledger.standins.LocalSqs;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The one set of real stand-ins of a test run, started once per JVM: PostgreSQL, an SQS-protocol server with the job
 * queue and its dead-letter queue, and an S3-protocol server with the job bucket. The service reaches them through
 * its ordinary configuration keys and the real AWS SDK clients.
 */
public final class TestStack {

    public static final String BUCKET = "job-files";
    public static final String QUEUE = "jobs";

    private static LocalSqs sqs;
    private static LocalS3 s3;
    private static LocalSqs.QueuePair queues;
    private static final Map<String, LocalSqs.QueuePair> isolatedQueues = new ConcurrentHashMap<>();

    private TestStack() {}

    public static synchronized void start() {
        if (sqs != null) {
            return;
        }
        // The SDK's default credential chain reads these, as it reads a role's credentials in AWS.
        System.setProperty("aws.accessKeyId", LocalSqs.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", LocalSqs.SECRET_KEY);
        sqs = LocalSqs.start(0);
        queues = sqs.createQueueWithDeadLetterQueue(QUEUE, 60, 3);
        s3 = LocalS3.start(0, null);
        s3.createBucket(BUCKET);
    }

    public static LocalSqs sqs() {
        start();
        return sqs;
    }

    public static LocalS3 s3() {
        start();
        return s3;
    }

    private static int stoppedSqsPort;

    /** Stops the SQS stand-in, as an outage would. */
    public static synchronized void stopSqs() {
        stoppedSqsPort = sqs.port();
        sqs.close();
    }

    /** Starts the SQS stand-in again on its port, with its queues (an outage that ends). */
    public static synchronized void restartSqs() {
        sqs = LocalSqs.start(stoppedSqsPort);
        queues = sqs.createQueueWithDeadLetterQueue(QUEUE, 60, 3);
        // The contexts on stacks of their own outlive the outage too; their queues come back on the same URLs.
        isolatedQueues.replaceAll((name, before) -> createQueues(name));
    }

    public static LocalSqs.QueuePair queues() {
        start();
        return queues;
    }

    /** Points the service at the stand-ins: the test run's shared database and queues. */
    public static void register(DynamicPropertyRegistry registry) {
        start();
        register(registry, TestPostgres.get(), queues);
    }

    /**
     * Points a Spring context of its own at a database and queues of its own, named after it, on the same stand-ins:
     * two contexts on one database and queue would be two ledgers racing on the same jobs.
     */
    public static void registerIsolated(DynamicPropertyRegistry registry, String name) {
        register(registry, TestPostgres.database(name.replace('-', '_')), queues(name));
    }

    /** The queues of the stack of its own named {@code name} ({@link #registerIsolated}). */
    public static synchronized LocalSqs.QueuePair queues(String name) {
        start();
        return isolatedQueues.computeIfAbsent(name, TestStack::createQueues);
    }

    private static LocalSqs.QueuePair createQueues(String name) {
        return sqs.createQueueWithDeadLetterQueue(QUEUE + "-" + name, 60, 3);
    }

    private static void register(
            DynamicPropertyRegistry registry, TestPostgres.Connection postgres, LocalSqs.QueuePair queues) {
        registry.add("spring.datasource.url", postgres::jdbcUrl);
        registry.add("spring.datasource.username", postgres::username);
        registry.add("spring.datasource.password", postgres::password);
        // A short wait for connections: a test that finds the database unreachable fails in seconds, not in 30.
        registry.add("spring.datasource.hikari.connection-timeout", () -> "2000");
        registry.add("jobledger.aws.region", LocalSqs.REGION::id);
        registry.add("jobledger.aws.sqs.queue-url", queues::queueUrl);
        registry.add("jobledger.aws.sqs.dead-letter-queue-url", queues::deadLetterQueueUrl);
        registry.add("jobledger.aws.s3.bucket", () -> BUCKET);
        registry.add("jobledger.aws.sqs.endpoint", () -> sqs.endpoint().toString());
        registry.add("jobledger.aws.s3.endpoint", () -> s3.endpoint().toString());
    }
}
