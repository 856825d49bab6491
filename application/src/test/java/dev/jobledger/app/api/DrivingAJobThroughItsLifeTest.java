package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobledger.testing.Api;
import dev.jobledger.testing.LedgerIntegrationTest;
import dev.jobledger.testing.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every transition driven through the REST API, as the worker bridge and users drive it, seen in the read models. */
class DrivingAJobThroughItsLifeTest extends LedgerIntegrationTest {

    private Api.Answer report(String jobId, String action, Map<String, Object> body) {
        return asWorker(jobId, action, body);
    }

    @Test
    void aJobRunsLogsReportsProgressAndCompletes() {
        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example", "payload", Map.of("rows", 3)));

        Api.Answer start = report(jobId, "attempts", Map.of("attempt", 1, "messageId", "m-1", "requestId", "r-1"));
        assertThat(start.status()).isEqualTo(200);
        assertThat(start.body().path("decision").asText()).isEqualTo("PROCEED");
        assertThat(start.body().path("attempt").asInt()).isEqualTo(1);
        assertThat(start.body().path("job").path("payload").path("rows").asInt())
                .isEqualTo(3);
        awaitJob(token, jobId, status("RUNNING"));

        Api.Answer logged = report(
                jobId,
                "logs",
                Map.of(
                        "attempt",
                        1,
                        "entries",
                        List.of(
                                Map.of("level", "INFO", "message", "started"),
                                Map.of(
                                        "level",
                                        "ERROR",
                                        "message",
                                        "bad row",
                                        "rowNumber",
                                        2,
                                        "meta",
                                        Map.of("col", "a")),
                                Map.of("level", "INFO", "message", "started"))));
        assertThat(logged.body().path("recorded").asBoolean()).isTrue();
        assertThat(logged.body().path("proceed").asBoolean()).isTrue();
        report(jobId, "logs", Map.of("attempt", 1, "entries", List.of(Map.of("level", "WARNING", "message", "slow"))));
        report(jobId, "progress", Map.of("attempt", 1, "processed", 3, "total", 3, "failed", 1));
        Api.Answer completed = report(jobId, "complete", Map.of("attempt", 1, "result", Map.of("imported", 2)));
        assertThat(completed.body().path("status").asText()).isEqualTo("COMPLETED");

        JsonNode job = awaitJob(token, jobId, status("COMPLETED")).body();
        assertThat(job.path("result").path("imported").asInt()).isEqualTo(2);
        assertThat(job.path("progress").path("processed").asInt()).isEqualTo(3);
        assertThat(job.path("progress").path("failed").asInt()).isEqualTo(1);
        assertThat(job.path("startedAt").asText()).isNotEmpty();
        assertThat(job.path("finishedAt").asText()).isNotEmpty();
        JsonNode logs = awaitLogs(token, jobId, "", 4);
        assertThat(messages(logs)).containsExactly("started", "bad row", "started", "slow");
        assertThat(logs.path("items").get(1).path("rowNumber").asInt()).isEqualTo(2);
        assertThat(logs.path("items").get(1).path("meta").path("col").asText()).isEqualTo("a");
        assertThat(messages(api.get("/api/jobs/" + jobId + "/logs?level=ERROR", token)
                        .body()))
                .containsExactly("bad row");
        assertThat(messages(api.get("/api/jobs/" + jobId + "/logs?page=2&pageSize=3", token)
                        .body()))
                .containsExactly("slow");
    }

    /**
     * The event store keeps no payload above 64 KiB in memory for the processors; they read it again from the store
     * when they handle the event, and the read models come out whole.
     */
    @Test
    void aJobWhosePayloadLogsAndResultAreLargerThanTheEventStoreKeepsIsProjectedWhole() {
        String token = Tokens.user(newUser());
        String text = "x".repeat(100_000);
        String jobId = submit(token, Map.of("jobType", "example", "payload", Map.of("text", text)));
        report(jobId, "attempts", Map.of("attempt", 1));
        List<Map<String, Object>> lines = new ArrayList<>();
        for (int line = 0; line < 20; line++) {
            lines.add(Map.of("level", "INFO", "message", line + "y".repeat(5_000)));
        }
        report(jobId, "logs", Map.of("attempt", 1, "entries", lines));
        report(jobId, "complete", Map.of("attempt", 1, "result", Map.of("text", text + "z")));

        JsonNode job = awaitJob(token, jobId, status("COMPLETED")).body();
        assertThat(job.path("payload").path("text").asText()).isEqualTo(text);
        assertThat(job.path("result").path("text").asText()).isEqualTo(text + "z");
        JsonNode logs = awaitLogs(token, jobId, "?pageSize=20", 20);
        assertThat(messages(logs))
                .containsExactlyElementsOf(
                        lines.stream().map(line -> (String) line.get("message")).toList());
    }

