package dev.jobledger.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TerraformFormatTest {

    private final Path root = Terraform.sources().root();

    @Test
    void terraformFilesAreCanonicallyFormatted() throws Exception {
        Optional<Path> terraform = terraformOnPath();
        assumeTrue(terraform.isPresent(), "terraform is not on the PATH");

        Result result =
                run(List.of(terraform.get().toString(), "fmt", "-check", "-recursive", "-diff", "-no-color"), null);

        assertThat(result.exitCode())
                .as("terraform fmt -check -recursive %s reported:%n%s", root, result.output())
                .isZero();
    }

    @Test
    void exampleVariableFilesAreCanonicallyFormatted() throws Exception {
        Optional<Path> terraform = terraformOnPath();
        assumeTrue(terraform.isPresent(), "terraform is not on the PATH");

        List<Path> examples;
        try (Stream<Path> files = Files.walk(root)) {
            examples = files.filter(p -> p.getFileName().toString().endsWith(".tfvars.example")
                            || p.getFileName().toString().endsWith(".hcl.example"))
                    .filter(p -> !p.toString().contains(File.separator + ".terraform" + File.separator))
                    .toList();
        }
        assertThat(examples).isNotEmpty();
        for (Path example : examples) {
            Result result = run(List.of(terraform.get().toString(), "fmt", "-no-color", "-"), example);
            assertThat(result.exitCode())
                    .as("terraform fmt - < %s: %s", example, result.output())
                    .isZero();
            assertThat(result.stdout())
                    .as("%s is not formatted as terraform fmt would", example)
                    .isEqualTo(Files.readString(example, StandardCharsets.UTF_8));
        }
    }

    private Result run(List<String> command, Path stdin) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile());
        // An empty CLI configuration keeps terraform from warning about a missing ~/.terraformrc.
        builder.environment().putIfAbsent("TF_CLI_CONFIG_FILE", "/dev/null");
        builder.environment().put("TF_IN_AUTOMATION", "1");
        if (stdin != null) {
            builder.redirectInput(stdin.toFile());
        }
        Path stderr = Files.createTempFile("terraform-fmt", ".err");
        builder.redirectError(stderr.toFile());
        Process process = builder.start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("terraform fmt did not finish within 60 s");
        }
        String errors = Files.readString(stderr, StandardCharsets.UTF_8);
        Files.deleteIfExists(stderr);
        return new Result(process.exitValue(), stdout, stdout + errors);
    }

    private static Optional<Path> terraformOnPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator))
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, "terraform"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private record Result(int exitCode, String stdout, String output) {}
}
