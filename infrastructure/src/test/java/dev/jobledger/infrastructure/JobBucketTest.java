package dev.jobledger.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.infrastructure.Terraform.Block;
import dev.jobledger.infrastructure.Terraform.Configuration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobBucketTest {

    private final Configuration module = Terraform.sources().module("s3-jobs");

    @Test
    void jobBucketBlocksAllPublicAccess() {
        Block block = module.resource("aws_s3_bucket_public_access_block", "jobs");

        assertThat(block.body())
                .containsEntry("block_public_acls", true)
                .containsEntry("block_public_policy", true)
                .containsEntry("ignore_public_acls", true)
                .containsEntry("restrict_public_buckets", true);
        assertThat(block.source()).contains("bucket = aws_s3_bucket.jobs.id");
    }

    @Test
    void jobBucketIsEncryptedByDefaultWithSseS3OrSseKmsAndABucketKey() {
        Block encryption = module.resource("aws_s3_bucket_server_side_encryption_configuration", "jobs");
        List<Map<String, Object>> rules = Terraform.blocks(encryption.body().get("rule"));

        assertThat(rules).hasSize(1);
        assertThat(Terraform.blocks(rules.get(0).get("apply_server_side_encryption_by_default")))
                .singleElement()
                .satisfies(byDefault -> assertThat(byDefault).containsKeys("sse_algorithm", "kms_master_key_id"));
        assertThat(Terraform.squash(encryption.source()))
                .contains("bucket = aws_s3_bucket.jobs.id")
                .contains("sse_algorithm = local.use_kms ? \"aws:kms\" : \"AES256\"")
                .contains("kms_master_key_id = var.kms_key_arn")
                .contains("bucket_key_enabled = local.use_kms");
        assertThat(Terraform.squash(module.source())).contains("use_kms = var.kms_key_arn != null");
    }

    @Test
    void jobBucketKeepsVersionsAndEnforcesBucketOwnership() {
        Block versioning = module.resource("aws_s3_bucket_versioning", "jobs");
        assertThat(Terraform.map(versioning.body().get("versioning_configuration")))
                .containsEntry("status", "Enabled");

        Block ownership = module.resource("aws_s3_bucket_ownership_controls", "jobs");
        assertThat(Terraform.map(ownership.body().get("rule")))
                .containsEntry("object_ownership", "BucketOwnerEnforced");
    }

    @Test
    void jobBucketDeniesRequestsWithoutTls() {
        Block policy = module.resource("aws_s3_bucket_policy", "jobs");
        assertThat(policy.source()).contains("data.aws_iam_policy_document.bucket.json");

        Block document = module.data("aws_iam_policy_document").stream()
                .filter(b -> b.name().equals("bucket"))
                .findFirst()
                .orElseThrow();
        assertThat(Terraform.blocks(document.body().get("statement"))).anySatisfy(statement -> {
            assertThat(statement).containsEntry("effect", "Deny");
            assertThat(Terraform.strings(statement.get("actions"))).containsExactly("s3:*");
            assertThat(Terraform.map(statement.get("condition")))
                    .containsEntry("test", "Bool")
                    .containsEntry("variable", "aws:SecureTransport")
                    .containsEntry("values", List.of("false"));
        });
    }

    @Test
    void jobBucketLifecycleAbortsUploadsExpiresNoncurrentVersionsAndOptionallyJobFiles() {
        Block lifecycle = module.resource("aws_s3_bucket_lifecycle_configuration", "jobs");
        List<Map<String, Object>> rules = Terraform.blocksIncludingDynamic(lifecycle.body(), "rule");

        assertThat(rules).anySatisfy(rule -> assertThat(rule).containsKey("abort_incomplete_multipart_upload"));
        assertThat(rules).anySatisfy(rule -> assertThat(rule).containsKey("noncurrent_version_expiration"));
        assertThat(rules).anySatisfy(rule -> {
            assertThat(Terraform.map(rule.get("filter"))).containsEntry("prefix", "jobs/");
            assertThat(rule).containsKey("expiration");
        });
        assertThat(Terraform.squash(lifecycle.source()))
                .contains("for_each = var.job_file_expiration_days == null ? [] : [var.job_file_expiration_days]");
    }

    @Test
    void jobBucketHasCorsOnlyWhenOriginsAreGiven() {
        Block cors = module.resource("aws_s3_bucket_cors_configuration", "jobs");

        assertThat(Terraform.squash(cors.source()))
                .contains("count = length(var.cors_allowed_origins) > 0 ? 1 : 0")
                .contains("dynamic \"cors_rule\"");
        assertThat(module.variable("cors_allowed_origins").orElseThrow().body()).containsEntry("default", List.of());
    }
}
