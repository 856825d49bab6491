package dev.jobledger.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The benchmarks' clients, which share the two cores with the stack they measure: blocking calls over the JDK's
 * {@link HttpURLConnection} (kept-alive connections), as cheap in CPU as a client gets. {@code java.net.http} handed
 * every call to its selector thread and every answer to a worker thread: a seventh of the JVM's CPU in {@code
 * bin/benchmark-ledger}, charged to the ledger's figures (docs/benchmarks.md, fifteenth round).
 */
final class BenchmarkHttp {

    record Answer(int status, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private BenchmarkHttp() {}

    /**
     * Sends the body from the connection's buffer: before a streamed POST on a kept-alive connection the JDK probes the
     * connection with a read that waits a millisecond and throws (a quarter of the clients' CPU). The JDK sends a
     * buffered POST again, once, if reading its answer fails; over loopback, to a server that announces the connections
     * it closes, a benchmark does not meet that.
     */
    static Answer post(String url, String token, String contentType, byte[] body) throws IOException {
        return post(url, token, contentType, body, null);
    }

    /** As {@link #post(String, String, String, byte[])}, with an {@code Idempotency-Key} unless it is null. */
    static Answer post(String url, String token, String contentType, byte[] body, String idempotencyKey)
            throws IOException {
        HttpURLConnection connection = posting(url, token, contentType);
        if (idempotencyKey != null) {
            connection.setRequestProperty("Idempotency-Key", idempotencyKey);
        }
        try (OutputStream out = connection.getOutputStream()) {
            out.write(body);
        }
        return answer(connection);
    }

    /** Streams {@code length} bytes of {@code body} (a file of a gigabyte needs no array of its size). */
    static Answer post(String url, String token, String contentType, long length, InputStream body) throws IOException {
        HttpURLConnection connection = posting(url, token, contentType);
        connection.setFixedLengthStreamingMode(length);
        try (body;
                OutputStream out = connection.getOutputStream()) {
            body.transferTo(out);
        }
        return answer(connection);
    }

    static Answer get(String url, String token) throws IOException {
        return answer(open(url, token));
    }

    private static HttpURLConnection posting(String url, String token, String contentType) throws IOException {
        HttpURLConnection connection = open(url, token);
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", contentType);
        return connection;
    }

    private static HttpURLConnection open(String url, String token) throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setConnectTimeout(10_000);
        connection.setReadTimeout(120_000);
        connection.setRequestProperty("Authorization", "Bearer " + token);
        return connection;
    }

    /** Reads the whole body, an error's too, so that the connection is kept alive for the next call. */
    private static Answer answer(HttpURLConnection connection) throws IOException {
        int status = connection.getResponseCode();
        InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
        if (in == null) {
            return new Answer(status, new byte[0]);
        }
        try (in) {
            return new Answer(status, in.readAllBytes());
        }
    }
}
