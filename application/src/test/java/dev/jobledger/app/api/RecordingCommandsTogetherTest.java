package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobledger.command.job.BatchedCommands;
import dev.jobledger.messages.Actor;
import dev.jobledger.messages.Delivery;
import dev.jobledger.messages.StartAnswer;
import dev.jobledger.messages.StartJobAttempt;
import dev.jobledger.testing.Api;
import dev.jobledger.testing.LedgerIntegrationTest;
import dev.jobledger.testing.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.axonframework.commandhandling.NoHandlerForCommandException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Commands that arrive together share one transaction (the submissions of concurrent requests, the records of a
 * batched worker call, a batch of dispatch records), and each is still decided and answered on its own.
 */
class RecordingCommandsTogetherTest extends LedgerIntegrationTest {

    @Autowired
    private BatchedCommands batches;

    @Test
    void submissionsThatArriveTogetherAreEachRecordedAndARefusedOneDoesNotFailTheOthers() throws Exception {
        String token = Tokens.user(newUser());
        api.post("/api/jobs", token, Map.of("jobType", "example"), Map.of("Idempotency-Key", "taken"));
        ExecutorService clients = Executors.newFixedThreadPool(12);
        List<Callable<Api.Answer>> requests = new ArrayList<>();
        for (int index = 0; index < 24; index++) {
            requests.add(() -> api.post("/api/jobs", token, Map.of("jobType", "example", "payload", Map.of("n", 1))));
        }
        requests.add(
                12,
                () -> api.post(
                        "/api/jobs",
                        token,
                        Map.of("jobType", "example", "maxAttempts", 1),
                        Map.of("Idempotency-Key", "taken")));
        List<Api.Answer> answers = new ArrayList<>();
        try {
            for (Future<Api.Answer> answer : clients.invokeAll(requests)) {
                answers.add(answer.get());
            }
        } finally {
            clients.shutdown();
        }

        assertThat(answers.remove(12).status()).isEqualTo(422);
        assertThat(answers)
                .allSatisfy(answer ->
                        assertThat(answer.status()).as(answer.toString()).isEqualTo(202));
        assertThat(answers.stream().map(answer -> answer.body().path("jobId").asText()))
                .doesNotHaveDuplicates()
                .allSatisfy(jobId -> awaitJob(token, jobId, status("PENDING")));
    }

    @Test
    void aBatchUndoneByAFailureThatIsNotARefusalIsDecidedAgainOneByOneAndRecordsNothingTwice() {
        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example"));
        StartJobAttempt start = new StartJobAttempt(
                UUID.fromString(jobId),
                1,
                new Delivery("m-undone", "r-undone"),
                Actor.bridge("bridge", "m-undone", "r-undone"));

        assertThatThrownBy(() -> batches.sendAll(List.of(start, "not a command")))
                .isInstanceOf(NoHandlerForCommandException.class);

        awaitJob(token, jobId, status("RUNNING"));
        assertThat(eventTypes(jobId, token)).filteredOn("JobStarted"::equals).hasSize(1);
        List<BatchedCommands.Outcome<StartAnswer>> again = batches.sendAll(List.of(start, start));
        assertThat(again)
                .extracting(outcome -> outcome.result().decision().name())
                .containsExactly("PROCEED", "PROCEED");
        assertThat(eventTypes(jobId, token)).filteredOn("JobStarted"::equals).hasSize(1);
    }
}
