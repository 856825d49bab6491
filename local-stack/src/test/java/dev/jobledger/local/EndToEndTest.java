package dev.jobledger.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobledger.messages.JobDispatch;
import dev.jobledger.testing.Api;
import dev.jobledger.testing.LedgerIntegrationTest;
import dev.jobledger.testing.TestStack;
import dev.jobledger.testing.Tokens;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The seed's whole flow on one machine: REST -> S3 -> SQS -> the Lambda function's handler (fed by the local event
 * source mapping) -> the ledger's internal endpoints -> the read models, all on real protocols.
 */
@TestPropertySource(properties = "jobledger.jobs.types.example.retry-backoff=200ms")
class EndToEndTest extends LedgerIntegrationTest {

    private static final String PEOPLE_SPEC =
            "{\"header\":true,\"columns\":[{\"name\":\"email\",\"type\":\"email\",\"required\":true},"
                    + "{\"name\":\"age\",\"type\":\"integer\",\"min\":0,\"max\":150}]}";

    private static LocalEventSourceMapping worker;

    @LocalServerPort
    private int port;

    @BeforeEach
    void startWorker() {
        if (worker == null) {
            worker = LocalWorker.start(
                    URI.create("http://localhost:" + port),
                    Tokens.TEST_SECRET,
                    TestStack.BUCKET,
                    "us-east-1",
                    TestStack.s3().endpoint(),
                    TestStack.sqs().serviceSideClient(),
                    new LocalEventSourceMapping.Settings(TestStack.queues().queueUrl(), 10, Duration.ofSeconds(60), 2));
        }
    }

    @AfterAll
    static void stopWorker() {
        if (worker != null) {
            worker.close();
            worker = null;
        }
    }

