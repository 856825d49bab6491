package dev.jobledger.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ./run-local} that cannot start, because of a setting the service refuses or a stand-in's port in use: it says
 * why and ends, instead of waiting on the threads of what it started before, and leaves no PostgreSQL running.
 */
class EndingWhenTheLocalStackCannotStartTest {

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

    /** The SQS stand-in starts after PostgreSQL, the S3 one after both. */
    @ParameterizedTest
    @ValueSource(strings = {"JOBLEDGER_LOCAL_SQS_PORT", "JOBLEDGER_LOCAL_S3_PORT"})
    void aStandInsPortInUseEndsTheLocalStackWithWhatStartedBeforeItStopped(String portVariable) throws IOException {
        // Where the stand-ins listen.
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            LocalStackProcess stack =
                    new LocalStackProcess(data, Map.of(portVariable, Integer.toString(port)), List.of());
            try {
                assertThat(stack.startAndAwaitItsEnd()).as(stack.logTail()).isEqualTo(1);

                assertThat(stack.logTail())
                        .containsPattern("The local stack did not start: .*127\\.0\\.0\\.1:" + port)
                        .doesNotContain("Started JobLedgerApplication");
                assertThat(stack.databaseRuns()).isFalse();
            } finally {
                stack.cleanUp();
            }
        }
    }
}
