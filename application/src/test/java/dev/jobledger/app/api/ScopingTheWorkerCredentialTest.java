package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.messages.Delivery;
import dev.jobledger.testing.Api;
import dev.jobledger.testing.LedgerIntegrationTest;
import dev.jobledger.testing.Tokens;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A {@code job:Report} token reaches the worker bridge, and the attempt ticket of a dispatched message says which
 * attempt of which job the call may act on: nothing else moves (issue #11, "The worker credential is scoped").
 */
class ScopingTheWorkerCredentialTest extends LedgerIntegrationTest {

    private Api.Answer call(String jobId, String action, Map<String, Object> body, String ticket) {
        return api.post(
                "/internal/jobs/" + jobId + "/" + action,
                Tokens.bridge(),
                body,
                ticket == null ? Map.of() : Map.of(Delivery.TICKET_HEADER, ticket));
    }

    @Test
    void aBridgeCallWithAnotherJobsTicketIsRefused403AndChangesNothing() {
        String token = Tokens.user(newUser());
        String mine = submit(token, Map.of("jobType", "example"));
        String theirs = submit(token, Map.of("jobType", "example"));
        String myTicket = ticket(mine, 1);

        Api.Answer start = call(theirs, "attempts", Map.of("attempt", 1), myTicket);
        Api.Answer complete = call(theirs, "complete", Map.of("attempt", 1), myTicket);
        Api.Answer fail = call(theirs, "fail", Map.of("attempt", 1, "reason", "x", "retryable", false), myTicket);
        Api.Answer logs = call(
                theirs,
                "logs",
                Map.of("attempt", 1, "entries", List.of(Map.of("level", "INFO", "message", "x"))),
                myTicket);
        Api.Answer progress = call(theirs, "progress", Map.of("attempt", 1, "processed", 1), myTicket);

        for (Api.Answer refused : List.of(start, complete, fail, logs, progress)) {
            assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.body().path("detail").asText())
                    .isEqualTo("the attempt ticket does not admit attempt 1 of job " + theirs);
            assertThat(refused.raw().body()).doesNotContain(myTicket);
        }
        assertThat(eventTypes(theirs, token))
                .doesNotContain(
                        "JobStarted",
                        "JobLogsAppended",
                        "JobProgressed",
                        "JobCompleted",
                        "JobAttemptFailed",
                        "JobFailed");
        assertThat(api.get("/api/jobs/" + theirs, token).body().path("status").asText())
                .isEqualTo("PENDING");
    }

    @Test
    void aTicketForAttemptOneDoesNotAdmitAttemptTwo() {
        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example", "maxAttempts", 3));
        String first = ticket(jobId, 1);
        assertThat(call(jobId, "attempts", Map.of("attempt", 1), first).status())
                .isEqualTo(200);
        assertThat(call(jobId, "fail", Map.of("attempt", 1, "reason", "busy", "retryable", true), first)
                        .status())
                .isEqualTo(200);

        Api.Answer secondWithTheFirstsTicket = call(jobId, "attempts", Map.of("attempt", 2), first);
        Api.Answer secondWithItsOwn = call(jobId, "attempts", Map.of("attempt", 2), ticket(jobId, 2));

        assertThat(secondWithTheFirstsTicket.status()).isEqualTo(403);
        assertThat(secondWithTheFirstsTicket.body().path("detail").asText())
                .isEqualTo("the attempt ticket does not admit attempt 2 of job " + jobId);
        assertThat(secondWithItsOwn.status()).isEqualTo(200);
        assertThat(secondWithItsOwn.body().path("decision").asText()).isEqualTo("PROCEED");
        assertThat(secondWithItsOwn.body().path("attempt").asInt()).isEqualTo(2);
    }

    @Test
    void aCallWithoutATicketIsRefused403() {
        String jobId = submit(Tokens.user(newUser()), Map.of("jobType", "example"));

        Api.Answer answer = call(jobId, "attempts", Map.of("attempt", 1), null);

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.body().path("detail").asText()).contains("no attempt ticket", "attempt 1 of job " + jobId);
    }

    @Test
    void aStartWithoutAnAttemptCannotBeTicketedAndIsAMalformedRequest() {
        String jobId = submit(Tokens.user(newUser()), Map.of("jobType", "example"));

        Api.Answer answer = call(jobId, "attempts", Map.of("messageId", "m-1"), ticket(jobId, 1));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body().path("detail").asText()).contains("attempt");
    }

    @Test
    void theProceedHandsOutTheTicketOfTheAttemptItStarts() {
        String jobId = submit(Tokens.user(newUser()), Map.of("jobType", "example"));

        Api.Answer started = call(jobId, "attempts", Map.of("attempt", 1, "messageId", "m-1"), ticket(jobId, 1));
        Api.Answer skipped = call(jobId, "attempts", Map.of("attempt", 1, "messageId", "m-2"), ticket(jobId, 1));

        assertThat(started.body().path("ticket").asText()).isEqualTo(ticket(jobId, 1));
        assertThat(skipped.body().path("decision").asText()).isEqualTo("SKIP");
        assertThat(skipped.body().has("ticket")).as("a SKIP hands out nothing").isFalse();
    }
}
