package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobledger.testing.Api;
import dev.jobledger.testing.LedgerIntegrationTest;
import dev.jobledger.testing.Tokens;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.tags.Tag;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document is the contract generated clients are built from: it must be valid, say that every operation
 * needs a bearer token and which permission, and describe every problem answer. This is the lint CI runs.
 */
class DescribingTheApiTest extends LedgerIntegrationTest {

    private static final List<String> PERMISSIONS =
            List.of("job:Create", "job:Read", "job:Admin", "job:Report", "job:Metrics");

    private String document;
    private OpenAPI description;

    @BeforeEach
    void read() {
        Api.Answer answer = api.getText("/v3/api-docs", null);
        assertThat(answer.status()).isEqualTo(200);
        document = answer.raw().body();
        // Kept for other linters (npx @redocly/cli lint application/target/openapi.json).
        try {
            Files.writeString(Path.of("target", "openapi.json"), document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(document, null, options);
        assertThat(parsed.getMessages()).as("validation errors").isEmpty();
        description = parsed.getOpenAPI();
    }

    @Test
    void theSameDescriptionIsOpenAsYamlForToolsThatReadIt() {
        Api.Answer yaml = api.getText("/v3/api-docs.yaml", null);

        assertThat(yaml.status()).isEqualTo(200);
        assertThat(yaml.raw().body()).startsWith("openapi: 3.0.1").contains("/api/jobs/batch:");
    }

    @Test
    void theDocumentIsValidOpenApiWithABearerJwtScheme() {
        SecurityScheme bearer = description.getComponents().getSecuritySchemes().get("bearer");

        assertThat(bearer.getType()).isEqualTo(SecurityScheme.Type.HTTP);
        assertThat(bearer.getScheme()).isEqualTo("bearer");
        assertThat(bearer.getBearerFormat()).isEqualTo("JWT");
        assertThat(description.getInfo().getDescription()).isNotBlank();
        assertThat(description.getComponents().getSchemas()).containsKey("Problem");
    }

    @Test
    void everyOperationNeedsATokenNamesItsPermissionAndIsDescribed() {
        Set<String> tags =
                new HashSet<>(description.getTags().stream().map(Tag::getName).toList());
        Set<String> operationIds = new HashSet<>();
        eachOperation((where, operation) -> {
            assertThat(operation.getSecurity()).as(where).isNotEmpty();
            assertThat(operation.getSecurity().get(0)).as(where).containsKey("bearer");
            assertThat(permissions(operation)).as(where).isNotEmpty();
            assertThat(operation.getSummary()).as(where).isNotBlank();
            assertThat(operation.getDescription()).as(where).contains("Needs a token with");
            assertThat(operation.getTags()).as(where).isNotEmpty();
            assertThat(tags).as(where).containsAll(operation.getTags());
            assertThat(operationIds.add(operation.getOperationId()))
                    .as(where + " has a unique operationId")
                    .isTrue();
        });
    }

    @Test
    void everyOperationDescribesItsProblemAnswers() {
        eachOperation((where, operation) -> {
            List<String> expected = new ArrayList<>(List.of("400", "401", "403"));
            if (where.contains("{jobId}")) {
                expected.add("404");
            }
            if (operation.getRequestBody() != null) {
                expected.add("413");
            }
            if (where.equals("POST /api/jobs")) {
                expected.add("422");
            }
            if (where.matches("POST /api/jobs/.*/(cancel|retry|redrive)")) {
                expected.add("409");
            }
            for (String status : expected) {
                ApiResponse response = operation.getResponses().get(status);
                assertThat(response).as(where + " " + status).isNotNull();
                MediaType problem = response.getContent().get("application/problem+json");
                assertThat(problem).as(where + " " + status).isNotNull();
                assertThat(problem.getSchema().get$ref()).isEqualTo("#/components/schemas/Problem");
                assertThat(problem.getExample()).as(where + " " + status).isNotNull();
            }
        });
    }

    @Test
    void everyOperationRefusesATokenWithoutItsDocumentedPermission() {
        eachOperation((where, operation) -> {
            List<String> others = new ArrayList<>(PERMISSIONS);
            others.removeAll(permissions(operation));
            String token = Tokens.hs256(newUser(), others, Duration.ofMinutes(5));
            String[] methodAndPath = where.split(" ", 2);
            String path = methodAndPath[1].replace("{jobId}", UUID.randomUUID().toString());
            Api.Answer answer = methodAndPath[0].equals("GET") ? api.get(path, token) : api.post(path, token, Map.of());
            assertThat(answer.status()).as(where + " with " + others).isEqualTo(403);
        });
    }

    @Test
    void theDocumentNamesEveryEndpoint() {
        JsonNode paths = api.get("/v3/api-docs", null).body().path("paths");

        assertThat(paths.has("/api/jobs/{jobId}/failed-rows.csv")).isTrue();
        assertThat(paths.has("/api/admin/read-models/rebuild")).isTrue();
        assertThat(paths.has("/api/jobs/batch")).isTrue();
    }

    @Test
    void theDocumentStatesWhatAnIdempotencyKeyAndAJobTypeMayBe() {
        JsonNode document = api.get("/v3/api-docs", null).body();
        JsonNode components = document.path("components").path("schemas");
        JsonNode submit = document.path("paths").path("/api/jobs").path("post");
        JsonNode header = null;
        for (JsonNode parameter : submit.path("parameters")) {
            if (parameter.path("name").asText().equals("Idempotency-Key")) {
                header = parameter.path("schema");
            }
        }

        assertThat(header).isNotNull();
        assertThat(header.path("maxLength").asInt()).isEqualTo(255);
        assertThat(header.path("pattern").asText()).isNotEmpty();
        JsonNode item = components.path("Item");
        assertThat(item.path("properties")
                        .path("idempotencyKey")
                        .path("maxLength")
                        .asInt())
                .as(item.toString())
                .isEqualTo(255);
        assertThat(components
                        .path("SubmitJobRequest")
                        .path("properties")
                        .path("jobType")
                        .path("pattern")
                        .asText())
                .isNotEmpty();
    }

    @SuppressWarnings("unchecked")
    private static List<String> permissions(Operation operation) {
        Object permissions = operation.getExtensions() == null
                ? null
                : operation.getExtensions().get("x-permissions");
        return permissions == null ? List.of() : (List<String>) permissions;
    }

    private void eachOperation(BiConsumer<String, Operation> check) {
        assertThat(description.getPaths()).isNotEmpty();
        description.getPaths().forEach((path, item) -> {
            Map<PathItem.HttpMethod, Operation> operations = item.readOperationsMap();
            operations.forEach((method, operation) -> check.accept(method + " " + path, operation));
        });
    }
}
