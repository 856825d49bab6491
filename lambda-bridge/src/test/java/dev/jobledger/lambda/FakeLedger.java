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
 * A small fake of the ledger's five internal endpoints on a real loopback HTTP server, with the aggregate's state
 * machine (PROCEED once per attempt, SKIP for repeats, 409 for completing a job that moved on), strict request bodies
 * (unknown fields answer 400, as the ledger does) and knobs: answer proceed=false, 500 the first N times, 503 always.
 */
final class FakeLedger implements AutoCloseable {

    static final String TOKEN = "bridge-token-never-logged-7f3a";

    private static final Pattern PATH = Pattern.compile("/internal/jobs/([0-9a-f-]{36})/([a-z]+)");
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "attempts", Set.of("attempt", "messageId", "requestId"),
            "logs", Set.of("attempt", "entries"),
            "progress", Set.of("attempt", "processed", "total", "failed"),
            "complete", Set.of("attempt", "result"),
            "fail", Set.of("attempt", "reason", "retryable"));
    private static final Set<String> ENTRY_FIELDS = Set.of("level", "message", "rowNumber", "meta");

    record Failure(int attempt, String reason, boolean retryable) {}

    record Call(String endpoint, UUID jobId, int status, String messageIdHeader, String requestIdHeader) {}

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
        int cancelAfterReports = -1;
        int reports;
        int serverErrorsLeft;
        boolean unavailable;

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
    private final AtomicInteger badRequests = new AtomicInteger();

    FakeLedger() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
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

    /** The next {@code n} calls about this job answer 500. */
    synchronized void serverErrors(UUID jobId, int n) {
        jobs.get(jobId).serverErrorsLeft = n;
    }

    /** Every call about this job answers 503. */
    synchronized void unavailable(UUID jobId) {
        jobs.get(jobId).unavailable = true;
    }

    /** The job is cancelled after this many recorded log/progress reports of its running attempt. */
    synchronized void cancelAfterReports(UUID jobId, int reports) {
        jobs.get(jobId).cancelAfterReports = reports;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Matcher path = PATH.matcher(exchange.getRequestURI().getPath());
            if (!"POST".equals(exchange.getRequestMethod()) || !path.matches() || !FIELDS.containsKey(path.group(2))) {
                respond(exchange, null, null, 404, Map.of("title", "Not Found"));
                return;
            }
            UUID jobId = UUID.fromString(path.group(1));
            String endpoint = path.group(2);
            if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                respond(exchange, jobId, endpoint, 401, Map.of("title", "Unauthorized"));
                return;
            }
            Map<String, Object> request = json.readValue(body, new TypeReference<Map<String, Object>>() {});
            if (!FIELDS.get(endpoint).containsAll(request.keySet()) || !entriesValid(endpoint, request)) {
                badRequests.incrementAndGet();
                respond(exchange, jobId, endpoint, 400, Map.of("title", "Bad Request", "detail", "unknown field"));
                return;
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
        if (!(request.get("entries") instanceof List<?> entries) || entries.isEmpty() || entries.size() > 1000) {
            return false;
        }
        for (Object entry : entries) {
            if (!(entry instanceof Map<?, ?> map) || !ENTRY_FIELDS.containsAll(map.keySet())) {
                return false;
            }
        }
        return true;
    }

    private Object apply(Job job, String endpoint, Map<String, Object> request) {
        Integer reported = (Integer) request.get("attempt");
        boolean latest = reported == null || reported == job.attempt;
        boolean running = job.status == JobStatus.RUNNING && latest;
        switch (endpoint) {
            case "attempts" -> {
                if (job.status == JobStatus.COMPLETED
                        || job.status == JobStatus.FAILED
                        || job.status == JobStatus.CANCELLED) {
                    job.skips++;
                    return new StartAnswer(AttemptDecision.SKIP, job.attempt, "the job is " + job.status, job.view());
                }
                if (job.status == JobStatus.RUNNING) {
                    job.skips++;
                    return new StartAnswer(
                            AttemptDecision.SKIP, job.attempt, "attempt " + job.attempt + " is running", job.view());
                }
                int next = job.attempt + 1;
                if (reported != null && reported != next) {
                    job.skips++;
                    return new StartAnswer(AttemptDecision.SKIP, job.attempt, "stale attempt", job.view());
                }
                job.status = JobStatus.RUNNING;
                job.attempt = next;
                job.attemptsUsed++;
                job.proceeded.add(next);
                return new StartAnswer(AttemptDecision.PROCEED, next, null, job.view());
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

    private void respond(HttpExchange exchange, UUID jobId, String endpoint, int status, Object answer)
            throws IOException {
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
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
