package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobledger.testing.Api;
import dev.jobledger.testing.LedgerIntegrationTest;
import dev.jobledger.testing.Tokens;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The audit trail: a job's events from the event store, its state at any instant, and its hash chain. */
class AuditingAJobsHistoryTest extends LedgerIntegrationTest {

    @Autowired
    private JdbcTemplate jdbc;

    private Api.Answer report(String jobId, String action, Map<String, Object> body) {
        return report(jobId, action, body, Map.of());
    }

    private Api.Answer report(String jobId, String action, Map<String, Object> body, Map<String, String> headers) {
        Api.Answer answer = asWorker(jobId, action, body, headers);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer;
    }

    /** Submitted, first attempt fails retryably, second attempt logs, progresses and completes. */
    private String jobWithARetry(String token) {
        String jobId = submit(token, Map.of("jobType", "example", "payload", Map.of("rows", 2)));
        report(jobId, "attempts", Map.of("attempt", 1, "messageId", "m-1", "requestId", "r-1"));
        report(
                jobId,
                "fail",
                Map.of("attempt", 1, "reason", "the database was busy", "retryable", true),
                Map.of("X-Job-Message-Id", "m-1", "X-Job-Request-Id", "r-1b"));
        report(jobId, "attempts", Map.of("attempt", 2, "messageId", "m-2", "requestId", "r-2"));
        report(jobId, "logs", Map.of("attempt", 2, "entries", List.of(Map.of("level", "INFO", "message", "2 rows"))));
        report(jobId, "progress", Map.of("attempt", 2, "processed", 2, "total", 2));
        report(jobId, "complete", Map.of("attempt", 2, "result", Map.of("rows", 2)));
        return jobId;
    }

    private List<JsonNode> history(String jobId, String token) {
        Api.Answer answer = api.get("/api/jobs/" + jobId + "/history?pageSize=1000", token);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        List<JsonNode> events = new ArrayList<>();
        answer.body().path("items").forEach(events::add);
        return events;
    }

    private JsonNode verify(String jobId, String token) {
        return api.get("/api/jobs/" + jobId + "/history/verify", token).body();
    }