    @Test
    void duplicateDeliveriesAreSkippedAndRepeatedReportsChangeNothing() {
        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example"));

        assertThat(report(jobId, "attempts", Map.of("attempt", 1))
                        .body()
                        .path("decision")
                        .asText())
                .isEqualTo("PROCEED");
        Api.Answer duplicate = report(jobId, "attempts", Map.of("attempt", 1, "messageId", "m-dup"));
        assertThat(duplicate.body().path("decision").asText()).isEqualTo("SKIP");
        assertThat(duplicate.body().path("reason").asText()).contains("already running");
        Map<String, Object> batch =
                Map.of("attempt", 1, "batchId", "b-1", "entries", List.of(Map.of("level", "INFO", "message", "once")));
        report(jobId, "logs", batch);
        assertThat(report(jobId, "logs", batch).body().path("recorded").asBoolean())
                .isTrue();
        report(jobId, "complete", Map.of("attempt", 1));
        assertThat(report(jobId, "complete", Map.of("attempt", 1)).status()).isEqualTo(200);
        assertThat(report(jobId, "attempts", Map.of("attempt", 1))
                        .body()
                        .path("decision")
                        .asText())
                .isEqualTo("SKIP");

        JsonNode completed = awaitJob(token, jobId, status("COMPLETED")).body();
        assertThat(completed.path("attempts").asInt()).isEqualTo(1);
        assertThat(api.get("/api/jobs/" + jobId + "/history", token)
                        .body()
                        .path("items")
                        .findValuesAsText("type"))
                .containsOnlyOnce("JobLogsAppended");
    }

