package dev.jobledger.command.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
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

    private static final Pattern STORABLE = Pattern.compile(StorableText.STORABLE);

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
        checkTree(name, document, 1);
        long size = compactSize(document);
        if (size > limits.maxDocumentSize().toBytes()) {
            throw problem(
                    HttpStatus.PAYLOAD_TOO_LARGE,
                    name + " is larger than "
                            + describe(limits.maxDocumentSize().toBytes())
                            + " as compact JSON; store large inputs as a file (multipart/form-data) instead");
        }
    }

    private void checkTree(String path, Object node, int depth) {
        if (node instanceof Map<?, ?> object) {
            requireDepth(path, depth);
            for (Map.Entry<?, ?> field : object.entrySet()) {
                String key = String.valueOf(field.getKey());
                String fieldPath = path + "." + key;
                requireText(fieldPath + " (the key)", key);
                checkTree(fieldPath, field.getValue(), depth + 1);
            }
        } else if (node instanceof List<?> array) {
            requireDepth(path, depth);
            for (int index = 0; index < array.size(); index++) {
                checkTree(path + "[" + index + "]", array.get(index), depth + 1);
            }
        } else if (node instanceof String text) {
            requireText(path, text);
        }
    }

    private void requireDepth(String path, int depth) {
        if (depth > limits.maxDocumentDepth()) {
            throw problem(
                    HttpStatus.BAD_REQUEST,
                    path + " nests objects and arrays deeper than " + limits.maxDocumentDepth() + " levels");
        }
    }

    private static void requireText(String path, String text) {
        if (!STORABLE.matcher(text).matches()) {
            throw problem(
                    HttpStatus.BAD_REQUEST,
                    path + " contains a NUL character or an unpaired surrogate, which cannot be stored");
        }
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
