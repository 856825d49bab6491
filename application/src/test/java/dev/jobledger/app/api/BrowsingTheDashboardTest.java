package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.testing.LedgerIntegrationTest;
import dev.jobledger.testing.Tokens;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The dashboard over real HTTP: its pages are data-free shells anyone may load, and everything they show comes from
 * fragments asked with the viewer's own token, under the API's ownership rules.
 */
class BrowsingTheDashboardTest extends LedgerIntegrationTest {

    private HttpResponse<String> fragment(String path, String token) {
        return api.getPage("/dashboard/fragments" + path, token);
    }

    @Test
    void pagesAreShellsAnyoneMayLoadUnderAPolicyThatAllowsOnlyTheServicesOwnScripts() {
        HttpResponse<String> jobs = api.getPage("/dashboard", null);
        HttpResponse<String> root = api.getPage("/", null);

        assertThat(jobs.statusCode()).isEqualTo(200);
        assertThat(jobs.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(jobs.body()).contains("hx-get=\"/dashboard/fragments/jobs\"", "/api/jobs/stream");
        assertThat(jobs.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("script-src 'self'", "frame-ancestors 'none'");
        assertThat(root.statusCode()).isEqualTo(302);
        assertThat(root.headers().firstValue("Location").orElseThrow()).endsWith("/dashboard");
        assertThat(api.getPage("/dashboard/operations", null).statusCode()).isEqualTo(200);
        assertThat(api.getPage("/webjars/htmx.org/2.0.4/dist/htmx.min.js", null).statusCode())
                .isEqualTo(200);
        assertThat(api.getPage("/dashboard/assets/dashboard.js", null).statusCode())
                .isEqualTo(200);
    }

    @Test
    void theApiDescriptionHasTheLiveStreamsButNotTheDashboardsHtml() {
        String description = api.getPage("/v3/api-docs", null).body();

        assertThat(description).contains("/api/jobs/stream", "/api/jobs/{jobId}/stream");
        assertThat(description).doesNotContain("/dashboard");
    }

    @Test
    void theJobsListShowsTheViewersJobsWithCountsPerStatusAndOnlyAdminsSeeOrFilterOtherOwners() {
        String alice = newUser();
        String aliceToken = Tokens.user(alice);
        String first = submit(aliceToken, Map.of("jobType", "example"));
        String second = submit(aliceToken, Map.of("jobType", "example"));
        api.post("/api/jobs/" + second + "/cancel", aliceToken, Map.of());
        awaitJob(aliceToken, second, status("CANCELLED"));
        awaitJob(aliceToken, first, status("PENDING"));
        String bobToken = Tokens.user(newUser());

        HttpResponse<String> own = fragment("/jobs", aliceToken);
        HttpResponse<String> cancelled = fragment("/jobs?status=CANCELLED", aliceToken);
        HttpResponse<String> later =
                fragment("/jobs?createdFrom=" + Instant.now().plusSeconds(3600), aliceToken);

        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(own.body()).contains(first, second);
        assertThat(own.body()).containsPattern("PENDING</span> <strong>1</strong>");
        assertThat(own.body()).containsPattern("CANCELLED</span> <strong>1</strong>");
        assertThat(cancelled.body()).contains(second).doesNotContain(first);
        assertThat(later.body()).contains("No jobs match.");
        assertThat(fragment("/jobs", bobToken).body()).doesNotContain(first);
        assertThat(fragment("/jobs?userId=" + alice, bobToken).statusCode()).isEqualTo(403);
        assertThat(fragment("/jobs?userId=" + alice, Tokens.admin(newUser())).body())
                .contains(first, second, alice);
        assertThat(fragment("/jobs", null).statusCode()).isEqualTo(401);
    }

    @Test
    void aJobsPartsAreShownToItsOwnerAndAdminsAndAnsweredNotFoundToOthers() {
        String owner = Tokens.user(newUser());
        String jobId = submit(owner, Map.of("jobType", "example", "payload", Map.of("rows", 2)));
        asWorker(jobId, "attempts", Map.of("attempt", 1, "messageId", "m-dash"));
        asWorker(
                jobId,
                "logs",
                Map.of("attempt", 1, "entries", List.of(Map.of("level", "ERROR", "message", "row 2 is bad"))));
        asWorker(jobId, "progress", Map.of("attempt", 1, "processed", 1, "total", 2, "failed", 1));
        awaitJob(
                owner,
                jobId,
                answer -> answer.status() == 200
                        && answer.body().path("progress").path("processed").asInt() == 1);
        String bob = Tokens.user(newUser());
        String admin = Tokens.admin(newUser());
        List<String> parts = List.of(
                "/jobs/" + jobId,
                "/jobs/" + jobId + "/logs",
                "/jobs/" + jobId + "/history",
                "/jobs/" + jobId + "/as-of?asOf=" + Instant.now());

        HttpResponse<String> summary = fragment("/jobs/" + jobId, owner);
        HttpResponse<String> history = fragment("/jobs/" + jobId + "/history", owner);

        assertThat(summary.body())
                .contains(
                        "RUNNING",
                        "<progress max=\"100\" value=\"50\"",
                        "&quot;rows&quot; : 2",
                        "data-action=\"cancel\"")
                .doesNotContain("data-action=\"redrive\"");
        assertThat(fragment("/jobs/" + jobId + "/logs?level=ERROR", owner).body())
                .contains("row 2 is bad");
        assertThat(history.body())
                .contains("Hash chain intact", "JobSubmitted", "JobStarted", "BRIDGE job-bridge, SQS message m-dash");
        for (String part : parts) {
            assertThat(fragment(part, owner).statusCode()).as(part).isEqualTo(200);
            assertThat(fragment(part, admin).statusCode()).as(part).isEqualTo(200);
            assertThat(fragment(part, bob).statusCode()).as(part).isEqualTo(404);
            assertThat(fragment(part, null).statusCode()).as(part).isEqualTo(401);
        }
    }

    @Test
    void anImportWithRejectedRowsOffersThemAsAFileAndAFailedJobOffersItsOwnerARetry() {
        String owner = Tokens.user(newUser());
        String importId = api.postMultipart(
                        "/api/jobs",
                        owner,
                        Map.of("jobType", "csv-import", "payload", "{\"header\":true,\"columns\":[{\"name\":\"a\"}]}"),
                        "rows.csv",
                        "a\n1\n".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .body()
                .path("jobId")
                .asText();
        asWorker(importId, "attempts", Map.of("attempt", 1, "messageId", "m-rows"));
        asWorker(importId, "progress", Map.of("attempt", 1, "processed", 1, "total", 1, "failed", 1));
        awaitJob(
                owner,
                importId,
                answer -> answer.body().path("progress").path("failed").asInt() == 1);
        assertThat(fragment("/jobs/" + importId, owner).body()).contains("data-action=\"failed-rows\"");

        String failedId = submit(owner, Map.of("jobType", "example"));
        asWorker(failedId, "attempts", Map.of("attempt", 1, "messageId", "m-fail"));
        asWorker(failedId, "fail", Map.of("attempt", 1, "reason", "x", "retryable", false));
        awaitJob(owner, failedId, status("FAILED"));
        assertThat(fragment("/jobs/" + failedId, owner).body())
                .contains("data-action=\"retry\"")
                .doesNotContain("data-action=\"failed-rows\"");
    }

    @Test
    void theStateAtAnInstantIsTheJobAsTheLedgerKnewItThen() {
        String owner = Tokens.user(newUser());
        String jobId = submit(owner, Map.of("jobType", "example"));
        Instant beforeStart = Instant.now();
        asWorker(jobId, "attempts", Map.of("attempt", 1));
        awaitJob(owner, jobId, status("RUNNING"));

        HttpResponse<String> then = fragment("/jobs/" + jobId + "/as-of?asOf=" + beforeStart, owner);

        assertThat(then.body()).contains("As the ledger knew it", "PENDING").doesNotContain("data-action=");
    }

    @Test
    void theOperationsPanelIsForAdminsOnly() {
        HttpResponse<String> forAdmin = fragment("/operations", Tokens.admin(newUser()));

        assertThat(forAdmin.statusCode()).isEqualTo(200);
        assertThat(forAdmin.body())
                .contains(
                        "Dead-lettered jobs",
                        "Read-model dead letters",
                        "job-view",
                        "sqs-dispatch",
                        "Read-model rebuild");
        assertThat(fragment("/operations", Tokens.user(newUser())).statusCode()).isEqualTo(403);
        assertThat(fragment("/operations", null).statusCode()).isEqualTo(401);
    }

    @Test
    void theSignInThatMintsDevTokensDoesNotExistOutsideTheLocalProfile() {
        assertThat(api.getPage("/dashboard/sign-in", null).statusCode()).isEqualTo(404);
        assertThat(api.postForm("/dashboard/sign-in", "user=mallory&permissions=job:Admin")
                        .statusCode())
                .isEqualTo(404);
        assertThat(api.getPage("/dashboard", null).body()).doesNotContain("Sign in (local)");
    }
}
