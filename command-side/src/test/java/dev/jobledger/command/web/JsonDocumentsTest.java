package dev.jobledger.command.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.util.unit.DataSize;
import org.springframework.web.ErrorResponseException;

/** The checks a request's free-form documents pass before they become events, on documents as Jackson reads them. */
class JsonDocumentsTest {

    private static final int LIMIT = 1024;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    private final JsonDocuments documents =
            new JsonDocuments(JSON, new InputLimits(DataSize.ofBytes(LIMIT), 4, DataSize.ofMegabytes(4)));

    @Test
    void aDocumentUnderTheLimitIsAcceptedEvenWhenItsTextCouldBeSixTimesLongerEscaped() {
        // 1,000 characters count 6,000 bytes at worst, so this one is counted exactly: 1,011 bytes.
        Map<String, Object> document = read("{\"note\":\"" + "a".repeat(1000) + "\"}");

        assertThatCode(() -> documents.requireStorable("meta", document)).doesNotThrowAnyException();
    }

    @Test
    void aDocumentOneByteOverTheLimitIsAnswered413() {
        Map<String, Object> document = read("{\"note\":\"" + "a".repeat(LIMIT - 10) + "\"}");

        assertThat(status(document)).isEqualTo(413);
    }

    @Test
    void escapedTextCountsAsItIsWritten() {
        // 200 control characters are written as \u0001, six bytes each: 1,200 bytes.
        Map<String, Object> document = read("{\"note\":\"" + "\\u0001".repeat(200) + "\"}");

        assertThat(status(document)).isEqualTo(413);
    }

    @Test
    void aLongDecimalIsCountedAsItIsWrittenNotGuessed() {
        Map<String, Object> small = read("{\"n\":1." + "1".repeat(900) + "}");
        Map<String, Object> large = read("{\"n\":[1." + "1".repeat(600) + ", 2." + "2".repeat(600) + "]}");

        assertThatCode(() -> documents.requireStorable("meta", small)).doesNotThrowAnyException();
        assertThat(status(large)).isEqualTo(413);
    }

    @Test
    void unstorableTextIsRefusedNamingWhereItIs() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("rows", List.of(Map.of("ok", "fine"), Map.of("bad\u0000key", 1)));

        ErrorResponseException refused = refusal(document);

        assertThat(refused.getStatusCode().value()).isEqualTo(400);
        assertThat(refused.getBody().getDetail()).startsWith("meta.rows[1].bad\u0000key (the key) contains a NUL");
    }

    @Test
    void nestingDeeperThanTheLimitIsRefusedNamingWhere() {
        ErrorResponseException refused = refusal(read("{\"a\":{\"b\":{\"c\":{\"d\":{}}}}}"));

        assertThat(refused.getStatusCode().value()).isEqualTo(400);
        assertThat(refused.getBody().getDetail())
                .isEqualTo("meta.a.b.c.d nests objects and arrays deeper than 4 levels");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain", "emoji \uD83D\uDE00 pair", "\uD83D\uDE00", "tab\tand newline\n"})
    void textWithoutNulOrUnpairedSurrogatesIsStorable(String text) {
        assertThat(StorableText.Check.isStorable(text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0000", "a\u0000b", "lone high \uD83D", "\uD83D", "lone low \uDE00 here", "\uDE00\uD83D"})
    void nulAndUnpairedSurrogatesAreNot(String text) {
        assertThat(StorableText.Check.isStorable(text)).isFalse();
    }

    private int status(Map<String, Object> document) {
        return refusal(document).getStatusCode().value();
    }

    private ErrorResponseException refusal(Map<String, Object> document) {
        ErrorResponseException refused =
                catchThrowableOfType(ErrorResponseException.class, () -> documents.requireStorable("meta", document));
        assertThat(refused).as("refused").isNotNull();
        return refused;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(String json) {
        try {
            return JSON.readValue(json, Map.class);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
