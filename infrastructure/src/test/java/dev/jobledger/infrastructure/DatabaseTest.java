package dev.jobledger.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.infrastructure.Terraform.Block;
import dev.jobledger.infrastructure.Terraform.Configuration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseTest {

    private final Configuration module = Terraform.sources().module("job-ledger-database");

    @Test
    void instanceIsEncryptedBackedUpProtectedAndPrivate() {
        String instance =
                Terraform.squash(module.resource("aws_db_instance", "this").source());

        assertThat(instance)
                .contains("engine = \"postgres\"")
                .contains("storage_encrypted = true")
                .contains("backup_retention_period = var.backup_retention_days")
                .contains("deletion_protection = var.deletion_protection")
                .contains("skip_final_snapshot = false")
                .contains("publicly_accessible = false")
                .contains("multi_az = var.multi_az")
                .contains("parameter_group_name = aws_db_parameter_group.this.name")
                .contains("vpc_security_group_ids = [aws_security_group.this.id]");
        assertThat(module.variable("deletion_protection").orElseThrow().body()).containsEntry("default", true);
        assertThat(Terraform.squash(
                        module.variable("backup_retention_days").orElseThrow().source()))
                .contains("var.backup_retention_days >= 1");
    }

    @Test
    void credentialsAreKeptByRdsInSecretsManagerNeverInState() {
        String instance =
                Terraform.squash(module.resource("aws_db_instance", "this").source());

        assertThat(instance)
                .contains("manage_master_user_password = true")
                .doesNotContainPattern("(?<![_a-z])password =");
        assertThat(module.resources("aws_secretsmanager_secret_version")).isEmpty();
        assertThat(module.resources("random_password")).isEmpty();
        assertThat(module.outputs()).extracting(Block::name).contains("master_user_secret_arn", "jdbc_url");
    }

    @Test
    void parameterGroupPinsTheDurableSettings() {
        List<Map<String, Object>> parameters = Terraform.blocks(
                module.resource("aws_db_parameter_group", "this").body().get("parameter"));

        assertThat(parameters)
                .extracting(p -> p.get("name") + "=" + p.get("value"))
                .contains("fsync=1", "synchronous_commit=on", "full_page_writes=1", "rds.force_ssl=1");
    }

    @Test
    void onlyTheGivenSecurityGroupsReachTheDatabase() {
        List<Block> ingress = module.resources("aws_vpc_security_group_ingress_rule");

        assertThat(ingress).hasSize(1);
        assertThat(Terraform.squash(ingress.get(0).source()))
                .contains("count = length(var.allowed_security_group_ids)")
                .contains("referenced_security_group_id = var.allowed_security_group_ids[count.index]")
                .doesNotContain("cidr_ipv4");
        assertThat(module.resources("aws_vpc_security_group_egress_rule")).isEmpty();
        assertThat(module.resource("aws_security_group", "this").body()).doesNotContainKeys("ingress", "egress");
    }
}
