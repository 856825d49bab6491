package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobledger.messages.Delivery;
import dev.jobledger.testing.Api;
import dev.jobledger.testing.ClockDrivenIntegrationTest;
import dev.jobledger.testing.JobQueue;
import dev.jobledger.testing.Tokens;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A job whose queue message was lost (a purged queue, a restarted local queue) is not left waiting for ever: once it
 * has waited unstarted for the quiet period its message is sent again, for the same attempt. Time passes by the
 * service's clock, not by waiting.
 */
class RecoveringStalledJobsTest extends ClockDrivenIntegrationTest {

    private static final Duration QUIET_FOR = Duration.ofMinutes(5);

    private final String admin = Tokens.admin(newUser());

    @Test
    void aJobWhoseMessageWasLostGetsItAgainOnceQuietForTheWaitAndRunsFromIt() {
        String owner = Tokens.user(newUser());
        String jobId = submit(owner, Map.of("jobType", "example"));
        // Taken from the queue and never run: as good as lost.
        JobQueue.awaitMessages(jobQueue(), jobId, 1);
        awaitJob(owner, jobId, status("PENDING"));
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> history(jobId, owner).findValuesAsText("type").contains("JobDispatched"));

        clock.advance(QUIET_FOR.minusMinutes(1));
        assertThat(recoveredJobs()).doesNotContain(jobId);
        clock.advance(Duration.ofMinutes(2));
        assertThat(recoveredJobs()).contains(jobId);

        // The first message was taken above: the next one of the job is the one sent again.
        Message resent = JobQueue.awaitMessages(jobQueue(), jobId, 1).get(0);
        assertThat(resent.messageAttributes().get("attempt").stringValue()).isEqualTo("1");
        JsonNode started = api.post(
                        "/internal/jobs/" + jobId + "/attempts",
                        Tokens.bridge(),
                        Map.of("attempt", 1, "messageId", resent.messageId(), "requestId", "r-1"),
                        Map.of(Delivery.TICKET_HEADER, JobQueue.ticket(resent)))
                .body();
        assertThat(started.path("decision").asText()).isEqualTo("PROCEED");
        assertThat(started.path("attempt").asInt()).isEqualTo(1);

        JsonNode history = history(jobId, owner);
        assertThat(history.findValuesAsText("type")).contains("JobRedispatched");
        assertThat(history.findValuesAsText("reason"))
                .anySatisfy(reason -> assertThat(reason).contains("never started: its message is sent again"));
    }

    @Test
    void onlyAdminsRecoverAndTheWaitMustBePositive() {
        assertThat(api.post("/api/admin/stalled-jobs/recover", Tokens.user(newUser()), Map.of())
                        .status())
                .isEqualTo(403);
        Api.Answer negative = recover("-PT1S");
        assertThat(negative.status()).isEqualTo(400);
        assertThat(negative.body().path("detail").asText()).contains("quietFor must be a positive duration");
        Api.Answer words = recover("ten minutes");
        assertThat(words.status()).isEqualTo(400);
        assertThat(words.body().path("detail").asText()).contains("quietFor", "ten minutes");
    }

    private String recoveredJobs() {
        Api.Answer answer = recover(QUIET_FOR.toString());
        assertThat(answer.status()).isEqualTo(200);
        return answer.body().path("jobIds").toString();
    }

    private Api.Answer recover(String quietFor) {
        return api.post("/api/admin/stalled-jobs/recover", admin, Map.of("quietFor", quietFor));
    }

    private JsonNode history(String jobId, String token) {
        return api.get("/api/jobs/" + jobId + "/history", token).body().path("items");
    }
}
