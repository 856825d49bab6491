package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobledger.testing.Api;
import dev.jobledger.testing.LedgerIntegrationTest;
import org.junit.jupiter.api.Test;

class ServiceDescriptionTest extends LedgerIntegrationTest {

    @Test
    void healthIsUpWithoutAToken() {
        Api.Answer health = api.get("/actuator/health", null);

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body().path("status").asText()).isEqualTo("UP");
    }

    @Test
    void theOpenApiDocumentDescribesEveryEndpoint() {
        JsonNode paths = api.get("/v3/api-docs", null).body().path("paths");

        assertThat(paths.path("/api/jobs").has("post")).isTrue();
        assertThat(paths.path("/api/jobs").has("get")).isTrue();
        assertThat(paths.has("/api/jobs/{jobId}")).isTrue();
        assertThat(paths.has("/api/jobs/{jobId}/logs")).isTrue();
        assertThat(paths.has("/api/jobs/{jobId}/cancel")).isTrue();
        assertThat(paths.has("/api/jobs/{jobId}/retry")).isTrue();
        for (String report : new String[] {"attempts", "logs", "progress", "complete", "fail"}) {
            assertThat(paths.has("/internal/jobs/{jobId}/" + report)).as(report).isTrue();
        }
    }
}
