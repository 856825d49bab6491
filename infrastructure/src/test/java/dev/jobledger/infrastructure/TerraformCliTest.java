package dev.jobledger.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jobledger.infrastructure.Terraform.Configuration;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code terraform init -backend=false}, {@code validate} and, where a configuration has {@code tests/}, {@code
 * terraform test} (mocked AWS provider), per module and environment.
 *
 * <p>Runs only offline: the AWS provider comes from a local plugin directory ({@code -Dterraform.plugin.dir}, env
 * {@code TF_PLUGIN_DIR}, default {@code /opt/tf-plugins}). Without terraform on the PATH or without that directory the
 * checks are skipped with a printed reason, so a clean CI clone without them still passes.
 */
class TerraformCliTest {

    private static final Path DEFAULT_PLUGIN_DIR = Path.of("/opt/tf-plugins");

    private final Terraform terraform = Terraform.sources();

    @TestFactory
    Stream<DynamicTest> everyConfigurationValidatesAndPassesItsTerraformTests() {
        Optional<Path> binary = terraformOnPath();
        Path pluginDir = pluginDir();
        boolean runnable = binary.isPresent() && Files.isDirectory(pluginDir.resolve("registry.terraform.io"));
        if (!runnable) {
            String reason = binary.isEmpty()
                    ? "terraform is not on the PATH"
                    : "no AWS provider in the plugin directory " + pluginDir + " (set -Dterraform.plugin.dir)";
            System.out.println("[infrastructure] SKIPPED terraform validate/test: " + reason);
            return Stream.of(
                    DynamicTest.dynamicTest("terraform validate/test (skipped)", () -> assumeTrue(false, reason)));
        }
        return terraform.configurations().stream()
                .map(c -> DynamicTest.dynamicTest(
                        c.root().relativize(c.dir()).toString(), () -> check(binary.get(), pluginDir, c)));
    }

    private static void check(Path binary, Path pluginDir, Configuration configuration) throws Exception {
        Path dir = configuration.dir();
        run(dir, binary.toString(), "init", "-backend=false", "-input=false", "-no-color", "-plugin-dir=" + pluginDir);
        run(dir, binary.toString(), "validate", "-no-color");
        if (Files.isDirectory(dir.resolve("tests"))) {
            run(dir, binary.toString(), "test", "-no-color");
        }
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of(command)).directory(dir.toFile());
        builder.environment().putIfAbsent("TF_CLI_CONFIG_FILE", "/dev/null");
        builder.environment().put("TF_IN_AUTOMATION", "1");
        // The mocked provider needs no region or credentials, but the provider block of an environment asks for one.
        builder.environment().putIfAbsent("AWS_REGION", "eu-central-1");
        builder.redirectErrorStream(true);
        Path output = Files.createTempFile("terraform", ".out");
        builder.redirectOutput(output.toFile());
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " in " + dir + " did not finish within 5 minutes");
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        Files.deleteIfExists(output);
        assertThat(process.exitValue())
                .as("%s in %s:%n%s", String.join(" ", command), dir, text)
                .isZero();
    }

    private static Path pluginDir() {
        String configured = System.getProperty("terraform.plugin.dir", System.getenv("TF_PLUGIN_DIR"));
        return configured == null || configured.isBlank() ? DEFAULT_PLUGIN_DIR : Path.of(configured);
    }

    private static Optional<Path> terraformOnPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        List<Path> candidates = new ArrayList<>();
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isBlank()) {
                candidates.add(Path.of(dir, "terraform"));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }
}
