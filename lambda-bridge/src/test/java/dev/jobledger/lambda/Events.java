package dev.jobledger.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The function's input and output as Lambda hands them over: the JSON of SQS events, as Lambda delivers them, in and
 * the JSON of the answer out, through the function's one entry point. The events under {@code
 * src/test/resources/events/} have {@code ${NAME}} placeholders for job ids and keys, so that each test owns its jobs;
 * a test that needs an event of its own edits or combines their records, as JSON.
 */
final class Events {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Events() {}

    /** The event in {@code src/test/resources/events/name}, its placeholders replaced. */
    static ObjectNode load(String name, Map<String, String> values) {
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
        ObjectNode event;
        try {
            event = (ObjectNode) JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The function ignores what it does not know: a misspelt field would arrive as nothing, not as an error.
        assertThat(records(event)).as("the records of %s", name).isNotEmpty();
        assertThat(records(event)).as("the records of %s", name).allSatisfy(record -> {
            assertThat(record.path("messageId").asText()).isNotBlank();
            assertThat(record.path("body").isTextual()).isTrue();
            assertThat(record.path("eventSourceARN").asText()).startsWith("arn:aws:sqs:");
        });
        return event;
    }

    /** An event of these records (taken from other events), in this order. */
    static ObjectNode of(List<ObjectNode> records) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode array = event.putArray("Records");
        records.forEach(record -> array.add(record.deepCopy()));
        return event;
    }

    /** The event's records, to read or edit in place. */
    static List<ObjectNode> records(ObjectNode event) {
        List<ObjectNode> records = new ArrayList<>();
        event.path("Records").forEach(record -> records.add((ObjectNode) record));
        return records;
    }

    /** One invocation, as the Lambda runtime makes it of a stream handler: the event's bytes in, the answer's out. */
    static String invoke(RequestStreamHandler function, ObjectNode event, Context context) {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try {
            function.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), answer, context);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return answer.toString(StandardCharsets.UTF_8);
    }

    /**
     * The message ids the answer reports for redelivery, after checking that it is {@code
     * {"batchItemFailures":[{"itemIdentifier":"..."}, ...]}} and nothing else.
     */
    static List<String> reported(String answer) {
        JsonNode json;
        try {
            json = JSON.readTree(answer);
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
