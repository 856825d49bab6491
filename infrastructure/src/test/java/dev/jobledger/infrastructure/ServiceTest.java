package dev.jobledger.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.infrastructure.Terraform.Block;
import dev.jobledger.infrastructure.Terraform.Configuration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServiceTest {

    /** What the service reads (application/src/main/resources/application.yml). */
    private static final Set<String> SERVICE_ENVIRONMENT = Set.of(
            "JOBLEDGER_DATABASE_URL",
            "JOBLEDGER_S3_BUCKET",
            "JOBLEDGER_SQS_QUEUE_URL",
            "JOBLEDGER_SQS_DLQ_URL",
            "JOBLEDGER_JWT_ISSUER_URI",
            "JOBLEDGER_JWT_JWK_SET_URI",
            "JOBLEDGER_JWT_AUDIENCE",
            "JOBLEDGER_DASHBOARD_CLIENT_ID",
            "JOBLEDGER_DASHBOARD_SCOPES",
            "AWS_REGION");

    private final Configuration module = Terraform.sources().module("job-ledger-service");

    @Test
    void containerGetsTheEnvironmentTheServiceReadsAndItsCredentialsFromTheSecrets() {
        // local.environment and local.secrets are merge(...)s, which hcl4j does not evaluate: check the text of the
        // locals (the module's terraform test checks the planned task definition).
        String locals = Terraform.squash(module.source());

        assertThat(SERVICE_ENVIRONMENT).allSatisfy(name -> assertThat(locals).contains(" " + name + " = "));
        assertThat(locals)
                .contains("JOBLEDGER_DATABASE_USERNAME = \"${var.database_secret_arn}:username::\"")
                .contains("JOBLEDGER_DATABASE_PASSWORD = \"${var.database_secret_arn}:password::\"")
                .contains("JOBLEDGER_DASHBOARD_CLIENT_SECRET = var.dashboard_client_secret_arn")
                .contains("readonlyRootFilesystem = true");
    }

    @Test
    void taskRoleIsScopedToTheBucketPrefixTheQueuesAndTheKeysThroughTheirServices() {
        Block task = document("task");
        List<Map<String, Object>> statements = Terraform.blocksIncludingDynamic(task.body(), "statement");

        assertThat(statements)
                .flatExtracting(s -> Terraform.strings(s.get("actions")))
                .containsExactlyInAnyOrder(
                        "s3:PutObject",
                        "s3:AbortMultipartUpload",
                        "s3:DeleteObject",
                        "sqs:SendMessage",
                        "sqs:ReceiveMessage",
                        "sqs:DeleteMessage",
                        "sqs:GetQueueAttributes",
                        "sqs:ChangeMessageVisibility",
                        "kms:GenerateDataKey",
                        "kms:Decrypt");
        assertThat(Terraform.squash(task.source()))
                .contains("resources = [\"${var.bucket_arn}/${var.bucket_prefix}*\"]")
                .contains("resources = [var.queue_arn]")
                .contains("resources = [var.dlq_arn]")
                .contains("variable = \"kms:ViaService\"");
    }

    @Test
    void executionRoleOnlyPullsTheImageWritesItsLogsAndReadsItsSecrets() {
        String execution = Terraform.squash(document("execution").source());

        assertThat(execution)
                .contains("resources = [aws_ecr_repository.this.arn]")
                .contains("resources = [\"${aws_cloudwatch_log_group.this.arn}:log-stream:*\"]")
                .contains("resources = [var.database_secret_arn]")
                .contains("for_each = var.dashboard_client_secret_arn == null ? [] : [var.dashboard_client_secret_arn]")
                .contains("values = [\"secretsmanager.${local.region}.amazonaws.com\"]");
        assertThat(module.resources("aws_iam_role_policy_attachment"))
                .as("no AWS managed policy (AmazonECSTaskExecutionRolePolicy grants logs on *)")
                .isEmpty();
    }

    @Test
    void loadBalancerIsInternalWithAnHttpsListenerOnly() {
        assertThat(Terraform.squash(module.resource("aws_lb", "this").source()))
                .contains("internal = true")
                .contains("drop_invalid_header_fields = true");
        assertThat(module.resources("aws_lb_listener")).hasSize(1);
        assertThat(Terraform.squash(module.resource("aws_lb_listener", "https").source()))
                .contains("protocol = \"HTTPS\"")
                .contains("certificate_arn = var.certificate_arn");
        assertThat(Terraform.squash(
                        module.resource("aws_lb_target_group", "this").source()))
                .contains("path = \"/actuator/health/readiness\"");
    }

    @Test
    void serviceScalesOnCpuAndRequestCountAndRollsBackFailedDeployments() {
        assertThat(Terraform.squash(
                        module.resource("aws_appautoscaling_policy", "cpu").source()))
                .contains("ECSServiceAverageCPUUtilization");
        assertThat(Terraform.squash(
                        module.resource("aws_appautoscaling_policy", "requests").source()))
                .contains("ALBRequestCountPerTarget");
        assertThat(Terraform.squash(module.resource("aws_ecs_service", "this").source()))
                .contains("rollback = true")
                .contains("assign_public_ip = false")
                .contains("ignore_changes = [desired_count]");
        assertThat(Terraform.squash(
                        module.resource("aws_cloudwatch_log_group", "this").source()))
                .contains("retention_in_days = var.log_retention_days");
    }

    private Block document(String name) {
        return module.data("aws_iam_policy_document").stream()
                .filter(b -> b.name().equals(name))
                .findFirst()
                .orElseThrow();
    }
}
