package dev.jobledger.local;

import dev.jobledger.JobLedgerApplication;
import dev.jobledger.standins.LocalS3;
import dev.jobledger.standins.LocalSqs;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the whole service on one machine: an embedded PostgreSQL, an SQS-protocol server with the job queue and its
 * dead-letter queue and an S3-protocol server, whose data live in a directory that survives restarts (kill -9
 * included), then the service itself with the {@code local} profile. The service reaches them through the same configuration keys and
 * AWS SDK clients it uses against AWS. Nothing here is part of the production artifact.
 */
public final class LocalJobLedger {

    static final String BUCKET = "job-ledger-local";
    static final String QUEUE = "job-ledger-local-jobs";
    static final String QUEUE_DATABASE = "local_sqs";

    private LocalJobLedger() {}

    /** A running local stack: the service, its stand-ins and the worker; closing stops them in order. */
    record Running(
            ConfigurableApplicationContext service,
            LocalEventSourceMapping worker,
            LocalSqs sqs,
            LocalS3 s3,
            EmbeddedPostgres postgres)
            implements AutoCloseable {

        int port() {
            return Integer.parseInt(service.getEnvironment().getRequiredProperty("local.server.port"));
        }

        String devSecret() {
            return service.getEnvironment().getRequiredProperty("jobledger.security.jwt.dev-hmac-secret");
        }

        @Override
        public void close() {
            stopInOrder(List.of(worker, service, s3, sqs, postgres));
        }
    }

    public static void main(String[] args) {
        Running running;
        try {
            running = start(
                    Path.of(env("JOBLEDGER_LOCAL_DATA", ".local-data")),
                    Integer.parseInt(env("JOBLEDGER_LOCAL_PG_PORT", "54329")),
                    Integer.parseInt(env("JOBLEDGER_LOCAL_SQS_PORT", "9324")),
                    Integer.parseInt(env("JOBLEDGER_LOCAL_S3_PORT", "9090")),
                    args);
        } catch (Throwable failed) {
            // A setting the service refuses, a port in use: said, and ./run-local ends instead of waiting on the
            // stand-ins' threads.
            System.err.println("The local stack did not start: " + reasons(failed));
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(running::close, "local-stop"));
    }

