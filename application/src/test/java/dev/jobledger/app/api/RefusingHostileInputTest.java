package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.jobledger.messages.Delivery;
import dev.jobledger.testing.Api;
import dev.jobledger.testing.LedgerIntegrationTest;
import dev.jobledger.testing.Tokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Input PostgreSQL cannot store, or more than the ledger keeps, is refused where it enters with a problem that says
 * what is wrong: accepted, it would be kept in the event store for good and stop the read models for everyone.
 */
class RefusingHostileInputTest extends LedgerIntegrationTest {

    private static final String JOB = UUID.randomUUID().toString();
    private static final String BRIDGE = "/internal/jobs/" + JOB;

    @Test
    void aPayloadWithANulCharacterIsRefusedAndTheReadModelsGoOn() {
        String token = Tokens.user(newUser());

        Api.Answer answer =
                api.post("/api/jobs", token, "{\"jobType\":\"example\",\"payload\":{\"note\":\"nul\\u0000byte\"}}");

        assertProblem(answer, 400, "payload.note contains a NUL character");
        String later = submit(token, Map.of("jobType", "example", "payload", Map.of("note", "fine")));
        awaitJob(token, later, status("PENDING"));
        assertThat(api.get("/api/jobs", token).body().path("total").asInt()).isEqualTo(1);
    }

    @Test
    void aNulCharacterInAKeyOrDeepInsideThePayloadIsRefusedToo() {
        String token = Tokens.user(newUser());

        assertProblem(
                api.post("/api/jobs", token, "{\"jobType\":\"example\",\"payload\":{\"a\\u0000\":1}}"),
                400,
                "(the key) contains a NUL character");
        assertProblem(
                api.post("/api/jobs", token, "{\"jobType\":\"example\",\"payload\":{\"rows\":[{\"v\":\"\\u0000\"}]}}"),
                400,
                "payload.rows[0].v contains");
    }

    @Test
    void anUnpairedSurrogateIsRefusedWhileAPairIsKept() {
        String token = Tokens.user(newUser());

        assertProblem(
                api.post("/api/jobs", token, "{\"jobType\":\"example\",\"payload\":{\"s\":\"\\ud800\"}}"),
                400,
                "unpaired surrogate");
        String kept = submit(token, Map.of("jobType", "example", "payload", Map.of("emoji", "\uD83D\uDE00")));
        assertThat(awaitJob(token, kept, status("PENDING"))
                        .body()
                        .path("payload")
                        .path("emoji")
                        .asText())
                .isEqualTo("\uD83D\uDE00");
    }

    @Test
    void aPayloadOverTheDocumentLimitIsAnswered413() {
        String token = Tokens.user(newUser());

        Api.Answer answer = api.post(
                "/api/jobs", token, Map.of("jobType", "example", "payload", Map.of("big", "x".repeat(300_000))));

        assertProblem(answer, 413, "payload is larger than 256 KiB");
    }

    @Test
    void aRequestBodyOverTheRequestLimitIsAnswered413BeforeItIsRead() {
        String token = Tokens.user(newUser());
        String twelveMegabytes =
                "{\"jobType\":\"example\",\"payload\":{\"big\":\"" + "x".repeat(12 * 1024 * 1024) + "\"}}";

        Api.Answer answer = api.post("/api/jobs", token, twelveMegabytes);

        assertProblem(answer, 413, "The request body is larger than");
        assertThat(api.get("/api/jobs", token).body().path("total").asInt()).isZero();
    }

    @Test
    void aPayloadNestedDeeperThanTheLimitIsRefused() {
        String token = Tokens.user(newUser());
        String deep = "{\"a\":".repeat(40) + "1" + "}".repeat(40);

        Api.Answer answer = api.post("/api/jobs", token, "{\"jobType\":\"example\",\"payload\":" + deep + "}");

        assertProblem(answer, 400, "deeper than 32 levels");
    }

