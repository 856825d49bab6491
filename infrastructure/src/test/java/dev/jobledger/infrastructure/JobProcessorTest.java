package dev.jobledger.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.infrastructure.Terraform.Block;
import dev.jobledger.infrastructure.Terraform.Configuration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class JobProcessorTest {

    /** The Java side of the function reads exactly these names. */
    private static final Set<String> FUNCTION_ENVIRONMENT = Set.of(
            "JOBLEDGER_API_BASE_URL",
            "JOBLEDGER_BRIDGE_TOKEN_SECRET_ARN",
            "JOBLEDGER_S3_BUCKET",
            "JOBLEDGER_SAFETY_MARGIN_SECONDS",
            "JAVA_TOOL_OPTIONS");

    private final Configuration module = Terraform.sources().module("lambda-job-processor");

    @Test
    void eventSourceMappingReportsBatchItemFailures() {
        List<Block> mappings = module.resources("aws_lambda_event_source_mapping");

        assertThat(mappings).isNotEmpty().allSatisfy(mapping -> {
            assertThat(mapping.body()).containsEntry("function_response_types", List.of("ReportBatchItemFailures"));
            assertThat(mapping.body()).containsKey("batch_size");
            assertThat(Terraform.map(mapping.body().get("scaling_config"))).containsKey("maximum_concurrency");
            assertThat(Terraform.squash(mapping.source()))
                    .contains("event_source_arn = var.queue_arn")
                    .contains("batch_size = var.batch_size")
                    .contains("maximum_concurrency = var.maximum_concurrency");
        });
    }

    @Test
    void functionEnvironmentUsesTheNamesTheJavaSideReads() {
        Block function = module.resource("aws_lambda_function", "this");
        assertThat(Terraform.squash(function.source())).contains("variables = local.environment_variables");

        Map<String, Object> environment = Terraform.map(module.locals().get("environment_variables"));
        assertThat(environment.keySet()).containsExactlyInAnyOrderElementsOf(FUNCTION_ENVIRONMENT);
        assertThat(environment).containsEntry("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");
        String locals = Terraform.squash(module.source());
        assertThat(locals)
                .contains("JOBLEDGER_API_BASE_URL = var.api_base_url")
                .contains("JOBLEDGER_BRIDGE_TOKEN_SECRET_ARN = aws_secretsmanager_secret.bridge_token.arn")
                .contains("JOBLEDGER_S3_BUCKET = var.bucket_name")
                .contains("JOBLEDGER_SAFETY_MARGIN_SECONDS = tostring(var.bridge_call_budget_seconds)");
    }

    @Test
    void theFunctionLogsJsonAtTheLevelTheModuleIsGivenAndInfoByDefault() {
        String function =
                Terraform.squash(module.resource("aws_lambda_function", "this").source());

        assertThat(function)
                .contains("log_format = \"JSON\"")
                .contains("log_group = aws_cloudwatch_log_group.this.name")
                .contains("application_log_level = var.log_level");
        assertThat(module.variable("log_level").orElseThrow().body()).containsEntry("default", "INFO");
    }

    @Test
    void bridgeRetriesFitInsideTheFunctionTimeout() {
        // 4 tries x (3 s connect + 15 s request) + up to 1.4 s of backoff (BridgeConfig.builder defaults), and one
        // token
        // request of the client-credentials grant (ClientCredentials: 2 s connect + 5 s).
        double worstCall = 4 * (3 + 15) + 0.2 + 0.4 + 0.8 + 2 + 5;
        double budget = ((Number) module.variable("bridge_call_budget_seconds")
                        .orElseThrow()
                        .body()
                        .get("default"))
                .doubleValue();
        double timeout = ((Number)
                        module.variable("timeout_seconds").orElseThrow().body().get("default"))
                .doubleValue();

        assertThat(budget).isGreaterThanOrEqualTo(worstCall);
        assertThat(timeout).isGreaterThanOrEqualTo(budget + 30);
        assertThat(Terraform.squash(
                        module.resource("aws_lambda_function", "this").source()))
                .contains("condition = var.timeout_seconds >= var.bridge_call_budget_seconds + 30");
        assertThat(Terraform.squash(module.variable("bridge_call_budget_seconds")
                        .orElseThrow()
                        .source()))
                .contains("var.bridge_call_budget_seconds >= 81");
    }

    @Test
    void apiBaseUrlMustBeHttps() {
        assertThat(Terraform.squash(
                        module.variable("api_base_url").orElseThrow().source()))
                .contains("can(regex(\"^https://[^/]+\", var.api_base_url))");
    }

    @Test
    void triggerIsOffUntilEnabled() {
        assertThat(module.variable("event_source_enabled").orElseThrow().body()).containsEntry("default", false);
        assertThat(Terraform.squash(Terraform.sources().environment("qa").source()))
                .contains("event_source_enabled = var.lambda_event_source_enabled");
        assertThat(Terraform.sources()
                        .environment("qa")
                        .variable("lambda_event_source_enabled")
                        .orElseThrow()
                        .body())
                .containsEntry("default", false);
    }

    @Test
    void functionRunsTheJobHandlerOnAJavaRuntimeFromTheBuiltJar() {
        assertThat(module.variable("handler").orElseThrow().body())
                .containsEntry("default", "dev.jobledger.lambda.SqsJobHandler::handleRequest");
        assertThat(module.variable("jar_path").orElseThrow().body())
                .containsEntry("default", "../../../lambda-bridge/target/lambda-bridge.jar");
        assertThat((String) module.variable("runtime").orElseThrow().body().get("default"))
                .isIn("java17", "java21");
        assertThat(Terraform.squash(module.variable("runtime").orElseThrow().source()))
                .contains("contains([\"java17\", \"java21\"], var.runtime)");
        assertThat(Terraform.squash(
                        module.resource("aws_lambda_function", "this").source()))
                .contains("handler = var.handler")
                .contains("runtime = var.runtime")
                .contains("timeout = var.timeout_seconds")
                .contains("memory_size = var.memory_size");
    }

    @Test
    void snapStartPublishesVersionsAndTheQueueInvokesTheAlias() {
        String function =
                Terraform.squash(module.resource("aws_lambda_function", "this").source());
        assertThat(function).contains("publish = var.snap_start_enabled").contains("dynamic \"snap_start\"");
        assertThat(Terraform.squash(module.resource("aws_lambda_alias", "live").source()))
                .contains("count = var.snap_start_enabled ? 1 : 0")
                .contains("function_version = aws_lambda_function.this.version");
        assertThat(Terraform.squash(module.resource("aws_lambda_event_source_mapping", "jobs")
                        .source()))
                .contains("function_name = var.snap_start_enabled ? aws_lambda_alias.live[0].arn "
                        + ": aws_lambda_function.this.arn");
    }

    @Test
    void functionLogsToItsOwnLogGroupWithRetention() {
        Block logGroup = module.resource("aws_cloudwatch_log_group", "this");

        assertThat(Terraform.squash(logGroup.source()))
                .contains("name = local.log_group_name")
                .contains("retention_in_days = var.log_retention_days")
                .contains("kms_key_id = var.log_kms_key_arn");
        assertThat(Terraform.squash(module.source())).contains("log_group_name = \"/aws/lambda/${var.function_name}\"");
        assertThat(module.variable("log_retention_days").orElseThrow().body().get("default"))
                .isNotNull();
    }

    @Test
    void functionSecurityGroupHasNoIngress() {
        assertThat(module.resources("aws_security_group")).isNotEmpty().allSatisfy(group -> {
            assertThat(group.body()).doesNotContainKeys("ingress", "egress");
            assertThat(Terraform.blocksIncludingDynamic(group.body(), "ingress"))
                    .isEmpty();
        });
        assertThat(module.resources("aws_vpc_security_group_ingress_rule")).isEmpty();
        assertThat(module.resources("aws_security_group_rule")).isEmpty();
        assertThat(Terraform.squash(
                        module.resource("aws_lambda_function", "this").source()))
                .contains("security_group_ids = [aws_security_group.this.id]")
                .contains("subnet_ids = var.subnet_ids");
    }

    @Test
    void functionEgressIsLimitedToHttps() {
        List<Block> egress = module.resources("aws_vpc_security_group_egress_rule");
        Set<String> allowedPorts = Set.of("443");

        assertThat(egress).isNotEmpty().allSatisfy(rule -> {
            assertThat(rule.body()).containsEntry("ip_protocol", "tcp");
            String source = Terraform.squash(rule.source());
            assertThat(attribute(source, "from_port"))
                    .as("from_port of %s", rule)
                    .isIn(allowedPorts);
            assertThat(attribute(source, "to_port"))
                    .as("to_port of %s", rule)
                    .isEqualTo(attribute(source, "from_port"));
        });
        assertThat(egress)
                .extracting(rule -> attribute(Terraform.squash(rule.source()), "from_port"))
                .containsAll(allowedPorts);
    }

    @Test
    void bridgeSecretIsCreatedWithoutItsValue() {
        assertThat(module.resources("aws_secretsmanager_secret"))
                .extracting(Block::name)
                .contains("bridge_token");
        assertThat(module.resources("aws_secretsmanager_secret_version"))
                .as("the bridge credential must not enter Terraform state")
                .isEmpty();
    }

    @Test
    void functionRoleGetsOnlyTheJobProcessorPermissions() {
        Block permissions = module.data("aws_iam_policy_document").stream()
                .filter(b -> b.name().equals("permissions"))
                .findFirst()
                .orElseThrow();
        List<Map<String, Object>> statements = Terraform.blocksIncludingDynamic(permissions.body(), "statement");

        assertThat(statements)
                .flatExtracting(s -> Terraform.strings(s.get("actions")))
                .containsExactlyInAnyOrder(
                        "sqs:ReceiveMessage",
                        "sqs:DeleteMessage",
                        "sqs:GetQueueAttributes",
                        "s3:GetObject",
                        "logs:CreateLogStream",
                        "logs:PutLogEvents",
                        "secretsmanager:GetSecretValue",
                        "kms:Decrypt",
                        "sqs:GetQueueUrl",
                        "sqs:SendMessage",
                        "kms:GenerateDataKey",
                        "sqs:SendMessage");
        String source = Terraform.squash(permissions.source());
        assertThat(source)
                .contains("resources = [var.queue_arn]")
                .contains("resources = [\"${var.bucket_arn}/jobs/*\"]")
                .contains("resources = [\"${aws_cloudwatch_log_group.this.arn}:log-stream:*\"]")
                .contains("resources = [aws_secretsmanager_secret.bridge_token.arn]")
                .contains("for_each = length(local.kms_key_arns) > 0 ? [local.kms_key_arns] : []")
                .contains("variable = \"kms:ViaService\"")
                .contains("values = [local.kms_via_sqs]")
                .contains("for_each = var.dead_letter_target_arn == null ? [] : [var.dead_letter_target_arn]");
        assertThat(Terraform.squash(module.source()))
                .contains("kms_via_services = [for service in [\"sqs\", \"s3\", \"secretsmanager\"]");
        assertThat(Terraform.squash(
                        module.resource("aws_iam_role_policy", "this").source()))
                .contains("policy = data.aws_iam_policy_document.permissions.json");
    }

    private static String attribute(String squashedSource, String name) {
        Matcher matcher = Pattern.compile("\\b" + name + " = (\\S+)").matcher(squashedSource);
        return matcher.find() ? matcher.group(1) : null;
    }
}
