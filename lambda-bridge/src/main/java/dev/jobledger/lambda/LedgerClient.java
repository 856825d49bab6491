package dev.jobledger.lambda;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.jobledger.messages.JobView;
import dev.jobledger.messages.LogEntry;
import dev.jobledger.messages.ReportAck;
import dev.jobledger.messages.StartAnswer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The ledger's five internal endpoints over HTTP ({@code /internal/jobs/{jobId}/...}), with the bridge's bearer
 * token. Network errors and 5xx are retried a bounded number of times with exponential backoff and full jitter; 4xx
 * are never retried (except one retry of a 401 with a freshly read token). Sends only the fields the ledger accepts;
 * ignores unknown fields in its answers.
 */
public final class LedgerClient {

    static final String MESSAGE_ID_HEADER = "X-Job-Message-Id";
    static final String REQUEST_ID_HEADER = "X-Job-Request-Id";

    private static final FunctionLog LOG = FunctionLog.of(LedgerClient.class);

    /** The delivery a report belongs to, sent as headers. */
    public record Delivery(String messageId, String requestId) {}

    record StartRequest(Integer attempt, String messageId, String requestId) {}

    record LogsRequest(int attempt, List<LogEntry> entries) {}

    record ProgressRequest(int attempt, long processed, Long total, Long failed) {}

    record CompleteRequest(int attempt, Map<String, Object> result) {}

    record FailRequest(int attempt, String reason, boolean retryable) {}

    private final String baseUrl;
    private final TokenSource token;
    private final HttpClient http;
    private final ObjectMapper json;
    private final Duration requestTimeout;
    private final int maxTries;
    private final Duration backoffBase;
    private final Duration backoffMax;

    public LedgerClient(BridgeConfig config, TokenSource token) {
        this(
                config,
                token,
                HttpClient.newBuilder()
                        .connectTimeout(config.connectTimeout())
                        .version(HttpClient.Version.HTTP_1_1)
                        .build());
    }

    public LedgerClient(BridgeConfig config, TokenSource token, HttpClient http) {
        String base = config.apiBaseUrl().toString();
        this.baseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
        this.http = http;
        this.json = mapper();
        this.requestTimeout = config.requestTimeout();
        this.maxTries = config.maxTries();
        this.backoffBase = config.backoffBase();
        this.backoffMax = config.backoffMax();
    }

    /**
     * The JSON mapping used on the wire: ISO instants, no nulls sent, unknown fields ignored, and text the ledger can
     * store. Handlers quote their input in log lines and reasons; a NUL character or an unpaired surrogate from a
     * file would have the whole report refused, so each is sent as U+FFFD.
     */
    public static ObjectMapper mapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .registerModule(new SimpleModule("storable-text").addSerializer(String.class, new StorableText()))
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    }

    public StartAnswer startAttempt(UUID jobId, int attempt, Delivery delivery) {
        return call(
                jobId,
                "attempts",
                new StartRequest(attempt, delivery.messageId(), delivery.requestId()),
                delivery,
                StartAnswer.class);
    }

    public ReportAck appendLogs(UUID jobId, int attempt, List<LogEntry> entries, Delivery delivery) {
        return call(jobId, "logs", new LogsRequest(attempt, entries), delivery, ReportAck.class);
    }

    public ReportAck reportProgress(
            UUID jobId, int attempt, long processed, Long total, long failed, Delivery delivery) {
        return call(
                jobId, "progress", new ProgressRequest(attempt, processed, total, failed), delivery, ReportAck.class);
    }

    public JobView complete(UUID jobId, int attempt, Map<String, Object> result, Delivery delivery) {
        return call(jobId, "complete", new CompleteRequest(attempt, result), delivery, JobView.class);
    }

    public JobView fail(UUID jobId, int attempt, String reason, boolean retryable, Delivery delivery) {
        return call(jobId, "fail", new FailRequest(attempt, reason, retryable), delivery, JobView.class);
    }

    private <T> T call(UUID jobId, String endpoint, Object body, Delivery delivery, Class<T> answerType) {
        URI uri = URI.create(baseUrl + "/internal/jobs/" + jobId + "/" + endpoint);
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write the " + endpoint + " request as JSON", e);
        }
        boolean tokenRefreshed = false;
        Exception lastError = null;
        for (int tryNumber = 1; tryNumber <= maxTries; tryNumber++) {
            if (tryNumber > 1) {
                pause(tryNumber - 1);
            }
            String bearer;
            try {
                bearer = token.token();
            } catch (RuntimeException e) {
                lastError = e;
                LOG.warn("cannot read the bridge token (try " + tryNumber + " of " + maxTries + "): " + e);
                continue;
            }
            HttpResponse<byte[]> response;
            try {
                response = http.send(request(uri, bytes, delivery, bearer), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                lastError = e;
                LOG.warn("ledger call " + endpoint + " failed (try " + tryNumber + " of " + maxTries + "): " + e);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LedgerException.Unavailable("interrupted while calling the ledger", e);
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                try {
                    return json.readValue(response.body(), answerType);
                } catch (IOException e) {
                    throw new LedgerException.Unavailable("unreadable answer from the ledger's " + endpoint, e);
                }
            }
            if (status >= 500) {
                lastError = new IOException("HTTP " + status);
                LOG.warn("ledger call " + endpoint + " answered " + status + " (try " + tryNumber + " of " + maxTries
                        + ")");
                continue;
            }
            if (status == 401 && !tokenRefreshed) {
                tokenRefreshed = true;
                token.invalidate();
                tryNumber--;
                LOG.warn("ledger call " + endpoint + " answered 401; reading the token again");
                continue;
            }
            throw new LedgerException.Refused(
                    status, "the ledger's " + endpoint + " answered " + status + ": " + snippet(response.body()));
        }
        throw new LedgerException.Unavailable(
                "the ledger's " + endpoint + " could not be reached after " + maxTries + " tries: " + lastError,
                lastError);
    }

    /** Writes text with what PostgreSQL refuses replaced by U+FFFD; most text has none and is written as it is. */
    static final class StorableText extends StdSerializer<String> {
        private static final java.util.regex.Pattern UNSTORABLE = java.util.regex.Pattern.compile("[\\x00\\p{Cs}]");

        StorableText() {
            super(String.class);
        }

        @Override
        public void serialize(String text, JsonGenerator out, SerializerProvider provider) throws IOException {
            out.writeString(storable(text));
        }

        static String storable(String text) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == 0 || Character.isSurrogate(c)) {
                    return UNSTORABLE.matcher(text).replaceAll("\uFFFD");
                }
            }
            return text;
        }
    }

    private HttpRequest request(URI uri, byte[] body, Delivery delivery, String bearer) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + bearer)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (delivery.messageId() != null) {
            builder.header(MESSAGE_ID_HEADER, delivery.messageId());
        }
        if (delivery.requestId() != null) {
            builder.header(REQUEST_ID_HEADER, delivery.requestId());
        }
        return builder.build();
    }

    /** Full jitter: a random pause between 0 and min(max, base * 2^(retry-1)). */
    private void pause(int retry) {
        long ceiling = Math.min(backoffMax.toMillis(), backoffBase.toMillis() << Math.min(retry - 1, 20));
        long millis = ThreadLocalRandom.current().nextLong(ceiling + 1);
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerException.Unavailable("interrupted while waiting to retry", e);
        }
    }

    private static String snippet(byte[] body) {
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
