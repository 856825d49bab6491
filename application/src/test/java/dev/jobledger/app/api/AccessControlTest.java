package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.testing.Api;
import dev.jobledger.testing.LedgerIntegrationTest;
import dev.jobledger.testing.Tokens;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class AccessControlTest extends LedgerIntegrationTest {

    @Test
    void aRequestWithoutATokenIsUnauthorizedWithAProblemAndABearerChallenge() {
        Api.Answer answer = api.get("/api/jobs", null);

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(answer.contentType()).startsWith("application/problem+json");
    }

    @Test
    void tokensThatAreExpiredOrSignedWithAnotherKeyAreUnauthorized() {
        String expired = Tokens.hs256(newUser(), List.of("job:Read"), Duration.ofMinutes(-5));
        String forged = Tokens.hs256(
                newUser(),
                List.of("job:Read", "job:Admin"),
                Duration.ofMinutes(5),
                "another-secret-of-at-least-32-bytes!!");

        assertThat(api.get("/api/jobs", expired).status()).isEqualTo(401);
        assertThat(api.get("/api/jobs", forged).status()).isEqualTo(401);
        assertThat(api.get("/api/jobs", "not-a-jwt").status()).isEqualTo(401);
    }

    @Test
    void submittingNeedsJobCreateAndReadingNeedsJobRead() {
        String readOnly = Tokens.hs256(newUser(), List.of("job:Read"), Duration.ofMinutes(5));
        String createOnly = Tokens.hs256(newUser(), List.of("job:Create"), Duration.ofMinutes(5));

        assertThat(api.post("/api/jobs", readOnly, Map.of("jobType", "example")).status())
                .isEqualTo(403);
        assertThat(api.get("/api/jobs", createOnly).status()).isEqualTo(403);
        assertThat(api.get("/api/jobs", readOnly).status()).isEqualTo(200);
    }

    @Test
    void aMethodNoEndpointHasIsNotAllowedRatherThanForbiddenAndTheAnswerNamesTheMethodsThere() {
        String admin = Tokens.admin(newUser());

        Api.Answer delete = api.send("DELETE", "/api/jobs/" + UUID.randomUUID(), admin);
        Api.Answer put = api.send("PUT", "/api/jobs", admin);

        assertThat(delete.status()).as(delete.toString()).isEqualTo(405);
        assertThat(delete.contentType()).startsWith("application/problem+json");
        assertThat(delete.header("Allow")).isEqualTo("GET");
        assertThat(delete.body().path("detail").asText()).contains("No endpoint answers DELETE /api/jobs/");
        assertThat(put.status()).isEqualTo(405);
        assertThat(put.header("Allow")).isEqualTo("GET, POST");
        assertThat(api.send("DELETE", "/api/jobs", null).status()).isEqualTo(401);
    }

    @Test
    void theBridgesEndpointsRefuseUsersAndAdminsAndTheBridgeTokenReachesNothingElse() {
        String jobId = submit(Tokens.user(newUser()), Map.of("jobType", "example"));
        String attempts = "/internal/jobs/" + jobId + "/attempts";

        Api.Answer asUser = api.post(attempts, Tokens.user(newUser()), Map.of());
        Api.Answer asAdmin = api.post(attempts, Tokens.admin(newUser()), Map.of());
        Api.Answer bridgeReading = api.get("/api/jobs/" + jobId, Tokens.bridge());
        Api.Answer bridgeSubmitting = api.post("/api/jobs", Tokens.bridge(), Map.of("jobType", "example"));

        assertThat(asUser.status()).isEqualTo(403);
        assertThat(asUser.contentType()).startsWith("application/problem+json");
        assertThat(asAdmin.status()).isEqualTo(403);
        assertThat(bridgeReading.status()).isEqualTo(403);
        assertThat(bridgeSubmitting.status()).isEqualTo(403);
    }

    @Test
    void anotherUsersJobIsNotFoundRatherThanForbidden() {
        String owner = Tokens.user(newUser());
        String jobId = submit(owner, Map.of("jobType", "example"));
        awaitJob(owner, jobId, status("PENDING"));
        String stranger = Tokens.user(newUser());

        assertThat(api.get("/api/jobs/" + jobId, stranger).status()).isEqualTo(404);
        assertThat(api.get("/api/jobs/" + jobId + "/logs", stranger).status()).isEqualTo(404);
        assertThat(api.post("/api/jobs/" + jobId + "/cancel", stranger, Map.of())
                        .status())
                .isEqualTo(404);
        assertThat(api.post("/api/jobs/" + jobId + "/retry", stranger, Map.of()).status())
                .isEqualTo(404);
        assertThat(api.get("/api/jobs", stranger).body().path("total").asInt()).isZero();
    }

    @Test
    void anAdminSeesEveryJobAndMayFilterByOwner() {
        String alice = newUser();
        String bob = newUser();
        String aliceJob = submit(Tokens.user(alice), Map.of("jobType", "example"));
        String bobJob = submit(Tokens.user(bob), Map.of("jobType", "example"));
        String admin = Tokens.admin(newUser());

        assertThat(awaitJob(admin, aliceJob, status("PENDING")).status()).isEqualTo(200);
        assertThat(awaitJob(admin, bobJob, status("PENDING")).status()).isEqualTo(200);
        Api.Answer onlyBob = api.get("/api/jobs?userId=" + bob, admin);
        assertThat(onlyBob.body().path("total").asInt()).isEqualTo(1);
        assertThat(onlyBob.body().path("items").get(0).path("jobId").asText()).isEqualTo(bobJob);
    }

    @Test
    void aUserMayNotListAnotherUsersJobs() {
        Api.Answer answer = api.get("/api/jobs?userId=someone-else", Tokens.user(newUser()));

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.body().path("detail").asText()).contains("Only admins");
    }

    @Test
    void aMalformedJobIdIsABadRequestNeverAServerError() {
        String token = Tokens.user(newUser());

        Api.Answer read = api.get("/api/jobs/not-a-uuid", token);
        Api.Answer cancel = api.post("/api/jobs/not-a-uuid/cancel", token, Map.of());
        Api.Answer report = api.post("/internal/jobs/%27;drop/complete", Tokens.bridge(), Map.of());

        assertThat(read.status()).isEqualTo(400);
        assertThat(read.body().path("detail").asText()).contains("not-a-uuid");
        assertThat(cancel.status()).isEqualTo(400);
        assertThat(report.status()).isEqualTo(400);
    }

    @Test
    void anUnknownJobIsNotFoundForCommandsAndQueriesAlike() {
        String missing = "/api/jobs/00000000-0000-4000-8000-000000000000";
        String token = Tokens.user(newUser());

        assertThat(api.get(missing, token).status()).isEqualTo(404);
        assertThat(api.post(missing + "/cancel", token, Map.of()).status()).isEqualTo(404);
        assertThat(asWorker("00000000-0000-4000-8000-000000000000", "attempts", Map.of("attempt", 1))
                        .status())
                .isEqualTo(404);
    }

    @Test
    void aCommandForAnUnknownJobIsNotLoggedAsAFailure(CapturedOutput output) {
        String missing = UUID.randomUUID().toString();

        Api.Answer cancel = api.post("/api/jobs/" + missing + "/cancel", Tokens.user(newUser()), Map.of());

        assertThat(cancel.status()).isEqualTo(404);
        assertThat(output.getAll()).doesNotContain(missing);
    }
}