    private static JsonNode first(List<JsonNode> events, String type) {
        return events.stream()
                .filter(event -> type.equals(event.path("type").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("No " + type + " in " + events));
    }

    private static List<String> types(List<JsonNode> events) {
        // The dispatcher records JobDispatched on its own thread, so its place among the others varies.
        return events.stream()
                .map(event -> event.path("type").asText())
                .filter(type -> !type.equals("JobDispatched"))
                .toList();
    }

    @Test
    void theHistoryListsEveryEventInOrderWithWhoCausedItAndItsFacts() {
        String owner = newUser();
        String token = Tokens.user(owner);
        String jobId = jobWithARetry(token);

        List<JsonNode> events = history(jobId, token);

        assertThat(types(events))
                .containsExactly(
                        "JobSubmitted",
                        "JobStarted",
                        "JobAttemptFailed",
                        "JobStarted",
                        "JobLogsAppended",
                        "JobProgressed",
                        "JobCompleted");
        assertThat(events)
                .extracting(event -> event.path("sequence").asLong())
                .containsExactlyElementsOf(IntStream.range(0, events.size())
                        .mapToObj(Long::valueOf)
                        .toList());
        assertThat(events)
                .allSatisfy(event -> assertThat(event.path("hash").asText()).matches("[0-9a-f]{64}"));
        JsonNode submitted = first(events, "JobSubmitted");
        assertThat(submitted.path("actor").path("kind").asText()).isEqualTo("USER");
        assertThat(submitted.path("actor").path("subject").asText()).isEqualTo(owner);
        assertThat(submitted.path("facts").path("jobType").asText()).isEqualTo("example");
        assertThat(submitted.path("facts").has("jobId")).isFalse();
        JsonNode started = first(events, "JobStarted");
        assertThat(started.path("actor").path("kind").asText()).isEqualTo("BRIDGE");
        assertThat(started.path("actor").path("messageId").asText()).isEqualTo("m-1");
        assertThat(started.path("actor").path("requestId").asText()).isEqualTo("r-1");
        assertThat(started.path("facts").path("attempt").asInt()).isEqualTo(1);
        JsonNode failed = first(events, "JobAttemptFailed");
        assertThat(failed.path("facts").path("reason").asText()).isEqualTo("the database was busy");
        // A report names its delivery in headers; it is kept on the event as the start's is.
        assertThat(failed.path("actor").path("messageId").asText()).isEqualTo("m-1");
        assertThat(failed.path("actor").path("requestId").asText()).isEqualTo("r-1b");
        assertThat(Instant.parse(started.path("timestamp").asText()))
                .isAfterOrEqualTo(Instant.parse(submitted.path("timestamp").asText()));
    }

    @Test
    void theHistoryIsPagedAndNarrowedByTime() {
        String token = Tokens.user(newUser());
        String jobId = jobWithARetry(token);
        List<JsonNode> all = history(jobId, token);

        JsonNode second = api.get("/api/jobs/" + jobId + "/history?page=2&pageSize=2", token)
                .body();
        assertThat(second.path("items"))
                .extracting(event -> event.path("sequence").asLong())
                .containsExactly(2L, 3L);
        assertThat(second.path("hasMore").asBoolean()).isTrue();
        JsonNode last = api.get("/api/jobs/" + jobId + "/history?page=2&pageSize=" + (all.size() - 1), token)
                .body();
        assertThat(last.path("items")).hasSize(1);
        assertThat(last.path("hasMore").asBoolean()).isFalse();

        Instant from =
                Instant.parse(first(all, "JobAttemptFailed").path("timestamp").asText());
        Instant to = Instant.parse(first(all, "JobCompleted").path("timestamp").asText());
        JsonNode narrowed = api.get("/api/jobs/" + jobId + "/history?pageSize=1000&from=" + from + "&to=" + to, token)
                .body();
        List<JsonNode> window = new ArrayList<>();
        narrowed.path("items").forEach(window::add);
        assertThat(types(window)).startsWith("JobAttemptFailed").endsWith("JobCompleted");
        assertThat(window)
                .allSatisfy(event -> assertThat(
                                Instant.parse(event.path("timestamp").asText()))
                        .isBetween(from, to));
    }

    @Test
    void aJobIsShownAsItWasAtAnyInstant() {
        String token = Tokens.user(newUser());
        String jobId = jobWithARetry(token);
        List<JsonNode> events = history(jobId, token);
        Instant submittedAt =
                Instant.parse(first(events, "JobSubmitted").path("timestamp").asText());
        Instant failedAt = Instant.parse(
                first(events, "JobAttemptFailed").path("timestamp").asText());
        Instant completedAt =
                Instant.parse(first(events, "JobCompleted").path("timestamp").asText());

        JsonNode pending =
                api.get("/api/jobs/" + jobId + "?asOf=" + submittedAt, token).body();
        assertThat(pending.path("status").asText()).isEqualTo("PENDING");
        assertThat(pending.path("attempt").asInt()).isZero();

        JsonNode retrying = api.get("/api/jobs/" + jobId + "/history/state?asOf=" + failedAt, token)
                .body();
        assertThat(retrying.path("status").asText()).isEqualTo("RETRYING");
        assertThat(retrying.path("attempt").asInt()).isEqualTo(1);
        assertThat(retrying.path("errorReason").asText()).isEqualTo("the database was busy");

        JsonNode completed = api.get("/api/jobs/" + jobId + "?asOf=" + completedAt.plusSeconds(60), token)
                .body();
        assertThat(completed.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(completed.path("result").path("rows").asInt()).isEqualTo(2);
        assertThat(completed.path("attempt").asInt()).isEqualTo(2);
    }

    @Test
    void theReadModelAndTheReplayedEventsAgreeOnEveryFieldOfAFinishedJob() {
        String token = Tokens.user(newUser());
        assertReadModelAgreesWithReplay(token, jobWithARetry(token));
    }

    @Test
    void theReadModelAndTheReplayedEventsAgreeOnAJobJustDispatched() {
        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example"));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> history(jobId, token).stream()
                        .anyMatch(event -> event.path("type").asText().equals("JobDispatched")));
        assertReadModelAgreesWithReplay(token, jobId);
    }

    private void assertReadModelAgreesWithReplay(String token, String jobId) {
        // The dispatcher records the dispatch on its own thread, and the read model follows the store: wait until
        // the read model has applied the job's last event.
        JsonNode readModel = await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> api.get("/api/jobs/" + jobId, token).body(), job -> {
                    List<JsonNode> events = history(jobId, token);
                    Instant last = Instant.parse(
                            events.get(events.size() - 1).path("timestamp").asText());
                    return Instant.parse(job.path("updatedAt").asText()).equals(last);
                });
        JsonNode replayed = api.get(
                        "/api/jobs/" + jobId + "?asOf=" + Instant.now().plusSeconds(60), token)
                .body();

        assertThat(replayed).isEqualTo(readModel);
    }

