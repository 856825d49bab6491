package dev.jobledger.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A plain HTTP client for the service under test: real requests over loopback, JSON answers as trees. */
public final class Api {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public Api(int port) {
        this.base = "http://localhost:" + port;
    }

    /** One answer: status, headers and body as JSON (a missing node when the body is empty). */
    public record Answer(int status, HttpResponse<String> raw, JsonNode body) {

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        public String contentType() {
            return header("Content-Type");
        }

        @Override
        public String toString() {
            return status + " " + raw.body();
        }
    }

    public Answer get(String path, String token) {
        return get(path, token, Map.of());
    }

    public Answer get(String path, String token, Map<String, String> headers) {
        HttpRequest.Builder request = request(path, token).GET();
        headers.forEach(request::header);
        return send(request);
    }

    /** A GET whose answer is not JSON (Prometheus text, CSV): its body is only in {@code raw}. */
    public Answer getText(String path, String token) {
        HttpResponse<String> response = getPage(path, token);
        return new Answer(response.statusCode(), response, JSON.missingNode());
    }

    /** A request of any method, without a body. */
    public Answer send(String method, String path, String token) {
        return send(request(path, token).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    public Answer post(String path, String token, Object body) {
        return post(path, token, body, Map.of());
    }

    public Answer post(String path, String token, Object body, Map<String, String> headers) {
        HttpRequest.Builder request = request(path, token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body instanceof String text ? text : write(body)));
        headers.forEach(request::header);
        return send(request);
    }

    /** A multipart/form-data POST with text fields and, when {@code fileName} is not null, one file part. */
    public Answer postMultipart(String path, String token, Map<String, String> fields, String fileName, byte[] file) {
        return postMultipart(path, token, fields, fileName, file, Map.of());
    }

    public Answer postMultipart(
            String path,
            String token,
            Map<String, String> fields,
            String fileName,
            byte[] file,
            Map<String, String> headers) {
        return postMultipart(path, token, fields, fileName, "text/csv", file, headers);
    }

    public Answer postMultipart(
            String path,
            String token,
            Map<String, String> fields,
            String fileName,
            String fileContentType,
            byte[] file,
            Map<String, String> headers) {
        String boundary = "----job-ledger-test-" + System.nanoTime();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        java.nio.charset.Charset utf8 = java.nio.charset.StandardCharsets.UTF_8;
        fields.forEach((name, value) -> body.writeBytes(
                ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n")
                        .getBytes(utf8)));
        if (fileName != null) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                            + fileName + "\"\r\nContent-Type: " + fileContentType + "\r\n\r\n")
                    .getBytes(utf8));
            body.writeBytes(file);
            body.writeBytes("\r\n".getBytes(utf8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(utf8));
        HttpRequest.Builder request = request(path, token)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        headers.forEach(request::header);
        return send(request);
    }

    /** A GET answered with anything but JSON (pages, fragments, scripts): status, headers and text as they came. */
    public HttpResponse<String> getPage(String path, String token) {
        try {
            return http.send(request(path, token).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A form POST (application/x-www-form-urlencoded), as a browser's form sends it. */
    public HttpResponse<String> postForm(String path, String form) {
        try {
            return http.send(
                    request(path, null)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(form))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Opens a Server-Sent Events stream; {@code lastEventId} (may be null) resumes after that event. */
    public EventStream stream(String path, String token, String lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Accept", "text/event-stream")
                .GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        return EventStream.open(http, request.build());
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty() ? JSON.missingNode() : JSON.readTree(response.body());
            return new Answer(response.statusCode(), response, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String write(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
