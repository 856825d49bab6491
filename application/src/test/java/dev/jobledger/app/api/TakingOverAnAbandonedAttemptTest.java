package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobledger.command.web.AttemptSettings;
import dev.jobledger.messages.Delivery;
import dev.jobledger.testing.Api;
import dev.jobledger.testing.ClockDrivenIntegrationTest;
import dev.jobledger.testing.Tokens;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A worker that dies without a word does not hold its job: the redelivered message takes over once the attempt lease
 * has passed, and not a moment before. Time passes by the service's clock, not by waiting.
 */
class TakingOverAnAbandonedAttemptTest extends ClockDrivenIntegrationTest {

    private static final Duration A_MINUTE = Duration.ofMinutes(1);

    @Autowired
    private AttemptSettings attempts;

    private Api.Answer start(String jobId, String messageId) {
        return asWorker(jobId, "attempts", Map.of("attempt", 1, "messageId", messageId, "requestId", "r-" + messageId));
    }

    @Test
    void theRedeliveryOfADeadAttemptsMessageRunsTheNextAttemptOnceTheLeaseHasPassed() {
        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example"));
        assertThat(start(jobId, "m-1").body().path("decision").asText()).isEqualTo("PROCEED");

        // Within the lease the same message asking again lost its answer and resumes its attempt, while another
        // delivery is a duplicate of a live attempt; a minute short of the lease included.
        JsonNode again = start(jobId, "m-1").body();
        assertThat(again.path("decision").asText()).isEqualTo("PROCEED");
        assertThat(again.path("attempt").asInt()).isEqualTo(1);
        clock.advance(attempts.lease().minus(A_MINUTE));
        assertThat(start(jobId, "m-2").body().path("decision").asText()).isEqualTo("SKIP");

        clock.advance(A_MINUTE.multipliedBy(2));
        JsonNode takeover = start(jobId, "m-1").body();

        assertThat(takeover.path("decision").asText()).isEqualTo("PROCEED");
        assertThat(takeover.path("attempt").asInt()).isEqualTo(2);
        // The message's ticket admits attempt 1 only; the PROCEED hands out the one of the attempt it started.
        Map<String, Object> completion = Map.of("attempt", 2);
        Api.Answer withTheMessagesTicket = api.post(
                "/internal/jobs/" + jobId + "/complete",
                Tokens.bridge(),
                completion,
                Map.of(Delivery.TICKET_HEADER, ticket(jobId, 1)));
        assertThat(withTheMessagesTicket.status()).isEqualTo(403);
        Api.Answer withTheHandedOutTicket = api.post(
                "/internal/jobs/" + jobId + "/complete",
                Tokens.bridge(),
                completion,
                Map.of(Delivery.TICKET_HEADER, takeover.path("ticket").asText()));
        assertThat(withTheHandedOutTicket.status()).isEqualTo(200);
        JsonNode job = awaitJob(token, jobId, status("COMPLETED")).body();
        assertThat(job.path("attempt").asInt()).isEqualTo(2);
        JsonNode history = api.get("/api/jobs/" + jobId + "/history", token).body();
        assertThat(history.path("items").findValuesAsText("reason"))
                .anySatisfy(reason -> assertThat(reason).contains("attempt 1 was abandoned"));
    }
}
