package dev.jobledger.lambda.handlers;

import dev.jobledger.lambda.spi.JobFailure;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One column of a {@code csv-import} payload's {@code columns}: {@code name}, {@code type} (string, integer, decimal,
 * boolean, date (ISO-8601, {@code 2024-05-31}), email) and the options {@code required}, {@code min}, {@code max}
 * (integer, decimal: numbers; date: ISO dates), {@code maxLength} and {@code pattern} (a Java regular expression the
 * whole value must match). Unknown keys are refused, so that a typo does not silently switch a check off.
 */
record ColumnSpec(
        String name,
        Type type,
        boolean required,
        Comparable<?> min,
        Comparable<?> max,
        Integer maxLength,
        Pattern pattern) {

    enum Type {
        STRING,
        INTEGER,
        DECIMAL,
        BOOLEAN,
        DATE,
        EMAIL
    }

    private static final Set<String> KEYS = Set.of("name", "type", "required", "min", "max", "maxLength", "pattern");

    /** Digits a {@code long} always holds: such an integer is compared without parsing it as a BigDecimal. */
    private static final int LONG_DIGITS = 18;

    /**
     * Reads the payload's {@code columns}.
     *
     * @throws JobFailure not retryable, when they are missing or invalid
     */
    static List<ColumnSpec> fromPayload(Map<String, Object> payload) {
        Object columns = payload.get("columns");
        if (!(columns instanceof List<?> list) || list.isEmpty()) {
            throw invalid("the payload needs a non-empty list \"columns\"");
        }
        List<ColumnSpec> specs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> column)) {
                throw invalid("columns[" + i + "] is not an object");
            }
            ColumnSpec spec = parse(i, column);
            if (!names.add(spec.name())) {
                throw invalid("column \"" + spec.name() + "\" appears twice");
            }
            specs.add(spec);
        }
        return List.copyOf(specs);
    }

    private static ColumnSpec parse(int index, Map<?, ?> column) {
        String where = "columns[" + index + "]";
        for (Object key : column.keySet()) {
            if (!KEYS.contains(String.valueOf(key))) {
                throw invalid(where + " has an unknown option \"" + key + "\" (known: " + KEYS + ")");
            }
        }
        if (!(column.get("name") instanceof String name) || name.isBlank()) {
            throw invalid(where + " needs a \"name\"");
        }
        where = "column \"" + name + "\"";
        Object typeValue = column.get("type");
        Type type;
        if (typeValue == null) {
            type = Type.STRING;
        } else {
            try {
                type = Type.valueOf(String.valueOf(typeValue).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw invalid(where + " has an unknown type \"" + typeValue
                        + "\" (known: string, integer, decimal, boolean, date, email)");
            }
        }
        Object requiredValue = column.get("required");
        if (requiredValue != null && !(requiredValue instanceof Boolean)) {
            throw invalid(where + ": \"required\" must be true or false");
        }
        Comparable<?> min = bound(where, "min", type, column.get("min"));
        Comparable<?> max = bound(where, "max", type, column.get("max"));
        Object maxLengthValue = column.get("maxLength");
        Integer maxLength = null;
        if (maxLengthValue != null) {
            if (!(maxLengthValue instanceof Integer length) || length < 1) {
                throw invalid(where + ": \"maxLength\" must be a positive integer");
            }
            maxLength = length;
        }
        Object patternValue = column.get("pattern");
        Pattern pattern = null;
        if (patternValue != null) {
            try {
                pattern = Pattern.compile(String.valueOf(patternValue));
            } catch (PatternSyntaxException e) {
                throw invalid(where + ": \"pattern\" is not a valid regular expression: " + e.getDescription());
            }
        }
        return new ColumnSpec(name.trim(), type, Boolean.TRUE.equals(requiredValue), min, max, maxLength, pattern);
    }

    private static Comparable<?> bound(String where, String key, Type type, Object value) {
        if (value == null) {
            return null;
        }
        switch (type) {
            case INTEGER, DECIMAL -> {
                if (!(value instanceof Number number)) {
                    throw invalid(where + ": \"" + key + "\" must be a number");
                }
                return new BigDecimal(number.toString());
            }
            case DATE -> {
                try {
                    return LocalDate.parse(String.valueOf(value));
                } catch (DateTimeParseException e) {
                    throw invalid(where + ": \"" + key + "\" must be an ISO date (yyyy-MM-dd)");
                }
            }
            default -> throw invalid(where + ": \"" + key + "\" applies to integer, decimal and date columns only");
        }
    }

    private static JobFailure invalid(String detail) {
        return JobFailure.notRetryable("invalid column spec: " + detail);
    }

    /** Checks one value (already trimmed); empty when it is valid, else the reason. */
    Optional<String> check(String value) {
        if (value == null || value.isEmpty()) {
            return required ? Optional.of("a value is required") : Optional.empty();
        }
        if (maxLength != null && value.length() > maxLength) {
            return Optional.of("longer than " + maxLength + " characters");
        }
        if (pattern != null) {
            try {
                if (!pattern.matcher(new BoundedText(value)).matches()) {
                    return Optional.of("does not match the pattern " + pattern.pattern());
                }
            } catch (BoundedText.TooSlow tooSlow) {
                return Optional.of("the pattern " + pattern.pattern() + " takes too long on this value");
            }
        }
        switch (type) {
            case STRING -> {
                return Optional.empty();
            }
            case INTEGER -> {
                int digits = integerDigits(value);
                if (digits == 0) {
                    return Optional.of("not an integer");
                }
                if (min == null && max == null) {
                    return Optional.empty();
                }
                return range(digits <= LONG_DIGITS ? BigDecimal.valueOf(Long.parseLong(value)) : new BigDecimal(value));
            }
            case DECIMAL -> {
                BigDecimal number;
                try {
                    number = new BigDecimal(value);
                } catch (NumberFormatException e) {
                    return Optional.of("not a decimal number");
                }
                return range(number);
            }
            case BOOLEAN -> {
                return value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")
                        ? Optional.empty()
                        : Optional.of("not a boolean (true or false)");
            }
            case DATE -> {
                LocalDate date;
                try {
                    date = LocalDate.parse(value);
                } catch (DateTimeParseException e) {
                    return Optional.of("not an ISO date (yyyy-MM-dd)");
                }
                return range(date);
            }
            case EMAIL -> {
                return value.length() <= 254 && isEmail(value)
                        ? Optional.empty()
                        : Optional.of("not a valid email address");
            }
            default -> throw new IllegalStateException(type.name());
        }
    }

    /**
     * The digits of an optionally signed integer of 1 to 30 digits, or 0 when the value is not one. A scan rather than
     * a regular expression: it runs for every value of an integer column, a million times for a million rows.
     */
    static int integerDigits(String value) {
        int start = value.charAt(0) == '+' || value.charAt(0) == '-' ? 1 : 0;
        int digits = value.length() - start;
        if (digits < 1 || digits > 30) {
            return 0;
        }
        for (int i = start; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return 0;
            }
        }
        return digits;
    }

    /**
     * Whether the value has the shape {@code ^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$}: a local part, one {@code @}, and a
     * domain of two or more non-empty dot-separated labels, with no whitespace anywhere. Written as a scan for the
     * same reason as {@link #integerDigits}; the test checks it against that expression.
     */
    static boolean isEmail(String value) {
        int at = value.indexOf('@');
        if (at < 1 || at == value.length() - 1) {
            return false;
        }
        for (int i = 0; i < at; i++) {
            if (isSpace(value.charAt(i))) {
                return false;
            }
        }
        int dots = 0;
        char previous = '@';
        for (int i = at + 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '@' || isSpace(c) || (c == '.' && previous == '.') || (c == '.' && previous == '@')) {
                return false;
            }
            if (c == '.') {
                dots++;
            }
            previous = c;
        }
        return dots > 0 && previous != '.';
    }

    /** What {@code \s} matches in a Java regular expression. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Optional<String> range(Comparable value) {
        if (min != null && value.compareTo(min) < 0) {
            return Optional.of(value + " is below the minimum " + min);
        }
        if (max != null && value.compareTo(max) > 0) {
            return Optional.of(value + " is above the maximum " + max);
        }
        return Optional.empty();
    }

    /**
     * A value as a pattern reads it, for at most {@link #STEPS} character reads. A user's pattern such as
     * {@code (a+)+$} backtracks exponentially on some values: unbounded, one row would hold the invocation (and the
     * other tenants' records of its batch) until the function times out. Counting reads, not time, keeps the verdict
     * the same on a slow machine.
     */
    private static final class BoundedText implements CharSequence {

        /** About a hundred times what a linear pattern needs for a long value; far below a second of work. */
        static final int STEPS = 1_000_000;

        private final String value;
        private int steps;

        BoundedText(String value) {
            this.value = value;
        }

        @Override
        public char charAt(int index) {
            if (++steps > STEPS) {
                throw new TooSlow();
            }
            return value.charAt(index);
        }

        @Override
        public int length() {
            return value.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return value.subSequence(start, end);
        }

        @Override
        public String toString() {
            return value;
        }

        static final class TooSlow extends RuntimeException {
            TooSlow() {
                super(null, null, false, false);
            }
        }
    }
}
