package dev.jobledger.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.infrastructure.Terraform.Block;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaggingTest {

    /** Resource types of this repository that accept tags. */
    private static final Set<String> TAGGABLE = Set.of(
            "aws_s3_bucket",
            "aws_sqs_queue",
            "aws_sns_topic",
            "aws_kms_key",
            "aws_lambda_function",
            "aws_lambda_event_source_mapping",
            "aws_iam_role",
            "aws_iam_policy",
            "aws_cloudwatch_log_group",
            "aws_cloudwatch_metric_alarm",
            "aws_security_group",
            "aws_vpc_security_group_egress_rule",
            "aws_vpc_security_group_ingress_rule",
            "aws_secretsmanager_secret",
            "aws_db_instance",
            "aws_db_parameter_group",
            "aws_db_subnet_group",
            "aws_ecr_repository",
            "aws_ecs_cluster",
            "aws_ecs_service",
            "aws_ecs_task_definition",
            "aws_lb",
            "aws_lb_target_group",
            "aws_lb_listener",
            "aws_appautoscaling_target",
            "aws_vpc",
            "aws_subnet",
            "aws_vpc_endpoint",
            "aws_route_table");

    private final Terraform terraform = Terraform.sources();

    @Test
    void everyTaggableResourceGetsTheMergedTags() {
        List<Block> taggable = terraform.configurations().stream()
                .flatMap(c -> c.allResources().stream())
                .filter(r -> TAGGABLE.contains(r.type()))
                .toList();

        assertThat(taggable)
                .isNotEmpty()
                .allSatisfy(resource -> assertThat(Terraform.squash(resource.source()))
                        .as("tags of %s", resource)
                        .containsPattern("\\btags = (local\\.tags|merge\\(local\\.tags,)"));
    }

    @Test
    void modulesWithTaggableResourcesMergeATagsVariable() {
        assertThat(terraform.modules()).allSatisfy(module -> {
            boolean hasTaggable = module.allResources().stream().anyMatch(r -> TAGGABLE.contains(r.type()));
            if (hasTaggable) {
                assertThat(module.variable("tags"))
                        .as("tags variable of %s", module.dir())
                        .isPresent();
                assertThat(Terraform.squash(module.source()))
                        .as("locals of %s", module.dir())
                        .containsPattern("tags = merge\\(var\\.tags,");
            }
        });
    }
}