    @Test
    void aNameGivenTwiceInOneObjectIsRefusedBecauseParsersDisagreeOnWhichCounts() {
        String token = Tokens.user(newUser());

        assertProblem(
                api.post("/api/jobs", token, "{\"jobType\":\"example\",\"jobType\":\"csv-import\"}"),
                400,
                "Duplicate field 'jobType'");
        assertProblem(
                api.post("/api/jobs", token, "{\"jobType\":\"example\",\"payload\":{\"a\":1,\"a\":2}}"),
                400,
                "Duplicate field 'a'");
        assertThat(api.get("/api/jobs", token).body().path("total").asInt()).isZero();
    }

    @Test
    void aBodyDeeperThanTheJsonReaderReadsIsRefusedInWordsAClientKnows() {
        String deep = "{\"a\":".repeat(70) + "1" + "}".repeat(70);

        Api.Answer answer =
                api.post("/api/jobs", Tokens.user(newUser()), "{\"jobType\":\"example\",\"payload\":" + deep + "}");

        assertProblem(answer, 400, "exceeds the maximum allowed (64)");
        assertThat(answer.body().path("detail").asText()).doesNotContain("StreamReadConstraints");
    }

    @Test
    void aFilePartWithAnOverlongContentTypeIsRefusedBeforeAnythingIsStored() {
        String token = Tokens.user(newUser());

        Api.Answer answer = api.postMultipart(
                "/api/jobs",
                token,
                Map.of("jobType", "csv-import"),
                "people.csv",
                "text/" + "x".repeat(300),
                "email\na@example.com\n".getBytes(StandardCharsets.UTF_8),
                Map.of());

        assertProblem(answer, 400, "Content-Type must be at most 255 characters");
        assertThat(api.get("/api/jobs", token).body().path("total").asInt()).isZero();
    }

    @Test
    void aPageBeyondAnyOffsetIsABadRequestNotAServerError() {
        Api.Answer answer = api.get("/api/jobs?page=2147483647&pageSize=100", Tokens.user(newUser()));

        assertProblem(answer, 400, "page");
    }

    @Test
    void aListFilterWithANulCharacterIsABadRequest() {
        Api.Answer answer = api.get("/api/jobs?userId=a%00b", Tokens.admin(newUser()));

        assertProblem(answer, 400, "userId");
    }

    @Test
    void aUrlTheFirewallRefusesIsAProblemNotTheContainersErrorPage() {
        Api.Answer answer = api.get("/api/jobs//logs", Tokens.user(newUser()));

        assertProblem(answer, 400, "empty path segment");
    }