    @Test
    void retryableFailuresAreRetriedUntilTheLastAttemptThenTheJobFailsAndCanBeRetriedByItsOwner() {
        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example", "maxAttempts", 2));

        report(jobId, "attempts", Map.of("attempt", 1));
        Api.Answer first = report(jobId, "fail", Map.of("attempt", 1, "reason", "timeout", "retryable", true));
        assertThat(first.body().path("status").asText()).isEqualTo("RETRYING");
        assertThat(awaitJob(token, jobId, status("RETRYING"))
                        .body()
                        .path("errorReason")
                        .asText())
                .isEqualTo("timeout");
        report(jobId, "attempts", Map.of("attempt", 2));
        Api.Answer last = report(jobId, "fail", Map.of("attempt", 2, "reason", "timeout again", "retryable", true));
        assertThat(last.body().path("status").asText()).isEqualTo("FAILED");
        assertThat(awaitJob(token, jobId, status("FAILED"))
                        .body()
                        .path("attempts")
                        .asInt())
                .isEqualTo(2);

        Api.Answer retried = api.post("/api/jobs/" + jobId + "/retry", token, Map.of());
        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.body().path("status").asText()).isEqualTo("PENDING");
        JsonNode pending = awaitJob(token, jobId, status("PENDING")).body();
        assertThat(pending.path("attempts").asInt()).isZero();
        assertThat(pending.has("errorReason")).isFalse();
        assertThat(report(jobId, "attempts", Map.of("attempt", 3))
                        .body()
                        .path("attempt")
                        .asInt())
                .isEqualTo(3);
    }

    @Test
    void aFailureThatIsNotRetryableFailsTheJobAtOnce() {
        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example"));
        report(jobId, "attempts", Map.of("attempt", 1));

        Api.Answer failed =
                report(jobId, "fail", Map.of("attempt", 1, "reason", "file is not CSV", "retryable", false));

        assertThat(failed.body().path("status").asText()).isEqualTo("FAILED");
        assertThat(awaitJob(token, jobId, status("FAILED"))
                        .body()
                        .path("errorReason")
                        .asText())
                .isEqualTo("file is not CSV");
    }

    @Test
    void aRunningHandlerLearnsOfACancellationAtItsNextReportAndCannotCompleteAfterwards() {
        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example"));
        report(jobId, "attempts", Map.of("attempt", 1));

        Api.Answer cancelled = api.post("/api/jobs/" + jobId + "/cancel", token, Map.of("reason", "wrong file"));
        Api.Answer nextReport = report(jobId, "progress", Map.of("attempt", 1, "processed", 10));
        Api.Answer completion = report(jobId, "complete", Map.of("attempt", 1));

        assertThat(cancelled.body().path("status").asText()).isEqualTo("CANCELLED");
        assertThat(nextReport.status()).isEqualTo(200);
        assertThat(nextReport.body().path("proceed").asBoolean()).isFalse();
        assertThat(nextReport.body().path("status").asText()).isEqualTo("CANCELLED");
        assertThat(completion.status()).isEqualTo(409);
        assertThat(completion.body().path("from").asText()).isEqualTo("CANCELLED");
        assertThat(completion.body().path("to").asText()).isEqualTo("COMPLETED");
        awaitJob(token, jobId, status("CANCELLED"));
    }

    @Test
    void illegalTransitionsAreConflictsNamingFromAndTo() {
        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example"));

        Api.Answer completeUnstarted = report(jobId, "complete", Map.of("attempt", 1));
        Api.Answer retryPending = api.post("/api/jobs/" + jobId + "/retry", token, Map.of());
        report(jobId, "attempts", Map.of("attempt", 1));
        report(jobId, "complete", Map.of("attempt", 1));
        Api.Answer cancelCompleted = api.post("/api/jobs/" + jobId + "/cancel", token, Map.of());

        assertThat(completeUnstarted.status()).isEqualTo(409);
        assertThat(completeUnstarted.contentType()).startsWith("application/problem+json");
        assertThat(completeUnstarted.body().path("from").asText()).isEqualTo("PENDING");
        assertThat(retryPending.status()).isEqualTo(409);
        assertThat(cancelCompleted.status()).isEqualTo(409);
        assertThat(cancelCompleted.body().path("detail").asText()).contains("COMPLETED", "CANCELLED");
    }

    @Test
    void anAdminCanCancelAndRetryAnyonesJob() {
        String owner = Tokens.user(newUser());
        String admin = Tokens.admin(newUser());
        String jobId = submit(owner, Map.of("jobType", "example"));

        assertThat(api.post("/api/jobs/" + jobId + "/cancel", admin, Map.of()).status())
                .isEqualTo(200);
        assertThat(api.post("/api/jobs/" + jobId + "/retry", admin, Map.of()).status())
                .isEqualTo(200);
        awaitJob(owner, jobId, status("PENDING"));
    }

    @Test
    void badReportsAreBadRequests() {
        String jobId = submit(Tokens.user(newUser()), Map.of("jobType", "example"));
        report(jobId, "attempts", Map.of("attempt", 1));

        Api.Answer noEntries = report(jobId, "logs", Map.of("attempt", 1, "entries", List.of()));
        Api.Answer badLevel = report(
                jobId, "logs", Map.of("attempt", 1, "entries", List.of(Map.of("level", "LOUD", "message", "x"))));
        Api.Answer negative = report(jobId, "progress", Map.of("attempt", 1, "processed", -1));
        Api.Answer noReason = report(jobId, "fail", Map.of("attempt", 1, "retryable", true));
        Api.Answer noAttempt = report(jobId, "progress", Map.of("processed", 1));

        assertThat(noEntries.status()).isEqualTo(400);
        assertThat(badLevel.status()).isEqualTo(400);
        assertThat(badLevel.body().path("detail").asText()).contains("level");
        assertThat(negative.status()).isEqualTo(400);
        assertThat(noReason.status()).isEqualTo(400);
        assertThat(noReason.body().path("detail").asText()).contains("reason");
        assertThat(noAttempt.status()).isEqualTo(400);
        assertThat(noAttempt.body().path("detail").asText()).contains("attempt");
    }

    private static List<String> messages(JsonNode page) {
        List<String> messages = new ArrayList<>();
        page.path("items").forEach(item -> messages.add(item.path("message").asText()));
        return messages;
    }
}
