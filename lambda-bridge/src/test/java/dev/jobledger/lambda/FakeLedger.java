package dev.jobledger.lambda;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.jobledger.messages.AttemptDecision;
import dev.jobledger.messages.JobStatus;
import dev.jobledger.messages.JobView;
import dev.jobledger.messages.LogEntry;
import dev.jobledger.messages.Progress;
import dev.jobledger.messages.ReportAck;
import dev.jobledger.messages.StartAnswer;
import dev.jobledger.messages.StoredFile;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small fake of the ledger's internal endpoints on a real loopback HTTP server: the batched worker protocol ({@code
 * /internal/attempts/start|finish}, items handled in order, one outcome each) and the five single-attempt endpoints,
 * with the aggregate's state machine (PROCEED once per attempt and again for the same delivery of the running
 * attempt, SKIP for other repeats, 409 for ending a job that moved on, a repeated end changes nothing), attempt
 * tickets (a call or item whose ticket is not {@link #ticket(UUID, int)} of its job and attempt answers 403, before
 * anything else about the job; a PROCEED hands out the ticket of its attempt, as the ledger does), strict request
 * bodies (unknown fields and broken limits answer 400, bodies over 4 MiB 413, as the ledger does) and knobs: answer
 * proceed=false, 500 the first N times, 503 always (per job: a whole single call, or one item of a batched call),
 * whole batched calls answering a status or answering late, or answers lost after recording.
 */
final class FakeLedger implements AutoCloseable {

    static final String TOKEN = "bridge-token-never-logged-7f3a";

    static final String START = "attempts/start";
    static final String FINISH = "attempts/finish";

    private static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
    private static final String BYTES = "fake.bytes";
    private static final String ITEMS = "fake.items";
    private static final Pattern PATH = Pattern.compile("/internal/jobs/([0-9a-f-]{36})/([a-z]+)");
    private static final Pattern BATCH_PATH = Pattern.compile("/internal/(attempts/(?:start|finish))");
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "attempts", Set.of("attempt", "messageId", "requestId"),
            "logs", Set.of("attempt", "entries", "batchId"),
            "progress", Set.of("attempt", "processed", "total", "failed"),
            "complete", Set.of("attempt", "result"),
            "fail", Set.of("attempt", "reason", "retryable"));
    private static final Map<String, Set<String>> BATCH_FIELDS = Map.of(
            START, Set.of("requestId", "attempts"),
            FINISH, Set.of("requestId", "reports"));
    private static final Set<String> START_ITEM_FIELDS = Set.of("jobId", "attempt", "messageId", "ticket");
    private static final Set<String> REPORT_FIELDS = Set.of(
            "jobId", "attempt", "messageId", "ticket", "outcome", "result", "reason", "retryable", "logs", "progress");
    private static final Set<String> FINAL_PROGRESS_FIELDS = Set.of("processed", "total", "failed");
    private static final Set<String> ENTRY_FIELDS = Set.of("level", "message", "rowNumber", "meta");
    private static final Set<String> LEVELS = Set.of("DEBUG", "INFO", "WARNING", "ERROR");

    record Failure(int attempt, String reason, boolean retryable) {}

    /**
     * One call about a job: a single-attempt call, or one item of a batched call ({@link #START}, {@link #FINISH}).
     * The delivery comes from the headers of a single call, from the body of a batched one.
     */
    record Call(String endpoint, UUID jobId, int status, String messageId, String requestId) {}

    /** One HTTP request, as it arrived. */
    record Request(String endpoint, int status, int items, int bytes, boolean deliveryHeaders) {}

    /** A knob on a batched endpoint: answer {@code status} to its next calls; after recording them, if so. */
    private static final class BatchKnob {
        final int status;
        final boolean afterRecording;
        int timesLeft;

        BatchKnob(int status, boolean afterRecording, int times) {
            this.status = status;
            this.afterRecording = afterRecording;
            this.timesLeft = times;
        }
    }

    /** One job, as the fake knows it. */
    static final class Job {
        final UUID id;
        final String jobType;
        final Map<String, Object> payload;
        final StoredFile file;
        final int maxAttempts;
        JobStatus status = JobStatus.PENDING;
        int attempt;
        int attemptsUsed;
        Map<String, Object> result;
        final List<LogEntry> logs = new ArrayList<>();
        final List<Integer> logBatchSizes = new ArrayList<>();
        final List<Progress> progress = new ArrayList<>();
        final List<Failure> failures = new ArrayList<>();
        final List<Integer> proceeded = new ArrayList<>();
        int skips;
        int repeatedProceeds;
        String runningMessageId;
        int refuseReportsWith;
        boolean refuseStarts;
        String refuseTicketsAt;
        boolean abandoned;
        int cancelAfterReports = -1;
        int reports;
        int serverErrorsLeft;
        boolean unavailable;
        boolean logHoldReleased;

        Job(UUID id, String jobType, Map<String, Object> payload, StoredFile file, int maxAttempts) {
            this.id = id;
            this.jobType = jobType;
            this.payload = payload;
            this.file = file;
            this.maxAttempts = maxAttempts;
        }

        /** Built by name, not by the record's constructor, so that new JobView fields do not break the fake. */
        JobView view() {
            Map<String, Object> view = new java.util.HashMap<>();
            view.put("jobId", id);
            view.put("jobType", jobType);
            view.put("status", status);
            view.put("userId", "user-1");
            view.put("queue", "default");
            view.put("attempt", attempt);
            view.put("attempts", attemptsUsed);
            view.put("maxAttempts", maxAttempts);
            view.put(
                    "errorReason",
                    failures.isEmpty()
                            ? null
                            : failures.get(failures.size() - 1).reason());
            view.put("file", file);
            view.put("payload", payload);
            view.put("result", result);
            view.put("meta", Map.of());
            view.put("progress", progress.isEmpty() ? Progress.NONE : progress.get(progress.size() - 1));
            view.put("createdAt", Instant.now());
            return VIEW_MAPPER.convertValue(view, JobView.class);
        }
    }

    private static final ObjectMapper VIEW_MAPPER = LedgerClient.mapper();

    private final HttpServer server;
    private final ObjectMapper json = LedgerClient.mapper();
    private final Map<UUID, Job> jobs = new ConcurrentHashMap<>();
    private final List<Call> calls = new ArrayList<>();
    private final List<Request> requests = new ArrayList<>();
    private final Map<String, BatchKnob> batchKnobs = new ConcurrentHashMap<>();
    private final Map<String, Duration> batchDelays = new ConcurrentHashMap<>();
    private final Map<UUID, java.util.concurrent.CountDownLatch> logHolds = new ConcurrentHashMap<>();
    private final AtomicInteger badRequests = new AtomicInteger();

    FakeLedger() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    /**
     * The ticket this fake signs for a job's attempt, and the only one it admits for it. The events under {@code
     * src/test/resources/events/} carry it in their bodies ({@code ticket-${JOB}-<attempt>}), as the dispatcher signs
     * one into every message.
     */
    static String ticket(UUID jobId, int attempt) {
        return "ticket-" + jobId + "-" + attempt;
    }

    private static String refusal(UUID jobId, Object attempt, Object ticket) {
        return attempt instanceof Integer number && ticket(jobId, number).equals(ticket)
                ? null
                : "the attempt ticket does not admit attempt " + attempt + " of job " + jobId;
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    Job submit(UUID id, String jobType, Map<String, Object> payload, StoredFile file, int maxAttempts) {
        Job job = new Job(id, jobType, payload, file, maxAttempts);
        jobs.put(id, job);
        return job;
    }

    synchronized Job job(UUID id) {
        return jobs.get(id);
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    synchronized long calls(UUID jobId, String endpoint) {
        return calls.stream()
                .filter(c -> c.jobId().equals(jobId) && c.endpoint().equals(endpoint))
                .count();
    }

    int badRequests() {
        return badRequests.get();
    }

    /** Every HTTP request that arrived, refused ones included. */
    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** How many HTTP requests arrived, to any endpoint. */
    synchronized int requestCount() {
        return requests.size();
    }

    /** How many HTTP requests arrived at this endpoint ({@link #START}, {@link #FINISH}, "logs", ...). */
    synchronized long requestCount(String endpoint) {
        return requests.stream().filter(r -> r.endpoint().equals(endpoint)).count();
    }

    /** The next {@code times} calls of the batched endpoint ({@link #START}, {@link #FINISH}) answer {@code status}. */
    void failBatches(String endpoint, int status, int times) {
        batchKnobs.put(endpoint, new BatchKnob(status, false, times));
    }

    /** Every call of the batched endpoint is answered only after {@code delay}: a slow ledger. */
    void delayBatches(String endpoint, Duration delay) {
        batchDelays.put(endpoint, delay);
    }

    /** The next {@code times} calls of the batched endpoint are recorded, then answered 500: the answer is lost. */
    void loseBatchAnswers(String endpoint, int times) {
        batchKnobs.put(endpoint, new BatchKnob(500, true, times));
    }

    /** Starts of this job answer 409. */
    synchronized void refuseStarts(UUID jobId) {
        jobs.get(jobId).refuseStarts = true;
    }

    /**
     * Calls (or items) of this endpoint about this job answer 403 whatever their ticket, as for a ticket the ledger no
     * longer admits.
     */
    synchronized void refuseTicketsAt(UUID jobId, String endpoint) {
        jobs.get(jobId).refuseTicketsAt = endpoint;
    }

    /**
     * The job's running attempt is past its lease: the next start of the job for that attempt or a later one fails it
     * and starts the next attempt in its place, as the ledger's takeover does.
     */
    synchronized void abandonRunningAttempt(UUID jobId) {
        jobs.get(jobId).abandoned = true;
    }

    /** Log and progress reports about this job answer {@code status} (401, 403, 429, ...). */
    synchronized void refuseReports(UUID jobId, int status) {
        jobs.get(jobId).refuseReportsWith = status;
    }

    /** The next {@code n} calls about this job answer 500 (an item of a batched call: that item's status). */
    synchronized void serverErrors(UUID jobId, int n) {
        jobs.get(jobId).serverErrorsLeft = n;
    }

    /** Every call about this job answers 503 (an item of a batched call: that item's status). */
    synchronized void unavailable(UUID jobId) {
        jobs.get(jobId).unavailable = true;
    }

    /**
     * The first log call about this job is answered only once {@code release} is counted down (or after ten seconds):
     * a slow ledger that the handler must not wait for. Whether the release came in time is {@code Job.logHoldReleased}.
     */
    void holdFirstLogCall(UUID jobId, java.util.concurrent.CountDownLatch release) {
        logHolds.put(jobId, release);
    }

    /** The job is cancelled after this many recorded log/progress reports of its running attempt. */
    synchronized void cancelAfterReports(UUID jobId, int reports) {
        jobs.get(jobId).cancelAfterReports = reports;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Matcher batch = BATCH_PATH.matcher(exchange.getRequestURI().getPath());
            if ("POST".equals(exchange.getRequestMethod()) && batch.matches()) {
                handleBatch(exchange, batch.group(1), body);
                return;
            }
            Matcher path = PATH.matcher(exchange.getRequestURI().getPath());
            if (!"POST".equals(exchange.getRequestMethod()) || !path.matches() || !FIELDS.containsKey(path.group(2))) {
                respond(exchange, null, null, 404, Map.of("title", "Not Found"));
                return;
            }
            UUID jobId = UUID.fromString(path.group(1));
            String endpoint = path.group(2);
            exchange.setAttribute(BYTES, body.length);
            exchange.setAttribute(ITEMS, 1);
            if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                respond(exchange, jobId, endpoint, 401, Map.of("title", "Unauthorized"));
                return;
            }
            if (body.length > MAX_BODY_BYTES) {
                respond(exchange, jobId, endpoint, 413, Map.of("title", "Payload Too Large"));
                return;
            }
            Map<String, Object> request = json.readValue(body, new TypeReference<Map<String, Object>>() {});
            if (!FIELDS.get(endpoint).containsAll(request.keySet()) || !entriesValid(endpoint, request)) {
                badRequests.incrementAndGet();
                respond(exchange, jobId, endpoint, 400, Map.of("title", "Bad Request", "detail", "unknown field"));
                return;
            }
            String refusal = refusal(
                    jobId, request.get("attempt"), exchange.getRequestHeaders().getFirst("X-Job-Attempt-Ticket"));
            if (refusal != null) {
                respond(exchange, jobId, endpoint, 403, Map.of("title", "Forbidden", "detail", refusal));
                return;
            }
            java.util.concurrent.CountDownLatch hold = endpoint.equals("logs") ? logHolds.remove(jobId) : null;
            if (hold != null) {
                boolean released;
                try {
                    released = hold.await(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    released = false;
                }
                synchronized (this) {
                    jobs.get(jobId).logHoldReleased = released;
                }
            }
            Object answer;
            int status = 200;
            synchronized (this) {
                Job job = jobs.get(jobId);
                if (job == null) {
                    status = 404;
                    answer = Map.of("title", "Not Found", "detail", "no job " + jobId);
                } else if (job.unavailable) {
                    status = 503;
                    answer = Map.of("title", "Service Unavailable");
                } else if (job.serverErrorsLeft > 0) {
                    job.serverErrorsLeft--;
                    status = 500;
                    answer = Map.of("title", "Internal Server Error");
                } else if (job.refuseReportsWith > 0 && (endpoint.equals("logs") || endpoint.equals("progress"))) {
                    status = job.refuseReportsWith;
                    answer = Map.of("title", "Refused");
                } else {
                    Object result = apply(job, endpoint, request);
                    if (result instanceof Integer code) {
                        status = code;
                        answer = Map.of("title", "Conflict", "detail", "the job is " + job.status);
                    } else {
                        answer = result;
                    }
                }
            }
            respond(exchange, jobId, endpoint, status, answer);
        }
    }

    private boolean entriesValid(String endpoint, Map<String, Object> request) {
        if (!endpoint.equals("logs")) {
            return true;
        }
        return request.get("entries") instanceof List<?> entries && !entries.isEmpty() && logsValid(entries);
    }

    private static boolean logsValid(List<?> entries) {
        if (entries.size() > 2000) { // the ledger's limit (BridgeRequests)
            return false;
        }
        for (Object entry : entries) {
            if (!(entry instanceof Map<?, ?> map)
                    || !ENTRY_FIELDS.containsAll(map.keySet())
                    || !LEVELS.contains(map.get("level"))
                    || !(map.get("message") instanceof String message)
                    || message.isBlank()
                    || message.length() > 8000) {
                return false;
            }
        }
        return true;
    }

    private void handleBatch(HttpExchange exchange, String endpoint, byte[] body) throws IOException {
        exchange.setAttribute(BYTES, body.length);
        exchange.setAttribute(ITEMS, 0);
        if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            respondBatch(exchange, endpoint, 401, Map.of("title", "Unauthorized"));
            return;
        }
        if (body.length > MAX_BODY_BYTES) {
            respondBatch(exchange, endpoint, 413, Map.of("title", "Payload Too Large"));
            return;
        }
        Map<String, Object> request = json.readValue(body, new TypeReference<Map<String, Object>>() {});
        List<?> items =
                request.get(endpoint.equals(START) ? "attempts" : "reports") instanceof List<?> list ? list : List.of();
        exchange.setAttribute(ITEMS, items.size());
        if (!batchValid(endpoint, request, items)) {
            badRequests.incrementAndGet();
            respondBatch(exchange, endpoint, 400, Map.of("title", "Bad Request", "detail", "invalid batch"));
            return;
        }
        Duration delay = batchDelays.get(endpoint);
        if (delay != null) {
            try {
                Thread.sleep(delay.toMillis()); // the fault itself: a ledger that answers late
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        BatchKnob knob = batchKnobs.get(endpoint);
        synchronized (this) {
            if (knob != null && knob.timesLeft > 0) {
                knob.timesLeft--;
                if (!knob.afterRecording) {
                    respondBatch(exchange, endpoint, knob.status, Map.of("title", "Refused by the test"));
                    return;
                }
            } else {
                knob = null;
            }
            String requestId = (String) request.get("requestId");
            List<Map<String, Object>> outcomes = new ArrayList<>();
            for (Object item : items) {
                @SuppressWarnings("unchecked")
                Map<String, Object> fields = (Map<String, Object>) item;
                outcomes.add(batchItem(endpoint, fields, requestId));
            }
            if (knob != null) {
                respondBatch(exchange, endpoint, knob.status, Map.of("title", "Answer lost after recording"));
                return;
            }
            respondBatch(exchange, endpoint, 200, Map.of("outcomes", outcomes));
        }
    }

    private boolean batchValid(String endpoint, Map<String, Object> request, List<?> items) {
        if (!BATCH_FIELDS.get(endpoint).containsAll(request.keySet()) || items.isEmpty() || items.size() > 100) {
            return false;
        }
        for (Object item : items) {
            if (!(item instanceof Map<?, ?> fields)
                    || !(fields.get("jobId") instanceof String jobId)
                    || !jobId.matches("[0-9a-f-]{36}")
                    || !(endpoint.equals(START) ? START_ITEM_FIELDS : REPORT_FIELDS).containsAll(fields.keySet())
                    || (endpoint.equals(FINISH) && !reportValid(fields))) {
                return false;
            }
        }
        return true;
    }

    private static boolean reportValid(Map<?, ?> report) {
        Object outcome = report.get("outcome");
        if ("FAILED".equals(outcome)) {
            if (!(report.get("reason") instanceof String reason)
                    || reason.isBlank()
                    || reason.length() > 4000
                    || !(report.get("retryable") instanceof Boolean)) {
                return false;
            }
        } else if (!"COMPLETED".equals(outcome)) {
            return false;
        }
        if (report.get("result") != null && !(report.get("result") instanceof Map<?, ?>)) {
            return false;
        }
        if (report.get("logs") != null && !(report.get("logs") instanceof List<?> logs && logsValid(logs))) {
            return false;
        }
        return report.get("progress") == null
                || (report.get("progress") instanceof Map<?, ?> progress
                        && FINAL_PROGRESS_FIELDS.containsAll(progress.keySet())
                        && progress.get("processed") instanceof Number);
    }

    /** One item, handled as its single-attempt endpoint would handle it; the caller holds the lock. */
    private Map<String, Object> batchItem(String endpoint, Map<String, Object> item, String requestId) {
        UUID jobId = UUID.fromString((String) item.get("jobId"));
        String messageId = (String) item.get("messageId");
        Map<String, Object> outcome = new java.util.HashMap<>();
        outcome.put("jobId", jobId);
        outcome.put("messageId", messageId);
        Job job = jobs.get(jobId);
        int status = 200;
        String refusal = job != null && endpoint.equals(job.refuseTicketsAt)
                ? "the attempt ticket does not admit attempt " + item.get("attempt") + " of job " + jobId
                : refusal(jobId, item.get("attempt"), item.get("ticket"));
        if (refusal != null) {
            status = 403;
            outcome.put("detail", refusal);
        } else if (job == null) {
            status = 404;
            outcome.put("detail", "no job " + jobId);
        } else if (job.unavailable) {
            status = 503;
            outcome.put("detail", "Service Unavailable");
        } else if (job.serverErrorsLeft > 0) {
            job.serverErrorsLeft--;
            status = 500;
            outcome.put("detail", "Internal Server Error");
        } else if (endpoint.equals(START) && job.refuseStarts) {
            status = 409;
            outcome.put("detail", "the job refuses starts");
        } else {
            Object result = endpoint.equals(START) ? apply(job, "attempts", item) : finish(job, item);
            if (result instanceof Integer code) {
                status = code;
                outcome.put("detail", "the job is " + job.status);
            } else {
                outcome.put(endpoint.equals(START) ? "answer" : "job", result);
            }
        }
        outcome.put("status", status);
        calls.add(new Call(endpoint, jobId, status, messageId, requestId));
        return outcome;
    }

    /** A batched finish report: its logs and progress are recorded with the end, or not at all. */
    private Object finish(Job job, Map<String, Object> report) {
        Integer reported = (Integer) report.get("attempt");
        boolean latest = reported == null || reported == job.attempt;
        boolean completed = "COMPLETED".equals(report.get("outcome"));
        if (completed && job.status == JobStatus.COMPLETED && latest) {
            return job.view();
        }
        if (!completed && (job.status == JobStatus.RETRYING || job.status == JobStatus.FAILED) && latest) {
            return job.view();
        }
        if (job.status != JobStatus.RUNNING || !latest) {
            return 409;
        }
        if (report.get("logs") != null) {
            List<LogEntry> entries = json.convertValue(report.get("logs"), new TypeReference<List<LogEntry>>() {});
            job.logs.addAll(entries);
            job.logBatchSizes.add(entries.size());
        }
        if (report.get("progress") != null) {
            job.progress.add(json.convertValue(report.get("progress"), ProgressBody.class)
                    .toProgress());
        }
        job.runningMessageId = null;
        if (completed) {
            @SuppressWarnings("unchecked")
            Map<String, Object> result = (Map<String, Object>) report.get("result");
            job.result = result;
            job.status = JobStatus.COMPLETED;
        } else {
            boolean retryable = (Boolean) report.get("retryable");
            job.failures.add(new Failure(job.attempt, (String) report.get("reason"), retryable));
            job.status = retryable && job.attemptsUsed < job.maxAttempts ? JobStatus.RETRYING : JobStatus.FAILED;
        }
        return job.view();
    }

    private Object apply(Job job, String endpoint, Map<String, Object> request) {
        Integer reported = (Integer) request.get("attempt");
        boolean latest = reported == null || reported == job.attempt;
        boolean running = job.status == JobStatus.RUNNING && latest;
        switch (endpoint) {
            case "attempts" -> {
                boolean takeOver = job.abandoned
                        && job.status == JobStatus.RUNNING
                        && (reported == null || reported >= job.attempt);
                if (takeOver) {
                    job.abandoned = false;
                    job.failures.add(new Failure(job.attempt, "abandoned", true));
                    job.status = JobStatus.RETRYING;
                }
                if (job.status == JobStatus.COMPLETED
                        || job.status == JobStatus.FAILED
                        || job.status == JobStatus.CANCELLED) {
                    job.skips++;
                    return new StartAnswer(AttemptDecision.SKIP, job.attempt, "the job is " + job.status, job.view());
                }
                if (job.status == JobStatus.RUNNING
                        && request.get("messageId") != null
                        && request.get("messageId").equals(job.runningMessageId)
                        && latest) {
                    // The same delivery asks again (its answer was lost, or it came back): it is the running one.
                    job.repeatedProceeds++;
                    return new StartAnswer(AttemptDecision.PROCEED, job.attempt, null, job.view())
                            .withTicket(ticket(job.id, job.attempt));
                }
                if (job.status == JobStatus.RUNNING) {
                    job.skips++;
                    return new StartAnswer(
                            AttemptDecision.SKIP, job.attempt, "attempt " + job.attempt + " is running", job.view());
                }
                int next = job.attempt + 1;
                if (!takeOver && reported != null && reported != next) {
                    job.skips++;
                    return new StartAnswer(AttemptDecision.SKIP, job.attempt, "stale attempt", job.view());
                }
                job.status = JobStatus.RUNNING;
                job.runningMessageId = (String) request.get("messageId");
                job.attempt = next;
                job.attemptsUsed++;
                job.proceeded.add(next);
                return new StartAnswer(AttemptDecision.PROCEED, next, null, job.view())
                        .withTicket(ticket(job.id, next));
            }
            case "logs", "progress" -> {
                if (!running) {
                    return new ReportAck(false, false, job.status, job.attempt);
                }
                if (endpoint.equals("logs")) {
                    List<LogEntry> entries =
                            json.convertValue(request.get("entries"), new TypeReference<List<LogEntry>>() {});
                    job.logs.addAll(entries);
                    job.logBatchSizes.add(entries.size());
                } else {
                    job.progress.add(
                            json.convertValue(request, ProgressBody.class).toProgress());
                }
                job.reports++;
                if (job.cancelAfterReports >= 0 && job.reports >= job.cancelAfterReports) {
                    job.status = JobStatus.CANCELLED;
                    return new ReportAck(true, false, job.status, job.attempt);
                }
                return new ReportAck(true, true, job.status, job.attempt);
            }
            case "complete" -> {
                if (job.status == JobStatus.COMPLETED && latest) {
                    return job.view();
                }
                if (!running) {
                    return 409;
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> result = (Map<String, Object>) request.get("result");
                job.result = result;
                job.status = JobStatus.COMPLETED;
                return job.view();
            }
            case "fail" -> {
                if ((job.status == JobStatus.RETRYING || job.status == JobStatus.FAILED) && latest) {
                    return job.view();
                }
                if (!running) {
                    return 409;
                }
                boolean retryable = (Boolean) request.get("retryable");
                job.failures.add(new Failure(job.attempt, (String) request.get("reason"), retryable));
                job.status = retryable && job.attemptsUsed < job.maxAttempts ? JobStatus.RETRYING : JobStatus.FAILED;
                return job.view();
            }
            default -> throw new IllegalStateException(endpoint);
        }
    }

    record ProgressBody(Integer attempt, long processed, Long total, Long failed) {
        Progress toProgress() {
            return new Progress(processed, total, failed == null ? 0 : failed);
        }
    }

    /** Answers a batched call. */
    private void respondBatch(HttpExchange exchange, String endpoint, int status, Object answer) throws IOException {
        respond(exchange, null, endpoint, status, answer);
    }

    private void respond(HttpExchange exchange, UUID jobId, String endpoint, int status, Object answer)
            throws IOException {
        if (endpoint != null) {
            synchronized (this) {
                requests.add(new Request(
                        endpoint,
                        status,
                        (Integer) exchange.getAttribute(ITEMS),
                        (Integer) exchange.getAttribute(BYTES),
                        exchange.getRequestHeaders().containsKey("X-Job-Message-Id")
                                || exchange.getRequestHeaders().containsKey("X-Job-Request-Id")));
            }
        }
        if (jobId != null) {
            synchronized (this) {
                calls.add(new Call(
                        endpoint,
                        jobId,
                        status,
                        exchange.getRequestHeaders().getFirst("X-Job-Message-Id"),
                        exchange.getRequestHeaders().getFirst("X-Job-Request-Id")));
            }
        }
        byte[] bytes = json.writeValueAsBytes(answer);
        exchange.getResponseHeaders()
                .add("Content-Type", status == 200 ? "application/json" : "application/problem+json");
        if (status == 401) {
            // As Spring Security's resource server answers: a client may handle the challenge on its own.
            exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        }
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
