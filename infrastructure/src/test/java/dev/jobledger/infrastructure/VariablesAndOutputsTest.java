package dev.jobledger.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.infrastructure.Terraform.Block;
import java.util.List;
import org.junit.jupiter.api.Test;

class VariablesAndOutputsTest {

    private final Terraform terraform = Terraform.sources();

    @Test
    void everyVariableHasANonEmptyDescriptionAndAType() {
        List<Block> variables = terraform.configurations().stream()
                .flatMap(c -> c.variables().stream())
                .toList();

        assertThat(variables).isNotEmpty().allSatisfy(variable -> {
            assertThat(variable.body().get("description"))
                    .as("description of %s", variable)
                    .isInstanceOf(String.class)
                    .asString()
                    .isNotBlank();
            assertThat(variable.body().get("type")).as("type of %s", variable).isNotNull();
            assertThat(variable.source()).as("type of %s", variable).containsPattern("(?m)^\\s*type\\s*=");
        });
    }

    @Test
    void everyOutputHasANonEmptyDescription() {
        List<Block> outputs = terraform.configurations().stream()
                .flatMap(c -> c.outputs().stream())
                .toList();

        assertThat(outputs)
                .isNotEmpty()
                .allSatisfy(output -> assertThat(output.body().get("description"))
                        .as("description of %s", output)
                        .isInstanceOf(String.class)
                        .asString()
                        .isNotBlank());
    }
}
