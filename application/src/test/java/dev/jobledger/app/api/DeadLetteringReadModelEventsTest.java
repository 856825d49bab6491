package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobledger.messages.Actor;
import dev.jobledger.messages.JobStarted;
import dev.jobledger.testing.Api;
import dev.jobledger.testing.LedgerIntegrationTest;
import dev.jobledger.testing.Tokens;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * An event a read model cannot handle does not stop it for everyone: it is parked with its job's later events, an
 * admin sees why, repairs the cause and retries.
 */
class DeadLetteringReadModelEventsTest extends LedgerIntegrationTest {

    @Autowired
    private EventStore events;

    @Autowired
    private JdbcTemplate jdbc;

    @Autowired
    private EventProcessingConfiguration processing;

    private final String admin = Tokens.admin(newUser());

    @Test
    void anEventTheJobViewFailsOnIsParkedAndRetriedOnceTheCauseIsRepaired() {
        String user = newUser();
        UUID orphan = UUID.randomUUID();
        // A start whose job the read model never saw: its handler refuses it.
        events.publish(new GenericDomainEventMessage<>(
                "Job", orphan.toString(), 0, new JobStarted(orphan, 1, null, Actor.system("test"))));

        String token = Tokens.user(user);
        String later = submit(token, Map.of("jobType", "example"));
        awaitJob(token, later, status("PENDING"));

        JsonNode parked = await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> sequenceOf(orphan), sequence -> sequence != null);
        assertThat(parked.path("processingGroup").asText()).isEqualTo("job-view");
        assertThat(parked.path("letters").get(0).path("eventType").asText()).isEqualTo("JobStarted");
        assertThat(parked.path("letters").get(0).path("cause").asText())
                .contains("arrived before the job was projected");

        assertThat(api.getPage("/dashboard/fragments/operations", admin).body())
                .contains(orphan.toString().substring(0, 8), "arrived before the job was projected");

        // An operator repairs the row the event needs, then retries.
        jdbc.update("""
                INSERT INTO job (id, job_type, status, user_id, queue, max_attempts, created_at, updated_at,
                                 last_event_sequence)
                VALUES (?, 'example', 'PENDING', ?, 'jobs', 3, now(), now(), -1)
                """, orphan, user);
        Api.Answer retry = api.post("/api/admin/read-models/dead-letters/retry", admin, Map.of());
        assertThat(retry.status()).as(retry.toString()).isEqualTo(200);

        assertThat(sequenceOf(orphan)).isNull();
        awaitJob(token, orphan.toString(), status("RUNNING"));
    }

    @Test
    void theReadModelsAskTheDeadLetterTableOnlyAboutJobsThatMayBeParked() throws ReflectiveOperationException {
        // Without the sequence cache every event handled costs a query on the dead-letter table. It is switched on in
        // application.yml, and the rebuild's own invoker configuration must not replace it.
        for (String group : List.of("job-view", "job-log-view")) {
            Object invoker = processing.sequencedDeadLetterProcessor(group).orElseThrow();
            Field cacheEnabled = invoker.getClass().getDeclaredField("sequenceIdentifierCacheEnabled");
            cacheEnabled.setAccessible(true);
            Field resetAllowed = invoker.getClass().getDeclaredField("allowReset");
            resetAllowed.setAccessible(true);
            assertThat(cacheEnabled.getBoolean(invoker)).as(group).isTrue();
            assertThat(resetAllowed.getBoolean(invoker)).as(group).isTrue();
        }
    }

    @Test
    void onlyAdminsSeeTheDeadLetters() {
        assertThat(api.get("/api/admin/read-models/dead-letters", Tokens.user(newUser()))
                        .status())
                .isEqualTo(403);
    }

    private JsonNode sequenceOf(UUID jobId) {
        for (JsonNode sequence :
                api.get("/api/admin/read-models/dead-letters", admin).body().path("sequences")) {
            if (sequence.path("jobId").asText().equals(jobId.toString())) {
                return sequence;
            }
        }
        return null;
    }
}
