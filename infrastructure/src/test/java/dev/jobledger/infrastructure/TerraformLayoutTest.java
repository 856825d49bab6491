package dev.jobledger.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.infrastructure.Terraform.Configuration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TerraformLayoutTest {

    private final Terraform terraform = Terraform.sources();

    @Test
    void infrastructureHasTheModulesAndTheQaEnvironment() {
        assertThat(terraform.modules())
                .extracting(Configuration::name)
                .contains(
                        "s3-jobs",
                        "sqs-jobs",
                        "lambda-job-processor",
                        "job-dashboard",
                        "job-ledger-database",
                        "job-ledger-service");
        assertThat(terraform.environments()).extracting(Configuration::name).contains("qa");
    }

    @Test
    void everyTerraformFileParses() {
        // Terraform.sources() fails on a file hcl4j cannot parse; this asserts every configuration has content.
        assertThat(terraform.configurations())
                .allSatisfy(c -> assertThat(c.files())
                        .as("Terraform files of %s", c.dir())
                        .isNotEmpty());
    }

    @Test
    void everyModuleHasVersionsVariablesOutputsMainAndReadme() {
        assertThat(terraform.modules()).allSatisfy(module -> {
            for (String file : List.of("versions.tf", "variables.tf", "outputs.tf", "main.tf", "README.md")) {
                assertThat(module.hasFile(file)).as("%s/%s", module.dir(), file).isTrue();
            }
        });
    }

    @Test
    void environmentsHaveVersionsVariablesOutputsMainProvidersAndExampleVariables() {
        assertThat(terraform.environments()).allSatisfy(env -> {
            for (String file : List.of(
                    "versions.tf",
                    "variables.tf",
                    "outputs.tf",
                    "main.tf",
                    "providers.tf",
                    "terraform.tfvars.example")) {
                assertThat(env.hasFile(file)).as("%s/%s", env.dir(), file).isTrue();
            }
        });
    }

    @Test
    void everyConfigurationRequiresTerraformAndAwsProvider5() {
        assertThat(terraform.configurations()).allSatisfy(c -> {
            Map<String, Object> settings = c.terraformSettings();
            // Environments use the S3 backend's lock file (use_lockfile in backend.hcl.example): Terraform 1.10.
            assertThat(settings.get("required_version"))
                    .as("required_version of %s", c.dir())
                    .isEqualTo(c.isModule() ? ">= 1.6" : ">= 1.10");
            Map<String, Object> aws = Terraform.map(
                    Terraform.map(settings.get("required_providers")).get("aws"));
            assertThat(aws.get("source"))
                    .as("aws provider source of %s", c.dir())
                    .isEqualTo("hashicorp/aws");
            assertThat((String) aws.get("version"))
                    .as("aws provider version of %s", c.dir())
                    .startsWith("~> 5.");
        });
    }

    @Test
    void environmentsUseAnS3BackendConfiguredAtInit() {
        assertThat(terraform.environments())
                .allSatisfy(
                        env -> assertThat(Terraform.map(env.terraformSettings().get("backend")))
                                .as("backend of %s", env.dir())
                                .containsKey("s3"));
    }
}
