package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobledger.command.job.BatchedCommands;
import dev.jobledger.command.jobtype.JobTypes;
import dev.jobledger.messages.Actor;
import dev.jobledger.messages.Delivery;
import dev.jobledger.messages.JobCommand;
import dev.jobledger.messages.JobView;
import dev.jobledger.messages.StartAnswer;
import dev.jobledger.messages.StartJobAttempt;
import dev.jobledger.messages.SubmitJob;
import dev.jobledger.messages.SubmitNewJob;
import dev.jobledger.testing.Api;
import dev.jobledger.testing.LedgerIntegrationTest;
import dev.jobledger.testing.Tokens;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.NoHandlerForCommandException;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.Registration;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Commands that arrive together share one transaction (the submissions of concurrent requests, the records of a
 * batched worker call, a batch of dispatch records), and each is still decided and answered on its own.
 */
class RecordingCommandsTogetherTest extends LedgerIntegrationTest {

    @Autowired
    private BatchedCommands batches;

    @Autowired
    private CommandGateway gateway;

    @Autowired
    private CommandBus commandBus;

    @Autowired
    private JobTypes jobTypes;

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
    void keyedSubmissionsOfNewKeysAreRecordedWithTheirKeysAndARepeatAmongThemAnswersTheSameJob() {
        String owner = newUser();
        String token = Tokens.user(owner);
        SubmitJob first = keyedSubmission(owner, "first");
        SubmitJob second = keyedSubmission(owner, "second");

        List<BatchedCommands.Outcome<JobView>> outcomes = batches.sendAll(List.of(first, second, first));

        assertThat(outcomes).noneMatch(BatchedCommands.Outcome::refused);
        assertThat(outcomes)
                .extracting(outcome -> outcome.result().jobId())
                .containsExactly(first.jobId(), second.jobId(), first.jobId());
        awaitJob(token, first.jobId().toString(), status("PENDING"));
        assertThat(eventTypes(first.jobId().toString(), token))
                .filteredOn("JobSubmitted"::equals)
                .hasSize(1);
        assertThat(history(first.jobId(), token)
                        .get(0)
                        .path("facts")
                        .path("meta")
                        .path("idempotencyKey")
                        .asText())
                .isEqualTo("first");
    }

    @Test
    void aKeyedSubmissionOfAKeyThatNamesNoJobIsACreationAndAKeyThatDoesIsReadFirst() {
        String owner = newUser();
        SubmitJob together = keyedSubmission(owner, "together");
        SubmitJob beside = keyedSubmission(owner, "beside");
        SubmitJob alone = keyedSubmission(owner, "alone");
        Set<UUID> jobIds = Set.of(together.jobId(), beside.jobId(), alone.jobId());
        List<Object> handled = new CopyOnWriteArrayList<>();
        Registration watching = commandBus.registerHandlerInterceptor((unitOfWork, chain) -> {
            if (unitOfWork.getMessage().getPayload() instanceof JobCommand command
                    && jobIds.contains(command.jobId())) {
                handled.add(command);
            }
            return chain.proceed();
        });
        try {
            batches.sendAll(List.of(together, beside));
            batches.sendAll(List.of(alone));
            batches.sendAll(List.of(alone));
        } finally {
            watching.cancel();
        }

        assertThat(handled)
                .extracting(command -> command.getClass().getSimpleName())
                .containsExactly("SubmitNewJob", "SubmitNewJob", "SubmitNewJob", "SubmitJob");
        assertThat(handled.subList(0, 3))
                .extracting(command -> ((SubmitNewJob) command).idempotencyKey())
                .containsExactly("together", "beside", "alone");
    }

    @Test
    void aCreationUnderAnIdThatAJobHasIsRefusedByTheStoreAndTheSubmissionSentAgainAnswersThatJob() {
        String owner = newUser();
        String token = Tokens.user(owner);
        SubmitJob submission = keyedSubmission(owner, "raced");
        batches.sendAll(List.of(submission));
        // What a submission decided on a stale check would send: the job's creation, although the job exists.
        SubmitNewJob creation = new SubmitNewJob(
                submission.jobId(),
                submission.jobType(),
                owner,
                submission.queue(),
                submission.maxAttempts(),
                submission.payload(),
                null,
                submission.idempotencyKey(),
                submission.actor());

        assertThatThrownBy(() -> gateway.sendAndWait(creation)).isInstanceOf(AggregateStreamCreationException.class);
        List<BatchedCommands.Outcome<JobView>> again = batches.sendAll(List.of(submission));

        assertThat(again.get(0).result().jobId()).isEqualTo(submission.jobId());
        awaitJob(token, submission.jobId().toString(), status("PENDING"));
        assertThat(eventTypes(submission.jobId().toString(), token))
                .filteredOn("JobSubmitted"::equals)
                .hasSize(1);
    }

    private SubmitJob keyedSubmission(String owner, String key) {
        return new SubmitJob(
                UUID.nameUUIDFromBytes((owner + "/" + key).getBytes(StandardCharsets.UTF_8)),
                "example",
                owner,
                jobTypes.queueOf(jobTypes.find("example").orElseThrow()),
                3,
                Map.of(),
                null,
                key,
                Actor.user(owner));
    }

    private List<JsonNode> history(UUID jobId, String token) {
        List<JsonNode> events = new ArrayList<>();
        api.get("/api/jobs/" + jobId + "/history", token).body().path("items").forEach(events::add);
        return events;
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
