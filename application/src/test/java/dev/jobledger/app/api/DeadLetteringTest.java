package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobledger.messages.JobDispatch;
import dev.jobledger.testing.Api;
import dev.jobledger.testing.JobQueue;
import dev.jobledger.testing.LedgerIntegrationTest;
import dev.jobledger.testing.TestStack;
import dev.jobledger.testing.Tokens;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

class DeadLetteringTest extends LedgerIntegrationTest {

    @Test
    void aMessageInTheDeadLetterQueueFailsItsJobAndAnAdminCanRedriveIt() throws Exception {
        String owner = Tokens.user(newUser());
        String jobId = submit(owner, Map.of("jobType", "example"));
        JobQueue.awaitMessages(jobId, 1);

        try (SqsClient sqs = TestStack.sqs().client()) {
            String body = new ObjectMapper()
                    .writeValueAsString(new JobDispatch(UUID.fromString(jobId), 1, "example", null, null, null, null));
            sqs.sendMessage(send ->
                    send.queueUrl(TestStack.queues().deadLetterQueueUrl()).messageBody(body));
        }

        Api.Answer failed = awaitJob(owner, jobId, status("FAILED"));
        assertThat(failed.body().path("deadLettered").asBoolean()).isTrue();
        assertThat(failed.body().path("errorReason").asText()).contains("dead-letter queue");

        assertThat(api.post("/api/jobs/" + jobId + "/redrive", owner, Map.of()).status())
                .isEqualTo(403);
        Api.Answer redriven = api.post("/api/jobs/" + jobId + "/redrive", Tokens.admin(newUser()), Map.of());
        assertThat(redriven.status()).isEqualTo(200);
        assertThat(redriven.body().path("status").asText()).isEqualTo("PENDING");
        // At least once: a dispatch may be sent twice (a send whose record lost a race is sent again).
        assertThat(JobQueue.awaitMessages(jobId, 1)).isNotEmpty();
        assertThat(awaitJob(owner, jobId, status("PENDING"))
                        .body()
                        .path("deadLettered")
                        .asBoolean())
                .isFalse();
    }

    @Test
    void anAdminRedrivesEveryDeadLetteredJobAtOnce() throws Exception {
        String owner = Tokens.user(newUser());
        String first = submit(owner, Map.of("jobType", "example"));
        String second = submit(owner, Map.of("jobType", "example"));
        for (String jobId : new String[] {first, second}) {
            JobQueue.awaitMessages(jobId, 1);
            deadLetter(jobId);
            awaitJob(owner, jobId, status("FAILED"));
        }

        Api.Answer answer = api.post("/api/jobs/dead-lettered/redrive", Tokens.admin(newUser()), Map.of());

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.body().path("jobIds").toString()).contains(first, second);
        awaitJob(owner, first, status("PENDING"));
        awaitJob(owner, second, status("PENDING"));
    }

    private static void deadLetter(String jobId) throws Exception {
        try (SqsClient sqs = TestStack.sqs().client()) {
            String body = new ObjectMapper()
                    .writeValueAsString(new JobDispatch(UUID.fromString(jobId), 1, "example", null, null, null, null));
            sqs.sendMessage(send ->
                    send.queueUrl(TestStack.queues().deadLetterQueueUrl()).messageBody(body));
        }
    }
}
