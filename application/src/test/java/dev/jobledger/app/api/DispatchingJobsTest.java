package dev.jobledger.app.api;

import static java.time.temporal.ChronoUnit.MILLIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobledger.messages.Delivery;
import dev.jobledger.messages.JobDispatched;
import dev.jobledger.testing.Api;
import dev.jobledger.testing.JobQueue;
import dev.jobledger.testing.LedgerIntegrationTest;
import dev.jobledger.testing.TestStack;
import dev.jobledger.testing.Tokens;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import software.amazon.awssdk.services.sqs.model.Message;

/** The event store as the outbox: what reaches the queue, and what does not, on the real SQS protocol. */
class DispatchingJobsTest extends LedgerIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    private JdbcTemplate jdbc;

    @Test
    void aSubmittedJobIsSentToTheQueueWithItsAttemptAndType() throws Exception {
        String jobId = submit(Tokens.user(newUser()), Map.of("jobType", "example"));

        Message message = JobQueue.awaitMessages(jobId, 1).get(0);

        JsonNode body = JSON.readTree(message.body());
        assertThat(body.path("jobId").asText()).isEqualTo(jobId);
        assertThat(body.path("attempt").asInt()).isEqualTo(1);
        assertThat(body.path("jobType").asText()).isEqualTo("example");
        assertThat(message.messageAttributes().get("attempt").stringValue()).isEqualTo("1");
        assertThat(message.messageAttributes().get("jobType").stringValue()).isEqualTo("example");
        await().atMost(Duration.ofSeconds(10)).until(() -> outboxRows(jobId) == 0);
    }

    @Test
    void theMessageCarriesATicketThatAdmitsItsAttemptAndNoOther() throws Exception {
        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example"));
        String otherJob = submit(token, Map.of("jobType", "example"));
        Message message = JobQueue.awaitMessages(jobId, 1).get(0);
        String ticket = JobQueue.ticket(message);

        Api.Answer forAttemptTwo = api.post(
                "/internal/jobs/" + jobId + "/attempts",
                Tokens.bridge(),
                Map.of("attempt", 2),
                Map.of(Delivery.TICKET_HEADER, ticket));
        Api.Answer forAnotherJob = api.post(
                "/internal/jobs/" + otherJob + "/attempts",
                Tokens.bridge(),
                Map.of("attempt", 1),
                Map.of(Delivery.TICKET_HEADER, ticket));
        Api.Answer forItsAttempt = start(jobId, message);

        assertThat(ticket).matches("k[0-9]+\\.[A-Za-z0-9_-]{43}");
        assertThat(forAttemptTwo.status()).isEqualTo(403);
        assertThat(forAnotherJob.status()).isEqualTo(403);
        assertThat(forItsAttempt.status()).isEqualTo(200);
        assertThat(forItsAttempt.body().path("decision").asText()).isEqualTo("PROCEED");
        assertThat(forItsAttempt.body().path("ticket").asText())
                .as("the PROCEED hands out the ticket of the attempt it started: here the message's own")
                .isEqualTo(ticket);
    }

    @Test
    void jobsSubmittedWhileSqsIsDownAreAllDispatchedOnceItIsBack() {
        List<String> jobs = submittedWhileSqsIsDown(3);

        for (String jobId : jobs) {
            assertThat(JobQueue.awaitMessages(jobId, 1)).isNotEmpty();
        }
    }

    @Test
    void aBacklogOfSeveralRoundsIsSentInBatchesSideBySideOnceForEveryJob() {
        // More than two of the sender's rounds (50 attempts, five SendMessageBatch calls of ten at once).
        List<String> jobs = submittedWhileSqsIsDown(120);

        Map<String, List<Message>> messages = JobQueue.awaitMessages(jobs, 1);
        for (String jobId : jobs) {
            assertThat(messages.get(jobId)).as("messages of " + jobId).hasSize(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> outboxRows(jobId) == 0);
            assertThat(recordedDispatches(jobId))
                    .as("JobDispatched events of " + jobId)
                    .isEqualTo(1);
        }
    }

    @Test
    void aDispatchSentTwiceAfterACrashIsAHarmlessDuplicate() throws Exception {
        String jobId = submit(Tokens.user(newUser()), Map.of("jobType", "example"));
        Message first = JobQueue.awaitMessages(jobId, 1).get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> outboxRows(jobId) == 0);

        // As if the service died after sending and before removing the attempt from the outbox.
        jdbc.update("""
                INSERT INTO job_dispatch (cause_event_id, job_id, attempt, job_type, queue, due_at)
                VALUES ('crash-replay', ?, 1, 'example', 'jobs', now())
                """, UUID.fromString(jobId));
        Message duplicate = JobQueue.awaitMessages(jobId, 1).get(0);

        assertThat(duplicate.messageId()).isNotEqualTo(first.messageId());
        Api.Answer firstStart = start(jobId, first);
        Api.Answer duplicateStart = start(jobId, duplicate);
        assertThat(firstStart.body().path("decision").asText()).isEqualTo("PROCEED");
        assertThat(duplicateStart.body().path("decision").asText()).isEqualTo("SKIP");
    }

    @Test
    void aRetryableFailureIsDispatchedAgainAfterItsBackoffAsTheNextAttempt() throws Exception {
        String jobId = submit(Tokens.user(newUser()), Map.of("jobType", "example"));
        JobQueue.awaitMessages(jobId, 1);
        asWorker(jobId, "attempts", Map.of("attempt", 1));

        asWorker(jobId, "fail", Map.of("attempt", 1, "reason", "timeout", "retryable", true));

        DueAttempt due = dueAttempt(jobId);
        assertThat(due.attempt()).isEqualTo(2);
        // The example type's retry backoff is the default, 30 seconds, counted from the recorded failure (whenever
        // the dispatcher gets to it); the store keeps microseconds.
        assertThat(due.at())
                .isCloseTo(recordedAt(jobId, "JobAttemptFailed").plus(Duration.ofSeconds(30)), within(1, MILLIS));
    }

    @Test
    void aShortBackoffSendsTheNextAttemptSoon() throws Exception {
        String jobId = submit(Tokens.user(newUser()), Map.of("jobType", "quick-retry"));
        JobQueue.awaitMessages(jobId, 1);
        asWorker(jobId, "attempts", Map.of("attempt", 1));
        asWorker(jobId, "fail", Map.of("attempt", 1, "reason", "timeout", "retryable", true));

        // At least once: a duplicate of attempt 1's message (its dispatch record raced the start) may come first.
        List<Integer> attempts = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (Message message : JobQueue.awaitMessages(jobId, 1)) {
                attempts.add(JSON.readTree(message.body()).path("attempt").asInt());
            }
            return attempts.contains(2);
        });

        assertThat(attempts).isSubsetOf(1, 2);
    }

    @Test
    void aJobCancelledWhileWaitingForItsNextAttemptSendsNothingMore() {
        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example"));
        JobQueue.awaitMessages(jobId, 1);
        asWorker(jobId, "attempts", Map.of("attempt", 1));
        asWorker(jobId, "fail", Map.of("attempt", 1, "reason", "timeout", "retryable", true));
        await().atMost(Duration.ofSeconds(10)).until(() -> outboxRows(jobId) == 1);

        api.post("/api/jobs/" + jobId + "/cancel", token, Map.of());

        await().atMost(Duration.ofSeconds(10)).until(() -> outboxRows(jobId) == 0);
    }

    /** Submits the jobs while SQS is down, waits until the sender has failed to send each, and brings SQS back. */
    private List<String> submittedWhileSqsIsDown(int count) {
        String token = Tokens.user(newUser());
        TestStack.stopSqs();
        List<String> jobs = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                jobs.add(submit(token, Map.of("jobType", "example")));
            }
            // The sender takes due attempts oldest first: once it has failed the last, it has tried every one.
            String last = jobs.get(count - 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> failedSends(last) > 0);
        } finally {
            TestStack.restartSqs();
        }
        return jobs;
    }

    private Api.Answer start(String jobId, Message message) throws Exception {
        int attempt = JSON.readTree(message.body()).path("attempt").asInt();
        return api.post(
                "/internal/jobs/" + jobId + "/attempts",
                Tokens.bridge(),
                Map.of("attempt", attempt, "messageId", message.messageId(), "requestId", "r-" + message.messageId()),
                Map.of(Delivery.TICKET_HEADER, JobQueue.ticket(message)));
    }

    private int outboxRows(String jobId) {
        return jdbc.queryForObject(
                "SELECT count(*) FROM job_dispatch WHERE job_id = ?", Integer.class, UUID.fromString(jobId));
    }

    private int recordedDispatches(String jobId) {
        return jdbc.queryForObject(
                "SELECT count(*) FROM domainevententry WHERE aggregateidentifier = ? AND payloadtype = ?",
                Integer.class,
                jobId,
                JobDispatched.class.getName());
    }

    private int failedSends(String jobId) {
        return jdbc.queryForObject(
                "SELECT coalesce(max(failures), 0) FROM job_dispatch WHERE job_id = ?",
                Integer.class,
                UUID.fromString(jobId));
    }

    private record DueAttempt(int attempt, Instant at) {}

    private DueAttempt dueAttempt(String jobId) {
        return await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> jdbc
                                .query(
                                        "SELECT attempt, due_at FROM job_dispatch WHERE job_id = ?",
                                        (row, i) -> new DueAttempt(
                                                row.getInt("attempt"),
                                                row.getTimestamp("due_at").toInstant()),
                                        UUID.fromString(jobId))
                                .stream()
                                .findFirst()
                                .orElse(null),
                        found -> found != null);
    }

    private Instant recordedAt(String jobId, String eventType) {
        JsonNode history = api.get("/api/jobs/" + jobId + "/history", Tokens.admin(newUser()))
                .body();
        for (JsonNode event : history.path("items")) {
            if (eventType.equals(event.path("type").asText())) {
                return Instant.parse(event.path("timestamp").asText());
            }
        }
        throw new AssertionError("No " + eventType + " in " + history);
    }
}
