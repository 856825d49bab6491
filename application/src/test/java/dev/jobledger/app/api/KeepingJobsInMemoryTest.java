package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobledger.messages.Actor;
import dev.jobledger.messages.JobCompleted;
import dev.jobledger.testing.Api;
import dev.jobledger.testing.LedgerIntegrationTest;
import dev.jobledger.testing.Tokens;
import java.time.Duration;
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

    @Test
    void aJobAnotherInstanceChangedSinceThisOneLastSawItIsDecidedOnWhatIsStored() {
        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example"));
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> eventTypes(jobId, token), types -> types.contains("JobDispatched"));
        // This instance starts the attempt: the job it keeps in memory is RUNNING.
        assertThat(start(jobId).path("answer").path("decision").asText()).isEqualTo("PROCEED");

        // Another instance records the attempt's end: its event reaches the store, not this instance's memory.
        long last = events.lastSequenceNumberFor(jobId).orElseThrow();
        events.publish(new GenericDomainEventMessage<>(
                "Job",
                jobId,
                last + 1,
                new JobCompleted(UUID.fromString(jobId), 1, Map.of(), Actor.bridge("elsewhere", "m-1", "r-1"), null)));

        // SQS delivers the message again. Decided on the job in memory, the repeated start of a running attempt would
        // answer PROCEED (and recording nothing, nothing would contradict it): the finished job would run again.
        JsonNode again = start(jobId);

        assertThat(again.path("status").asInt()).isEqualTo(200);
        assertThat(again.path("answer").path("decision").asText()).isEqualTo("SKIP");
    }

    private JsonNode start(String jobId) {
        Api.Answer answer = api.post(
                "/internal/attempts/start",
                Tokens.bridge(),
                Map.of(
                        "requestId",
                        "r-1",
                        "attempts",
                        List.of(Map.of("jobId", jobId, "attempt", 1, "messageId", "m-1", "ticket", ticket(jobId, 1)))));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.body().path("outcomes").get(0);
    }
}
