package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobledger.testing.Api;
import dev.jobledger.testing.LedgerIntegrationTest;
import dev.jobledger.testing.Tokens;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The batched worker protocol: one call starts the records of a function invocation, one call ends their attempts
 * with their last log lines and final progress. Each record is decided on its own and answered in order.
 */
class RunningABatchOfAttemptsTest extends LedgerIntegrationTest {

    private final String bridge = Tokens.bridge();

    /** A delivery of the job's first attempt, with the ticket its message carries. */
    private Map<String, Object> delivery(String jobId, String messageId) {
        return Map.of("jobId", jobId, "attempt", 1, "messageId", messageId, "ticket", ticket(jobId, 1));
    }

    private Api.Answer start(List<Map<String, Object>> attempts) {
        return api.post("/internal/attempts/start", bridge, Map.of("requestId", "r-1", "attempts", attempts));
    }

    private Api.Answer finish(List<Map<String, Object>> reports) {
        return api.post("/internal/attempts/finish", bridge, Map.of("requestId", "r-2", "reports", reports));
    }

    private Map<String, Object> completed(String jobId, String messageId, List<Map<String, Object>> logs) {
        Map<String, Object> report = new HashMap<>();
        report.put("jobId", jobId);
        report.put("attempt", 1);
        report.put("messageId", messageId);
        report.put("ticket", ticket(jobId, 1));
        report.put("outcome", "COMPLETED");
        report.put("result", Map.of("lines", 5));
        report.put("logs", logs);
        report.put("progress", Map.of("processed", 5, "total", 5, "failed", 1));
        return report;
    }

    private Map<String, Object> failed(String jobId, String messageId) {
        return Map.of(
                "jobId",
                jobId,
                "attempt",
                1,
                "messageId",
                messageId,
                "ticket",
                ticket(jobId, 1),
                "outcome",
                "FAILED",
                "reason",
                "the file was locked",
                "retryable",
                true,
                "logs",
                List.of(Map.of("level", "ERROR", "message", "locked")));
    }

    private static List<Map<String, Object>> twoLines() {
        return List.of(
                Map.of("level", "INFO", "message", "read 5 lines"),
                Map.of("level", "WARNING", "message", "row 3 is odd", "rowNumber", 3));
    }

    @Test
    void eachRecordOfAStartIsDecidedOnItsOwnAndAnsweredInOrder() {
        String token = Tokens.user(newUser());
        String first = submit(token, Map.of("jobType", "example"));
        String second = submit(token, Map.of("jobType", "example"));
        String unknown = UUID.randomUUID().toString();

        Api.Answer answer = start(List.of(
                delivery(first, "m-1"), delivery(unknown, "m-2"), delivery(second, "m-3"), delivery(first, "m-4")));

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonNode outcomes = answer.body().path("outcomes");
        assertThat(outcomes).hasSize(4);
        assertThat(outcomes.get(0).path("status").asInt()).isEqualTo(200);
        assertThat(outcomes.get(0).path("answer").path("decision").asText()).isEqualTo("PROCEED");
        assertThat(outcomes.get(0).path("messageId").asText()).isEqualTo("m-1");
        assertThat(outcomes.get(1).path("status").asInt()).isEqualTo(404);
        assertThat(outcomes.get(1).path("jobId").asText()).isEqualTo(unknown);
        assertThat(outcomes.get(2).path("answer").path("decision").asText()).isEqualTo("PROCEED");
        assertThat(outcomes.get(3).path("status").asInt()).isEqualTo(200);
        assertThat(outcomes.get(3).path("answer").path("decision").asText()).isEqualTo("SKIP");
        awaitJob(token, second, status("RUNNING"));
    }

    @Test
    void aStartRepeatedForTheSameDeliveryProceedsAgainSoALostAnswerStrandsNothing() {
        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example"));
        start(List.of(delivery(jobId, "m-1")));

        JsonNode again = start(List.of(delivery(jobId, "m-1"), delivery(jobId, "m-other")))
                .body()
                .path("outcomes");

        assertThat(again.get(0).path("answer").path("decision").asText()).isEqualTo("PROCEED");
        assertThat(again.get(0).path("answer").path("attempt").asInt()).isEqualTo(1);
        assertThat(again.get(1).path("answer").path("decision").asText()).isEqualTo("SKIP");
        assertThat(eventTypes(jobId, token)).filteredOn("JobStarted"::equals).hasSize(1);
    }