    @Test
    void aUrlTheContainerRefusesBeforeTheServiceIsAProblemNotTheContainersErrorPage() {
        String token = Tokens.user(newUser());

        for (String refused : List.of("/api/jobs/a%2Fb", "/api/jobs/a%5Cb", "/api/jobs/a%00b")) {
            assertProblem(api.get(refused, token), 400, "encoded slash (%2F)");
        }
        // java.net.URI refuses such a path, so it goes over a socket as written.
        assertThat(raw("GET /api/jobs/a|b HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token))
                .startsWith("HTTP/1.1 400")
                .containsIgnoringCase("Content-Type: application/problem+json")
                .contains("a character that must be %-encoded");
        assertThat(api.get("/api/jobs", token).status()).isEqualTo(200);
    }

    @Test
    void aRequestTheContainerCannotReadIsAProblemSayingWhatIsWrongWithIt() {
        assertThat(raw("GET /api/jobs HTTP/1.1\r\nHost: a\r\nHost: b"))
                .startsWith("HTTP/1.1 400")
                .containsIgnoringCase("Content-Type: application/problem+json")
                .contains("a Host header missing or given twice");
        assertThat(raw("GET /api/jobs HTTP/1.1\r\nHost: a\r\nX-A\u0001: b"))
                .startsWith("HTTP/1.1 400")
                .contains("does not conform to RFC 7230");
    }

    @Test
    void aPathNoEndpointAnswersIsAProblemNamingIt() {
        assertProblem(api.get("/api/nope", Tokens.user(newUser())), 404, "No endpoint answers GET /api/nope");
    }

    @Test
    void aPathNoEndpointAnswersIsNotFoundWhateverTheMethodOrPrefix() {
        String token = Tokens.user(newUser());

        assertProblem(api.post("/api/nope", token, "{}"), 404, "No endpoint answers POST /api/nope");
        assertProblem(api.get("/nope", token), 404, "No endpoint answers GET /nope");
    }

    @Test
    void theApiAnswersJsonOnlyEvenWhereAnotherFormatCouldBeWritten() {
        String token = Tokens.user(newUser());

        for (String format : List.of("application/xml", "application/yaml", "application/cbor")) {
            Api.Answer answer = api.get("/api/jobs", token, Map.of("Accept", format));
            assertThat(answer.status()).as(format).isEqualTo(406);
        }
    }

    @Test
    void aTokenWithAnEmptySubjectIsRefused() {
        String token = Tokens.hs256(claims("").build());

        assertThat(api.get("/api/jobs", token).status()).isEqualTo(401);
    }

    @Test
    void aTokenWithoutAnExpiryIsRefused() {
        String token = Tokens.hs256(claims(newUser()).expirationTime(null).build());

        assertThat(api.get("/api/jobs", token).status()).isEqualTo(401);
    }

    @Test
    void aWorkerLogLineWithANulCharacterIsRefused() {
        Api.Answer answer = api.post(
                BRIDGE + "/logs",
                Tokens.bridge(),
                "{\"attempt\":1,\"entries\":[{\"level\":\"INFO\",\"message\":\"bad\\u0000line\"}]}",
                ticket());

        assertProblem(answer, 400, "entries[0].message must not contain NUL characters");
    }

    @Test
    void aWorkerLogCallOfMoreLinesThanOneCallCarriesIsRefused() {
        String line = "{\"level\":\"INFO\",\"message\":\"line\"}";
        String lines = String.join(",", java.util.Collections.nCopies(2001, line));

        Api.Answer answer =
                api.post(BRIDGE + "/logs", Tokens.bridge(), "{\"attempt\":1,\"entries\":[" + lines + "]}", ticket());

        assertProblem(answer, 400, "entries size must be between 0 and 2000");
    }

    @Test
    void aWorkerResultWithANulCharacterIsRefused() {
        Api.Answer answer = api.post(
                BRIDGE + "/complete", Tokens.bridge(), "{\"attempt\":1,\"result\":{\"x\":\"\\u0000\"}}", ticket());

        assertProblem(answer, 400, "result.x contains a NUL character");
    }

    @Test
    void aWorkerFailureReasonWithANulCharacterIsRefused() {
        Api.Answer answer = api.post(
                BRIDGE + "/fail",
                Tokens.bridge(),
                "{\"attempt\":1,\"reason\":\"header \\u0000\",\"retryable\":false}",
                ticket());

        assertProblem(answer, 400, "reason must not contain NUL characters");
    }

    @Test
    void aWorkerReportNamingADeliveryIdLongerThanAnyIsRefused() {
        Api.Answer answer = api.post(
                BRIDGE + "/progress",
                Tokens.bridge(),
                Map.of("attempt", 1, "processed", 1),
                Map.of("X-Job-Message-Id", "m".repeat(256), Delivery.TICKET_HEADER, ticket(JOB, 1)));

        assertProblem(answer, 400, "X-Job-Message-Id must be at most 255 characters long");
    }

    /** The ticket of attempt 1 of the job the worker's reports here are about: they are refused for what they hold. */
    private Map<String, String> ticket() {
        return Map.of(Delivery.TICKET_HEADER, ticket(JOB, 1));
    }

    private static JWTClaimsSet.Builder claims(String subject) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .subject(subject)
                .claim("permissions", List.of("job:Create", "job:Read"))
                .issueTime(Date.from(now.minusSeconds(1)))
                .expirationTime(Date.from(now.plusSeconds(300)));
    }

    /** A request's line and headers sent over a socket exactly as written, and the whole answer. */
    private String raw(String head) {
        URI base = URI.create(baseUrl());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write((head + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertProblem(Api.Answer answer, int status, String detail) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body().path("detail").asText()).contains(detail);
    }
}
