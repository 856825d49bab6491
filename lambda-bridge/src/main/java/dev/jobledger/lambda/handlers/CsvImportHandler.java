package dev.jobledger.lambda.handlers;

import de.siegmar.fastcsv.reader.CloseableIterator;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.reader.FieldMismatchStrategy;
import dev.jobledger.lambda.spi.HandlerResult;
import dev.jobledger.lambda.spi.JobContext;
import dev.jobledger.lambda.spi.JobFailure;
import dev.jobledger.lambda.spi.JobHandler;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code csv-import}: streams a UTF-8 CSV file, validates every data row against the payload's column spec, logs each
 * bad row (WARNING, with its row number and reasons), reports progress, and completes with {@code {rows, valid,
 * invalid}}.
 *
 * <p>Payload: {@code {"columns": [...], "header": true, "delimiter": ","}} (see {@link ColumnSpec}). Row numbers are
 * 1-based data row numbers: the header row is not counted, nor are empty lines. A file that cannot be read as CSV at
 * all (not UTF-8 text, binary, a header that does not match the spec, unbalanced quotes) and a missing or invalid
 * column spec fail the attempt as not retryable.
 */
public final class CsvImportHandler implements JobHandler {

    public static final String JOB_TYPE = "csv-import";

    /** Longest field the parser accepts; a longer "field" means the input is not the CSV it claims to be. */
    private static final int MAX_FIELD_CHARS = 1 << 20;

    /** A rejected row's values kept in its log line: 50 fields of 1000 characters stay under 256 KB as JSON. */
    private static final int MAX_KEPT_FIELDS = 50;

    private static final int MAX_KEPT_VALUE_CHARS = 1000;

    @Override
    public String jobType() {
        return JOB_TYPE;
    }

