package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobledger.messages.Actor;
import dev.jobledger.messages.JobCompleted;
import dev.jobledger.messages.JobLogsAppended;
import dev.jobledger.messages.JobStarted;
import dev.jobledger.messages.JobSubmitted;
import dev.jobledger.messages.LogEntry;
import dev.jobledger.messages.LogLevel;
import dev.jobledger.testing.LedgerIntegrationTest;
import dev.jobledger.testing.Tokens;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Events the service refuses today may already be in an event store: written before the edge checked, or by another
 * writer. The read models show what PostgreSQL cannot store as U+FFFD, and go on for everyone.
 */
class ProjectingUnstorableTextTest extends LedgerIntegrationTest {

    @Autowired
    private EventStore events;

    @Test
    void anOldEventHoldingANulCharacterIsShownWithAReplacementAndTheReadModelsGoOn() {
        String user = newUser();
        String token = Tokens.user(user);
        UUID jobId = UUID.randomUUID();
        Actor actor = Actor.user(user);
        events.publish(
                event(
                        jobId,
                        0,
                        new JobSubmitted(
                                jobId,
                                "example",
                                user,
                                "jobs",
                                3,
                                Map.of("note", "nul\u0000byte", "key\u0000", List.of("\uD800lone")),
                                null,
                                Map.of(),
                                actor)),
                event(jobId, 1, new JobStarted(jobId, 1, null, actor)),
                event(
                        jobId,
                        2,
                        new JobLogsAppended(
                                jobId,
                                1,
                                1,
                                List.of(new LogEntry(LogLevel.INFO, "a\u0000line", null, Map.of("v", "\u0000"))),
                                actor)),
                event(
                        jobId,
                        3,
                        new JobCompleted(
                                jobId,
                                1,
                                Map.of("last", "\u0000"),
                                actor,
                                null,
                                2,
                                List.of(new LogEntry(LogLevel.ERROR, "the\u0000end", 2L, Map.of("w", "\u0000"))))));

        JsonNode job = awaitJob(token, jobId.toString(), status("COMPLETED")).body();
        assertThat(job.path("payload").path("note").asText()).isEqualTo("nul\uFFFDbyte");
        assertThat(job.path("payload").path("key\uFFFD").get(0).asText()).isEqualTo("\uFFFDlone");
        assertThat(job.path("result").path("last").asText()).isEqualTo("\uFFFD");
        JsonNode logs = awaitLogs(token, jobId.toString(), "", 2);
        assertThat(logs.path("items").get(0).path("message").asText()).isEqualTo("a\uFFFDline");
        assertThat(logs.path("items").get(1).path("message").asText()).isEqualTo("the\uFFFDend");

        String later = submit(token, Map.of("jobType", "example"));
        awaitJob(token, later, status("PENDING"));
    }

    private static GenericDomainEventMessage<Object> event(UUID jobId, long sequence, Object payload) {
        return new GenericDomainEventMessage<>("Job", jobId.toString(), sequence, payload);
    }
}