    private Api.Answer awaitFinished(String token, String jobId) {
        return await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> api.get("/api/jobs/" + jobId, token), finished());
    }

    private static Predicate<Api.Answer> finished() {
        return answer -> Set.of("COMPLETED", "FAILED")
                .contains(answer.body().path("status").asText());
    }

    @Test
    void aSubmittedCsvFileIsStoredQueuedProcessedAndItsLogsAndStatusAreReadable() {
        String user = newUser();
        String token = Tokens.user(user);
        byte[] csv =
                "email,age\na@example.com,30\nnot-an-email,40\nb@example.com,200\n".getBytes(StandardCharsets.UTF_8);

        Api.Answer submitted = api.postMultipart(
                "/api/jobs", token, Map.of("jobType", "csv-import", "payload", PEOPLE_SPEC), "people.csv", csv);
        assertThat(submitted.status()).isEqualTo(202);
        assertThat(submitted.body().path("status").asText()).isEqualTo("PENDING");
        String jobId = submitted.body().path("jobId").asText();
        try (S3Client s3 = TestStack.s3().client()) {
            String key = submitted.body().path("file").path("key").asText();
            assertThat(s3.headObject(head -> head.bucket(TestStack.BUCKET).key(key))
                            .contentLength())
                    .isEqualTo(csv.length);
        }

        JsonNode job = awaitFinished(token, jobId).body();

        assertThat(job.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(job.path("attempts").asInt()).isEqualTo(1);
        assertThat(job.path("startedAt").asText()).isNotEmpty();
        assertThat(job.path("result").path("valid").asInt()).isEqualTo(1);
        assertThat(job.path("result").path("invalid").asInt()).isEqualTo(2);
        JsonNode logs = await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> api.get("/api/jobs/" + jobId + "/logs?level=WARNING", token)
                                .body(),
                        page -> page.path("total").asInt() == 2);
        assertThat(logs.path("items").get(0).path("rowNumber").asInt()).isEqualTo(2);
        assertThat(logs.path("items").get(1).path("rowNumber").asInt()).isEqualTo(3);
        JsonNode listed = api.get("/api/jobs?jobType=csv-import&status=COMPLETED&page=1&pageSize=20", token)
                .body();
        assertThat(listed.path("total").asInt()).isEqualTo(1);
        assertThat(listed.path("items").get(0).path("jobId").asText()).isEqualTo(jobId);
    }

    @Test
    void aRetryableFailureIsRetriedByTheLedgerUntilItSucceeds() {
        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example", "payload", Map.of("failTimes", 1)));

        JsonNode job = awaitFinished(token, jobId).body();

        assertThat(job.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(job.path("attempts").asInt()).isEqualTo(2);
        assertThat(job.path("attempt").asInt()).isEqualTo(2);
    }

    @Test
    void aJobFailsForGoodAfterItsLastAttempt() {
        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example", "maxAttempts", 3, "payload", Map.of("failTimes", 5)));

        JsonNode job = awaitFinished(token, jobId).body();

        assertThat(job.path("status").asText()).isEqualTo("FAILED");
        assertThat(job.path("attempts").asInt()).isEqualTo(3);
        assertThat(job.path("errorReason").asText()).contains("fails on purpose");
    }

    @Test
    void aTenThousandRowImportWithOneHundredBadRowsLogsExactlyThoseRows() {
        String token = Tokens.user(newUser());
        StringBuilder csv = new StringBuilder("email,age\n");
        Set<Integer> bad = new TreeSet<>();
        for (int row = 1; row <= 10_000; row++) {
            if (row % 100 == 0) {
                bad.add(row);
                csv.append("broken-").append(row).append(",20\n");
            } else {
                csv.append("user")
                        .append(row)
                        .append("@example.com,")
                        .append(row % 90)
                        .append('\n');
            }
        }

        Api.Answer submitted = api.postMultipart(
                "/api/jobs",
                token,
                Map.of("jobType", "csv-import", "payload", PEOPLE_SPEC),
                "big.csv",
                csv.toString().getBytes(StandardCharsets.UTF_8));
        String jobId = submitted.body().path("jobId").asText();
        JsonNode job = awaitFinished(token, jobId).body();

        assertThat(job.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(job.path("result").path("rows").asInt()).isEqualTo(10_000);
        assertThat(job.path("result").path("invalid").asInt()).isEqualTo(100);
        List<Integer> logged = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            logged.clear();
            for (int page = 1; page <= 2; page++) {
                api.get("/api/jobs/" + jobId + "/logs?level=WARNING&pageSize=100&page=" + page, token)
                        .body()
                        .path("items")
                        .forEach(line -> logged.add(line.path("rowNumber").asInt()));
            }
            return logged.size() == 100;
        });
        assertThat(logged).containsExactlyElementsOf(bad);

        Api.Answer failedRows = api.getText("/api/jobs/" + jobId + "/failed-rows.csv", token);
        assertThat(failedRows.status()).isEqualTo(200);
        List<String> lines = failedRows.raw().body().lines().toList();
        assertThat(lines).hasSize(101);
        assertThat(lines.get(0)).isEqualTo("row,line,message,email,age");
        assertThat(lines.get(1)).isEqualTo("100,101,row 100 is invalid: email not a valid email address,broken-100,20");
    }

    @Test
    void aJobCancelledBeforeAWorkerGetsToItIsSkipped() {
        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example", "payload", Map.of("sleepMillis", 0)));
        api.post("/api/jobs/" + jobId + "/cancel", token, Map.of());

        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/jobs/" + jobId, token), status("CANCELLED"));
        assertThat(api.get("/api/jobs/" + jobId, token).body().path("attempts").asInt())
                .isLessThanOrEqualTo(1);
    }

    @Test
    void aDuplicatedMessageIsProcessedOnce() throws Exception {
        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example", "payload", Map.of("sleepMillis", 300)));
        String duplicate = new ObjectMapper()
                .writeValueAsString(
                        new JobDispatch(UUID.fromString(jobId), 1, "example", null, null, null, ticket(jobId, 1)));
        try (SqsClient sqs = TestStack.sqs().client()) {
            sqs.sendMessage(send -> send.queueUrl(TestStack.queues().queueUrl()).messageBody(duplicate));
            sqs.sendMessage(send -> send.queueUrl(TestStack.queues().queueUrl()).messageBody(duplicate));
        }

        JsonNode job = awaitFinished(token, jobId).body();

        assertThat(job.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(job.path("attempts").asInt()).isEqualTo(1);
        JsonNode logs = api.get("/api/jobs/" + jobId + "/logs", token).body();
        assertThat(logs.path("total").asInt())
                .as("the handler's one summary line, written once")
                .isEqualTo(1);
    }
}
