package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobledger.testing.Api;
import dev.jobledger.testing.LedgerIntegrationTest;
import dev.jobledger.testing.Tokens;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A worker that dies without a word does not hold its job: the redelivered message takes over after the lease (2 s in
 * the tests, see {@link LedgerIntegrationTest}).
 */
class TakingOverAnAbandonedAttemptTest extends LedgerIntegrationTest {

    private final String bridge = Tokens.bridge();

    private Api.Answer start(String jobId, String messageId) {
        return api.post(
                "/internal/jobs/" + jobId + "/attempts",
                bridge,
                Map.of("attempt", 1, "messageId", messageId, "requestId", "r-" + messageId));
    }

    @Test
    void theRedeliveryOfADeadAttemptsMessageRunsTheNextAttemptOnceTheLeaseHasPassed() {
        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example"));
        assertThat(start(jobId, "m-1").body().path("decision").asText()).isEqualTo("PROCEED");

        // Within the lease the same message asking again lost its answer and resumes its attempt, while another
        // delivery is a duplicate of a live attempt.
        JsonNode again = start(jobId, "m-1").body();
        assertThat(again.path("decision").asText()).isEqualTo("PROCEED");
        assertThat(again.path("attempt").asInt()).isEqualTo(1);
        assertThat(start(jobId, "m-2").body().path("decision").asText()).isEqualTo("SKIP");
        JsonNode takeover = await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> start(jobId, "m-1").body(),
                        answer -> answer.path("attempt").asInt() == 2);

        assertThat(takeover.path("decision").asText()).isEqualTo("PROCEED");
        api.post("/internal/jobs/" + jobId + "/complete", bridge, Map.of("attempt", 2));
        JsonNode job = awaitJob(token, jobId, status("COMPLETED")).body();
        assertThat(job.path("attempt").asInt()).isEqualTo(2);
        JsonNode history = api.get("/api/jobs/" + jobId + "/history", token).body();
        assertThat(history.path("items").findValuesAsText("reason"))
                .anySatisfy(reason -> assertThat(reason).contains("attempt 1 was abandoned"));
    }
}
