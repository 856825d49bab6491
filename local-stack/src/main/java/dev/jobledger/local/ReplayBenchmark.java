package dev.jobledger.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobledger.messages.Actor;
import dev.jobledger.messages.Delivery;
import dev.jobledger.messages.JobCompleted;
import dev.jobledger.messages.JobDispatched;
import dev.jobledger.messages.JobLogsAppended;
import dev.jobledger.messages.JobProgressed;
import dev.jobledger.messages.JobStarted;
import dev.jobledger.messages.JobSubmitted;
import dev.jobledger.messages.LogEntry;
import dev.jobledger.messages.LogLevel;
import dev.jobledger.messages.Progress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.springframework.util.FileSystemUtils;

/**
 * The audit benchmark (see docs/benchmarks.md): fills a fresh event store with jobs written through Axon's own storage
 * engine (so with its serializer and the hash-chain trigger), then prints the time to answer {@code asOf} for a job of
 * 10,000 events and the replay rate of a full rebuild of the read models, driven over HTTP as an admin would.
 *
 * <p>Arguments: {@code [events=1000000]}, rounded down to whole jobs of 50 events.
 */
public final class ReplayBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int EVENTS_PER_JOB = 50;
    private static final int LOG_BATCHES_PER_JOB = 30;
    private static final int PROGRESS_REPORTS_PER_JOB = 16;
    private static final Actor USER = Actor.user("bench");
    private static final Actor BRIDGE = Actor.bridge("job-bridge", "message", "request");

    private ReplayBenchmark() {}

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int jobs = events / EVENTS_PER_JOB;
        Path data = Files.createTempDirectory("job-ledger-replay-bench");
        try (LocalJobLedger.Running stack = LocalJobLedger.start(
                data,
                Benchmark.freePort(),
                0,
                0,
                "--server.port=0",
                "--logging.level.root=WARN",
                "--jobledger.dispatch.enabled=false")) {
            String base = "http://localhost:" + stack.port();
            String admin = LocalWorker.token(stack.devSecret(), "bench-admin", "job:Read", "job:Admin");
            EventProcessingConfiguration processing = stack.service().getBean(EventProcessingConfiguration.class);
            // Seeded events are replayed by the rebuild below, not projected live while they are written. Stopped
            // only once they hold their segments: Axon's tracking processor, stopped while it is still claiming them,
            // may never claim them again when started.
            awaitClaimed(processing);
            processing.eventProcessors().values().forEach(processor -> processor.shutDown());
            EventStorageEngine store = stack.service().getBean(EventStorageEngine.class);

            System.out.println(MachinePace.measure(data).describe("before the seeding"));
            Instant seeding = Instant.now();
            Instant clock = Instant.now().minus(Duration.ofDays(30));
            List<DomainEventMessage<?>> batch = new ArrayList<>();
            for (int job = 0; job < jobs; job++) {
                clock = job(UUID.randomUUID(), clock, batch);
                if (batch.size() >= 2000) {
                    store.appendEvents(batch);
                    batch.clear();
                }
            }
            UUID longJob = UUID.randomUUID();
            Instant lastOfLongJob = longJob(longJob, clock, batch);
            store.appendEvents(batch);
            Duration seeded = Duration.between(seeding, Instant.now());
            System.out.printf(
                    "seeding: %d events (%d jobs of %d events, and one job of 10,000) written in %.1f s%n",
                    jobs * EVENTS_PER_JOB, jobs, EVENTS_PER_JOB, Benchmark.seconds(seeded));

            asOf(base, admin, longJob, lastOfLongJob);
            // A rebuild starts only once the processors hold their segments, as it does in a running service.
            processing.eventProcessors().values().forEach(processor -> processor.start());
            // A running service's processors are current when an admin asks for a rebuild: the figure is the
            // replay's, not that of the other processors catching up on the seeded events beside it.
            Instant catchingUp = Instant.now();
            awaitCaughtUp(processing);
            System.out.printf(
                    "caught up: every processor followed the seeded events in %.1f s%n",
                    Benchmark.seconds(Duration.between(catchingUp, Instant.now())));
            rebuild(base, admin);
            System.out.println(MachinePace.measure(data).describe("after the rebuild"));
        }
        // The data directory holds a database of the benchmark's size: gigabytes for the replay.
        FileSystemUtils.deleteRecursively(data);
        System.out.println(MachinePace.machine());
        System.exit(0);
    }

    /** A completed job of 50 events: submitted, dispatched, started, 30 log batches, 16 progress reports, done. */
    private static Instant job(UUID jobId, Instant start, List<DomainEventMessage<?>> into) {
        Events events = new Events(jobId, start, into);
        events.add(new JobSubmitted(
                jobId, "csv-import", "bench", "jobs", 3, Map.of("header", true), null, Map.of(), USER));
        events.add(new JobDispatched(jobId, 1, "https://sqs.local/jobs", "message-" + jobId, Actor.system("dispatch")));
        events.add(new JobStarted(jobId, 1, new Delivery("message", "request"), BRIDGE));
        long line = 1;
        for (int batch = 0; batch < LOG_BATCHES_PER_JOB; batch++) {
            events.add(new JobLogsAppended(
                    jobId,
                    1,
                    line,
                    List.of(
                            new LogEntry(LogLevel.ERROR, "invalid email", line * 10, Map.of("column", "email")),
                            new LogEntry(LogLevel.INFO, "1,000 rows read", null, Map.of())),
                    BRIDGE));
            line += 2;
        }
        for (int report = 1; report <= PROGRESS_REPORTS_PER_JOB; report++) {
            events.add(new JobProgressed(jobId, 1, new Progress(report * 1000L, 16_000L, report), BRIDGE));
        }
        events.add(new JobCompleted(jobId, 1, Map.of("imported", 15_970, "invalid", 30), BRIDGE));
        return events.clock;
    }

    private static Instant longJob(UUID jobId, Instant start, List<DomainEventMessage<?>> into) {
        Events events = new Events(jobId, start, into);
        events.add(new JobSubmitted(jobId, "example", "bench", "jobs", 3, Map.of(), null, Map.of(), USER));
        events.add(new JobStarted(jobId, 1, new Delivery("message", "request"), BRIDGE));
        for (long line = 1; line <= 9_997; line++) {
            events.add(new JobLogsAppended(
                    jobId, 1, line, List.of(new LogEntry(LogLevel.INFO, "line " + line, line, Map.of())), BRIDGE));
        }
        events.add(new JobCompleted(jobId, 1, Map.of("lines", 9_997), BRIDGE));
        return events.clock;
    }

    /** One job's events in order, a millisecond apart. */
    private static final class Events {
        private final UUID jobId;
        private final List<DomainEventMessage<?>> into;
        private Instant clock;
        private long sequence;

        Events(UUID jobId, Instant clock, List<DomainEventMessage<?>> into) {
            this.jobId = jobId;
            this.clock = clock;
            this.into = into;
        }

        void add(Object payload) {
            clock = clock.plusMillis(1);
            into.add(new GenericDomainEventMessage<>(
                    "Job",
                    jobId.toString(),
                    sequence++,
                    payload,
                    Map.of(),
                    UUID.randomUUID().toString(),
                    clock));
        }
    }

    private static void asOf(String base, String admin, UUID jobId, Instant at) throws Exception {
        String url = base + "/api/jobs/" + jobId + "?asOf=" + at;
        for (int i = 0; i < 5; i++) {
            expectStatus(Benchmark.get(url, admin), "COMPLETED");
        }
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long begin = System.nanoTime();
            expectStatus(Benchmark.get(url, admin), "COMPLETED");
            millis.add((System.nanoTime() - begin) / 1_000_000);
        }
        Collections.sort(millis);
        System.out.printf(
                "asOf: a job of 10,000 events replayed to its last event, over HTTP (20 requests after 5 warm-ups):"
                        + " median %d ms, max %d ms%n",
                millis.get(millis.size() / 2), millis.get(millis.size() - 1));
    }

    private static void awaitCaughtUp(EventProcessingConfiguration processing) throws InterruptedException {
        await(processing, ReplayBenchmark::caughtUp, Duration.ofHours(1), "catch up");
    }

    private static void awaitClaimed(EventProcessingConfiguration processing) throws InterruptedException {
        await(processing, ReplayBenchmark::claimed, Duration.ofMinutes(1), "claim their segments");
    }

    private static void await(
            EventProcessingConfiguration processing, Predicate<EventProcessor> done, Duration within, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!processing.eventProcessors().values().stream().allMatch(done)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The processors did not " + what + " within " + within);
            }
            Thread.sleep(100);
        }
    }

    private static boolean claimed(EventProcessor processor) {
        return !(processor instanceof StreamingEventProcessor streaming)
                || !streaming.processingStatus().isEmpty();
    }

    private static boolean caughtUp(EventProcessor processor) {
        if (!(processor instanceof StreamingEventProcessor streaming)) {
            return true;
        }
        Map<Integer, EventTrackerStatus> segments = streaming.processingStatus();
        return !segments.isEmpty() && segments.values().stream().allMatch(EventTrackerStatus::isCaughtUp);
    }

    private static void rebuild(String base, String admin) throws Exception {
        String url = base + "/api/admin/read-models/rebuild";
        HttpRequest start = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + admin)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<String> started = HTTP.send(start, HttpResponse.BodyHandlers.ofString());
        long claimDeadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (started.statusCode() == 409 && System.nanoTime() < claimDeadline) {
            // Refused while the processors just started have not claimed their segments yet.
            Thread.sleep(200);
            started = HTTP.send(start, HttpResponse.BodyHandlers.ofString());
        }
        if (started.statusCode() != 202) {
            throw new IllegalStateException("The rebuild did not start: " + started.body());
        }
        long deadline = System.nanoTime() + Duration.ofHours(1).toNanos();
        JsonNode progress;
        do {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The rebuild did not finish within an hour");
            }
            Thread.sleep(200);
            progress = Benchmark.get(url, admin);
        } while (!progress.path("state").asText().equals("DONE"));
        Duration took = Duration.between(
                Instant.parse(progress.path("startedAt").asText()),
                Instant.parse(progress.path("finishedAt").asText()));
        System.out.printf(
                "rebuild: %d events replayed into job and job_log in %.1f s: %.0f events/s%n",
                progress.path("eventsReplayed").asLong(),
                Benchmark.seconds(took),
                progress.path("eventsReplayed").asLong() / Benchmark.seconds(took));
    }

    private static void expectStatus(JsonNode job, String status) {
        if (!status.equals(job.path("status").asText())) {
            throw new IllegalStateException("Expected " + status + ", got " + job);
        }
    }
}
