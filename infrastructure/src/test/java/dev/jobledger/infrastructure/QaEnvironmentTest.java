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
    void onlyTheServiceReachesTheDatabaseAndTheFunctionReachesTheServiceThroughItsAlb() {
        String source = Terraform.squash(qa.source());

        assertThat(source)
                .contains("allowed_security_group_ids = [module.service.security_group_id]")
                .contains("client_security_group_ids = [module.job_processor.security_group_id]")
                .contains("https_egress_security_group_ids = [module.service.alb_security_group_id]")
                .contains("api_base_url = \"https://${var.service_domain_name}\"")
                .contains("api_base_url = local.api_base_url");
        // No rule of the environment admits the function into the database.
        assertThat(qa.resources("aws_vpc_security_group_ingress_rule"))
                .noneSatisfy(rule -> assertThat(Terraform.squash(rule.source())).contains("database"));
        assertThat(Terraform.squash(
                        Terraform.sources().module("lambda-job-processor").source()))
                .doesNotContain("database_port")
                .doesNotContain("5432");
    }

    @Test
    void serviceGetsItsDatabaseQueuesBucketAndIdentityProviderFromTheModules() {
        String source = Terraform.squash(qa.source());

        assertThat(source)
                .contains("database_jdbc_url = module.database.jdbc_url")
                .contains("database_secret_arn = module.database.master_user_secret_arn")
                .contains("database_security_group_id = module.database.security_group_id")
                .contains("bucket_name = module.job_bucket.bucket_name")
                .contains("queue_url = module.job_queue.queue_url")
                .contains("dlq_url = module.job_queue.dlq_url")
                .contains("jwt_issuer_uri = var.jwt_issuer_uri")
                .contains("JOBLEDGER_ATTEMPTS_LEASE = \"${2 * var.lambda_timeout_seconds}s\"");
        assertThat(qa.resources("aws_secretsmanager_secret_version")).isEmpty();
    }

    @Test
    void vpcIsCreatedOrGivenWithTheEndpointsTheServiceAndTheFunctionNeed() {
        String source = Terraform.squash(qa.source());

        assertThat(source)
                .contains("vpc_endpoint_type = \"Gateway\"")
                .contains("toset([\"sqs\", \"secretsmanager\", \"sts\", \"kms\", \"ecr.api\", \"ecr.dkr\", \"logs\"])")
                .contains("private_dns_enabled = true");
        assertThat(qa.variable("create_vpc")).isPresent();
        assertThat(qa.variable("vpc_id")).isPresent();
        assertThat(qa.variable("private_subnet_ids")).isPresent();
    }

    @Test
    void outputsCoverWhatTheDeploymentGuideUses() {
        assertThat(qa.outputs())
                .extracting(Block::name)
                .contains(
                        "aws_region",
                        "job_bucket_name",
                        "job_queue_url",
                        "job_dlq_url",
                        "job_dlq_arn",
                        "job_processor_function_name",
                        "bridge_token_secret_arn",
                        "service_url",
                        "service_ecr_repository_url",
                        "service_cluster_name",
                        "service_name",
                        "database_secret_arn",
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
