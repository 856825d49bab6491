package dev.jobledger.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobledger.standins.LocalSqs;
import dev.jobledger.testing.Api;
import dev.jobledger.testing.Tokens;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.LongStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Crashes of the local stack (docs/reliability.md, "Crashes"). The stack {@code ./run-local} starts runs in a JVM of its
 * own and is killed with SIGKILL while jobs run and wait in its queue: once alone (its PostgreSQL outlives it), once
 * with its PostgreSQL. Started again on the same data directory, every job whose submission was answered completes,
 * once, and its history verifies.
 */
class SurvivingCrashesTest {

    /** More jobs than the worker holds at once (two invocations of ten), so that some wait in the queue. */
    private static final int BATCH = 40;

    private static final Map<String, Object> JOB =
            Map.of("jobType", "example", "maxAttempts", 10, "payload", Map.of("sleepMillis", 250));

    @TempDir
    Path data;

    private LocalStackProcess stack;
    private Api api;

    @BeforeEach
    void startTheStack() {
        stack = new LocalStackProcess(
                data,
                Map.of("JOBLEDGER_DEV_HMAC_SECRET", Tokens.TEST_SECRET),
                List.of(
                        // What a killed worker held is taken up again within seconds rather than the local profile's
                        // minutes: a running attempt quiet for 6 + 10 s is abandoned and retried half a second
                        // later, a sent attempt unstarted for 10 s is sent again, and a send claimed by the dead
                        // dispatcher is free again after 5 s.
                        "--jobledger.attempts.lease=6s",
                        "--jobledger.stalled-jobs.quiet-for=10s",
                        "--jobledger.stalled-jobs.check-interval=1s",
                        "--jobledger.jobs.types.example.retry-backoff=500ms",
                        "--jobledger.dispatch.claim-timeout=5s"));
        stack.start();
        api = new Api(stack.httpPort());
    }

    @AfterEach
    void leaveNothingRunning() throws IOException {
        stack.cleanUp();
        // The temporary directory goes; the stack's log stays for a look after a failure.
        Files.copy(
                data.resolve("local-stack.log"),
                Path.of("target", "surviving-crashes.log"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void everyAcceptedJobCompletesOnceWithItsHistoryIntactAfterTheStackIsKilledWhileJobsRun() {
        Map<String, List<String>> jobsByToken = new LinkedHashMap<>();

        String first = userToken();
        jobsByToken.put(first, submit(first, BATCH));
        awaitInFlight(first);
        stack.kill();

        stack.start();
        String second = userToken();
        jobsByToken.put(second, submit(second, BATCH));
        awaitInFlight(second);
        stack.kill();
        stack.killDatabase();

        stack.start();
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> jobsByToken.forEach((token, jobs) -> assertThat(countByStatus(token, jobs))
                        .as("jobs by status (the stack's log: target/surviving-crashes.log)")
                        .isEqualTo(Map.of("COMPLETED", jobs.size()))));
        jobsByToken.forEach(
                (token, jobs) -> jobs.forEach(jobId -> assertCompletedOnceWithItsHistoryIntact(token, jobId)));
        assertThat(stack.stop())
                .as("the stack stops on SIGTERM after its crashes")
                .isTrue();
    }

    /** A user of the test's own, whose token outlasts a slow run. */
    private static String userToken() {
        return Tokens.hs256("crash-" + UUID.randomUUID(), List.of("job:Create", "job:Read"), Duration.ofMinutes(15));
    }

    private List<String> submit(String token, int count) {
        List<String> jobIds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Api.Answer answer = api.post("/api/jobs", token, JOB);
            assertThat(answer.status()).as("submission %s: %s", i, answer).isEqualTo(202);
            jobIds.add(answer.body().path("jobId").asText());
        }
        return jobIds;
    }

    /** Until some of the user's jobs are done, some run and some messages still wait in the queue. */
    private void awaitInFlight(String token) {
        try (SqsClient sqs = sqsClient()) {
            String queueUrl =
                    sqs.getQueueUrl(get -> get.queueName(LocalJobLedger.QUEUE)).queueUrl();
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> assertThat(new InFlight(
                                    total(token, "COMPLETED"), total(token, "RUNNING"), waitingInQueue(sqs, queueUrl)))
                            .matches(InFlight::all));
        }
    }

    private record InFlight(int completed, int running, int waitingInQueue) {

        boolean all() {
            return completed > 0 && running > 0 && waitingInQueue > 0;
        }
    }

    private int total(String token, String status) {
        return api.get("/api/jobs?status=" + status + "&pageSize=1", token)
                .body()
                .path("total")
                .asInt();
    }

    private static int waitingInQueue(SqsClient sqs, String queueUrl) {
        return Integer.parseInt(sqs.getQueueAttributes(
                        get -> get.queueUrl(queueUrl).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                .attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }

    /** The jobs' statuses in the read model, counted; a job it does not list counts as MISSING. */
    private Map<String, Integer> countByStatus(String token, List<String> jobIds) {
        Map<String, String> listed = new HashMap<>();
        api.get("/api/jobs?pageSize=100", token)
                .body()
                .path("items")
                .forEach(job -> listed.put(
                        job.path("jobId").asText(), job.path("status").asText()));
        Map<String, Integer> counts = new TreeMap<>();
        jobIds.forEach(jobId -> counts.merge(listed.getOrDefault(jobId, "MISSING"), 1, Integer::sum));
        return counts;
    }

    private void assertCompletedOnceWithItsHistoryIntact(String token, String jobId) {
        JsonNode verification =
                api.get("/api/jobs/" + jobId + "/history/verify", token).body();
        JsonNode history =
                api.get("/api/jobs/" + jobId + "/history?pageSize=1000", token).body();
        List<JsonNode> events =
                StreamSupport.stream(history.path("items").spliterator(), false).toList();
        List<String> types =
                events.stream().map(event -> event.path("type").asText()).toList();

        assertThat(verification.path("intact").asBoolean())
                .as("job %s's hash chain: %s", jobId, verification)
                .isTrue();
        assertThat(verification.path("eventsChecked").asLong()).isEqualTo(events.size());
        assertThat(history.path("hasMore").asBoolean()).isFalse();
        assertThat(events.stream().map(event -> event.path("sequence").asLong()))
                .as("job %s's event sequence", jobId)
                .containsExactlyElementsOf(
                        LongStream.range(0, events.size()).boxed().toList());
        assertThat(types)
                .as("job %s's history", jobId)
                .startsWith("JobSubmitted")
                .endsWith("JobCompleted");
        assertThat(Collections.frequency(types, "JobSubmitted"))
                .as("job %s's history: %s", jobId, types)
                .isEqualTo(1);
        assertThat(Collections.frequency(types, "JobCompleted"))
                .as("job %s's history: %s", jobId, types)
                .isEqualTo(1);
    }

    private SqsClient sqsClient() {
        return SqsClient.builder()
                .endpointOverride(URI.create("http://localhost:" + stack.sqsPort()))
                .region(LocalSqs.REGION)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LocalSqs.ACCESS_KEY, LocalSqs.SECRET_KEY)))
                .build();
    }
}
