package dev.jobledger.standins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** The local SQS kept in PostgreSQL: what it answered survives a kill -9 of its process. */
class PersistentLocalSqsTest {

    static final String QUEUE = "jobs";

    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void database() throws IOException {
        // Durable commits, as the local stack runs it: the library's test defaults turn them off.
        postgres = EmbeddedPostgres.builder()
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .start();
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        postgres.close();
    }

    @Test
    void aMessageWhoseSendWasAnsweredOutlivesAKillOfTheProcessAndAReceivedOneComesBackAfterItsVisibilityTimeout(
            @TempDir Path directory) throws Exception {
        LocalSqs.Storage storage = new LocalSqs.Storage(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "");
        List<String> sent = IntStream.range(0, 50).mapToObj(i -> "message-" + i).toList();
        String inFlight;
        int port = freePort();
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        LocalSqsProcess.class.getName(),
                        Integer.toString(port),
                        storage.jdbcUrl())
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("process.log").toFile())
                .start();
        ExecutorService churn = Executors.newSingleThreadExecutor();
        AtomicBoolean killed = new AtomicBoolean();
        AtomicInteger churned = new AtomicInteger();
        try (SqsClient sqs = client(port);
                SqsClient other = client(port)) {
            String queueUrl = await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions()
                    .until(() -> sqs.getQueueUrl(get -> get.queueName(QUEUE)).queueUrl(), url -> url != null);
            // Another queue is busy all the while, so that the kill likely falls in the middle of a write.
            String busyUrl =
                    other.createQueue(create -> create.queueName("busy")).queueUrl();
            churn.submit(() -> {
                while (!killed.get()) {
                    other.sendMessage(send -> send.queueUrl(busyUrl).messageBody("noise"));
                    other.receiveMessage(receive -> receive.queueUrl(busyUrl).maxNumberOfMessages(10))
                            .messages()
                            .forEach(message -> other.deleteMessage(
                                    delete -> delete.queueUrl(busyUrl).receiptHandle(message.receiptHandle())));
                    churned.incrementAndGet();
                }
                return null;
            });
            sent.forEach(body -> sqs.sendMessage(send -> send.queueUrl(queueUrl).messageBody(body)));
            inFlight = sqs.receiveMessage(receive ->
                            receive.queueUrl(queueUrl).maxNumberOfMessages(1).visibilityTimeout(2))
                    .messages()
                    .get(0)
                    .body();
            assertThat(churned.get())
                    .as("writes to the busy queue before the kill")
                    .isPositive();
            process.destroyForcibly();
        } finally {
            process.destroyForcibly();
            killed.set(true);
            churn.shutdownNow();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        try (LocalSqs restarted = LocalSqs.start(0, storage);
                SqsClient sqs = restarted.client()) {
            String queueUrl =
                    restarted.createQueueWithDeadLetterQueue(QUEUE, 30, 5).queueUrl();
            Map<String, Integer> receives = new HashMap<>();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (Message message : sqs.receiveMessage(receive -> receive.queueUrl(queueUrl)
                                .maxNumberOfMessages(10)
                                .waitTimeSeconds(1)
                                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
                        .messages()) {
                    receives.put(
                            message.body(),
                            Integer.parseInt(
                                    message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)));
                    sqs.deleteMessage(delete -> delete.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                }
                assertThat(receives).containsOnlyKeys(sent);
            });
            // Each message once, the one received before the kill for the second time: nothing lost, nothing sent
            // twice.
            Map<String, Integer> expected = new HashMap<>();
            sent.forEach(body -> expected.put(body, body.equals(inFlight) ? 2 : 1));
            assertThat(receives).isEqualTo(expected);
        }
    }

    private static SqsClient client(int port) {
        return SqsClient.builder()
                .endpointOverride(java.net.URI.create("http://localhost:" + port))
                .region(LocalSqs.REGION)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LocalSqs.ACCESS_KEY, LocalSqs.SECRET_KEY)))
                .build();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