    @Override
    public HandlerResult handle(JobContext context) throws Exception {
        Map<String, Object> payload = context.payload();
        List<ColumnSpec> columns = ColumnSpec.fromPayload(payload);
        boolean header = option(payload, "header", Boolean.class, Boolean.TRUE);
        String delimiter = option(payload, "delimiter", String.class, ",");
        if (delimiter.length() != 1 || delimiter.equals("\"") || delimiter.equals("\n") || delimiter.equals("\r")) {
            throw JobFailure.notRetryable("invalid column spec: \"delimiter\" must be one character (not a quote)");
        }
        InputStream file = context.file()
                .orElseThrow(() -> JobFailure.notRetryable("csv-import needs a file, and the job has none"));

        long rows = 0;
        long invalid = 0;
        ControlBytes control = new ControlBytes(file);
        try (Reader reader = strictUtf8(control);
                CsvReader<CsvRecord> csv = CsvReader.builder()
                        .fieldSeparator(delimiter.charAt(0))
                        .skipEmptyLines(true)
                        .detectBomHeader(false)
                        .extraFieldStrategy(FieldMismatchStrategy.IGNORE)
                        .missingFieldStrategy(FieldMismatchStrategy.IGNORE)
                        .maxBufferSize(MAX_FIELD_CHARS)
                        .ofCsvRecord(reader);
                CloseableIterator<CsvRecord> records = csv.iterator()) {
            if (header) {
                if (!records.hasNext()) {
                    throw JobFailure.notRetryable("the file is empty: the header row is missing");
                }
                checkHeader(records.next(), columns);
            }
            while (records.hasNext()) {
                context.checkStop();
                context.progress(rows, null, invalid);
                CsvRecord record = records.next();
                rows++;
                if (rows == 1 && !header) {
                    checkFirstRecord(record, columns);
                }
                Optional<Map<String, Object>> problems = validate(record, columns, control.seen());
                if (problems.isPresent()) {
                    invalid++;
                    context.log().warn(rows, message(rows, problems.get()), problems.get());
                }
            }
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof CharacterCodingException) {
                throw JobFailure.notRetryable("the file is not UTF-8 text, so not a CSV file this handler can read");
            }
            throw e; // reading from S3 failed: retryable
        } catch (CsvParseException e) {
            throw new JobFailure("the file cannot be parsed as CSV: " + e.getMessage(), false, e);
        }
        long valid = rows - invalid;
        context.progress(rows, rows, invalid);
        context.log().info("imported " + rows + " rows: " + valid + " valid, " + invalid + " invalid");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("rows", rows);
        result.put("valid", valid);
        result.put("invalid", invalid);
        return HandlerResult.of(result);
    }

    private static Reader strictUtf8(InputStream file) {
        return new BufferedReader(
                new InputStreamReader(
                        file,
                        StandardCharsets.UTF_8
                                .newDecoder()
                                .onMalformedInput(CodingErrorAction.REPORT)
                                .onUnmappableCharacter(CodingErrorAction.REPORT)),
                64 * 1024);
    }

    private static void checkHeader(CsvRecord record, List<ColumnSpec> columns) {
        List<String> found = new ArrayList<>();
        for (String field : record.getFields()) {
            found.add(normalize(field));
        }
        if (!found.isEmpty()) {
            found.set(0, found.get(0).replace("\uFEFF", ""));
        }
        List<String> expected = columns.stream().map(c -> normalize(c.name())).toList();
        if (!found.equals(expected)) {
            throw JobFailure.notRetryable(
                    "the header does not match the column spec: expected " + expected + ", found " + abbreviate(found));
        }
    }

    /** Without a header, a first record that neither has the spec's width nor is text is not this CSV at all. */
    private static void checkFirstRecord(CsvRecord record, List<ColumnSpec> columns) {
        boolean binary = record.getFields().stream().anyMatch(CsvImportHandler::looksBinary);
        if (binary || record.getFieldCount() != columns.size()) {
            throw JobFailure.notRetryable("the file does not look like CSV with " + columns.size()
                    + " columns: its first record has " + record.getFieldCount() + " fields"
                    + (binary ? " and control characters" : ""));
        }
    }

    /**
     * @param controlSeen whether the file read so far has a control character: when not, no field of this record has
     *     one (the record's bytes were read before it was parsed), and the per-field scan is skipped
     */
    private static Optional<Map<String, Object>> validate(
            CsvRecord record, List<ColumnSpec> columns, boolean controlSeen) {
        // Made for a bad row only: most rows are valid, and a million of them should not each cost a map.
        Map<String, Object> errors = null;
        if (record.getFieldCount() != columns.size()) {
            errors = new LinkedHashMap<>();
            errors.put("(row)", "has " + record.getFieldCount() + " fields, expected " + columns.size());
        }
        for (int i = 0; i < columns.size(); i++) {
            ColumnSpec column = columns.get(i);
            String value = i < record.getFieldCount() ? record.getField(i).trim() : "";
            Optional<String> reason = controlSeen && looksBinary(value)
                    ? Optional.of("contains control characters")
                    : column.check(value);
            if (reason.isPresent()) {
                if (errors == null) {
                    errors = new LinkedHashMap<>();
                }
                errors.put(column.name(), reason.get());
            }
        }
        if (errors == null) {
            return Optional.empty();
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("line", record.getStartingLineNumber());
        meta.put("errors", errors);
        meta.put("values", offendingValues(record));
        return Optional.of(meta);
    }

    /**
     * The row as it was read, so that GET /api/jobs/{id}/failed-rows.csv can give it back to be fixed. Bounded, so
     * that a rejected row's log line stays far below the ledger's document limit however wide or long the row is.
     */
    private static List<String> offendingValues(CsvRecord record) {
        List<String> values = new ArrayList<>();
        int kept = Math.min(record.getFieldCount(), MAX_KEPT_FIELDS);
        for (int i = 0; i < kept; i++) {
            String value = record.getField(i);
            values.add(
                    storable(value.length() > MAX_KEPT_VALUE_CHARS ? value.substring(0, MAX_KEPT_VALUE_CHARS) : value));
        }
        return values;
    }

    /**
     * The ledger refuses text PostgreSQL cannot store (NUL, unpaired surrogates): such characters, and the other
     * control characters that made the row invalid, become U+FFFD so that the log line is still recorded.
     */
    private static String storable(String value) {
        StringBuilder text = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)
                    && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                text.append(c).append(value.charAt(++i));
            } else if (Character.isSurrogate(c) || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')) {
                text.append('\uFFFD');
            } else {
                text.append(c);
            }
        }
        return text.toString();
    }

    @SuppressWarnings("unchecked")
    private static String message(long row, Map<String, Object> meta) {
        StringBuilder text = new StringBuilder("row ").append(row).append(" is invalid: ");
        Map<String, Object> errors = (Map<String, Object>) meta.get("errors");
        boolean first = true;
        for (Map.Entry<String, Object> error : errors.entrySet()) {
            text.append(first ? "" : "; ").append(error.getKey()).append(' ').append(error.getValue());
            first = false;
        }
        return text.toString();
    }

    private static boolean looksBinary(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the file has shown a control character that {@link #looksBinary} refuses in a field. In UTF-8 such a
     * character is one byte below 0x20 and no other character has one, so a scan of the bytes as they are read tells
     * it for every record read so far; a tight loop over the read buffer costs far less than a scan of each field.
     */
    private static final class ControlBytes extends FilterInputStream {

        private boolean seen;

        ControlBytes(InputStream in) {
            super(in);
        }

        boolean seen() {
            return seen;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && isControl((byte) b)) {
                seen = true;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = super.read(buffer, offset, length);
            for (int i = offset; !seen && i < offset + read; i++) {
                if (isControl(buffer[i])) {
                    seen = true;
                }
            }
            return read;
        }

        private static boolean isControl(byte b) {
            return b >= 0 && b < 0x20 && b != '\t' && b != '\n' && b != '\r';
        }
    }

    private static String normalize(String name) {
        return name.trim().toLowerCase(Locale.ROOT);
    }

    private static String abbreviate(List<String> fields) {
        String text = fields.toString();
        return text.length() > 200 ? text.substring(0, 200) + "...]" : text;
    }

    private static <T> T option(Map<String, Object> payload, String key, Class<T> type, T fallback) {
        Object value = payload.get(key);
        if (value == null) {
            return fallback;
        }
        if (!type.isInstance(value)) {
            throw JobFailure.notRetryable("invalid column spec: \"" + key + "\" must be a "
                    + type.getSimpleName().toLowerCase(Locale.ROOT));
        }
        return type.cast(value);
    }
}