    @Test
    void aFinishRecordsEachEndWithItsLastLinesAndFinalProgressInOneStep() {
        String token = Tokens.user(newUser());
        String done = submit(token, Map.of("jobType", "example"));
        String retried = submit(token, Map.of("jobType", "example"));
        String unknown = UUID.randomUUID().toString();
        start(List.of(delivery(done, "m-1"), delivery(retried, "m-2")));

        Api.Answer answer = finish(List.of(
                completed(done, "m-1", twoLines()), completed(unknown, "m-9", List.of()), failed(retried, "m-2")));

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonNode outcomes = answer.body().path("outcomes");
        assertThat(outcomes.get(0).path("status").asInt()).isEqualTo(200);
        assertThat(outcomes.get(0).path("job").path("status").asText()).isEqualTo("COMPLETED");
        assertThat(outcomes.get(1).path("status").asInt()).isEqualTo(404);
        assertThat(outcomes.get(2).path("job").path("status").asText()).isEqualTo("RETRYING");
        JsonNode job = awaitJob(token, done, status("COMPLETED")).body();
        assertThat(job.path("progress").path("processed").asInt()).isEqualTo(5);
        assertThat(job.path("progress").path("failed").asInt()).isEqualTo(1);
        assertThat(job.path("result").path("lines").asInt()).isEqualTo(5);
        assertThat(awaitLogs(token, done, 2)).containsExactly("read 5 lines", "row 3 is odd");
        assertThat(eventTypes(done, token))
                .containsSubsequence("JobStarted", "JobCompleted")
                .doesNotContain("JobLogsAppended", "JobProgressed");
        assertThat(awaitJob(token, retried, status("RETRYING"))
                        .body()
                        .path("errorReason")
                        .asText())
                .isEqualTo("the file was locked");
        assertThat(awaitLogs(token, retried, 1)).containsExactly("locked");
        assertThat(eventTypes(retried, token))
                .containsSubsequence("JobStarted", "JobAttemptFailed")
                .doesNotContain("JobLogsAppended");
    }

    @Test
    void aRepeatedFinishChangesNothing() {
        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example"));
        start(List.of(delivery(jobId, "m-1")));
        finish(List.of(completed(jobId, "m-1", twoLines())));

        JsonNode repeated = finish(List.of(completed(jobId, "m-1", twoLines())))
                .body()
                .path("outcomes")
                .get(0);

        assertThat(repeated.path("status").asInt()).isEqualTo(200);
        assertThat(repeated.path("job").path("status").asText()).isEqualTo("COMPLETED");
        assertThat(eventTypes(jobId, token)).filteredOn("JobCompleted"::equals).hasSize(1);
        assertThat(awaitLogs(token, jobId, 2)).hasSize(2);
    }

    @Test
    void theEndOfACancelledJobIsRefusedForThatRecordOnly() {
        String token = Tokens.user(newUser());
        String cancelled = submit(token, Map.of("jobType", "example"));
        String other = submit(token, Map.of("jobType", "example"));
        start(List.of(delivery(cancelled, "m-1"), delivery(other, "m-2")));
        assertThat(api.post("/api/jobs/" + cancelled + "/cancel", token, Map.of())
                        .status())
                .isEqualTo(200);

        JsonNode outcomes = finish(List.of(completed(cancelled, "m-1", List.of()), completed(other, "m-2", List.of())))
                .body()
                .path("outcomes");

        assertThat(outcomes.get(0).path("status").asInt()).isEqualTo(409);
        assertThat(outcomes.get(0).path("detail").asText()).contains("CANCELLED");
        assertThat(outcomes.get(1).path("status").asInt()).isEqualTo(200);
    }

    @Test
    void aCrashBetweenStartAndFinishLeavesEachJobResumableByItsDelivery() {
        String token = Tokens.user(newUser());
        String first = submit(token, Map.of("jobType", "example"));
        String second = submit(token, Map.of("jobType", "example"));
        start(List.of(delivery(first, "m-1"), delivery(second, "m-2")));
        // The invocation dies here: no finish. SQS delivers both messages again after their visibility timeout.

        JsonNode redelivered = start(List.of(delivery(first, "m-1"), delivery(second, "m-2")))
                .body()
                .path("outcomes");
        finish(List.of(completed(first, "m-1", List.of()), completed(second, "m-2", List.of())));

        assertThat(redelivered)
                .allSatisfy(outcome -> assertThat(
                                outcome.path("answer").path("decision").asText())
                        .isEqualTo("PROCEED"));
        awaitJob(token, first, status("COMPLETED"));
        awaitJob(token, second, status("COMPLETED"));
    }

