package dev.jobledger.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./run-local} with a setting the service refuses: it says why and ends, instead of waiting on the threads of the
 * stand-ins it started for the service, and leaves no PostgreSQL running.
 */
class EndingWhenTheServiceRefusesToStartTest {

    @TempDir
    Path data;

    @Test
    void aRefusedSettingEndsTheLocalStackWithItsReasonAndNothingLeftRunning() {
        LocalStackProcess stack =
                new LocalStackProcess(data, Map.of(), List.of("--jobledger.event-store.head-reads.busy=0"));
        try {
            assertThat(stack.startAndAwaitItsEnd()).as(stack.logTail()).isEqualTo(1);

            assertThat(stack.logTail())
                    .contains("jobledger.event-store.head-reads needs an interval of 0 or more and a busy read of 1")
                    .contains("The local stack did not start");
            assertThat(stack.databaseRuns()).isFalse();
        } finally {
            stack.cleanUp();
        }
    }
}
