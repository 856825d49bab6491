package dev.jobledger.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.infrastructure.Terraform.Block;
import dev.jobledger.infrastructure.Terraform.Configuration;
import java.util.List;
import org.junit.jupiter.api.Test;

class QaEnvironmentTest {

    private final Configuration qa = Terraform.sources().environment("qa");

    @Test
    void resourceNamesArePrefixedWithTheEnvironment() {
        String source = Terraform.squash(qa.source());

        assertThat(source)
                .contains("prefix = \"${var.environment}-job-ledger\"")
                .contains("bucket_name = coalesce(var.job_bucket_name, \"${local.prefix}-jobs\")")
                .contains("name = \"${local.prefix}-jobs\"")
                .contains("function_name = \"${local.prefix}-job-processor\"");
        assertThat(qa.variable("environment").orElseThrow().body()).containsEntry("default", "qa");
    }

    @Test
    void jobProcessorMayReachTheDatabaseAndTheService() {
        List<Block> ingress = qa.resources("aws_vpc_security_group_ingress_rule");

        assertThat(ingress)
                .anySatisfy(rule -> assertThat(Terraform.squash(rule.source()))
                        .contains("security_group_id = var.rds_security_group_id")
                        .contains("from_port = var.database_port")
                        .contains("referenced_security_group_id = module.job_processor.security_group_id"));
        assertThat(ingress)
                .anySatisfy(rule -> assertThat(Terraform.squash(rule.source()))
                        .contains("security_group_id = var.service_security_group_id")
                        .contains("from_port = var.service_port")
                        .contains("referenced_security_group_id = module.job_processor.security_group_id"));
        assertThat(((Number) qa.variable("database_port").orElseThrow().body().get("default")).intValue())
                .isEqualTo(5432);
        assertThat(((Number) qa.variable("service_port").orElseThrow().body().get("default")).intValue())
                .isEqualTo(8080);
    }

    @Test
    void serviceConfigurationSecretHoldsTheServiceEnvironment() {
        String source = Terraform.squash(qa.source());

        assertThat(source)
                .contains("JOBLEDGER_S3_BUCKET = module.job_bucket.bucket_name")
                .contains("JOBLEDGER_SQS_QUEUE_URL = module.job_queue.queue_url")
                .contains("JOBLEDGER_SQS_DLQ_URL = module.job_queue.dlq_url")
                .contains("AWS_REGION = var.aws_region")
                .contains("JOBLEDGER_ATTEMPTS_LEASE = \"${2 * var.lambda_timeout_seconds}s\"")
                .contains("JOBLEDGER_S3_KMS_KEY_ID = var.kms_key_arn")
                .contains("SPRING_DATASOURCE_URL = var.database_jdbc_url")
                .contains("JOBLEDGER_JWT_ISSUER_URI = var.jwt_issuer_uri");
        assertThat(Terraform.squash(qa.resource("aws_secretsmanager_secret_version", "service_config")
                        .source()))
                .contains("secret_string = jsonencode(local.service_environment)");
    }

    @Test
    void outputsCoverEverythingTheServiceConfigurationNeeds() {
        assertThat(qa.outputs())
                .extracting(Block::name)
                .contains(
                        "aws_region",
                        "job_bucket_name",
                        "s3_kms_key_id",
                        "job_queue_url",
                        "job_queue_arn",
                        "job_dlq_url",
                        "job_processor_function_name",
                        "bridge_token_secret_arn",
                        "service_config_secret_arn",
                        "service_environment",
                        "dashboard_name");
    }

    @Test
    void jobFlowDashboardShowsQueuesAndFunctionMetrics() {
        Configuration dashboard = Terraform.sources().module("job-dashboard");
        String source = dashboard.source();

        for (String metric : List.of(
                "ApproximateNumberOfMessagesVisible",
                "ApproximateAgeOfOldestMessage",
                "Errors",
                "Duration",
                "Throttles",
                "ConcurrentExecutions")) {
            assertThat(source).as("dashboard metric %s", metric).contains("\"" + metric + "\"");
        }
        assertThat(Terraform.squash(source)).contains("var.dlq_name").contains("var.queue_name");
        assertThat(qa.moduleCalls())
                .anySatisfy(call -> assertThat(call.body()).containsEntry("source", "../../modules/job-dashboard"));
    }
}
