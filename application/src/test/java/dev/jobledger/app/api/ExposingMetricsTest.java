package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobledger.testing.Api;
import dev.jobledger.testing.LedgerIntegrationTest;
import dev.jobledger.testing.Tokens;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Prometheus scrape: who may read it, and the ledger's own meters moving as a job runs. */
class ExposingMetricsTest extends LedgerIntegrationTest {

    private static final String SCRAPE = "/actuator/prometheus";

    private final String scraper = Tokens.hs256("prometheus", List.of("job:Metrics"), Duration.ofMinutes(5));
    private final String bridge = Tokens.bridge();

    @Test
    void theScrapeNeedsAMetricsOrAdminToken() {
        assertThat(api.getText(SCRAPE, null).status()).isEqualTo(401);
        assertThat(api.getText(SCRAPE, Tokens.user(newUser())).status()).isEqualTo(403);
        assertThat(api.getText(SCRAPE, bridge).status()).isEqualTo(403);
        assertThat(api.getText(SCRAPE, Tokens.admin(newUser())).status()).isEqualTo(200);

        Api.Answer scrape = api.getText(SCRAPE, scraper);
        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.contentType()).startsWith("text/plain");
    }

    @Test
    void aMetricsTokenReadsNoJob() {
        assertThat(api.get("/api/jobs", scraper).status()).isEqualTo(403);
    }

    @Test
    void aJobThatRunsMovesItsTypesCountersAndTimers() {
        String before = scrape();
        double submitted = value(before, "jobledger_jobs_submitted_total", "example");
        double started = value(before, "jobledger_jobs_started_total", "example");
        double completed = value(before, "jobledger_jobs_completed_total", "example");
        double cancelled = value(before, "jobledger_jobs_cancelled_total", "example");
        double waits = value(before, "jobledger_jobs_queue_wait_seconds_count", "example");
        double attempts = value(before, "jobledger_jobs_attempt_duration_seconds_count", "example");

        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example", "payload", Map.of("rows", 1)));
        asWorker(jobId, "attempts", Map.of("attempt", 1, "messageId", "m-1", "requestId", "r-1"));
        asWorker(jobId, "complete", Map.of("attempt", 1, "result", Map.of("imported", 1)));
        String cancelledJob = submit(token, Map.of("jobType", "example"));
        api.post("/api/jobs/" + cancelledJob + "/cancel", token, Map.of());

        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    String after = scrape();
                    assertThat(value(after, "jobledger_jobs_submitted_total", "example"))
                            .isGreaterThanOrEqualTo(submitted + 2);
                    assertThat(value(after, "jobledger_jobs_started_total", "example"))
                            .isGreaterThanOrEqualTo(started + 1);
                    assertThat(value(after, "jobledger_jobs_completed_total", "example"))
                            .isGreaterThanOrEqualTo(completed + 1);
                    assertThat(value(after, "jobledger_jobs_cancelled_total", "example"))
                            .isGreaterThanOrEqualTo(cancelled + 1);
                    assertThat(value(after, "jobledger_jobs_queue_wait_seconds_count", "example"))
                            .isGreaterThanOrEqualTo(waits + 1);
                    assertThat(value(after, "jobledger_jobs_attempt_duration_seconds_count", "example"))
                            .isGreaterThanOrEqualTo(attempts + 1);
                });
    }

    @Test
    void theScrapeShowsTheOutboxProcessorLatencyAndRequestsPerEndpoint() {
        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example"));
        awaitJob(token, jobId, status("PENDING"));

        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    String scrape = scrape();
                    assertThat(scrape).contains("jobledger_dispatch_outbox_due{");
                    assertThat(scrape).contains("jobledger_dispatch_outbox_waiting{");
                    assertThat(scrape).contains("jobledger_dispatch_outbox_oldest_due_age_seconds{");
                    for (String processor : List.of("job-view", "job-log-view", "sqs-dispatch")) {
                        assertThat(scrape)
                                .as(processor)
                                .containsPattern(
                                        "(?m)^eventProcessor_latency\\S*\\{[^}]*processorName=\"" + processor + "\"")
                                .containsPattern("(?m)^eventProcessor_successCounter_total\\{[^}]*processorName=\""
                                        + processor + "\"");
                    }
                    assertThat(scrape)
                            .containsPattern(
                                    "(?m)^commandBus_successCounter_total\\{[^}]*payloadType=\"SubmitNewJob\"");
                    // The processors' meters are made once each, not looked up per event and payload type.
                    assertThat(scrape).doesNotContainPattern("(?m)^eventProcessor_\\S*\\{[^}]*payloadType=");
                    assertThat(scrape)
                            .containsPattern("http_server_requests_seconds_count\\{[^}]*uri=\"/api/jobs/\\{jobId}\"");
                });
    }

    private String scrape() {
        Api.Answer answer = api.getText(SCRAPE, scraper);
        assertThat(answer.status()).isEqualTo(200);
        return answer.raw().body();
    }

    /** The sample of a meter for a job type, or 0 before the meter exists. */
    private static double value(String scrape, String name, String jobType) {
        Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*job_type=\"" + Pattern.quote(jobType)
                        + "\"[^}]*} (\\S+)")
                .matcher(scrape);
        double total = 0;
        while (sample.find()) {
            total += Double.parseDouble(sample.group(1));
        }
        return total;
    }
}
