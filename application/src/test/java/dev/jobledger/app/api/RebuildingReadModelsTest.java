package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobledger.testing.Api;
import dev.jobledger.testing.LedgerIntegrationTest;
import dev.jobledger.testing.Tokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The read models are a pure function of the event store: rebuilding them changes nothing, row for row. */
class RebuildingReadModelsTest extends LedgerIntegrationTest {

    private static final String REBUILD = "/api/admin/read-models/rebuild";

    private final String admin = Tokens.admin("operator");

    @Autowired
    private JdbcTemplate jdbc;

    private void report(String jobId, String action, Map<String, Object> body) {
        Api.Answer answer = asWorker(jobId, action, body);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    }

    private void start(String jobId, int attempt) {
        report(jobId, "attempts", Map.of("attempt", attempt, "messageId", "m-" + attempt, "requestId", "r-" + attempt));
    }

    private void fail(String jobId, int attempt, boolean retryable) {
        report(
                jobId,
                "fail",
                Map.of("attempt", attempt, "reason", "attempt " + attempt + " failed", "retryable", retryable));
    }

    private void log(String jobId, int attempt, int lines) {
        for (int first = 0; first < lines; first += 500) {
            List<Map<String, Object>> entries = IntStream.range(first, Math.min(first + 500, lines))
                    .mapToObj(line -> Map.<String, Object>of(
                            "level",
                            line % 10 == 0 ? "ERROR" : "INFO",
                            "message",
                            "row " + line,
                            "rowNumber",
                            line + 1,
                            "meta",
                            Map.of("column", "email")))
                    .toList();
            report(jobId, "logs", Map.of("attempt", attempt, "entries", entries));
        }
    }

    /** Every transition: completion, retry then success, failures, cancellations, a manual retry, many log lines. */
    private List<String> workload(String token) {
        List<String> jobs = new ArrayList<>();
        String completed = submit(token, Map.of("jobType", "example"));
        start(completed, 1);
        log(completed, 1, 3000);
        report(completed, "progress", Map.of("attempt", 1, "processed", 3000, "total", 3000, "failed", 300));
        report(completed, "complete", Map.of("attempt", 1, "result", Map.of("imported", 2700)));
        jobs.add(completed);

        String retried = submit(token, Map.of("jobType", "example"));
        start(retried, 1);
        log(retried, 1, 700);
        fail(retried, 1, true);
        start(retried, 2);
        log(retried, 2, 700);
        report(retried, "complete", Map.of("attempt", 2));
        jobs.add(retried);

        String exhausted = submit(token, Map.of("jobType", "example", "maxAttempts", 1));
        start(exhausted, 1);
        fail(exhausted, 1, true);
        jobs.add(exhausted);

        String broken = submit(token, Map.of("jobType", "example"));
        start(broken, 1);
        fail(broken, 1, false);
        assertThat(api.post("/api/jobs/" + broken + "/retry", token, Map.of()).status())
                .isEqualTo(200);
        jobs.add(broken);

        String cancelledWaiting = submit(token, Map.of("jobType", "example"));
        assertThat(api.post("/api/jobs/" + cancelledWaiting + "/cancel", token, Map.of())
                        .status())
                .isEqualTo(200);
        jobs.add(cancelledWaiting);

        String cancelledRunning = submit(token, Map.of("jobType", "example"));
        start(cancelledRunning, 1);
        log(cancelledRunning, 1, 50);
        assertThat(api.post("/api/jobs/" + cancelledRunning + "/cancel", token, Map.of())
                        .status())
                .isEqualTo(200);
        jobs.add(cancelledRunning);
        return jobs;
    }

    /**
     * The rows without {@code last_event_index}, the live change feed's cursor: it is the processor's position when
     * the row last changed, and an event that committed after a later one (a gap, filled) is stamped with the position
     * the processor had reached then, so that a feed reader past it still sees the change. A replay has no gaps and
     * stamps each event's own index: the cursor may differ, the job may not.
     */
    private List<Map<String, Object>> jobRows() {
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT * FROM job ORDER BY id");
        rows.forEach(row -> row.remove("last_event_index"));
        return rows;
    }

