package dev.jobledger.app.axon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.messages.Actor;
import dev.jobledger.messages.JobCompleted;
import dev.jobledger.messages.JobFailed;
import dev.jobledger.messages.LogEntry;
import dev.jobledger.messages.LogLevel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.SimpleSerializedType;
import org.junit.jupiter.api.Test;

/** Events keep the shape they were stored with: fields added later read as their absence, never as a failure. */
class ReadingStoredEventsTest {

    private final Serializer events = new AxonConfiguration().eventSerializer();

    @Test
    void aCompletionStoredBeforeItCarriedTheLastLinesReadsWithNone() {
        String stored = """
                {"jobId":"6f1c2f7e-3c1a-4f7e-9a43-0d6f3c3b1a11","attempt":1,"result":{"lines":0},
                 "actor":{"kind":"BRIDGE","subject":"job-bridge"},"progress":null}
                """;

        JobCompleted completed = read(stored, JobCompleted.class);

        assertThat(completed.logs()).isEmpty();
        assertThat(completed.firstLogSequence()).isZero();
        assertThat(completed.result()).isEqualTo(Map.of("lines", 0));
    }

    @Test
    void aFailureStoredBeforeItCarriedTheLastLinesReadsWithNone() {
        String stored = """
                {"jobId":"6f1c2f7e-3c1a-4f7e-9a43-0d6f3c3b1a11","attempt":2,"reason":"locked","retryable":true,
                 "actor":{"kind":"BRIDGE","subject":"job-bridge"}}
                """;

        JobFailed failed = read(stored, JobFailed.class);

        assertThat(failed.logs()).isEmpty();
        assertThat(failed.progress()).isNull();
        assertThat(failed.reason()).isEqualTo("locked");
    }

    @Test
    void aCompletionWithItsLastLinesReadsBackAsItWasStored() {
        JobCompleted completed = new JobCompleted(
                UUID.randomUUID(),
                2,
                Map.of("lines", 2),
                Actor.bridge("job-bridge", "m-1", "r-1"),
                null,
                4,
                List.of(new LogEntry(LogLevel.ERROR, "row 2 is odd", 2L, Map.of("column", "a"))));

        SerializedObject<byte[]> stored = events.serialize(completed, byte[].class);

        assertThat(new String(stored.getData(), StandardCharsets.UTF_8))
                .contains("\"firstLogSequence\":4")
                .contains("\"logs\":[");
        assertThat((JobCompleted) events.deserialize(stored)).isEqualTo(completed);
    }

    /** Reads an event as the store hands it over: the stored JSON and the payload type's name. */
    private <T> T read(String stored, Class<T> type) {
        return events.deserialize(new SimpleSerializedObject<>(
                stored.getBytes(StandardCharsets.UTF_8), byte[].class, new SimpleSerializedType(type.getName(), null)));
    }
}
