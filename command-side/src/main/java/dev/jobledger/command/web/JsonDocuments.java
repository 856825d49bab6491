package dev.jobledger.command.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;

/**
 * Checks the free-form JSON documents a request carries (payloads, results, log meta) before they become events: an
 * event is kept for good and projected into {@code jsonb}, so a document PostgreSQL cannot store, once accepted,
 * would stop the read models for everyone.
 */
@Component
class JsonDocuments {

    private final ObjectMapper json;
    private final InputLimits limits;

    JsonDocuments(ObjectMapper json, InputLimits limits) {
        this.json = json;
        this.limits = limits;
    }

    /** Answers 400 for text PostgreSQL refuses or nesting too deep, 413 for a document over the size limit. */
    void requireStorable(String name, Map<String, ?> document) {
        if (document == null) {
            return;
        }
        long limit = limits.maxDocumentSize().toBytes();
        // Most documents (a log line's meta) are far below the limit even counted at six bytes a character: the
        // exact count, which writes the document as JSON, is for the few that may not be.
        if (checkedSizeBound(document, new Where(null, name, -1), 1) > limit && compactSize(document) > limit) {
            throw problem(
                    HttpStatus.PAYLOAD_TOO_LARGE,
                    name + " is larger than "
                            + describe(limit)
                            + " as compact JSON; store large inputs as a file (multipart/form-data) instead");
        }
    }

    private static final long UNKNOWN = Long.MAX_VALUE;

    /**
     * Checks the node's text and nesting, answering 400 with where the first problem is, and returns a bound its
     * compact JSON length never exceeds, found without writing it: every character counts six bytes, the most it
     * takes escaped; {@link #UNKNOWN} for what it cannot bound (big numbers, which may print long).
     */
    private long checkedSizeBound(Object node, Where where, int depth) {
        if (node instanceof Map<?, ?> object) {
            requireDepth(where, depth);
            long size = 2;
            for (Map.Entry<?, ?> field : object.entrySet()) {
                String key = String.valueOf(field.getKey());
                Where fieldWhere = new Where(where, key, -1);
                if (!StorableText.Check.isStorable(key)) {
                    throw unstorable(fieldWhere.path() + " (the key)");
                }
                long value = checkedSizeBound(field.getValue(), fieldWhere, depth + 1);
                size = add(size, add(textBound(key) + 2, value));
            }
            return size;
        }
        if (node instanceof List<?> array) {
            requireDepth(where, depth);
            long size = 2;
            for (int index = 0; index < array.size(); index++) {
                long value = checkedSizeBound(array.get(index), new Where(where, null, index), depth + 1);
                size = add(size, add(value, 1));
            }
            return size;
        }
        if (node instanceof String text) {
            if (!StorableText.Check.isStorable(text)) {
                throw unstorable(where.path());
            }
            return textBound(text);
        }
        if (node == null || node instanceof Boolean) {
            return 5;
        }
        if (node instanceof Integer || node instanceof Long || node instanceof Double || node instanceof Float) {
            return 25;
        }
        return UNKNOWN;
    }

    /**
     * Where a node is in its document, written out only for an answer: a path string per node would cost every
     * document, and nearly all are fine.
     */
    private record Where(Where parent, String name, int index) {

        String path() {
            if (parent == null) {
                return name;
            }
            return name == null ? parent.path() + "[" + index + "]" : parent.path() + "." + name;
        }
    }

    private static long textBound(String text) {
        return 2 + 6L * text.length();
    }

    private static long add(long a, long b) {
        return a == UNKNOWN || b == UNKNOWN ? UNKNOWN : a + b;
    }

    private void requireDepth(Where where, int depth) {
        if (depth > limits.maxDocumentDepth()) {
            throw problem(
                    HttpStatus.BAD_REQUEST,
                    where.path() + " nests objects and arrays deeper than " + limits.maxDocumentDepth() + " levels");
        }
    }

    private static ErrorResponseException unstorable(String path) {
        return problem(
                HttpStatus.BAD_REQUEST,
                path + " contains a NUL character or an unpaired surrogate, which cannot be stored");
    }

    /** The document's compact JSON length in bytes, counted without keeping the bytes; stops past the limit. */
    private long compactSize(Object document) {
        long limit = limits.maxDocumentSize().toBytes();
        Counter counter = new Counter(limit);
        try {
            json.writeValue(counter, document);
        } catch (IOException e) {
            if (e instanceof OverLimit || e.getCause() instanceof OverLimit) {
                return limit + 1;
            }
            throw problem(HttpStatus.BAD_REQUEST, "A document could not be written as JSON");
        }
        return counter.count;
    }

    private static String describe(long bytes) {
        return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " bytes";
    }

    static ErrorResponseException problem(HttpStatus status, String detail) {
        return new ErrorResponseException(status, ProblemDetail.forStatusAndDetail(status, detail), null);
    }

    private static final class OverLimit extends IOException {
        OverLimit() {
            super("over the limit");
        }
    }

    private static final class Counter extends OutputStream {
        private final long limit;
        private long count;

        Counter(long limit) {
            this.limit = limit;
        }

        @Override
        public void write(int b) throws IOException {
            add(1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            add(length);
        }

        private void add(long bytes) throws IOException {
            count += bytes;
            if (count > limit) {
                throw new OverLimit();
            }
        }
    }
}
