package dev.jobledger.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A Server-Sent Events client as a browser's EventSource reads a stream: events (id, name, data) and comments, read
 * on a thread of their own while the test drives the service.
 */
public final class EventStream implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One event; {@code data} as JSON. */
    public record Event(String id, String name, JsonNode data) {}

    private final int status;
    private final String contentType;
    private final java.net.http.HttpHeaders headers;
    private final String body;
    private final Stream<String> lines;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<String> comments = new CopyOnWriteArrayList<>();
    private volatile boolean ended;

    private EventStream(HttpResponse<Stream<String>> response) {
        this.status = response.statusCode();
        this.contentType = response.headers().firstValue("Content-Type").orElse("");
        this.headers = response.headers();
        if (status == 200) {
            this.lines = response.body();
            this.body = null;
            Thread reader = new Thread(this::read, "sse-test-reader");
            reader.setDaemon(true);
            reader.start();
        } else {
            this.lines = null;
            try (Stream<String> all = response.body()) {
                this.body = String.join("\n", all.toList());
            }
        }
    }

    static EventStream open(HttpClient http, HttpRequest request) {
        try {
            return new EventStream(
                    http.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).get(20, TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            throw new UncheckedIOException(new IOException(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void read() {
        String id = null;
        String name = null;
        List<String> data = new ArrayList<>();
        try {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new Event(id, name == null ? "message" : name, parse(String.join("\n", data))));
                    }
                    name = null;
                    data.clear();
                } else if (line.startsWith(":")) {
                    comments.add(line.substring(1));
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.add(line.substring(5).trim());
                }
            }
        } catch (RuntimeException closed) {
            // closed by the test or by the server
        } finally {
            ended = true;
        }
    }

    private static JsonNode parse(String data) {
        try {
            return JSON.readTree(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int status() {
        return status;
    }

    public String contentType() {
        return contentType;
    }

    public String header(String name) {
        return headers.firstValue(name).orElse(null);
    }

    /** The body of an answer that is not a stream (a problem). */
    public JsonNode problem() {
        return parse(body);
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    /** The events named {@code job}: the changes. */
    public List<Event> changes() {
        return events.stream().filter(event -> "job".equals(event.name())).toList();
    }

    public List<String> comments() {
        return List.copyOf(comments);
    }

    public boolean ended() {
        return ended;
    }

    @Override
    public void close() {
        if (lines != null) {
            lines.close();
        }
    }
}
