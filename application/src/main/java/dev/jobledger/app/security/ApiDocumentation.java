package dev.jobledger.app.security;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.tags.Tag;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the generated OpenAPI document cannot know from the controllers: that every operation needs a bearer token
 * and which permission (from {@link SecurityConfiguration#ACCESS}, the table the filter chain enforces), and the
 * problem+json answers each operation can give. A generated client then knows to send a token and how errors look.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class ApiDocumentation {

    static final String BEARER = "bearer";
    static final String PROBLEM = "Problem";
    static final String PROBLEM_JSON = "application/problem+json";

    @Bean
    OpenAPI jobLedgerApi() {
        return new OpenAPI()
                .info(new Info().title("Job Ledger").version("v1").description("""
                                Long, asynchronous jobs with a complete, replayable history. Every request carries a \
                                bearer JWT whose `permissions` claim grants `job:Create`, `job:Read`, `job:Admin` \
                                (every job), `job:Report` (the worker bridge only) or `job:Metrics` (the Prometheus \
                                scrape only). Errors are RFC 9457 `application/problem+json`. Another user's job is \
                                answered 404, never 403."""))
                .components(new Components()
                        .addSecuritySchemes(
                                BEARER,
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .bearerFormat("JWT")
                                        .description("A JWT from the identity provider; its `permissions` claim (a "
                                                + "list) grants access, its `sub` is the user id.")))
                .tags(List.of(
                        new Tag().name("Jobs").description("Submit, list, read, cancel, retry and redrive jobs."),
                        new Tag()
                                .name("History")
                                .description("The audit trail from the event store: events, state at an instant, "
                                        + "the hash chain."),
                        new Tag().name("Administration").description("Read-model rebuilds (job:Admin)."),
                        new Tag()
                                .name("Worker bridge (internal)")
                                .description("What the Lambda function reports (job:Report only).")));
    }

    @Bean
    OpenApiCustomizer securityAndProblems() {
        return api -> {
            api.getComponents().addSchemas(PROBLEM, problemSchema());
            api.getPaths()
                    .forEach((path, item) ->
                            item.readOperationsMap().forEach((method, operation) -> document(path, method, operation)));
        };
    }

    private static void document(String path, PathItem.HttpMethod method, Operation operation) {
        List<String> permissions = SecurityConfiguration.ACCESS.stream()
                .filter(rule -> rule.covers(method.name(), path))
                .findFirst()
                .map(SecurityConfiguration.Access::permissions)
                .orElse(List.of());
        operation.setSecurity(List.of(new SecurityRequirement().addList(BEARER)));
        operation.addExtension("x-permissions", permissions);
        String needs = "Needs a token with "
                + String.join(
                        " or ",
                        permissions.stream()
                                .map(permission -> "`" + permission + "`")
                                .toList()) + ".";
        String description = operation.getDescription();
        operation.setDescription(description == null || description.isBlank() ? needs : description + "\n\n" + needs);

        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        // springdoc lists the catch-all exception handler's answer as the default; the problems below say more.
        responses.remove("500");
        problem(
                responses,
                "400",
                "The request is malformed or fails validation",
                "Bad Request",
                "pageSize: must be less than or equal to 100");
        problem(
                responses,
                "401",
                "No token, or an invalid or expired one",
                "Unauthorized",
                "A valid bearer token is required");
        if (path.startsWith("/internal/jobs/")) {
            problem(
                    responses,
                    "403",
                    "The token lacks the permission this operation needs, or the attempt ticket does not admit the"
                            + " job and attempt named",
                    "Forbidden",
                    "the attempt ticket does not admit attempt 2 of job 3f2b1c1e-8f8e-4c55-9b1d-6a1f9c2a7e10");
        } else {
            problem(
                    responses,
                    "403",
                    "The token lacks the permission this operation needs",
                    "Forbidden",
                    "The token does not grant this operation");
        }
        if (path.contains("{jobId}")) {
            problem(
                    responses,
                    "404",
                    "No such job, or another user's",
                    "Not Found",
                    "Job 3f2b1c1e-8f8e-4c55-9b1d-6a1f9c2a7e10 was not found");
        }
        boolean changesState = method == PathItem.HttpMethod.POST;
        if (changesState
                && !path.startsWith("/internal/")
                && !path.equals("/api/jobs")
                && !path.equals("/api/jobs/batch")) {
            problem(
                    responses,
                    "409",
                    "The job's lifecycle does not allow this change now",
                    "Conflict",
                    "A COMPLETED job cannot become CANCELLED");
        }
        if (operation.getRequestBody() != null) {
            problem(
                    responses,
                    "413",
                    "The body, a document in it or the uploaded file is too large",
                    "Payload Too Large",
                    "The payload is larger than 262144 bytes");
        }
        if (path.equals("/api/jobs") && changesState) {
            problem(
                    responses,
                    "422",
                    "The Idempotency-Key was used before with another request",
                    "Unprocessable Entity",
                    "Idempotency-Key import-2026-11-23 was used with another request");
        }
        operation.setResponses(responses);
    }

    private static void problem(
            ApiResponses responses, String status, String description, String title, String detail) {
        Map<String, Object> example = new LinkedHashMap<>();
        example.put("type", "about:blank");
        example.put("title", title);
        example.put("status", Integer.parseInt(status));
        example.put("detail", detail);
        example.put("instance", "/api/jobs");
        responses.addApiResponse(
                status,
                new ApiResponse()
                        .description(description)
                        .content(new Content()
                                .addMediaType(
                                        PROBLEM_JSON,
                                        new MediaType()
                                                .schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))
                                                .example(example))));
    }

    private static Schema<?> problemSchema() {
        return new ObjectSchema()
                .description("RFC 9457 problem details; some problems add members (a refused transition: "
                        + "`from` and `to`)")
                .addProperty("type", new StringSchema().format("uri-reference").example("about:blank"))
                .addProperty("title", new StringSchema().example("Conflict"))
                .addProperty("status", new IntegerSchema().example(409))
                .addProperty("detail", new StringSchema().example("A COMPLETED job cannot become CANCELLED"))
                .addProperty(
                        "instance",
                        new StringSchema()
                                .format("uri-reference")
                                .example("/api/jobs/3f2b1c1e-8f8e-4c55-9b1d-6a1f9c2a7e10/cancel"))
                .additionalProperties(true);
    }
}