    @Test
    void beforeTheJobExistedOrForAnotherUserTheJobIsNotFound() {
        String token = Tokens.user(newUser());
        String jobId = jobWithARetry(token);
        Instant submittedAt = Instant.parse(
                first(history(jobId, token), "JobSubmitted").path("timestamp").asText());
        String stranger = Tokens.user(newUser());

        Api.Answer before = api.get("/api/jobs/" + jobId + "?asOf=" + submittedAt.minusMillis(1), token);
        assertThat(before.status()).isEqualTo(404);
        assertThat(before.body().path("detail").asText()).contains("did not exist yet at");
        assertThat(api.get("/api/jobs/" + jobId + "/history", stranger).status())
                .isEqualTo(404);
        assertThat(api.get("/api/jobs/" + jobId + "?asOf=" + submittedAt, stranger)
                        .status())
                .isEqualTo(404);
        assertThat(api.get("/api/jobs/" + jobId + "/history/verify", stranger).status())
                .isEqualTo(404);
        assertThat(api.get("/api/jobs/" + jobId + "/history", Tokens.admin(newUser()))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void aMalformedInstantOrAnInvertedWindowIsABadRequest() {
        String token = Tokens.user(newUser());
        String jobId = jobWithARetry(token);

        Api.Answer notAnInstant = api.get("/api/jobs/" + jobId + "?asOf=yesterday", token);
        assertThat(notAnInstant.status()).isEqualTo(400);
        assertThat(notAnInstant.contentType()).startsWith("application/problem+json");
        assertThat(notAnInstant.body().path("detail").asText()).contains("asOf");

        Api.Answer inverted =
                api.get("/api/jobs/" + jobId + "/history?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", token);
        assertThat(inverted.status()).isEqualTo(400);
        assertThat(inverted.body().path("detail").asText()).contains("after");
    }

    @Test
    void anUntouchedHistoryVerifiesAndItsHeadHashIsTheLastEventsHash() {
        String token = Tokens.user(newUser());
        String jobId = jobWithARetry(token);
        List<JsonNode> events = history(jobId, token);

        JsonNode verification = verify(jobId, token);

        assertThat(verification.path("intact").asBoolean())
                .as(verification.toString())
                .isTrue();
        assertThat(verification.path("eventsChecked").asLong()).isEqualTo(events.size());
        assertThat(verification.path("headHash").asText())
                .isEqualTo(events.get(events.size() - 1).path("hash").asText());
    }

    @Test
    void anEventChangedBySqlBreaksTheChainAtThatEvent() {
        String token = Tokens.user(newUser());
        String jobId = jobWithARetry(token);
        JsonNode failed = first(history(jobId, token), "JobAttemptFailed");
        long sequence = failed.path("sequence").asLong();
        byte[] original = payload(jobId, sequence);

        jdbc.update(
                "UPDATE domainevententry SET payload = convert_to(replace(convert_from(payload, 'UTF8'),"
                        + " 'the database was busy', 'nothing went wrong'), 'UTF8')"
                        + " WHERE aggregateidentifier = ? AND sequencenumber = ?",
                jobId,
                sequence);
        try {
            JsonNode verification = verify(jobId, token);

            assertThat(verification.path("intact").asBoolean()).isFalse();
            assertThat(verification.path("firstBrokenSequence").asLong()).isEqualTo(sequence);
            assertThat(verification.path("firstBrokenEventId").asText())
                    .isEqualTo(failed.path("eventId").asText());
            assertThat(verification.path("problem").asText()).contains("does not match its hash");
            assertThat(verification.has("headHash")).isFalse();
        } finally {
            // Other tests rebuild the read models from this database: leave the store as it was.
            jdbc.update(
                    "UPDATE domainevententry SET payload = ? WHERE aggregateidentifier = ? AND sequencenumber = ?",
                    original,
                    jobId,
                    sequence);
        }
        assertThat(verify(jobId, token).path("intact").asBoolean()).isTrue();
    }

    @Test
    void aRemovedEventBreaksTheChainWhereItWas() {
        String token = Tokens.user(newUser());
        String jobId = jobWithARetry(token);
        long sequence = first(history(jobId, token), "JobAttemptFailed")
                .path("sequence")
                .asLong();
        Map<String, Object> row = jdbc.queryForMap(
                "SELECT * FROM domainevententry WHERE aggregateidentifier = ? AND sequencenumber = ?", jobId, sequence);

        jdbc.update(
                "DELETE FROM domainevententry WHERE aggregateidentifier = ? AND sequencenumber = ?", jobId, sequence);
        try {
            JsonNode verification = verify(jobId, token);

            assertThat(verification.path("intact").asBoolean()).isFalse();
            assertThat(verification.path("firstBrokenSequence").asLong()).isEqualTo(sequence + 1);
            assertThat(verification.path("problem").asText()).contains("event " + sequence + " is missing");
        } finally {
            jdbc.update(
                    "INSERT INTO domainevententry (globalindex, aggregateidentifier, sequencenumber, type,"
                            + " eventidentifier, metadata, payload, payloadrevision, payloadtype, timestamp)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    row.get("globalindex"),
                    row.get("aggregateidentifier"),
                    row.get("sequencenumber"),
                    row.get("type"),
                    row.get("eventidentifier"),
                    row.get("metadata"),
                    row.get("payload"),
                    row.get("payloadrevision"),
                    row.get("payloadtype"),
                    row.get("timestamp"));
        }
        assertThat(verify(jobId, token).path("intact").asBoolean()).isTrue();
    }

    @Test
    void aLongJobIsSnapshottedAndItsHistoryAndPastStatesStillComeFromEveryEvent() {
        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example"));
        report(jobId, "attempts", Map.of("attempt", 1));
        for (int batch = 0; batch < 120; batch++) {
            report(
                    jobId,
                    "logs",
                    Map.of("attempt", 1, "entries", List.of(Map.of("level", "INFO", "message", "batch " + batch))));
        }

        awaitSnapshotOf(jobId);
        report(jobId, "complete", Map.of("attempt", 1, "result", Map.of("batches", 120)));

        List<JsonNode> events = history(jobId, token);
        assertThat(events.stream().filter(event -> event.path("type").asText().equals("JobLogsAppended")))
                .hasSize(120);
        Instant tenthBatch = Instant.parse(events.stream()
                .filter(event -> event.path("type").asText().equals("JobLogsAppended"))
                .skip(9)
                .findFirst()
                .orElseThrow()
                .path("timestamp")
                .asText());
        JsonNode running =
                api.get("/api/jobs/" + jobId + "?asOf=" + tenthBatch, token).body();
        assertThat(running.path("status").asText()).isEqualTo("RUNNING");
        JsonNode completed = awaitJob(token, jobId, status("COMPLETED")).body();
        assertThat(completed.path("result").path("batches").asInt()).isEqualTo(120);
        assertThat(verify(jobId, token).path("intact").asBoolean()).isTrue();
    }

    @Test
    void aJobWhoseLogBatchesCarryManyLinesIsSnapshottedLongBeforeItHasManyEvents() {
        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example"));
        report(jobId, "attempts", Map.of("attempt", 1));
        // Three batches of 500 invalid rows: loading the job for the third replays 1,000 lines in 2 events.
        for (int batch = 0; batch < 3; batch++) {
            int first = batch * 500;
            report(
                    jobId,
                    "logs",
                    Map.of(
                            "attempt",
                            1,
                            "entries",
                            IntStream.range(first, first + 500)
                                    .mapToObj(row ->
                                            Map.of("level", "ERROR", "message", "invalid email", "rowNumber", row + 1))
                                    .toList()));
        }

        awaitSnapshotOf(jobId);
        report(jobId, "complete", Map.of("attempt", 1, "result", Map.of("invalid", 1500)));

        assertThat(awaitJob(token, jobId, status("COMPLETED"))
                        .body()
                        .path("result")
                        .path("invalid")
                        .asInt())
                .isEqualTo(1500);
        assertThat(history(jobId, token).stream()
                        .filter(event -> event.path("type").asText().equals("JobLogsAppended")))
                .hasSize(3);
        assertThat(verify(jobId, token).path("intact").asBoolean()).isTrue();
    }

    private void awaitSnapshotOf(String jobId) {
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> jdbc.queryForObject(
                                "SELECT count(*) FROM snapshotevententry WHERE aggregateidentifier = ?",
                                Long.class,
                                jobId)
                        > 0);
    }

    private byte[] payload(String jobId, long sequence) {
        return jdbc.queryForObject(
                "SELECT payload FROM domainevententry WHERE aggregateidentifier = ? AND sequencenumber = ?",
                byte[].class,
                jobId,
                sequence);
    }
}
