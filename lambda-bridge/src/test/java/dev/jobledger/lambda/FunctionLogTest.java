package dev.jobledger.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.lambda.FunctionLog.Level;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The function's log honours the application log level Lambda sets, as Lambda's own filtering would. */
class FunctionLogTest {

    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private final FunctionLog log = FunctionLog.of(FunctionLogTest.class);

    @BeforeEach
    void writeHere() {
        FunctionLog.redirect(new PrintStream(written, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        FunctionLog.threshold(Level.INFO);
        FunctionLog.redirect(System.out);
    }

    @Test
    void atTheDefaultLevelDebugLinesAreNotWrittenAndInfoAndAboveAre() {
        FunctionLog.threshold(Level.named(null));

        log.debug("details");
        log.info("progress");
        log.warn("trouble");

        assertThat(levelsWritten()).containsExactly("INFO", "WARN");
    }

    @Test
    void atDebugTheDebugLinesAreWrittenToo() {
        FunctionLog.threshold(Level.named("debug"));

        log.debug("details");
        log.info("progress");

        assertThat(levelsWritten()).containsExactly("DEBUG", "INFO");
    }

    @Test
    void atErrorOnlyErrorsAreWritten() {
        FunctionLog.threshold(Level.named("ERROR"));

        log.info("progress");
        log.warn("trouble", new IllegalStateException("boom"));
        log.error("broken", new IllegalStateException("boom"));

        assertThat(levelsWritten()).containsExactly("ERROR");
    }

    @Test
    void aLevelLambdaDoesNotUseCountsAsInfo() {
        assertThat(Level.named("VERBOSE")).isEqualTo(Level.INFO);
        assertThat(Level.named(" warn ")).isEqualTo(Level.WARN);
        assertThat(Level.named("")).isEqualTo(Level.INFO);
    }

    private List<String> levelsWritten() {
        String text = written.toString(StandardCharsets.UTF_8);
        return Arrays.stream(text.split("\n"))
                .filter(line -> !line.isBlank())
                .map(line -> line.replaceAll(".*\"level\":\"([A-Z]+)\".*", "$1"))
                .toList();
    }
}
