package dev.jobledger.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import org.springframework.util.FileSystemUtils;

/**
 * The benchmark command (see docs/benchmarks.md): starts the whole local stack on a fresh data directory, drives it
 * over HTTP as clients would, and prints the figures. Not a test: it measures, it does not judge.
 *
 * <p>Arguments: {@code [jobs=5000] [singles=100] [csvRows=1000000] [workers=4] [csvRuns=5] [jobsPerSubmission=1]
 * [rounds=2] [loadRates=100,250] [idempotencyKeys=without|with]}, workers being the function invocations the local
 * event source mapping runs at once; {@code with}, every single submission carries an idempotency key of its own, as
 * a client that retries safely sends. The throughput phase runs {@code rounds} times in the same JVM, each printed: the first from a fresh start,
 * while the JIT compiles (with C2, most of a core for minutes), the later ones nearer the service's steady state. The
 * import is one job of a second or a few: the first one runs while the JIT compiles the handler's and the log calls'
 * code, later ones on compiled code, and each moves by a fifth on a shared machine. It runs {@code csvRuns} times;
 * each run is printed, then the first and the median of the others.
 *
 * <p>Between the throughput rounds and the idle latency, the latency under load: for each of {@code loadRates} (jobs
 * per second, comma-separated; 0 for none), single submissions arrive at that steady rate for {@value #LOAD_SECONDS}
 * seconds, whatever the service answers (an open loop, as independent users submit), and each job's time from its
 * submission to its completion is taken from the ledger's own timestamps ({@code createdAt}, {@code finishedAt}).
 */
