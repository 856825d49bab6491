package dev.jobledger.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.infrastructure.Terraform.Block;
import dev.jobledger.infrastructure.Terraform.TfFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class IamPolicyTest {

    /** Attributes that hold an IAM policy (identity, resource or trust policy). */
    private static final Pattern POLICY_ATTRIBUTE =
            Pattern.compile("(?m)^\\s*(policy|assume_role_policy|source_policy_documents|override_policy_documents)"
                    + "\\s*=\\s*(.*)$");

    private static final Pattern FROM_POLICY_DOCUMENT =
            Pattern.compile("^data\\.aws_iam_policy_document\\.[A-Za-z0-9_-]+(\\[\\d+\\])?\\.json$");

    private static final Pattern WILDCARD_LIST_ATTRIBUTE =
            Pattern.compile("(?m)^\\s*(actions|not_actions|resources|not_resources)\\s*=.*\"\\*\"");

    /**
     * Actions AWS only accepts with resource "*" (no resource-level permissions). A statement may use "*" only when
     * all its actions are in this list.
     */
    private static final List<String> ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS = List.of("ecr:GetAuthorizationToken");

    private final Terraform terraform = Terraform.sources();

    @Test
    void noPolicyDocumentStatementHasAWildcardActionOrResource() {
        List<Block> documents = terraform.allBlocks("data", "aws_iam_policy_document");
        assertThat(documents).isNotEmpty();

        for (Block document : documents) {
            List<Map<String, Object>> statements = Terraform.blocksIncludingDynamic(document.body(), "statement");
            assertThat(statements).as("statements of %s", document).isNotEmpty();
            for (Map<String, Object> statement : statements) {
                assertThat(statement)
                        .as("NotAction/NotResource in %s", document)
                        .doesNotContainKeys("not_actions", "not_resources");
                assertThat(Terraform.strings(statement.get("actions")))
                        .as("actions of %s", document)
                        .doesNotContain("*");
                if (!ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS.containsAll(
                        Terraform.strings(statement.get("actions")))) {
                    assertThat(Terraform.strings(statement.get("resources")))
                            .as("resources of %s", document)
                            .doesNotContain("*");
                }
                if (!"Deny".equals(statement.get("effect"))) {
                    assertThat(Terraform.strings(statement.get("actions")))
                            .as("Allow actions of %s must be named, not wildcards", document)
                            .noneMatch(action -> action.contains("*"));
                }
            }
            String raw = document.source();
            for (String action : ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS) {
                raw = raw.replaceAll(
                        "(?m)^(\\s*actions\\s*=\\s*\\[\"" + Pattern.quote(action)
                                + "\"\\]\\s*\\n)\\s*resources\\s*=\\s*\\[\"\\*\"\\]",
                        "$1");
            }
            assertThat(raw).as("raw actions/resources of %s", document).doesNotContainPattern(WILDCARD_LIST_ATTRIBUTE);
        }
    }

    @Test
    void iamPoliciesAreOnlyBuiltWithAwsIamPolicyDocument() {
        List<String> violations = new ArrayList<>();
        for (TfFile file : terraform.allFiles()) {
            Matcher matcher = POLICY_ATTRIBUTE.matcher(file.source());
            while (matcher.find()) {
                String value = matcher.group(2).trim();
                if (!FROM_POLICY_DOCUMENT.matcher(value).matches()) {
                    violations.add(file.path() + ": " + matcher.group().trim());
                }
            }
            if (file.source().contains("Statement") || file.source().contains("inline_policy")) {
                violations.add(file.path() + ": hand-written policy (Statement or inline_policy)");
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void managedPolicyAttachmentsAreLimitedToLambdaNetworkInterfaces() {
        List<Block> attachments = terraform.allBlocks("resource", "aws_iam_role_policy_attachment");

        // AWSLambdaENIManagementAccess: EC2 network interfaces only. AWSLambdaVPCAccessExecutionRole would also grant
        // logs on "*".
        assertThat(attachments)
                .isNotEmpty()
                .allSatisfy(attachment -> assertThat(Terraform.squash(attachment.source()))
                        .contains(":iam::aws:policy/service-role/AWSLambdaENIManagementAccess\""));
        assertThat(terraform.allBlocks("resource", "aws_iam_policy_attachment")).isEmpty();
        assertThat(terraform.allBlocks("resource", "aws_iam_role_policies_exclusive"))
                .isEmpty();
    }

    @Test
    void environmentsGiveTheServiceItsOwnRolesFromTheServiceModule() {
        assertThat(terraform.environments()).allSatisfy(env -> {
            // The task role and its scoped policy live in modules/job-ledger-service (ServiceTest); an environment
            // no longer widens a role it does not own.
            assertThat(env.resources("aws_iam_role_policy")).isEmpty();
            assertThat(Terraform.squash(env.source()))
                    .contains("source = \"../../modules/job-ledger-service\"")
                    .contains("bucket_prefix = module.job_bucket.job_files_prefix")
                    .contains("queue_arn = module.job_queue.queue_arn")
                    .contains("dlq_arn = module.job_queue.dlq_arn");
        });
    }
}
