package dev.jobledger.testing;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobledger.command.ticket.AttemptTickets;
import dev.jobledger.messages.Delivery;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The whole service on a random port, driven over real HTTP with real signed tokens. Which stand-ins it runs on is
 * the subclass's to say: the run's shared ones ({@link LedgerIntegrationTest}) or ones of its own
 * ({@link ClockDrivenIntegrationTest}). Tests share their stand-ins: each uses users of its own ({@link #newUser()}).
 */
// Boot's tests leave out metrics export unless asked: the service is tested with its Prometheus endpoint.
@AutoConfigureObservability(tracing = false)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "jobledger.security.jwt.dev-hmac-secret=" + Tokens.TEST_SECRET,
            "jobledger.jobs.types.quick-retry.retry-backoff=200ms",
            "spring.servlet.multipart.max-file-size=12MB",
            "jobledger.snapshots.threshold=50",
            // Live streams: changes within a tenth of a second, and a gone client noticed within a second.
            "jobledger.live.poll-interval=50ms",
            "jobledger.live.heartbeat=500ms",
            "jobledger.live.max-streams-per-user=3"
        })
public abstract class ServiceOverHttp {

    @LocalServerPort
    private int port;

    protected Api api;

    @Autowired
    private AttemptTickets tickets;

    @BeforeEach
    void connect() {
        api = new Api(port);
    }

    /** Where the service under test answers, for clients other than {@link Api} (a browser). */
    protected String baseUrl() {
        return "http://localhost:" + port;
    }

    protected static String newUser() {
        return "user-" + UUID.randomUUID();
    }

    /**
     * The ticket the dispatcher signs into the SQS message of this attempt of the job, from the service's own key:
     * what a worker holding that message holds. Tests about the message itself read it from the message
     * ({@link JobQueue#ticket}).
     */
    protected String ticket(String jobId, int attempt) {
        return tickets.issue(UUID.fromString(jobId), attempt);
    }

    /**
     * A worker's call about one attempt ({@code POST /internal/jobs/{jobId}/{action}}) with the bridge's token and the
     * ticket of the attempt its body names, as a worker holding that attempt's message sends it. A body without an
     * attempt goes without a ticket.
     */
    protected Api.Answer asWorker(String jobId, String action, Map<String, ?> body) {
        return asWorker(jobId, action, body, Map.of());
    }

    protected Api.Answer asWorker(String jobId, String action, Map<String, ?> body, Map<String, String> headers) {
        Map<String, String> withTicket = new HashMap<>(headers);
        if (body.get("attempt") instanceof Integer attempt) {
            withTicket.put(Delivery.TICKET_HEADER, ticket(jobId, attempt));
        }
        return api.post("/internal/jobs/" + jobId + "/" + action, Tokens.bridge(), body, withTicket);
    }

    /** Submits an {@code example} job and answers its id. */
    protected String submit(String token, Map<String, Object> request) {
        Api.Answer answer = api.post("/api/jobs", token, request);
        if (answer.status() != 202) {
            throw new AssertionError("Submission failed: " + answer);
        }
        return answer.body().path("jobId").asText();
    }

    /** Polls the read model until the job satisfies the condition; the projections are eventually consistent. */
    protected Api.Answer awaitJob(String token, String jobId, Predicate<Api.Answer> condition) {
        return await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> api.get("/api/jobs/" + jobId, token), condition);
    }

    /**
     * Polls the job's log (with the query, e.g. {@code "?level=ERROR"}, or {@code ""}) until it holds {@code count}
     * lines, and answers that page; the log projection is eventually consistent too.
     */
    protected JsonNode awaitLogs(String token, String jobId, String query, int count) {
        return await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> api.get("/api/jobs/" + jobId + "/logs" + query, token)
                                .body(),
                        body -> body.path("total").asInt() == count);
    }

    /** The types of the job's events, oldest first, as its history endpoint lists them. */
    protected List<String> eventTypes(String jobId, String token) {
        List<String> types = new java.util.ArrayList<>();
        api.get("/api/jobs/" + jobId + "/history?pageSize=1000", token)
                .body()
                .path("items")
                .forEach(event -> types.add(event.path("type").asText()));
        return types;
    }

    protected static Predicate<Api.Answer> status(String status) {
        return answer -> answer.status() == 200
                && status.equals(answer.body().path("status").asText());
    }
}
