package dev.jobledger.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobledger.lambda.handlers.CsvImportHandler;
import dev.jobledger.lambda.handlers.ExampleHandler;
import dev.jobledger.lambda.spi.HandlerResult;
import dev.jobledger.lambda.spi.JobContext;
import dev.jobledger.lambda.spi.JobHandler;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandlerRegistryTest {

    /** A second handler claiming the built-in type {@code example}. */
    public static final class AnotherExampleHandler implements JobHandler {
        @Override
        public String jobType() {
            return "example";
        }

        @Override
        public HandlerResult handle(JobContext context) {
            return HandlerResult.empty();
        }
    }

    @Test
    void theServiceLoaderFindsTheBuiltInHandlers() {
        HandlerRegistry registry = HandlerRegistry.fromServiceLoader();

        assertThat(registry.jobTypes()).containsExactly("csv-import", "example");
        assertThat(registry.find("csv-import")).containsInstanceOf(CsvImportHandler.class);
        assertThat(registry.find("example")).containsInstanceOf(ExampleHandler.class);
        assertThat(registry.find("nope")).isEmpty();
    }

    @Test
    void anExplicitlyRegisteredSecondHandlerForOneTypeIsRejectedWithAClearMessage() {
        HandlerRegistry registry = HandlerRegistry.fromServiceLoader();

        assertThatThrownBy(() -> registry.register(new AnotherExampleHandler()))
                .isInstanceOf(HandlerRegistry.DuplicateJobType.class)
                .hasMessageContaining("two handlers for jobType 'example'")
                .hasMessageContaining(ExampleHandler.class.getName())
                .hasMessageContaining(AnotherExampleHandler.class.getName());
        assertThat(registry.find("example")).containsInstanceOf(ExampleHandler.class);
    }

    @Test
    void twoServiceLoaderEntriesForOneTypeAreRejected(@TempDir Path dir) throws Exception {
        Path services = dir.resolve("META-INF/services/" + JobHandler.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, AnotherExampleHandler.class.getName() + "\n", StandardCharsets.UTF_8);

        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            assertThatThrownBy(() -> HandlerRegistry.fromServiceLoader(loader))
                    .isInstanceOf(HandlerRegistry.DuplicateJobType.class)
                    .hasMessageContaining("'example'");
        }
    }

    @Test
    void aHandlerWithoutAJobTypeIsRejected() {
        JobHandler nameless = new JobHandler() {
            @Override
            public String jobType() {
                return " ";
            }

            @Override
            public HandlerResult handle(JobContext context) {
                return HandlerResult.empty();
            }
        };

        assertThatThrownBy(() -> new HandlerRegistry().register(nameless)).isInstanceOf(IllegalArgumentException.class);
    }
}
