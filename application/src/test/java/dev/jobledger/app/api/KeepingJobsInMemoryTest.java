package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobledger.messages.Actor;
import dev.jobledger.messages.JobCompleted;
import dev.jobledger.testing.Api;
import dev.jobledger.testing.LedgerIntegrationTest;
import dev.jobledger.testing.Tokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Jobs stay in memory between their commands, but behind a load balancer another instance of the service records
 * events too: a job is never decided on a state the store has moved past.
 */
class KeepingJobsInMemoryTest extends LedgerIntegrationTest {

    @Autowired
    private EventStore events;

    /** Each test's own user (a new instance per test), who owns the jobs it submits. */
    private final String owner = newUser();

    @Test
    void aJobAnotherInstanceChangedSinceThisOneLastSawItIsDecidedOnWhatIsStored() {
        String jobId = dispatchedJobs(1).get(0);
        // This instance starts the attempt: the job it keeps in memory is RUNNING.
        assertThat(start(jobId).path("answer").path("decision").asText()).isEqualTo("PROCEED");

        completedElsewhere(jobId);

        // SQS delivers the message again. Decided on the job in memory, the repeated start of a running attempt would
        // answer PROCEED (and recording nothing, nothing would contradict it): the finished job would run again.
        JsonNode again = start(jobId);

        assertThat(again.path("status").asInt()).isEqualTo(200);
        assertThat(again.path("answer").path("decision").asText()).isEqualTo("SKIP");
    }

    @Test
    void inOneBatchOfStartsEachCachedJobIsCheckedAgainstTheStore() {
        List<String> jobs = dispatchedJobs(2);
        String changed = jobs.get(0);
        String untouched = jobs.get(1);
        assertThat(start(changed, untouched))
                .extracting(outcome -> outcome.path("answer").path("decision").asText())
                .containsExactly("PROCEED", "PROCEED");

        completedElsewhere(changed);

        // Neither start records anything, so before it commits the batch reads the store's versions of both jobs at
        // once: the changed one has moved, the batch is undone, and each start is decided again on what is stored.
        List<JsonNode> again = start(changed, untouched);

        assertThat(again).extracting(outcome -> outcome.path("status").asInt()).containsExactly(200, 200);
        assertThat(again)
                .extracting(outcome -> outcome.path("answer").path("decision").asText())
                .containsExactly("SKIP", "PROCEED");
    }

    @Test
    void aCachedJobAnotherInstanceMovedRecordsNothingOnItsStaleStateInABatch() {
        List<String> jobs = dispatchedJobs(2);
        String changed = jobs.get(0);
        String untouched = jobs.get(1);
        start(changed, untouched);

        completedElsewhere(changed);

        // Decided on the job in memory (RUNNING), the failure would be recorded after the end the store already has:
        // its event takes the sequence number the other instance's end took, the store refuses it, and the batch is
        // decided again, each record on what is stored.
        Api.Answer answer = api.post(
                "/internal/attempts/finish",
                Tokens.bridge(),
                Map.of("requestId", "r-2", "reports", List.of(failed(changed), failed(untouched))));

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonNode outcomes = answer.body().path("outcomes");
        assertThat(outcomes.get(0).path("status").asInt())
                .as(outcomes.toString())
                .isEqualTo(409);
        assertThat(outcomes.get(0).path("detail").asText()).contains("COMPLETED");
        assertThat(outcomes.get(1).path("job").path("status").asText()).isEqualTo("RETRYING");
        assertThat(eventTypes(changed, Tokens.user(owner)))
                .endsWith("JobCompleted")
                .doesNotContain("JobAttemptFailed");
    }

    /** Jobs of the test's user whose first attempt was dispatched: its message is in the queue. */
    private List<String> dispatchedJobs(int count) {
        String token = Tokens.user(owner);
        List<String> jobIds = new ArrayList<>();
        for (int index = 0; index < count; index++) {
            jobIds.add(submit(token, Map.of("jobType", "example")));
        }
        for (String jobId : jobIds) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> eventTypes(jobId, token), types -> types.contains("JobDispatched"));
        }
        return jobIds;
    }

    /** Another instance records the end of the job's first attempt: its event reaches the store, not this memory. */
    private void completedElsewhere(String jobId) {
        long last = events.lastSequenceNumberFor(jobId).orElseThrow();
        events.publish(new GenericDomainEventMessage<>(
                "Job",
                jobId,
                last + 1,
                new JobCompleted(UUID.fromString(jobId), 1, Map.of(), Actor.bridge("elsewhere", "m-1", "r-1"), null)));
    }

    /** The end of attempt 1 as a failure the ledger may retry. */
    private Map<String, Object> failed(String jobId) {
        return Map.of(
                "jobId",
                jobId,
                "attempt",
                1,
                "messageId",
                "m-" + jobId,
                "ticket",
                ticket(jobId, 1),
                "outcome",
                "FAILED",
                "reason",
                "the file was locked",
                "retryable",
                true);
    }

    private JsonNode start(String jobId) {
        return start(new String[] {jobId}).get(0);
    }

    /** One start call for attempt 1 of each job, as one batch of the function's records. */
    private List<JsonNode> start(String... jobIds) {
        List<Map<String, Object>> attempts = new ArrayList<>();
        for (String jobId : jobIds) {
            attempts.add(Map.of("jobId", jobId, "attempt", 1, "messageId", "m-" + jobId, "ticket", ticket(jobId, 1)));
        }
        Api.Answer answer =
                api.post("/internal/attempts/start", Tokens.bridge(), Map.of("requestId", "r-1", "attempts", attempts));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        List<JsonNode> outcomes = new ArrayList<>();
        answer.body().path("outcomes").forEach(outcomes::add);
        assertThat(outcomes).hasSize(jobIds.length);
        return outcomes;
    }
}
