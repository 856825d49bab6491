package dev.jobledger.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobledger.command.ticket.AttemptTickets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.springframework.util.FileSystemUtils;

/**
 * The ledger's own ceiling (see docs/benchmarks.md): no queue and no function. Clients drive every job over HTTP as
 * the worker would: submit, then the batched start and finish of ten jobs at a time, until the read model shows them
 * all COMPLETED. What it measures is the REST edge, security, command handling, the event store and the
 * projections, on a durable database. With no queue there is no message to carry the attempt tickets: the clients sign
 * them with the service's own {@link AttemptTickets} (this JVM runs it), as the dispatcher would.
 *
 * <p>Arguments: {@code [jobs=20000] [clients=16] [submitted=single|batch]}: with {@code batch}, the ten jobs a
 * client starts and finishes together are also submitted together ({@code POST /api/jobs/batch}).
 */
public final class LedgerBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 10;

    private LedgerBenchmark() {}

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        boolean batched = args.length > 2 && args[2].equals("batch");
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        System.setProperty("jobledger.local.workers", "1");
        Path data = Files.createTempDirectory("job-ledger-ledger-bench");
        try (LocalJobLedger.Running stack = LocalJobLedger.start(
                data,
                Benchmark.freePort(),
                0,
                0,
                "--server.port=0",
                "--logging.level.root=WARN",
                "--jobledger.dispatch.enabled=false")) {
            String base = "http://localhost:" + stack.port();
            String user = LocalWorker.token(stack.devSecret(), "bench", "job:Create", "job:Read");
            String admin = LocalWorker.token(stack.devSecret(), "bench-admin", "job:Read", "job:Admin");
            String bridge = LocalWorker.token(stack.devSecret(), "bench-bridge", "job:Report");
            AttemptTickets tickets = stack.service().getBean(AttemptTickets.class);

            System.out.println(MachinePace.measure(data).describe("before the rounds"));
            run(base, user, admin, bridge, tickets, 1000, clients, batched, "warm-up");
            for (int round = 1; round <= rounds; round++) {
                run(
                        base,
                        user,
                        admin,
                        bridge,
                        tickets,
                        jobs,
                        clients,
                        batched,
                        rounds == 1 ? "ledger" : "ledger round " + round);
            }
            System.out.println(MachinePace.measure(data).describe("after them"));
        }
        FileSystemUtils.deleteRecursively(data);
        System.out.println(MachinePace.machine());
        System.exit(0);
    }

    private static void run(
            String base,
            String user,
            String admin,
            String bridge,
            AttemptTickets tickets,
            int jobs,
            int clients,
            boolean batched,
            String name)
            throws Exception {
        long alreadyCompleted = completed(base, admin);
        ProcessFigures before = ProcessFigures.now();
        long start = System.nanoTime();
        ExecutorService pool = ProcessFigures.clients(clients);
        List<Future<?>> work = new ArrayList<>();
        for (int batch = 0; batch < jobs / BATCH; batch++) {
            work.add(pool.submit(() -> {
                runBatch(base, user, bridge, tickets, batched);
                return null;
            }));
        }
        for (Future<?> done : work) {
            done.get();
        }
        double accepted = (System.nanoTime() - start) / 1e9;
        Benchmark.awaitAllCompleted(base, admin, alreadyCompleted + jobs);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                "%s: %d jobs submitted (%s), started and completed over HTTP by %d clients in %.1f s, all COMPLETED"
                        + " in the read model after %.1f s: %.0f jobs/s%n",
                name,
                jobs,
                batched ? "ten per request" : "one per request",
                clients,
                accepted,
                seconds,
                jobs / seconds);
        System.out.println(name + " " + ProcessFigures.now().since(before).describe(jobs));
        pool.shutdown();
    }

    private static List<String> submit(String base, String user, boolean batched) throws Exception {
        List<String> jobIds = new ArrayList<>(BATCH);
        if (batched) {
            List<Map<String, Object>> jobs = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                jobs.add(Map.of("jobType", "example"));
            }
            for (JsonNode outcome :
                    post(base + "/api/jobs/batch", user, Map.of("jobs", jobs)).path("jobs")) {
                jobIds.add(outcome.path("job").path("jobId").asText());
            }
        } else {
            for (int i = 0; i < BATCH; i++) {
                jobIds.add(post(base + "/api/jobs", user, Map.of("jobType", "example"))
                        .path("jobId")
                        .asText());
            }
        }
        return jobIds;
    }

    private static void runBatch(String base, String user, String bridge, AttemptTickets tickets, boolean batched)
            throws Exception {
        List<Map<String, Object>> attempts = new ArrayList<>();
        List<Map<String, Object>> reports = new ArrayList<>();
        for (String jobId : submit(base, user, batched)) {
            String messageId = "bench-" + jobId;
            String ticket = tickets.issue(UUID.fromString(jobId), 1);
            attempts.add(Map.of("jobId", jobId, "attempt", 1, "messageId", messageId, "ticket", ticket));
            reports.add(Map.of(
                    "jobId",
                    jobId,
                    "attempt",
                    1,
                    "messageId",
                    messageId,
                    "ticket",
                    ticket,
                    "outcome",
                    "COMPLETED",
                    "result",
                    Map.of("lines", 0),
                    "logs",
                    List.of(Map.of("level", "INFO", "message", "the job has no file: 0 lines (0 bytes)")),
                    "progress",
                    Map.of("processed", 0, "total", 0, "failed", 0)));
        }
        require(post(base + "/internal/attempts/start", bridge, Map.of("requestId", "bench", "attempts", attempts)));
        require(post(base + "/internal/attempts/finish", bridge, Map.of("requestId", "bench", "reports", reports)));
    }

    private static void require(JsonNode answer) {
        for (JsonNode outcome : answer.path("outcomes")) {
            if (outcome.path("status").asInt() != 200) {
                throw new IllegalStateException("The ledger refused a record: " + outcome);
            }
        }
    }

    private static long completed(String base, String admin) throws Exception {
        return Benchmark.get(base + "/api/jobs?userId=bench&status=COMPLETED&pageSize=1", admin)
                .path("total")
                .asLong();
    }

    private static JsonNode post(String url, String token, Object body) throws Exception {
        BenchmarkHttp.Answer response =
                BenchmarkHttp.post(url, token, "application/json", JSON.writeValueAsBytes(body));
        if (response.status() >= 300) {
            throw new IllegalStateException(url + " answered " + response.status() + ": " + response.text());
        }
        return JSON.readTree(response.body());
    }
}