    /**
     * Starts the stack, or, when a part of it fails to start (a port in use, a setting the service refuses), stops what
     * had started before it, newest first, and throws: a PostgreSQL left behind would outlive the JVM and hold the
     * data directory and its port.
     */
    static Running start(Path dataDir, int pgPort, int sqsPort, int s3Port, String... args) throws IOException {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            return start(started, dataDir, pgPort, sqsPort, s3Port, args);
        } catch (Throwable failed) {
            stopInOrder(started);
            throw failed;
        }
    }

    /** A wrapper's message alone can hide the reason (S3Proxy's says only that it could not start). */
    private static String reasons(Throwable failed) {
        StringBuilder reasons = new StringBuilder(failed.toString());
        for (Throwable cause = failed.getCause(); cause != null; cause = cause.getCause()) {
            reasons.append(", caused by ").append(cause);
        }
        return reasons.toString();
    }

    private static Running start(
            Deque<AutoCloseable> started, Path dataDir, int pgPort, int sqsPort, int s3Port, String... args)
            throws IOException {
        Path pgData = Files.createDirectories(dataDir.toAbsolutePath().resolve("postgres"));
        Path s3Data = Files.createDirectories(dataDir.toAbsolutePath().resolve("s3"));

        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setRegisterShutdownHook(false)
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .setPort(pgPort)
                .setPGStartupWait(Duration.ofMinutes(1))
                // The embedding library starts PostgreSQL with fsync and synchronous_commit off, settings for
                // throwaway test databases. This one keeps people's data, and the benchmarks measure it: durable.
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .start();
        started.push(postgres);
        LocalSqs sqs = LocalSqs.start(sqsPort, queueStorage(postgres));
        started.push(sqs);
        LocalSqs.QueuePair queues = sqs.createQueueWithDeadLetterQueue(QUEUE, 900, 12);
        LocalS3 s3 = LocalS3.start(s3Port, s3Data);
        started.push(s3);
        s3.createBucket(BUCKET);

        // The SDK's default credential chain reads these, as it reads a role's credentials in AWS.
        System.setProperty("aws.accessKeyId", LocalSqs.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", LocalSqs.SECRET_KEY);
        // Defaults only: the same variables set in the environment still win.
        Map<String, Object> defaults = new HashMap<>();
        defaults.put("JOBLEDGER_DATABASE_URL", "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres");
        defaults.put("JOBLEDGER_DATABASE_USERNAME", "postgres");
        defaults.put("JOBLEDGER_DATABASE_PASSWORD", "");
        defaults.put("AWS_REGION", LocalSqs.REGION.id());
        defaults.put("JOBLEDGER_SQS_ENDPOINT", sqs.endpoint().toString());
        defaults.put("JOBLEDGER_SQS_QUEUE_URL", queues.queueUrl());
        defaults.put("JOBLEDGER_SQS_DLQ_URL", queues.deadLetterQueueUrl());
        defaults.put("JOBLEDGER_S3_ENDPOINT", s3.endpoint().toString());
        defaults.put("JOBLEDGER_S3_BUCKET", BUCKET);
        // Twice the local function timeout below, and less than the visibility timeout it receives with (12 min).
        // Named as a property: an environment variable's name only binds from the environment itself.
        defaults.put("jobledger.attempts.lease", "4m");

        SpringApplication app = new SpringApplication(JobLedgerApplication.class);
        app.setAdditionalProfiles("local");
        app.setDefaultProperties(defaults);
        // The service stops first, then what it uses: Spring's own shutdown hook would race the stand-ins' ones.
        app.setRegisterShutdownHook(false);
        ConfigurableApplicationContext service = app.run(args);
        started.push(service);

        // The job processor: the Lambda function's handler, fed as Lambda's event source mapping would feed it.
        LocalEventSourceMapping worker = LocalWorker.start(
                URI.create("http://localhost:" + service.getEnvironment().getProperty("local.server.port")),
                service.getEnvironment().getRequiredProperty("jobledger.security.jwt.dev-hmac-secret"),
                BUCKET,
                LocalSqs.REGION.id(),
                s3.endpoint(),
                sqs.serviceSideClient(),
                new LocalEventSourceMapping.Settings(queues.queueUrl(), 10, Duration.ofMinutes(2), workers()));
        return new Running(service, worker, sqs, s3, postgres);
    }

    /**
     * The local queue's messages live in a database of their own beside the ledger's, committed as durably (an H2 file
     * before, written in the service's JVM and never flushed to the disk).
     */
    private static LocalSqs.Storage queueStorage(EmbeddedPostgres postgres) {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            try (ResultSet found =
                    statement.executeQuery("select 1 from pg_database where datname = '" + QUEUE_DATABASE + "'")) {
                if (!found.next()) {
                    statement.execute("create database " + QUEUE_DATABASE);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create the local queue's database", e);
        }
        return new LocalSqs.Storage(postgres.getJdbcUrl("postgres", QUEUE_DATABASE), "postgres", "");
    }

    /** Each part is stopped even when one before it could not be: PostgreSQL last, as everything else uses it. */
    private static void stopInOrder(Iterable<? extends AutoCloseable> parts) {
        for (AutoCloseable part : parts) {
            try {
                part.close();
            } catch (Exception e) {
                System.err.println("Could not stop " + part.getClass().getSimpleName() + " cleanly: " + e);
            }
        }
    }

    /**
     * Invocations at once: Lambda scales them out (it starts five when messages wait, and goes back to as few as two
     * when traffic is low); one machine runs a few (JOBLEDGER_LOCAL_WORKERS, default 4: on two cores, 4 moved a fifth
     * more jobs than 2, with no more CPU per job; 5 no more than 4). With 0 the local queue is left to a worker of
     * one's own, for example a handler under development in a debugger.
     */
    private static int workers() {
        return Integer.parseInt(System.getProperty("jobledger.local.workers", env("JOBLEDGER_LOCAL_WORKERS", "4")));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
