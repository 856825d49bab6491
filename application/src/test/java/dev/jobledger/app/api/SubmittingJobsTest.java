package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.testing.Api;
import dev.jobledger.testing.LedgerIntegrationTest;
import dev.jobledger.testing.Tokens;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SubmittingJobsTest extends LedgerIntegrationTest {

    @Test
    void aSubmissionIsAcceptedAtOnceAsPendingAndBecomesReadable() {
        String token = Tokens.user(newUser());

        Api.Answer answer = api.post(
                "/api/jobs", token, Map.of("jobType", "example", "payload", Map.of("rows", 3), "maxAttempts", 5));

        assertThat(answer.status()).isEqualTo(202);
        String jobId = answer.body().path("jobId").asText();
        assertThat(answer.header("Location")).isEqualTo("/api/jobs/" + jobId);
        assertThat(answer.body().path("status").asText()).isEqualTo("PENDING");
        assertThat(answer.body().path("maxAttempts").asInt()).isEqualTo(5);
        Api.Answer read = awaitJob(token, jobId, status("PENDING"));
        assertThat(read.body().path("payload").path("rows").asInt()).isEqualTo(3);
        assertThat(read.body().path("jobType").asText()).isEqualTo("example");
        assertThat(read.body().path("attempts").asInt()).isZero();
    }

    @Test
    void theAnswerIsSentWholeWithItsLengthNotInChunks() {
        Api.Answer answer = api.post("/api/jobs", Tokens.user(newUser()), Map.of("jobType", "example"));

        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.header("Transfer-Encoding")).isNull();
        assertThat(answer.header("Content-Length"))
                .isEqualTo(Integer.toString(answer.raw().body().getBytes(StandardCharsets.UTF_8).length));
    }

    @Test
    void maxAttemptsDefaultsToThree() {
        Api.Answer answer = api.post("/api/jobs", Tokens.user(newUser()), Map.of("jobType", "example"));

        assertThat(answer.body().path("maxAttempts").asInt()).isEqualTo(3);
    }

    @Test
    void theSameIdempotencyKeyFromTheSameUserAnswersTheSameJobNeverASecondOne() {
        String user = newUser();
        String token = Tokens.user(user);
        Map<String, Object> request = Map.of("jobType", "example", "payload", Map.of("n", 1));

        Api.Answer first = api.post("/api/jobs", token, request, Map.of("Idempotency-Key", "order-42"));
        Api.Answer second = api.post("/api/jobs", token, request, Map.of("Idempotency-Key", "order-42"));

        assertThat(first.status()).isEqualTo(202);
        assertThat(second.status()).isEqualTo(202);
        String jobId = first.body().path("jobId").asText();
        assertThat(second.body().path("jobId").asText()).isEqualTo(jobId);
        awaitJob(token, jobId, status("PENDING"));
        assertThat(api.get("/api/jobs", token).body().path("total").asInt()).isEqualTo(1);
    }

    @Test
    void concurrentSubmissionsWithOneIdempotencyKeyCreateOneJob() throws Exception {
        String token = Tokens.user(newUser());
        Map<String, Object> request = Map.of("jobType", "example");
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<Api.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(clients.submit(
                        () -> api.post("/api/jobs", token, request, Map.of("Idempotency-Key", "burst"))));
            }
            Set<String> ids = new HashSet<>();
            for (Future<Api.Answer> answer : answers) {
                Api.Answer done = answer.get(30, TimeUnit.SECONDS);
                assertThat(done.status()).as(done.toString()).isEqualTo(202);
                ids.add(done.body().path("jobId").asText());
            }
            assertThat(ids).hasSize(1);
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void twoUsersWithTheSameIdempotencyKeyGetTwoJobs() {
        Map<String, Object> request = Map.of("jobType", "example");

        Api.Answer alice = api.post("/api/jobs", Tokens.user(newUser()), request, Map.of("Idempotency-Key", "k"));
        Api.Answer bob = api.post("/api/jobs", Tokens.user(newUser()), request, Map.of("Idempotency-Key", "k"));

        assertThat(alice.body().path("jobId").asText())
                .isNotEqualTo(bob.body().path("jobId").asText());
    }

    @Test
    void anIdempotencyKeyReusedForAnotherRequestIsRefused() {
        String token = Tokens.user(newUser());
        api.post("/api/jobs", token, Map.of("jobType", "example"), Map.of("Idempotency-Key", "k-1"));

        Api.Answer answer = api.post(
                "/api/jobs", token, Map.of("jobType", "example", "maxAttempts", 1), Map.of("Idempotency-Key", "k-1"));

        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body().path("detail").asText()).contains("k-1");
    }

    @Test
    void unknownFieldsAreRefusedSoNobodySetsStatusOrOwnerByHand() {
        Api.Answer answer =
                api.post("/api/jobs", Tokens.user(newUser()), Map.of("jobType", "example", "status", "COMPLETED"));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body().path("detail").asText()).contains("Unknown field 'status'");
    }

    @Test
    void anUnregisteredJobTypeIsABadRequest() {
        Api.Answer answer = api.post("/api/jobs", Tokens.user(newUser()), Map.of("jobType", "mine-bitcoin"));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body().path("detail").asText()).contains("Unknown job type 'mine-bitcoin'", "example");
    }

    @Test
    void maxAttemptsOutsideOneToTenIsABadRequest() {
        String token = Tokens.user(newUser());

        assertThat(api.post("/api/jobs", token, Map.of("jobType", "example", "maxAttempts", 0))
                        .status())
                .isEqualTo(400);
        Api.Answer eleven = api.post("/api/jobs", token, Map.of("jobType", "example", "maxAttempts", 11));
        assertThat(eleven.status()).isEqualTo(400);
        assertThat(eleven.body().path("detail").asText()).contains("maxAttempts");
    }

    @Test
    void malformedJsonAndWrongTypesAreBadRequestsWithADetail() {
        String token = Tokens.user(newUser());

        Api.Answer malformed = api.post("/api/jobs", token, "{\"jobType\":");
        Api.Answer wrongType = api.post("/api/jobs", token, Map.of("jobType", "example", "payload", "text"));

        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.contentType()).startsWith("application/problem+json");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.body().path("detail").asText()).contains("payload");
    }

    @Test
    void aJobTypeThatNeedsAFileIsRefusedWithoutOne() {
        Api.Answer answer = api.post("/api/jobs", Tokens.user(newUser()), Map.of("jobType", "csv-import"));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body().path("detail").asText()).contains("needs a file");
    }
}