    @Test
    void aBatchedStartWithOneGoodAndOneBadTicketProceedsWithOneAndRefusesTheOther() {
        String token = Tokens.user(newUser());
        String good = submit(token, Map.of("jobType", "example"));
        String bad = submit(token, Map.of("jobType", "example"));
        Map<String, Object> withAnotherJobsTicket = new HashMap<>(delivery(bad, "m-2"));
        withAnotherJobsTicket.put("ticket", ticket(good, 1));

        Api.Answer answer = start(List.of(delivery(good, "m-1"), withAnotherJobsTicket));

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonNode outcomes = answer.body().path("outcomes");
        assertThat(outcomes.get(0).path("status").asInt()).isEqualTo(200);
        assertThat(outcomes.get(0).path("answer").path("decision").asText()).isEqualTo("PROCEED");
        assertThat(outcomes.get(0).path("answer").path("ticket").asText()).isEqualTo(ticket(good, 1));
        assertThat(outcomes.get(1).path("status").asInt()).isEqualTo(403);
        assertThat(outcomes.get(1).path("jobId").asText()).isEqualTo(bad);
        assertThat(outcomes.get(1).path("messageId").asText()).isEqualTo("m-2");
        assertThat(outcomes.get(1).path("detail").asText())
                .isEqualTo("the attempt ticket does not admit attempt 1 of job " + bad)
                .doesNotContain(ticket(good, 1));
        assertThat(outcomes.get(1).has("answer")).isFalse();
        awaitJob(token, good, status("RUNNING"));
        assertThat(eventTypes(bad, token)).doesNotContain("JobStarted");
        assertThat(api.get("/api/jobs/" + bad, token).body().path("status").asText())
                .isEqualTo("PENDING");
    }

    @Test
    void aFinishReportWhoseTicketDoesNotAdmitItsAttemptIsRefusedAndRecordsNothingWhileTheOthersEnd() {
        String token = Tokens.user(newUser());
        String done = submit(token, Map.of("jobType", "example"));
        String refused = submit(token, Map.of("jobType", "example"));
        start(List.of(delivery(done, "m-1"), delivery(refused, "m-2")));
        Map<String, Object> withoutTicket = new HashMap<>(completed(refused, "m-2", twoLines()));
        withoutTicket.remove("ticket");
        Map<String, Object> forAttemptTwo = new HashMap<>(completed(refused, "m-2", twoLines()));
        forAttemptTwo.put("ticket", ticket(refused, 2));

        JsonNode outcomes = finish(List.of(completed(done, "m-1", List.of()), withoutTicket, forAttemptTwo))
                .body()
                .path("outcomes");

        assertThat(outcomes.get(0).path("status").asInt()).isEqualTo(200);
        assertThat(outcomes.get(1).path("status").asInt()).isEqualTo(403);
        assertThat(outcomes.get(1).path("detail").asText()).contains("attempt 1 of job " + refused);
        assertThat(outcomes.get(2).path("status").asInt()).isEqualTo(403);
        awaitJob(token, done, status("COMPLETED"));
        assertThat(api.get("/api/jobs/" + refused, token).body().path("status").asText())
                .isEqualTo("RUNNING");
        assertThat(eventTypes(refused, token)).doesNotContain("JobLogsAppended", "JobCompleted");
    }

    @Test
    void aBatchedStartWithoutAnAttemptIsAMalformedRequest() {
        String jobId = UUID.randomUUID().toString();

        Api.Answer answer = start(List.of(Map.of("jobId", jobId, "messageId", "m-1", "ticket", ticket(jobId, 1))));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body().path("detail").asText()).contains("attempt");
    }

    @Test
    void aFailedReportWithoutAReasonIsAMalformedRequest() {
        Api.Answer answer = finish(List.of(
                Map.of("jobId", UUID.randomUUID().toString(), "attempt", 1, "outcome", "FAILED", "retryable", true)));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body().path("detail").asText()).contains("a FAILED report needs a reason and retryable");
    }

    @Test
    void onlyTheBridgeMayUseTheBatchedProtocol() {
        Api.Answer answer = api.post(
                "/internal/attempts/start",
                Tokens.user(newUser()),
                Map.of("attempts", List.of(delivery(UUID.randomUUID().toString(), "m-1"))));

        assertThat(answer.status()).isEqualTo(403);
    }

    private List<String> awaitLogs(String token, String jobId, int count) {
        List<String> messages = new ArrayList<>();
        awaitLogs(token, jobId, "", count)
                .path("items")
                .forEach(item -> messages.add(item.path("message").asText()));
        return messages;
    }
}