    private List<Map<String, Object>> logRows() {
        return jdbc.queryForList("SELECT * FROM job_log ORDER BY job_id, sequence");
    }

    private long head() {
        return jdbc.queryForObject("SELECT coalesce(max(globalindex), 0) FROM domainevententry", Long.class);
    }

    /** Waits until nothing is being written and both read models have caught up with the store. */
    private long quiet() {
        long[] seen = {-1};
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    long now = head();
                    JsonNode progress = api.get(REBUILD, admin).body();
                    boolean caughtUp = true;
                    for (JsonNode processor : progress.path("processors")) {
                        caughtUp &= processor.path("position").asLong() >= now;
                    }
                    boolean still = now == seen[0];
                    seen[0] = now;
                    return still && caughtUp;
                });
        return seen[0];
    }

    @Test
    void aRebuildLeavesTheJobAndLogTablesExactlyAsTheyWere() {
        String token = Tokens.user(newUser());
        List<String> jobs = workload(token);
        awaitJob(token, jobs.get(0), status("COMPLETED"));
        long head = quiet();
        List<Map<String, Object>> jobsBefore = jobRows();
        List<Map<String, Object>> logsBefore = logRows();
        assertThat(logsBefore.size()).isGreaterThanOrEqualTo(3000 + 700 + 700 + 50);

        // What a projection bug leaves behind: the rebuild must put it right, not merely leave it alone.
        jdbc.update("UPDATE job SET status = 'RUNNING', error_reason = 'bug' WHERE id = ?::uuid", jobs.get(0));
        jdbc.update("DELETE FROM job_log WHERE job_id = ?::uuid AND sequence > 100", jobs.get(1));

        Api.Answer started = api.post(REBUILD, admin, Map.of());

        assertThat(started.status()).as(started.toString()).isEqualTo(202);
        assertThat(started.body().path("eventsTotal").asLong()).isEqualTo(head);
        // Readers are answered throughout: a job not replayed yet is not found, never an error.
        List<Integer> listAnswers = new ArrayList<>();
        List<Integer> jobAnswers = new ArrayList<>();
        JsonNode done = await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> {
                            listAnswers.add(
                                    api.get("/api/jobs?pageSize=5", token).status());
                            jobAnswers.add(
                                    api.get("/api/jobs/" + jobs.get(0), token).status());
                            return api.get(REBUILD, admin).body();
                        },
                        progress -> progress.path("state").asText().equals("DONE"));
        assertThat(listAnswers).containsOnly(200);
        assertThat(jobAnswers).allSatisfy(status -> assertThat(status).isIn(200, 404));
        assertThat(done.path("eventsReplayed").asLong()).isEqualTo(head);
        assertThat(done.path("processors"))
                .hasSize(2)
                .allSatisfy(processor ->
                        assertThat(processor.path("replaying").asBoolean()).isFalse());
        assertThat(done.path("eventsPerSecond").asDouble()).isPositive();
        assertThat(quiet()).as("nothing was written during the rebuild").isEqualTo(head);
        assertThat(jobRows()).containsExactlyElementsOf(jobsBefore);
        assertThat(logRows()).containsExactlyElementsOf(logsBefore);
    }

    @Test
    void onlyAdminsMayRebuildAndASecondRebuildWaitsForTheFirst() {
        assertThat(api.post(REBUILD, Tokens.user(newUser()), Map.of()).status()).isEqualTo(403);
        assertThat(api.get(REBUILD, Tokens.user(newUser())).status()).isEqualTo(403);

        // A rebuild starts only once the processors hold their segments: have them project something first.
        submit(Tokens.user(newUser()), Map.of("jobType", "example"));
        quiet();
        Api.Answer first = api.post(REBUILD, admin, Map.of());
        Api.Answer second = api.post(REBUILD, admin, Map.of());

        assertThat(first.status()).isEqualTo(202);
        if (second.status() != 202) {
            assertThat(second.status()).isEqualTo(409);
            assertThat(second.body().path("detail").asText()).contains("already running");
        }
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200))
                .until(() ->
                        api.get(REBUILD, admin).body().path("state").asText().equals("DONE"));
    }
}
