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
import dev.jobledger.messages.AttemptFinishOutcome;
import dev.jobledger.messages.AttemptFinishOutcomes;
import dev.jobledger.messages.AttemptStartOutcome;
import dev.jobledger.messages.AttemptStartOutcomes;
import dev.jobledger.messages.Delivery;
import dev.jobledger.messages.JobView;
import dev.jobledger.messages.LogEntry;
import dev.jobledger.messages.Progress;
import dev.jobledger.messages.ReportAck;
import dev.jobledger.messages.StartAnswer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * The ledger's internal endpoints over HTTP, with the bridge's bearer token: the batched worker protocol ({@code
 * /internal/attempts/start|finish}, one call for the records of an invocation) and the single-attempt endpoints
 * ({@code /internal/jobs/{jobId}/...}), which carry a running handler's intermediate logs and progress. Network errors
 * and 5xx are retried a bounded number of times with exponential backoff and full jitter; 4xx are never retried
 * (except one retry of a 401 with a freshly read token). Sends only the fields the ledger accepts; ignores unknown
 * fields in its answers.
 */
public final class LedgerClient {

    private static final FunctionLog LOG = FunctionLog.of(LedgerClient.class);

    record StartRequest(Integer attempt, String messageId, String requestId) {}

    /** {@code batchId} is sent again with the same body on every retry, so a batch the ledger recorded stays once. */
    record LogsRequest(int attempt, List<LogEntry> entries, String batchId) {}

    record ProgressRequest(int attempt, long processed, Long total, Long failed) {}

    record CompleteRequest(int attempt, Map<String, Object> result) {}

    record FailRequest(int attempt, String reason, boolean retryable) {}

    /** Most items the ledger takes in one batched call. */
    static final int MAX_ITEMS_PER_BATCH = 100;

    /**
     * Budget of one batched finish call's JSON. The ledger refuses bodies over 4 MiB; half of that leaves room for
     * the approximation (a report's own size is exact, the envelope is estimated).
     */
    static final int MAX_BATCH_BYTES = 2 * 1024 * 1024;

    /** One record of a batched start: the delivery of a job's attempt, with the ticket its message carries. */
    record AttemptToStart(UUID jobId, Integer attempt, String messageId, String ticket) {}

    record StartAttempts(String requestId, List<AttemptToStart> attempts) {}

    /** How an attempt ended, in a batched finish. */
    enum AttemptOutcome {
        COMPLETED,
        FAILED
    }

    /**
     * How one attempt ended, with the log lines and the progress it had not sent yet (both recorded with the end), and
     * the attempt's ticket. Empty {@code logs} are sent as absent.
     */
    record AttemptReport(
            UUID jobId,
            Integer attempt,
            String messageId,
            String ticket,
            AttemptOutcome outcome,
            Map<String, Object> result,
            String reason,
            Boolean retryable,
            List<LogEntry> logs,
            Progress progress) {

        AttemptReport {
            logs = logs == null || logs.isEmpty() ? null : List.copyOf(logs);
        }

        static AttemptReport completed(
                UUID jobId,
                int attempt,
                String messageId,
                String ticket,
                Map<String, Object> result,
                List<LogEntry> logs,
                Progress progress) {
            return new AttemptReport(
                    jobId, attempt, messageId, ticket, AttemptOutcome.COMPLETED, result, null, null, logs, progress);
        }

        static AttemptReport failed(
                UUID jobId,
                int attempt,
                String messageId,
                String ticket,
                String reason,
                boolean retryable,
                List<LogEntry> logs,
                Progress progress) {
            return new AttemptReport(
                    jobId, attempt, messageId, ticket, AttemptOutcome.FAILED, null, reason, retryable, logs, progress);
        }
    }

    record FinishAttempts(String requestId, List<AttemptReport> reports) {}

    /**
     * What became of one item of a batched call: the ledger's outcome for it, or why the call that carried it failed
     * (exactly one of the two is set).
     */
    record ItemResult<T>(T outcome, LedgerException failure) {

        ItemResult {
            if ((outcome == null) == (failure == null)) {
                throw new IllegalArgumentException("an item result has an outcome or a failure");
            }
        }
    }

    private final String baseUrl;
    private final TokenSource token;
    private final ObjectMapper json;
    private final int connectTimeoutMillis;
    private final int requestTimeoutMillis;
    private final int maxTries;
    private final Duration backoffBase;
    private final Duration backoffMax;

