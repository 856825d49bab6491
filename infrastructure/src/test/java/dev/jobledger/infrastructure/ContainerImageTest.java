package dev.jobledger.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The service image (infrastructure/container) and the task definition that runs it agree. */
class ContainerImageTest {

    private final Path container = Terraform.sources().root().resolve("container");

    @Test
    void imageRunsTheLayeredServiceJarAsTheUserTheTaskDefinitionNames() throws Exception {
        String dockerfile = Files.readString(container.resolve("Dockerfile"), StandardCharsets.UTF_8);
        String service = Terraform.squash(
                Terraform.sources().module("job-ledger-service").source());

        assertThat(dockerfile)
                .contains("COPY application/target/job-ledger.jar job-ledger.jar")
                .contains("-Djarmode=tools -jar job-ledger.jar extract --layers --launcher")
                .contains("ENTRYPOINT [\"java\", \"org.springframework.boot.loader.launch.JarLauncher\"]")
                .contains("USER 10001:10001")
                .contains("EXPOSE 8080")
                .contains("/actuator/health/liveness");
        assertThat(service)
                .contains("user = \"10001:10001\"")
                .contains("\"-cp\", \"/app/healthcheck\", \"HealthCheck\"")
                .contains("containerPath = \"/tmp\"");
        assertThat(container.resolve("HealthCheck.java")).exists();
        assertThat(Files.readString(container.resolve("Dockerfile.dockerignore"), StandardCharsets.UTF_8))
                .contains("!application/target/job-ledger.jar");
    }
}