public final class Benchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WARM_UP_JOBS = 20;
    private static final String EXAMPLE_JOB = "{\"jobType\":\"example\"}";
    private static final byte[] SINGLE_JOB = EXAMPLE_JOB.getBytes(StandardCharsets.UTF_8);
    private static final int LOAD_SECONDS = 10;

    /** Whether single submissions carry an idempotency key: set once, from the arguments, before any is sent. */
    private static boolean idempotencyKeys;

    private Benchmark() {}

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int singles = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int csvRows = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        int workers = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        int csvRuns = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        int perRequest = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        int rounds = args.length > 6 ? Integer.parseInt(args[6]) : 2;
        List<Integer> loadRates = Arrays.stream((args.length > 7 ? args[7] : "100,250").split(","))
                .map(String::strip)
                .map(Integer::parseInt)
                .filter(rate -> rate > 0)
                .toList();
        idempotencyKeys = args.length > 8 && args[8].equals("with");
        System.setProperty("jobledger.local.workers", Integer.toString(workers));
        Path data = Files.createTempDirectory("job-ledger-bench");
        try (LocalJobLedger.Running stack =
                LocalJobLedger.start(data, freePort(), 0, 0, "--server.port=0", "--logging.level.root=WARN")) {
            String base = "http://localhost:" + stack.port();
            String user = LocalWorker.token(stack.devSecret(), "bench", "job:Create", "job:Read");
            String admin = LocalWorker.token(stack.devSecret(), "bench-admin", "job:Read", "job:Admin");

            System.out.println(MachinePace.measure(data).describe("before the rounds"));
            warmUp(base, user);
            for (int round = 1; round <= rounds; round++) {
                throughput(base, user, admin, jobs, perRequest, round);
            }
            for (int rate : loadRates) {
                latencyUnderLoad(base, user, rate);
            }
            if (singles > 0) {
                latency(base, user, singles);
            }
            csv(base, user, csvRows, csvRuns, data);
            System.out.println(MachinePace.measure(data).describe("after them"));
        }
        // The data directory holds a database of the benchmark's size: gigabytes for the replay.
        FileSystemUtils.deleteRecursively(data);
        System.out.println(MachinePace.machine());
        System.exit(0);
    }

    private static void warmUp(String base, String user) throws Exception {
        for (int i = 0; i < WARM_UP_JOBS; i++) {
            awaitStatus(base, user, submit(base, user), "COMPLETED", Duration.ofMinutes(1), Duration.ofMillis(5));
        }
    }

    /** With {@code perRequest} above 1, each request submits that many jobs ({@code POST /api/jobs/batch}). */
    private static void throughput(String base, String user, String admin, int jobs, int perRequest, int round)
            throws Exception {
        ProcessFigures before = ProcessFigures.now();
        Instant start = Instant.now();
        ExecutorService clients = ProcessFigures.clients(16);
        List<Future<?>> submitted = new ArrayList<>();
        for (int first = 0; first < jobs; first += perRequest) {
            int count = Math.min(perRequest, jobs - first);
            submitted.add(clients.submit(() -> count == 1 ? submit(base, user) : submitBatch(base, user, count)));
        }
        for (Future<?> job : submitted) {
            job.get();
        }
        Instant accepted = Instant.now();
        awaitAllCompleted(base, admin, (long) jobs * round + WARM_UP_JOBS);
        Duration all = Duration.between(start, Instant.now());
        System.out.printf(
                "throughput round %d (%s): %d example jobs submitted (%d per request%s) in %.1f s, all COMPLETED in"
                        + " the read model after %.1f s: %.1f jobs/s (%s function invocations at once)%n",
                round,
                round == 1 ? "a fresh JVM, compiling as it goes" : "the same JVM, warmer",
                jobs,
                perRequest,
                perRequest == 1 && idempotencyKeys ? ", each with an idempotency key" : "",
                seconds(Duration.between(start, accepted)),
                seconds(all),
                jobs / seconds(all),
                System.getProperty("jobledger.local.workers"));
        System.out.println("throughput round " + round + " "
                + ProcessFigures.now().since(before).describe(jobs));
        clients.shutdown();
    }

    private static void latency(String base, String user, int singles) throws Exception {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < singles; i++) {
            long begin = System.nanoTime();
            String jobId = submit(base, user);
            awaitStatus(base, user, jobId, "COMPLETED", Duration.ofMinutes(1), Duration.ofMillis(5));
            millis.add((System.nanoTime() - begin) / 1_000_000);
        }
        Collections.sort(millis);
        System.out.printf(
                "latency (submit -> COMPLETED visible, %d single jobs, idle service): p50 %d ms, p95 %d ms, p99 %d ms%n",
                singles, percentile(millis, 50), percentile(millis, 95), percentile(millis, 99));
    }

    /**
     * Submissions are paced from the start of the phase, not from the previous answer, so a slow answer or a pause of
     * the service does not slow the arrivals: what it costs shows in the jobs' times, as it would for users.
     */
    private static void latencyUnderLoad(String base, String user, int rate) throws Exception {
        int jobs = rate * LOAD_SECONDS;
        ExecutorService clients = ProcessFigures.clients(64);
        List<Future<String>> submitted = new ArrayList<>(jobs);
        long start = System.nanoTime();
        for (int i = 0; i < jobs; i++) {
            long due = start + i * 1_000_000_000L / rate;
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            submitted.add(clients.submit(() -> submit(base, user)));
        }
        double arrivals = jobs / seconds(Duration.ofNanos(System.nanoTime() - start));
        List<Long> millis = new ArrayList<>(jobs);
        String slowest = null;
        long slowestMillis = -1;
        for (Future<String> submission : submitted) {
            String jobId = submission.get();
            JsonNode job = awaitStatus(base, user, jobId, "COMPLETED", Duration.ofMinutes(5), Duration.ofMillis(50));
            long took = Duration.between(
                            Instant.parse(job.path("createdAt").asText()),
                            Instant.parse(job.path("finishedAt").asText()))
                    .toMillis();
            millis.add(took);
            if (took > slowestMillis) {
                slowest = jobId;
                slowestMillis = took;
            }
        }
        clients.shutdown();
        Collections.sort(millis);
        System.out.printf(
                "latency under load (%d single jobs arriving at %d jobs/s, %.1f reached; submitted -> COMPLETED"
                        + " recorded): p50 %d ms, p95 %d ms, p99 %d ms, max %d ms%n",
                jobs,
                rate,
                arrivals,
                percentile(millis, 50),
                percentile(millis, 95),
                percentile(millis, 99),
                millis.get(millis.size() - 1));
        System.out.println("latency under load at " + rate + " jobs/s, the slowest job: " + path(base, user, slowest));
    }

    /** Where a job's time went: each event of its history, in milliseconds after the first. */
    private static String path(String base, String user, String jobId) throws IOException {
        StringBuilder path = new StringBuilder(jobId);
        Instant submitted = null;
        for (JsonNode event :
                get(base + "/api/jobs/" + jobId + "/history", user).path("items")) {
            Instant at = Instant.parse(event.path("timestamp").asText());
            if (submitted == null) {
                submitted = at;
                path.append(": ");
            } else {
                path.append(", ");
            }
            path.append(event.path("type").asText())
                    .append(" +")
                    .append(Duration.between(submitted, at).toMillis())
                    .append(" ms");
        }
        return path.toString();
    }

    private static void csv(String base, String user, int rows, int runs, Path dir) throws Exception {
        Path file = dir.resolve("rows.csv");
        try (Writer out = Files.newBufferedWriter(file)) {
            out.write("email,age\n");
            for (int row = 1; row <= rows; row++) {
                out.write(
                        row % 100 == 0 ? "broken-" + row + ",20\n" : "user" + row + "@example.com," + row % 90 + "\n");
            }
        }
        String spec = "{\"header\":true,\"columns\":[{\"name\":\"email\",\"type\":\"email\",\"required\":true},"
                + "{\"name\":\"age\",\"type\":\"integer\",\"min\":0,\"max\":150}]}";
        List<Double> rates = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            // From the upload to the answer that it completed: the CPU of one import, steadier than its seconds.
            ProcessFigures before = ProcessFigures.now();
            String jobId = submitFile(base, user, "csv-import", spec, file);
            // Its figure comes from the job's own start and finish times: polling often would only take CPU from it.
            JsonNode job = awaitStatus(base, user, jobId, "COMPLETED", Duration.ofMinutes(30), Duration.ofMillis(250));
            Duration running = Duration.between(
                    Instant.parse(job.path("startedAt").asText()),
                    Instant.parse(job.path("finishedAt").asText()));
            System.out.printf(
                    "csv-import run %d of %d: %d rows (%d MiB, %d invalid) in %.2f s: %.0f rows/s%n",
                    run,
                    runs,
                    rows,
                    Files.size(file) / (1024 * 1024),
                    job.path("result").path("invalid").asLong(),
                    seconds(running),
                    rows / seconds(running));
            System.out.println("csv-import run " + run + " "
                    + ProcessFigures.now().since(before).describe(1));
            rates.add(rows / seconds(running));
        }
        if (runs > 1) {
            List<Double> later =
                    rates.subList(1, rates.size()).stream().sorted().toList();
            System.out.printf(
                    "csv-import: first run %.0f rows/s, later runs median %.0f rows/s%n",
                    rates.get(0), later.get(later.size() / 2));
        }
    }

    private static String submit(String base, String user) throws IOException {
        return jobId(BenchmarkHttp.post(
                base + "/api/jobs",
                user,
                "application/json",
                SINGLE_JOB,
                idempotencyKeys ? UUID.randomUUID().toString() : null));
    }

    private static int submitBatch(String base, String user, int count) throws IOException {
        String jobs = String.join(",", Collections.nCopies(count, EXAMPLE_JOB));
        accepted(BenchmarkHttp.post(
                base + "/api/jobs/batch",
                user,
                "application/json",
                ("{\"jobs\":[" + jobs + "]}").getBytes(StandardCharsets.UTF_8)));
        return count;
    }

    private static String submitFile(String base, String user, String jobType, String payload, Path file)
            throws IOException {
        String boundary = "bench" + System.nanoTime();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jobType\"\r\n\r\n" + jobType
                        + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"payload\"\r\n\r\n" + payload
                        + "\r\n--" + boundary
                        + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"rows.csv\"\r\n"
                        + "Content-Type: text/csv\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        return jobId(BenchmarkHttp.post(
                base + "/api/jobs",
                user,
                "multipart/form-data; boundary=" + boundary,
                head.length + Files.size(file) + tail.length,
                new SequenceInputStream(
                        new SequenceInputStream(new ByteArrayInputStream(head), Files.newInputStream(file)),
                        new ByteArrayInputStream(tail))));
    }

    /** A submission's answer, which must be 202 Accepted (a batch's: every job accepted). */
    private static BenchmarkHttp.Answer accepted(BenchmarkHttp.Answer answer) {
        if (answer.status() != 202) {
            throw new IllegalStateException("The submission was answered " + answer.status() + ": " + answer.text());
        }
        return answer;
    }

    private static String jobId(BenchmarkHttp.Answer answer) throws IOException {
        return JSON.readTree(accepted(answer).body()).path("jobId").asText();
    }

    /**
     * Waits until the bench user's jobs in the read model are {@code expected} COMPLETED ones. The observer is part of
     * what the CPU figures measure, so it asks what stays cheap while jobs move: how many are still waiting or
     * running (an index range over the unfinished ones), ten times a second. Counting every COMPLETED job, a range
     * that grows with each round, is asked only once none is unfinished; before the first rows are projected that is
     * also true, and the count is then short.
     */
    static void awaitAllCompleted(String base, String admin, long expected) throws Exception {
        String jobs = base + "/api/jobs?userId=bench&jobType=example&pageSize=1&status=";
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (true) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The jobs did not all complete within 30 minutes");
            }
            Thread.sleep(100);
            boolean unfinished = false;
            for (String status : List.of("PENDING", "RUNNING", "RETRYING")) {
                if (get(jobs + status, admin).path("total").asLong() > 0) {
                    unfinished = true;
                    break;
                }
            }
            if (!unfinished && get(jobs + "COMPLETED", admin).path("total").asLong() >= expected) {
                return;
            }
        }
    }

    private static JsonNode awaitStatus(
            String base, String user, String jobId, String status, Duration limit, Duration pollInterval)
            throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode job = get(base + "/api/jobs/" + jobId, user);
            if (status.equals(job.path("status").asText())) {
                return job;
            }
            Thread.sleep(pollInterval.toMillis());
        }
        throw new IllegalStateException("Job " + jobId + " did not become " + status + " within " + limit);
    }

    static JsonNode get(String url, String token) throws IOException {
        byte[] body = BenchmarkHttp.get(url, token).body();
        return body.length == 0 ? JSON.missingNode() : JSON.readTree(body);
    }

    private static long percentile(List<Long> sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }

    static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