    /**
     * Calls go over the JDK's blocking {@link HttpURLConnection} (kept-alive connections, reused while the function's
     * instance lives), not {@code java.net.http}: an invocation makes one call at a time, and the asynchronous client
     * handed each one to its selector thread and the answer to a worker thread, which cost more CPU than the call
     * itself (docs/benchmarks.md, fifteenth round).
     */
    public LedgerClient(BridgeConfig config, TokenSource token) {
        String base = config.apiBaseUrl().toString();
        this.baseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
        this.json = mapper();
        this.connectTimeoutMillis = Math.toIntExact(config.connectTimeout().toMillis());
        this.requestTimeoutMillis = Math.toIntExact(config.requestTimeout().toMillis());
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

    /*
     * The single-attempt calls carry the attempt's ticket (the message's, or the one the start's PROCEED handed out)
     * in the ticket header; without one that admits the job and attempt, the ledger answers 403.
     */

    public StartAnswer startAttempt(UUID jobId, int attempt, String ticket, Delivery delivery) {
        return call(
                jobId,
                "attempts",
                new StartRequest(attempt, delivery.messageId(), delivery.requestId()),
                delivery,
                ticket,
                StartAnswer.class);
    }

    public ReportAck appendLogs(UUID jobId, int attempt, String ticket, List<LogEntry> entries, Delivery delivery) {
        return call(
                jobId,
                "logs",
                new LogsRequest(attempt, entries, UUID.randomUUID().toString()),
                delivery,
                ticket,
                ReportAck.class);
    }

    public ReportAck reportProgress(
            UUID jobId, int attempt, String ticket, long processed, Long total, long failed, Delivery delivery) {
        return call(
                jobId,
                "progress",
                new ProgressRequest(attempt, processed, total, failed),
                delivery,
                ticket,
                ReportAck.class);
    }

    public JobView complete(UUID jobId, int attempt, String ticket, Map<String, Object> result, Delivery delivery) {
        return call(jobId, "complete", new CompleteRequest(attempt, result), delivery, ticket, JobView.class);
    }

    public JobView fail(UUID jobId, int attempt, String ticket, String reason, boolean retryable, Delivery delivery) {
        return call(jobId, "fail", new FailRequest(attempt, reason, retryable), delivery, ticket, JobView.class);
    }

    /**
     * Starts the records of an invocation, in calls of at most {@value #MAX_ITEMS_PER_BATCH}. One result per item, in
     * order; a call that failed (after the retries for 5xx and network errors) fails each of its items.
     */
    List<ItemResult<AttemptStartOutcome>> startAttempts(String requestId, List<AttemptToStart> attempts) {
        List<ItemResult<AttemptStartOutcome>> results = new ArrayList<>(attempts.size());
        for (int from = 0; from < attempts.size(); from += MAX_ITEMS_PER_BATCH) {
            List<AttemptToStart> chunk = attempts.subList(from, Math.min(attempts.size(), from + MAX_ITEMS_PER_BATCH));
            send(
                    chunk,
                    items -> call(
                                    "/internal/attempts/start",
                                    "attempts/start",
                                    new StartAttempts(requestId, items),
                                    null,
                                    null,
                                    AttemptStartOutcomes.class)
                            .outcomes(),
                    (item, outcome) -> item.jobId().equals(outcome.jobId())
                            && Objects.equals(item.messageId(), outcome.messageId()),
                    results);
        }
        return results;
    }

    /**
     * Ends attempts, in calls of at most {@value #MAX_ITEMS_PER_BATCH} reports and about {@value #MAX_BATCH_BYTES}
     * bytes (a report larger than that goes alone). One result per report, in order; a call that failed (after the
     * retries for 5xx and network errors) fails each of its reports.
     */
    List<ItemResult<AttemptFinishOutcome>> finishAttempts(String requestId, List<AttemptReport> reports) {
        List<ItemResult<AttemptFinishOutcome>> results = new ArrayList<>(reports.size());
        for (List<AttemptReport> chunk : bySize(requestId, reports)) {
            send(
                    chunk,
                    items -> call(
                                    "/internal/attempts/finish",
                                    "attempts/finish",
                                    new FinishAttempts(requestId, items),
                                    null,
                                    null,
                                    AttemptFinishOutcomes.class)
                            .outcomes(),
                    (item, outcome) -> item.jobId().equals(outcome.jobId())
                            && Objects.equals(item.messageId(), outcome.messageId()),
                    results);
        }
        return results;
    }

    private List<List<AttemptReport>> bySize(String requestId, List<AttemptReport> reports) {
        int envelope = 64 + (requestId == null ? 0 : requestId.length() * 6);
        List<List<AttemptReport>> chunks = new ArrayList<>();
        List<AttemptReport> chunk = new ArrayList<>();
        long bytes = envelope;
        for (AttemptReport report : reports) {
            int size = jsonSize(report) + 1;
            if (!chunk.isEmpty() && (chunk.size() == MAX_ITEMS_PER_BATCH || bytes + size > MAX_BATCH_BYTES)) {
                chunks.add(chunk);
                chunk = new ArrayList<>();
                bytes = envelope;
            }
            chunk.add(report);
            bytes += size;
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
        return chunks;
    }

    private int jsonSize(Object value) {
        try {
            return json.writeValueAsBytes(value).length;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write a report as JSON", e);
        }
    }

    /** One batched call for {@code items}; its outcomes, or its failure, go to {@code results} in item order. */
    private <I, O> void send(
            List<I> items, Function<List<I>, List<O>> call, BiPredicate<I, O> matches, List<ItemResult<O>> results) {
        List<O> outcomes;
        try {
            outcomes = call.apply(items);
        } catch (LedgerException.Refused e) {
            if (items.size() > 1 && (e.status() == 400 || e.status() == 413)) {
                // The whole call was refused for what one item holds (a result the ledger cannot store, a body too
                // large): halve it until that item stands alone, so that it does not keep the others from the ledger.
                LOG.warn("the ledger refused a batch of " + items.size() + " with " + e.status() + "; splitting it");
                int half = items.size() / 2;
                send(items.subList(0, half), call, matches, results);
                send(items.subList(half, items.size()), call, matches, results);
                return;
            }
            items.forEach(item -> results.add(new ItemResult<>(null, e)));
            return;
        } catch (LedgerException.Unavailable e) {
            items.forEach(item -> results.add(new ItemResult<>(null, e)));
            return;
        }
        if (outcomes == null || outcomes.size() != items.size()) {
            LedgerException wrong = new LedgerException.Unavailable(
                    "the ledger answered " + (outcomes == null ? 0 : outcomes.size()) + " outcomes for " + items.size()
                            + " items",
                    null);
            items.forEach(item -> results.add(new ItemResult<>(null, wrong)));
            return;
        }
        for (int i = 0; i < items.size(); i++) {
            O outcome = outcomes.get(i);
            if (outcome != null && matches.test(items.get(i), outcome)) {
                results.add(new ItemResult<>(outcome, null));
            } else {
                results.add(new ItemResult<>(
                        null,
                        new LedgerException.Unavailable(
                                "the ledger's outcome " + i + " is not for the item sent in its place", null)));
            }
        }
    }

    private <T> T call(
            UUID jobId, String endpoint, Object body, Delivery delivery, String ticket, Class<T> answerType) {
        return call("/internal/jobs/" + jobId + "/" + endpoint, endpoint, body, delivery, ticket, answerType);
    }

    /**
     * One request with its retries; {@code delivery} and {@code ticket} (sent as headers) are {@code null} for batched
     * calls, whose items carry their own.
     */
    private <T> T call(
            String path, String endpoint, Object body, Delivery delivery, String ticket, Class<T> answerType) {
        URI uri = URI.create(baseUrl + path);
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
            Answer response;
            try {
                response = exchange(uri, bytes, delivery, ticket, bearer);
            } catch (IOException e) {
                lastError = e;
                LOG.warn("ledger call " + endpoint + " failed (try " + tryNumber + " of " + maxTries + "): " + e);
                continue;
            }
            int status = response.status();
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

    private record Answer(int status, byte[] body) {}

    /**
     * One POST. The body of every answer, an error's too, is read to its end so that the connection goes back to the
     * JDK's keep-alive pool. {@code requestTimeout} bounds each wait for the ledger's bytes.
     */
    private Answer exchange(URI uri, byte[] body, Delivery delivery, String ticket, String bearer) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        try {
            connection.setConnectTimeout(connectTimeoutMillis);
            connection.setReadTimeout(requestTimeoutMillis);
            // A redirect is the ledger's answer (a refusal), as before, not a POST sent elsewhere.
            connection.setInstanceFollowRedirects(false);
            connection.setRequestMethod("POST");
            connection.setDoOutput(true);
            // The body is sent from the connection's buffer, not streamed: before a streamed POST on a kept-alive
            // connection the JDK probes the connection with a read that waits a millisecond and throws, on every call.
            // A buffered one the JDK sends again, once, when reading the answer fails (a kept-alive connection the
            // ledger closed, among others), unseen by the retries here: each call is idempotent per attempt.
            connection.setRequestProperty("Authorization", "Bearer " + bearer);
            connection.setRequestProperty("Content-Type", "application/json");
            connection.setRequestProperty("Accept", "application/json");
            if (delivery != null && delivery.messageId() != null) {
                connection.setRequestProperty(Delivery.MESSAGE_ID_HEADER, delivery.messageId());
            }
            if (delivery != null && delivery.requestId() != null) {
                connection.setRequestProperty(Delivery.REQUEST_ID_HEADER, delivery.requestId());
            }
            if (ticket != null) {
                connection.setRequestProperty(Delivery.TICKET_HEADER, ticket);
            }
            try (OutputStream out = connection.getOutputStream()) {
                out.write(body);
            }
            int status = connection.getResponseCode();
            InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            if (in == null) {
                return new Answer(status, new byte[0]);
            }
            try (in) {
                return new Answer(status, in.readAllBytes());
            }
        } catch (IOException e) {
            // A connection that failed midway is not handed back to the pool.
            connection.disconnect();
            throw e;
        }
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
