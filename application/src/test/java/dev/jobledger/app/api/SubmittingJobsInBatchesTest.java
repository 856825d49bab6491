package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobledger.testing.Api;
import dev.jobledger.testing.LedgerIntegrationTest;
import dev.jobledger.testing.Tokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubmittingJobsInBatchesTest extends LedgerIntegrationTest {

    @Test
    void aBatchIsRecordedAndAnsweredJobByJobInTheOrderSent() {
        String token = Tokens.user(newUser());

        Api.Answer answer = api.post(
                "/api/jobs/batch",
                token,
                batch(
                        job("example", Map.of("rows", 1)),
                        Map.of("jobType", "example", "payload", Map.of("rows", 2), "maxAttempts", 5),
                        job("example", Map.of("rows", 3))));

        assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
        JsonNode jobs = answer.body().path("jobs");
        assertThat(jobs).hasSize(3);
        for (int index = 0; index < 3; index++) {
            JsonNode outcome = jobs.get(index);
            assertThat(outcome.path("status").asInt()).isEqualTo(202);
            assertThat(outcome.path("job").path("status").asText()).isEqualTo("PENDING");
            assertThat(outcome.has("detail")).isFalse();
            String jobId = outcome.path("job").path("jobId").asText();
            Api.Answer read = awaitJob(token, jobId, status("PENDING"));
            assertThat(read.body().path("payload").path("rows").asInt()).isEqualTo(index + 1);
        }
        assertThat(jobs.get(0).path("job").path("maxAttempts").asInt()).isEqualTo(3);
        assertThat(jobs.get(1).path("job").path("maxAttempts").asInt()).isEqualTo(5);
        assertThat(api.get("/api/jobs", token).body().path("total").asInt()).isEqualTo(3);
    }

    @Test
    void aBatchSentAgainWithTheSameKeysAnswersTheSameJobsAndRecordsNoneTwice() {
        String token = Tokens.user(newUser());
        Map<String, Object> request = batch(keyed("example", "order-1"), keyed("example", "order-2"));

        Api.Answer first = api.post("/api/jobs/batch", token, request);
        Api.Answer again = api.post("/api/jobs/batch", token, request);

        assertThat(again.status()).isEqualTo(202);
        for (int index = 0; index < 2; index++) {
            assertThat(again.body().path("jobs").get(index).path("job").path("jobId"))
                    .isEqualTo(first.body().path("jobs").get(index).path("job").path("jobId"));
        }
        awaitJob(
                token,
                first.body().path("jobs").get(1).path("job").path("jobId").asText(),
                status("PENDING"));
        assertThat(api.get("/api/jobs", token).body().path("total").asInt()).isEqualTo(2);
    }

    @Test
    void aKeyUsedBeforeByASingleSubmissionAnswersThatJob() {
        String token = Tokens.user(newUser());
        Api.Answer single =
                api.post("/api/jobs", token, Map.of("jobType", "example"), Map.of("Idempotency-Key", "nightly"));

        Api.Answer batch = api.post("/api/jobs/batch", token, batch(keyed("example", "nightly")));

        assertThat(batch.body().path("jobs").get(0).path("job").path("jobId"))
                .isEqualTo(single.body().path("jobId"));
    }

    @Test
    void aJobWhoseKeyWasUsedForAnotherRequestIsRefusedInItsPlaceAndTheOthersAreRecorded() {
        String token = Tokens.user(newUser());
        api.post("/api/jobs", token, Map.of("jobType", "example"), Map.of("Idempotency-Key", "taken"));
        Map<String, Object> reused = new HashMap<>(keyed("example", "taken"));
        reused.put("maxAttempts", 1);

        Api.Answer answer = api.post(
                "/api/jobs/batch", token, batch(job("example", Map.of("n", 1)), reused, job("example", Map.of())));

        assertThat(answer.status()).isEqualTo(207);
        JsonNode jobs = answer.body().path("jobs");
        assertThat(jobs.get(1).path("status").asInt()).isEqualTo(422);
        assertThat(jobs.get(1).path("detail").asText()).contains("taken");
        assertThat(jobs.get(1).has("job")).isFalse();
        assertThat(jobs.get(0).path("status").asInt()).isEqualTo(202);
        assertThat(jobs.get(2).path("status").asInt()).isEqualTo(202);
        awaitJob(token, jobs.get(2).path("job").path("jobId").asText(), status("PENDING"));
        assertThat(api.get("/api/jobs", token).body().path("total").asInt()).isEqualTo(3);
    }

    @Test
    void aKeyRepeatedInOneBatchNamesOneJob() {
        String token = Tokens.user(newUser());
        Map<String, Object> other = new HashMap<>(keyed("example", "twice"));
        other.put("maxAttempts", 1);

        Api.Answer answer =
                api.post("/api/jobs/batch", token, batch(keyed("example", "twice"), keyed("example", "twice"), other));

        assertThat(answer.status()).as(answer.toString()).isEqualTo(207);
        JsonNode jobs = answer.body().path("jobs");
        assertThat(jobs.get(1).path("job").path("jobId"))
                .isEqualTo(jobs.get(0).path("job").path("jobId"));
        assertThat(jobs.get(2).path("status").asInt()).isEqualTo(422);
        awaitJob(token, jobs.get(0).path("job").path("jobId").asText(), status("PENDING"));
        assertThat(api.get("/api/jobs", token).body().path("total").asInt()).isEqualTo(1);
    }

    @Test
    void oneInvalidJobRefusesTheWholeBatchNamingItAndRecordsNothing() {
        String user = newUser();
        String token = Tokens.user(user);

        Api.Answer tooMany = api.post(
                "/api/jobs/batch",
                token,
                batch(job("example", Map.of()), Map.of("jobType", "example", "maxAttempts", 11)));
        Api.Answer unknownType =
                api.post("/api/jobs/batch", token, batch(job("example", Map.of()), job("mine-bitcoin", Map.of())));
        Api.Answer needsFile = api.post("/api/jobs/batch", token, batch(job("csv-import", Map.of())));
        Api.Answer unstorable = api.post(
                "/api/jobs/batch", token, batch(job("example", Map.of()), job("example", Map.of("name", "a\u0000b"))));
        Api.Answer unknownField =
                api.post("/api/jobs/batch", token, batch(Map.of("jobType", "example", "status", "COMPLETED")));

        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.contentType()).startsWith("application/problem+json");
        assertThat(tooMany.body().path("detail").asText()).contains("jobs[1].maxAttempts");
        assertThat(unknownType.status()).isEqualTo(400);
        assertThat(unknownType.body().path("detail").asText()).contains("jobs[1]", "mine-bitcoin");
        assertThat(needsFile.status()).isEqualTo(400);
        assertThat(needsFile.body().path("detail").asText()).contains("jobs[0]", "needs a file");
        assertThat(unstorable.status()).isEqualTo(400);
        assertThat(unstorable.body().path("detail").asText()).contains("jobs[1].payload");
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.body().path("detail").asText()).contains("status");
        assertThat(api.get("/api/jobs", token).body().path("total").asInt()).isZero();
    }

    @Test
    void aBatchHoldsOneToAHundredJobs() {
        String token = Tokens.user(newUser());
        List<Map<String, Object>> hundredAndOne = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            hundredAndOne.add(job("example", Map.of()));
        }

        Api.Answer empty = api.post("/api/jobs/batch", token, Map.of("jobs", List.of()));
        Api.Answer tooLarge = api.post("/api/jobs/batch", token, Map.of("jobs", hundredAndOne));
        Api.Answer hundred = api.post("/api/jobs/batch", token, Map.of("jobs", hundredAndOne.subList(0, 100)));

        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.body().path("detail").asText()).contains("jobs");
        assertThat(tooLarge.status()).isEqualTo(400);
        assertThat(tooLarge.body().path("detail").asText()).contains("jobs");
        assertThat(hundred.status()).isEqualTo(202);
        assertThat(hundred.body().path("jobs")).hasSize(100);
    }

    @Test
    void aBatchTakesNoIdempotencyKeyHeaderBecauseOneKeyCannotNameManyJobs() {
        String token = Tokens.user(newUser());

        Api.Answer answer =
                api.post("/api/jobs/batch", token, batch(job("example", Map.of())), Map.of("Idempotency-Key", "whole"));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body().path("detail").asText()).contains("idempotencyKey");
        assertThat(api.get("/api/jobs", token).body().path("total").asInt()).isZero();
    }

    @Test
    void submittingABatchNeedsTheCreatePermission() {
        String reader = Tokens.hs256(newUser(), List.of("job:Read"), Duration.ofMinutes(5));

        Api.Answer answer = api.post("/api/jobs/batch", reader, batch(job("example", Map.of())));

        assertThat(answer.status()).isEqualTo(403);
    }

    @SafeVarargs
    private static Map<String, Object> batch(Map<String, Object>... jobs) {
        return Map.of("jobs", List.of(jobs));
    }

    private static Map<String, Object> job(String jobType, Map<String, Object> payload) {
        return Map.of("jobType", jobType, "payload", payload);
    }

    private static Map<String, Object> keyed(String jobType, String idempotencyKey) {
        return Map.of("jobType", jobType, "idempotencyKey", idempotencyKey);
    }
}
