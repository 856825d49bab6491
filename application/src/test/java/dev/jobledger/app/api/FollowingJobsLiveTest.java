package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobledger.testing.Api;
import dev.jobledger.testing.EventStream;
import dev.jobledger.testing.LedgerIntegrationTest;
import dev.jobledger.testing.Tokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Live updates over Server-Sent Events, read over real HTTP as a browser reads them, while the worker reports. */
class FollowingJobsLiveTest extends LedgerIntegrationTest {

    private final List<EventStream> opened = new ArrayList<>();

    @AfterEach
    void closeStreams() {
        opened.forEach(EventStream::close);
    }

    private EventStream open(String path, String token, String lastEventId) {
        EventStream stream = api.stream(path, token, lastEventId);
        opened.add(stream);
        return stream;
    }

    private Api.Answer report(String jobId, String action, Map<String, Object> body) {
        return asWorker(jobId, action, body);
    }

    private static EventStream.Event awaitChange(EventStream stream, Predicate<EventStream.Event> condition) {
        return await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> stream.changes().stream().filter(condition).findFirst(), found -> found.isPresent())
                .orElseThrow();
    }

    private static Predicate<EventStream.Event> job(String jobId, String status) {
        return event -> jobId.equals(event.data().path("jobId").asText())
                && status.equals(event.data().path("status").asText());
    }

    private static List<Long> ids(EventStream stream) {
        return stream.changes().stream()
                .map(event -> Long.parseLong(event.id()))
                .toList();
    }

    @Test
    void aJobsStreamShowsItGoFromPendingThroughRunningToCompletedWithProgressAndLogCounts() {
        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example"));
        awaitJob(token, jobId, status("PENDING"));

        EventStream stream = open("/api/jobs/" + jobId + "/stream", token, null);

        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.contentType()).startsWith("text/event-stream");
        assertThat(stream.header("X-Accel-Buffering")).isEqualTo("no");
        awaitChange(stream, job(jobId, "PENDING"));
        report(jobId, "attempts", Map.of("attempt", 1, "messageId", "m-1"));
        awaitChange(stream, job(jobId, "RUNNING"));
        report(jobId, "logs", Map.of("attempt", 1, "entries", List.of(Map.of("level", "INFO", "message", "one"))));
        report(jobId, "progress", Map.of("attempt", 1, "processed", 1, "total", 2, "failed", 0));
        awaitChange(
                stream,
                event -> event.data().path("progress").path("processed").asInt() == 1
                        && event.data().path("logCount").asInt() == 1);
        report(jobId, "complete", Map.of("attempt", 1, "result", Map.of("imported", 2)));
        EventStream.Event completed = awaitChange(stream, job(jobId, "COMPLETED"));

        assertThat(completed.data().path("attempts").asInt()).isEqualTo(1);
        assertThat(stream.events().get(0).name()).isEqualTo("ready");
        assertThat(ids(stream)).isSorted().doesNotHaveDuplicates();
        assertThat(stream.changes())
                .allSatisfy(
                        event -> assertThat(event.data().path("jobId").asText()).isEqualTo(jobId));
    }

    @Test
    void aStreamResumedWithLastEventIdSendsOnlyWhatChangedAfterIt() {
        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example"));
        report(jobId, "attempts", Map.of("attempt", 1));
        awaitJob(token, jobId, status("RUNNING"));
        EventStream first = open("/api/jobs/" + jobId + "/stream", token, null);
        String running = awaitChange(first, job(jobId, "RUNNING")).id();
        first.close();

        report(jobId, "complete", Map.of("attempt", 1));
        awaitJob(token, jobId, status("COMPLETED"));
        EventStream resumed = open("/api/jobs/" + jobId + "/stream", token, running);

        EventStream.Event next = awaitChange(resumed, event -> true);
        assertThat(next.data().path("status").asText()).isEqualTo("COMPLETED");
        assertThat(Long.parseLong(next.id())).isGreaterThan(Long.parseLong(running));
        assertThat(resumed.events().get(0).id()).isEqualTo(running);
    }

    @Test
    void theCallersStreamCarriesTheirJobsOnlyAndAnAdminsCarriesEveryones() {
        String alice = Tokens.user(newUser());
        String bob = Tokens.user(newUser());
        String admin = Tokens.admin(newUser());
        EventStream alices = open("/api/jobs/stream", alice, null);
        EventStream admins = open("/api/jobs/stream", admin, null);
        awaitReady(alices);
        awaitReady(admins);

        String bobsJob = submit(bob, Map.of("jobType", "example"));
        String alicesJob = submit(alice, Map.of("jobType", "example"));

        awaitChange(alices, job(alicesJob, "PENDING"));
        awaitChange(admins, job(bobsJob, "PENDING"));
        awaitChange(admins, job(alicesJob, "PENDING"));
        // Bob's job has the lower index: had it been in Alice's scope, it would have come before hers.
        assertThat(alices.changes())
                .noneMatch(event -> bobsJob.equals(event.data().path("jobId").asText()));
        assertThat(ids(admins)).isSorted();
    }

    @Test
    void anotherUsersJobCannotBeFollowedAndIsAnsweredAsNotFound() {
        String alice = Tokens.user(newUser());
        String jobId = submit(alice, Map.of("jobType", "example"));
        awaitJob(alice, jobId, status("PENDING"));

        EventStream bobs = open("/api/jobs/" + jobId + "/stream", Tokens.user(newUser()), null);
        EventStream anonymous = open("/api/jobs/" + jobId + "/stream", null, null);

        assertThat(bobs.status()).isEqualTo(404);
        assertThat(bobs.contentType()).startsWith("application/problem+json");
        assertThat(bobs.problem().path("detail").asText()).contains(jobId);
        assertThat(anonymous.status()).isEqualTo(401);
    }

    @Test
    void aQuietStreamGetsHeartbeatsAndAClosedOneFreesItsPlaceForTheUsersNext() {
        String token = Tokens.user(newUser());
        EventStream quiet = open("/api/jobs/stream", token, null);
        EventStream second = open("/api/jobs/stream", token, null);
        EventStream third = open("/api/jobs/stream", token, null);

        EventStream refused = open("/api/jobs/stream", token, null);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.problem().path("detail").asText()).contains("At most 3");
        await().atMost(Duration.ofSeconds(10)).until(() -> quiet.comments().contains("heartbeat"));

        third.close();
        AtomicReference<EventStream> next = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    next.set(open("/api/jobs/stream", token, null));
                    return next.get().status() == 200;
                });
        assertThat(second.status()).isEqualTo(200);
    }

    @Test
    void aLastEventIdThatIsNoEventIdIsABadRequest() {
        EventStream stream = open("/api/jobs/stream", Tokens.user(newUser()), "yesterday");

        assertThat(stream.status()).isEqualTo(400);
        assertThat(stream.problem().path("detail").asText()).contains("Last-Event-ID");
    }

    private static void awaitReady(EventStream stream) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> stream.events().stream().anyMatch(event -> "ready".equals(event.name())));
    }
}
