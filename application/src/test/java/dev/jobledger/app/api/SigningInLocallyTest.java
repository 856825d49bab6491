package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobledger.testing.LedgerIntegrationTest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ActiveProfiles;

/** In the local profile, and only there, the dashboard mints dev tokens for a chosen user and permissions. */
@ActiveProfiles("local")
class SigningInLocallyTest extends LedgerIntegrationTest {

    @Test
    void theSignInPageMintsATokenThatTheApiAcceptsWithExactlyTheChosenPermissions() throws Exception {
        HttpResponse<String> page = api.getPage("/dashboard/sign-in", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("local profile only");
        assertThat(api.getPage("/dashboard", null).body()).contains("Sign in (local)");

        HttpResponse<String> minted =
                api.postForm("/dashboard/sign-in", "user=dana&permissions=job:Create&permissions=job:Read");
        assertThat(minted.statusCode()).isEqualTo(200);
        String token = new ObjectMapper().readTree(minted.body()).path("token").asText();

        String jobId = submit(token, Map.of("jobType", "example"));
        JsonNode job = awaitJob(token, jobId, status("PENDING")).body();
        assertThat(job.path("userId").asText()).isEqualTo("dana");
        assertThat(api.get("/api/admin/read-models/rebuild", token).status()).isEqualTo(403);
    }

    @Test
    void aSignInForAnUnknownPermissionIsRefused() {
        HttpResponse<String> refused = api.postForm("/dashboard/sign-in", "user=dana&permissions=job:Everything");

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("permissions are among");
    }
}
