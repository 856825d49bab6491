package dev.jobledger.lambda.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobledger.lambda.spi.JobFailure;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ColumnSpecTest {

    private static ColumnSpec only(Map<String, Object> column) {
        return ColumnSpec.fromPayload(Map.of("columns", List.of(column))).get(0);
    }

    /** The rules as regular expressions; the handler scans instead, and must agree with them on every value. */
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+$");

    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,30}");

    @Test
    void emailAndIntegerScansAgreeWithTheirRegularExpressions() {
        List<String> chosen = List.of(
                "a@b.de",
                "a@b",
                "@b.de",
                "a@.de",
                "a@b.",
                "a@b..de",
                "a@b.de.",
                "a b@c.de",
                "a@b c.de",
                "a@@b.de",
                "a@b@c.de",
                "a\t@b.de",
                "a@b.d\u000Be",
                "x.y+z@mail.example.org",
                "a.@b.de",
                ".@b.de",
                "@",
                "a@",
                "0",
                "-0",
                "+12",
                "+",
                "-",
                "1.5",
                "12a",
                "1".repeat(30),
                "1".repeat(31),
                "-" + "9".repeat(30),
                "\u0661");
        Random random = new Random(20261201);
        String alphabet = "ab1@. \t+-9\u000B\f";
        java.util.ArrayList<String> values = new java.util.ArrayList<>(chosen);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder value = new StringBuilder();
            for (int length = 1 + random.nextInt(8); length > 0; length--) {
                value.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            values.add(value.toString());
        }
        for (String value : values) {
            assertThat(ColumnSpec.isEmail(value))
                    .as("email %s", value)
                    .isEqualTo(EMAIL.matcher(value).matches());
            assertThat(ColumnSpec.integerDigits(value) > 0)
                    .as("integer %s", value)
                    .isEqualTo(INTEGER.matcher(value).matches());
        }
    }

    @Test
    void integersBeyondALongAreComparedExactly() {
        ColumnSpec big = only(Map.of("name", "n", "type", "integer", "max", new java.math.BigDecimal("1e20")));
        assertThat(big.check("99999999999999999999")).isEmpty();
        assertThat(big.check("100000000000000000001")).contains("100000000000000000001 is above the maximum 1E+20");
        assertThat(only(Map.of("name", "n", "type", "integer", "min", -5)).check("-6"))
                .contains("-6 is below the minimum -5");
    }

    @Test
    void eachTypeAcceptsItsValuesAndNamesTheReasonForOthers() {
        assertThat(only(Map.of("name", "n", "type", "integer", "min", 0, "max", 150))
                        .check("151"))
                .contains("151 is above the maximum 150");
        assertThat(only(Map.of("name", "n", "type", "integer")).check("1.5")).contains("not an integer");
        assertThat(only(Map.of("name", "n", "type", "decimal", "min", 0.5)).check("0.25"))
                .contains("0.25 is below the minimum 0.5");
        assertThat(only(Map.of("name", "n", "type", "boolean")).check("TRUE")).isEmpty();
        assertThat(only(Map.of("name", "n", "type", "boolean")).check("yes")).isPresent();
        assertThat(only(Map.of("name", "n", "type", "date", "max", "2024-12-31"))
                        .check("2025-01-01"))
                .contains("2025-01-01 is above the maximum 2024-12-31");
        assertThat(only(Map.of("name", "n", "type", "date")).check("31.12.2024"))
                .isPresent();
        assertThat(only(Map.of("name", "n", "type", "email")).check("a@b.de")).isEmpty();
        assertThat(only(Map.of("name", "n", "type", "email")).check("a@b")).isPresent();
        assertThat(only(Map.of("name", "n", "maxLength", 3)).check("abcd")).contains("longer than 3 characters");
        assertThat(only(Map.of("name", "n", "pattern", "[A-Z]{2}")).check("DE")).isEmpty();
        assertThat(only(Map.of("name", "n", "required", true)).check("")).contains("a value is required");
        assertThat(only(Map.of("name", "n", "type", "integer")).check("")).isEmpty();
    }

    @Test
    void aPatternThatBacktracksWithoutEndMakesTheValueInvalidInsteadOfHoldingTheInvocation() {
        // Polynomial of degree 12 in the value's length: billions of steps for 32 characters that do not match.
        ColumnSpec catastrophic = only(Map.of("name", "n", "pattern", "(.*a){12}"));

        assertThat(catastrophic.check("a".repeat(32) + "!"))
                .contains("the pattern (.*a){12} takes too long on this value");
        assertThat(catastrophic.check("a".repeat(32))).isEmpty();
        assertThat(only(Map.of("name", "n", "pattern", "[a-z]+")).check("a".repeat(100_000)))
                .isEmpty();
    }

    @Test
    void anInvalidSpecFailsAsNotRetryable() {
        for (Map<String, Object> payload : List.<Map<String, Object>>of(
                Map.of(),
                Map.of("columns", List.of()),
                Map.of("columns", List.of(Map.of("type", "integer"))),
                Map.of("columns", List.of(Map.of("name", "a", "type", "money"))),
                Map.of("columns", List.of(Map.of("name", "a", "requried", true))),
                Map.of("columns", List.of(Map.of("name", "a", "type", "string", "min", 1))),
                Map.of("columns", List.of(Map.of("name", "a", "pattern", "("))),
                Map.of("columns", List.of(Map.of("name", "a"), Map.of("name", "a"))))) {
            assertThatThrownBy(() -> ColumnSpec.fromPayload(payload))
                    .as("%s", payload)
                    .isInstanceOfSatisfying(
                            JobFailure.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageStartingWith("invalid column spec: ");
        }
    }
}
