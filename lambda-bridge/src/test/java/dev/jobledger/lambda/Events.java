package dev.jobledger.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The function's input and output as the Lambda Java runtime sees them. The SQS events under {@code
 * src/test/resources/events/} (as Lambda delivers them, with {@code ${NAME}} placeholders for job ids and keys, so
 * that each test owns its jobs) are read with the runtime's own serializer for {@link SQSEvent}; the function's
 * {@link SQSBatchResponse} is written with the serializer the runtime uses for a class that is not an event (Jackson,
 * as the runtime configures it), and read back as the event source mapping reads it.
 */
final class Events {

    private static final PojoSerializer<SQSEvent> EVENT =
            LambdaEventSerializers.serializerFor(SQSEvent.class, Events.class.getClassLoader());
    private static final PojoSerializer<SQSBatchResponse> RESPONSE =
            JacksonFactory.getInstance().getSerializer(SQSBatchResponse.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Events() {}

    static SQSEvent load(String name, Map<String, String> values) {
        String text;
        try (InputStream in = Events.class.getResourceAsStream("/events/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no event " + name);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Map.Entry<String, String> value : values.entrySet()) {
            text = text.replace("${" + value.getKey() + "}", value.getValue());
        }
        if (text.contains("${")) {
            throw new IllegalArgumentException("unreplaced placeholder in " + name);
        }
        SQSEvent event = EVENT.fromJson(text);
        // The runtime ignores what it does not know: a misspelt field would arrive as null, not as an error.
        assertThat(event.getRecords()).as("the records of %s", name).isNotEmpty();
        assertThat(event.getRecords()).as("the records of %s", name).allSatisfy(record -> {
            assertThat(record.getMessageId()).isNotBlank();
            assertThat(record.getBody()).isNotNull();
            assertThat(record.getEventSourceArn()).startsWith("arn:aws:sqs:");
        });
        return event;
    }

    /** The answer as the runtime writes it for the event source mapping. */
    static String written(SQSBatchResponse response) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RESPONSE.toJson(response, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * The message ids the answer reports for redelivery, read from the JSON the runtime writes, after checking that it
     * is {@code {"batchItemFailures":[{"itemIdentifier":"..."}, ...]}} and nothing else.
     */
    static List<String> reported(SQSBatchResponse response) {
        JsonNode json;
        try {
            json = JSON.readTree(written(response));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(json.isObject()).as("the answer %s is an object", json).isTrue();
        assertThat(fieldNames(json)).as("the fields of %s", json).containsExactly("batchItemFailures");
        JsonNode failures = json.get("batchItemFailures");
        assertThat(failures.isArray())
                .as("batchItemFailures of %s is an array", json)
                .isTrue();
        List<String> ids = new ArrayList<>();
        for (JsonNode failure : failures) {
            assertThat(fieldNames(failure)).as("an item of %s", json).containsExactly("itemIdentifier");
            assertThat(failure.get("itemIdentifier").isTextual())
                    .as("the itemIdentifier of %s is a string", failure)
                    .isTrue();
            ids.add(failure.get("itemIdentifier").textValue());
        }
        return ids;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
