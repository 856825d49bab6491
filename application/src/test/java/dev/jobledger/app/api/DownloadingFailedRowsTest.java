package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobledger.testing.Api;
import dev.jobledger.testing.LedgerIntegrationTest;
import dev.jobledger.testing.Tokens;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GET /api/jobs/{id}/failed-rows.csv: a CSV import's rejected rows, as a file to fix and submit again. */
class DownloadingFailedRowsTest extends LedgerIntegrationTest {

    private static final String SPEC = "{\"header\":true,\"columns\":[{\"name\":\"email\",\"type\":\"email\"},"
            + "{\"name\":\"note\",\"type\":\"string\"}]}";

    private String submitImport(String token) {
        Api.Answer submitted = api.postMultipart(
                "/api/jobs",
                token,
                Map.of("jobType", "csv-import", "payload", SPEC),
                "people.csv",
                "email,note\nbob@,\"a, b\"\n".getBytes(StandardCharsets.UTF_8));
        assertThat(submitted.status()).isEqualTo(202);
        return submitted.body().path("jobId").asText();
    }

    /** What the csv-import handler logs for a rejected row. */
    private static Map<String, Object> rejected(int row, String reason, List<String> values) {
        return Map.of(
                "level",
                "WARNING",
                "message",
                "row " + row + " is invalid: " + reason,
                "rowNumber",
                row,
                "meta",
                Map.of("line", row + 1, "errors", Map.of("email", reason), "values", values));
    }

    @Test
    void theRejectedRowsComeBackInFileOrderWithTheirReasonsAndValuesUnderTheSpecsColumns() {
        String token = Tokens.user(newUser());
        String jobId = submitImport(token);
        asWorker(jobId, "attempts", Map.of("attempt", 1, "messageId", "m-1", "requestId", "r-1"));
        asWorker(
                jobId,
                "logs",
                Map.of(
                        "attempt",
                        1,
                        "entries",
                        List.of(
                                Map.of("level", "INFO", "message", "reading people.csv"),
                                rejected(1, "email not a valid email address", List.of("bob@", "a, b")),
                                rejected(3, "email is required", List.of("", "said \"hi\"\nthen left")),
                                Map.of("level", "INFO", "message", "imported 3 rows: 1 valid, 2 invalid"))));
        asWorker(jobId, "complete", Map.of("attempt", 1, "result", Map.of("invalid", 2)));

        Api.Answer file = await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> api.getText("/api/jobs/" + jobId + "/failed-rows.csv", token),
                        answer -> answer.status() == 200 && answer.raw().body().contains("email is required"));

        assertThat(file.contentType()).startsWith("text/csv");
        assertThat(file.header("Content-Disposition"))
                .isEqualTo("attachment; filename=\"failed-rows-" + jobId + ".csv\"");
        assertThat(file.raw().body())
                .isEqualTo("row,line,message,email,note\r\n"
                        + "1,2,row 1 is invalid: email not a valid email address,bob@,\"a, b\"\r\n"
                        + "3,4,row 3 is invalid: email is required,,\"said \"\"hi\"\"\nthen left\"\r\n");
    }

    @Test
    void aJobThatHasNotRunAnswersTheHeaderAlone() {
        String token = Tokens.user(newUser());
        String jobId = submitImport(token);
        awaitJob(token, jobId, status("PENDING"));

        Api.Answer file = api.getText("/api/jobs/" + jobId + "/failed-rows.csv", token);

        assertThat(file.status()).isEqualTo(200);
        assertThat(file.raw().body()).isEqualTo("row,line,message,email,note\r\n");
    }

    @Test
    void anotherUsersJobIsNotFoundAndAnAdminSeesIt() {
        String owner = Tokens.user(newUser());
        String jobId = submitImport(owner);
        awaitJob(owner, jobId, status("PENDING"));

        Api.Answer stranger = api.get("/api/jobs/" + jobId + "/failed-rows.csv", Tokens.user(newUser()));
        assertThat(stranger.status()).isEqualTo(404);
        assertThat(stranger.contentType()).startsWith("application/problem+json");
        assertThat(api.getText("/api/jobs/" + jobId + "/failed-rows.csv", null).status())
                .isEqualTo(401);
        assertThat(api.getText("/api/jobs/" + jobId + "/failed-rows.csv", Tokens.admin(newUser()))
                        .status())
                .isEqualTo(200);
    }
}
