package dev.jobledger.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobledger.standins.LocalSqs;
import dev.jobledger.testing.Api;
import dev.jobledger.testing.Tokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Crashes of the local stack at random instants (docs/reliability.md, "Crashes"). The stack {@code ./run-local} starts
 * runs in a JVM of its own; clients submit {@code example} jobs and {@code csv-import} jobs with a file, and the JVM
 * (the service, its worker, and the SQS and S3 stand-ins with it) is killed with SIGKILL in every round, in some rounds
 * with its PostgreSQL, after a delay drawn from a seeded {@link Random}: either while the clients are submitting, or
 * once jobs run and the queue holds messages. Started again on the same data directory each time, every job whose
 * submission was answered completes, once, with its history intact; so does every job a submission whose answer was
 * lost left behind, and none was made twice.
 *
 * <p>The seed is printed in the test's output and in its failure messages; {@code -Djobledger.crash.seed=...} replays
 * its plan (rounds, delays, jobs and files; the threads' interleaving is the machine's).
 */
class SurvivingCrashesTest {

    private static final Set<String> ATTEMPT_ENDS = Set.of("JobAttemptFailed", "JobFailed", "JobCompleted");

    private static final int ROUNDS = 5;

    /** Each round's kind, shuffled by the seed: three kill while clients submit, two once the queue has a backlog. */
    private static final List<Phase> PHASES =
            List.of(Phase.SUBMITTING, Phase.SUBMITTING, Phase.SUBMITTING, Phase.BACKLOG, Phase.BACKLOG);

    /** Rounds whose kill takes PostgreSQL down too, chosen by the seed. */
    private static final int DATABASE_KILLS = 2;

    /** Clients submitting at once, each one request after the other. */
    private static final int CLIENTS = 3;

    /** Function invocations at once, pinned rather than the local default's, so that a backlog can be made. */
    private static final int WORKERS = 2;

    /**
     * Submissions of each client in a {@link Phase#BACKLOG} round: 36 in all, more than the worker holds at once
     * ({@link #WORKERS} invocations of ten).
     */
    private static final int BACKLOG_PER_CLIENT = 12;

    /** The longest fault-injection delay before a kill. */
    private static final int MAX_DELAY_MILLIS = 1500;

    private static final String CSV_COLUMNS = "[{\"name\":\"email\",\"type\":\"email\",\"required\":true},"
            + "{\"name\":\"age\",\"type\":\"integer\",\"min\":0,\"max\":150}]";

    @TempDir
    Path data;

    private final long seed = Long.getLong("jobledger.crash.seed", new SecureRandom().nextLong());
    private final String replay = "seed " + seed + ", replay with -Djobledger.crash.seed=" + seed
            + "; the stack's log: local-stack/target/surviving-crashes.log";
    private final String admin = Tokens.hs256("crash-admin", List.of("job:Read", "job:Admin"), Duration.ofMinutes(30));

    /** Every request a client made, by its marker (the payload's {@code submission}, which its job carries). */
    private final Map<String, Request> requests = new ConcurrentHashMap<>();
    /** The job id of each request answered 202. */
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    /** Requests whose answer never came: the stack died under them. */
    private final Set<String> lost = ConcurrentHashMap.newKeySet();
    /** Requests sent again, with their idempotency key, after their answer was lost. */
    private final Set<String> sentAgain = ConcurrentHashMap.newKeySet();

    private final AtomicInteger submissionsInFlight = new AtomicInteger();
    private LocalStackProcess stack;
    private volatile Api api;

    @BeforeEach
    void startTheStack() {
        stack = new LocalStackProcess(
                data,
                Map.of("JOBLEDGER_DEV_HMAC_SECRET", Tokens.TEST_SECRET, "JOBLEDGER_LOCAL_WORKERS", "" + WORKERS),
                List.of(
                        // What a killed worker held is taken up again within seconds rather than the local profile's
                        // minutes: a running attempt quiet for 6 + 10 s is abandoned and retried half a second
                        // later, a sent attempt unstarted for 10 s is sent again, and a send claimed by the dead
                        // dispatcher is free again after 5 s.
                        "--jobledger.attempts.lease=6s",
                        "--jobledger.stalled-jobs.quiet-for=10s",
                        "--jobledger.stalled-jobs.check-interval=1s",
                        "--jobledger.jobs.types.example.retry-backoff=500ms",
                        "--jobledger.jobs.types.csv-import.retry-backoff=500ms",
                        "--jobledger.dispatch.claim-timeout=5s"));
        stack.start();
        api = new Api(stack.httpPort());
    }

    @AfterEach
    void leaveNothingRunning() throws IOException {
        stack.cleanUp();
        // The temporary directory goes; the stack's log stays for a look after a failure.
        Files.copy(
                data.resolve("local-stack.log"),
                Path.of("target", "surviving-crashes.log"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void everyAcknowledgedJobCompletesOnceWithItsHistoryIntactAfterKillsAtRandomInstants() throws Exception {
        long began = System.nanoTime();
        Random random = new Random(seed);
        List<Round> rounds = plan(random);
        System.out.println("SurvivingCrashesTest: " + replay);
        rounds.forEach(round -> System.out.println("  planned: " + round));

        Map<String, Integer> usersByToken = new LinkedHashMap<>();
        List<KillPoint> killPoints = new ArrayList<>();
        for (Round round : rounds) {
            String token = userToken();
            usersByToken.put(token, round.number());
            killPoints.add(run(round, token, began));
            stack.start();
            api = new Api(stack.httpPort());
            sendLostSubmissionsAgain();
        }
        killPoints.forEach(point -> System.out.println("  " + point));

        Map<String, List<JsonNode>> jobsByToken = new LinkedHashMap<>();
        await("every job completed (" + replay + ")")
                .atMost(Duration.ofSeconds(150))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> usersByToken.keySet().forEach(token -> {
                    List<JsonNode> jobs = jobsOf(token);
                    Map<String, Integer> byStatus = countByStatus(jobs);
                    assertThat(byStatus.keySet())
                            .as("round %s's jobs by status: %s (%s)", usersByToken.get(token), byStatus, replay)
                            .isSubsetOf("COMPLETED");
                    assertThat(jobs.stream().map(job -> job.path("jobId").asText()))
                            .as("round %s's acknowledged jobs (%s)", usersByToken.get(token), replay)
                            .containsAll(acknowledgedJobsOf(token));
                    jobsByToken.put(token, jobs);
                }));

        Set<String> markers = new HashSet<>();
        jobsByToken.values().stream().flatMap(List::stream).forEach(job -> {
            String marker = job.path("payload").path("submission").asText();
            assertThat(markers.add(marker))
                    .as("request %s made one job, not two (%s)", marker, replay)
                    .isTrue();
            assertMadeByItsRequest(job, marker);
            assertCompletedOnceWithItsHistoryIntact(job, requests.get(marker));
        });
        System.out.printf(
                "  %d requests: %d acknowledged (%d of them sent again after their answer was lost), %d never"
                        + " answered (%d of them left a job, completed too); %d jobs checked, %d s after the start%n",
                requests.size(),
                acknowledged.size(),
                sentAgain.size(),
                lost.size(),
                markers.stream().filter(lost::contains).count(),
                markers.size(),
                secondsSince(began));
        assertThat(stack.stop())
                .as("the stack stops on SIGTERM after its crashes (%s)", replay)
                .isTrue();
    }

    /** What each round does and when its kill falls, drawn from the seed. */
    private static List<Round> plan(Random random) {
        List<Phase> phases = new ArrayList<>(PHASES);
        Collections.shuffle(phases, random);
        List<Boolean> databaseKills = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            databaseKills.add(i < DATABASE_KILLS);
        }
        Collections.shuffle(databaseKills, random);
        List<Round> rounds = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            int delayMillis = phases.get(i) == Phase.SUBMITTING
                    // at least some time for the clients' first requests to reach the service
                    ? 100 + random.nextInt(MAX_DELAY_MILLIS - 100)
                    : random.nextInt(MAX_DELAY_MILLIS);
            rounds.add(new Round(i + 1, phases.get(i), delayMillis, databaseKills.get(i), random.nextLong()));
        }
        return rounds;
    }

    private enum Phase {
        /** The kill falls while the clients keep submitting: some requests are in flight. */
        SUBMITTING,
        /** The clients submit a batch; the kill falls once jobs run and the queue holds messages. */
        BACKLOG
    }

    private record Round(int number, Phase phase, int delayMillis, boolean killsDatabase, long clientSeed) {

        @Override
        public String toString() {
            return "round " + number + ": " + phase + ", kill " + delayMillis + " ms "
                    + (phase == Phase.SUBMITTING ? "after the clients start" : "after jobs run and messages wait")
                    + (killsDatabase ? ", PostgreSQL too" : "");
        }
    }

    /** What was seen just before a kill (best effort: read while the stack runs on), and when. */
    private record KillPoint(Round round, long atSecond, int submissionsInFlight, int running, int waitingInQueue) {

        @Override
        public String toString() {
            return "killed at " + atSecond + " s in round " + round.number() + " (" + round.phase() + ", "
                    + round.delayMillis() + " ms"
                    + (round.killsDatabase() ? ", with PostgreSQL" : "") + "): " + submissionsInFlight
                    + " submissions in flight, " + running + " jobs running, " + waitingInQueue
                    + " messages waiting in the queue";
        }
    }

    /** One round: clients submit, and the stack dies under them after the round's delay. */
    private KillPoint run(Round round, String token, long began) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try (SqsClient sqs = sqsClient()) {
            String queueUrl =
                    sqs.getQueueUrl(get -> get.queueName(LocalJobLedger.QUEUE)).queueUrl();
            List<Future<?>> submitting = new ArrayList<>();
            for (int client = 1; client <= CLIENTS; client++) {
                Client submitter = new Client(round, client, token, new Random(round.clientSeed() + client));
                submitting.add(clients.submit(submitter::submitUntilTheStackDies));
            }
            if (round.phase() == Phase.BACKLOG) {
                awaitEach(submitting);
                await("round " + round.number() + ": jobs running and messages waiting (" + replay + ")")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> total("RUNNING") > 0 && waitingInQueue(sqs, queueUrl) > 0);
            }
            // A fault-injection delay, not a synchronisation: the kill falls at an instant drawn from the seed.
            Thread.sleep(round.delayMillis());
            KillPoint point = new KillPoint(
                    round,
                    secondsSince(began),
                    submissionsInFlight.get(),
                    total("RUNNING"),
                    waitingInQueue(sqs, queueUrl));
            stack.kill();
            if (round.killsDatabase()) {
                stack.killDatabase();
            }
            awaitEach(submitting);
            return point;
        } finally {
            clients.shutdownNow();
        }
    }

    /** A client of the round's user: requests one after the other until the stack dies (or its batch is sent). */
    private final class Client {

        private final Round round;
        private final int number;
        private final String token;
        private final Random random;

        Client(Round round, int number, String token, Random random) {
            this.round = round;
            this.number = number;
            this.token = token;
            this.random = random;
        }

        void submitUntilTheStackDies() {
            // Bounded: a round that fails to kill its stack does not submit for ever.
            int limit = round.phase() == Phase.BACKLOG ? BACKLOG_PER_CLIENT : 1000;
            for (int n = 1; n <= limit; n++) {
                Request request = Request.random("r" + round.number() + "-c" + number + "-" + n, token, random);
                requests.put(request.marker(), request);
                if (!submit(request)) {
                    return;
                }
            }
        }
    }

    /**
     * Sends the request; answers whether it was acknowledged. A lost answer (the stack died) is remembered; any answer
     * but 202 fails the test: nothing here is refused while the stack runs.
     */
    private boolean submit(Request request) {
        submissionsInFlight.incrementAndGet();
        try {
            Api.Answer answer = request.csv() == null
                    ? api.post("/api/jobs", request.token(), request.exampleBody(), request.headers())
                    : api.postMultipart(
                            "/api/jobs",
                            request.token(),
                            request.csvFields(),
                            request.marker() + ".csv",
                            request.csv().content().getBytes(StandardCharsets.UTF_8),
                            request.headers());
            assertThat(answer.status())
                    .as("request %s: %s (%s)", request.marker(), answer, replay)
                    .isEqualTo(202);
            acknowledged.put(request.marker(), answer.body().path("jobId").asText());
            lost.remove(request.marker());
            return true;
        } catch (UncheckedIOException noAnswer) {
            lost.add(request.marker());
            return false;
        } finally {
            submissionsInFlight.decrementAndGet();
        }
    }

    /**
     * What a client does with a request that has an idempotency key and lost its answer: it sends it again, and gets
     * the job the first one made, if it made one, or a new one.
     */
    private void sendLostSubmissionsAgain() {
        lost.stream().map(requests::get).filter(Request::keyed).toList().forEach(request -> {
            sentAgain.add(request.marker());
            assertThat(submit(request))
                    .as("request %s sent again after the restart (%s)", request.marker(), replay)
                    .isTrue();
        });
    }

    private static long secondsSince(long nanoTime) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - nanoTime);
    }

    private static void awaitEach(List<Future<?>> futures) throws InterruptedException, TimeoutException {
        for (Future<?> future : futures) {
            try {
                future.get(2, TimeUnit.MINUTES);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    /**
     * One job a client asks for: an {@code example} that works a while, or a {@code csv-import} of a small file with
     * some invalid rows. Half of them carry an idempotency key.
     */
    private record Request(String marker, String token, boolean keyed, int sleepMillis, Csv csv) {

        static Request random(String marker, String token, Random random) {
            boolean keyed = random.nextBoolean();
            if (random.nextInt(3) == 0) {
                return new Request(marker, token, keyed, 0, Csv.random(random));
            }
            return new Request(marker, token, keyed, 50 + random.nextInt(200), null);
        }

        Map<String, String> headers() {
            return keyed ? Map.of("Idempotency-Key", marker) : Map.of();
        }

        Map<String, Object> exampleBody() {
            return Map.of(
                    "jobType",
                    "example",
                    "maxAttempts",
                    10,
                    "payload",
                    Map.of("sleepMillis", sleepMillis, "submission", marker));
        }

        Map<String, String> csvFields() {
            return Map.of(
                    "jobType",
                    "csv-import",
                    "maxAttempts",
                    "10",
                    "payload",
                    "{\"header\":true,\"submission\":\"" + marker + "\",\"columns\":" + CSV_COLUMNS + "}");
        }
    }

    /** A file for {@code csv-import}: its rows, and which of them are invalid (1-based data row numbers). */
    private record Csv(String content, long rows, List<Long> invalidRows) {

        static Csv random(Random random) {
            int rows = 3 + random.nextInt(28);
            StringBuilder content = new StringBuilder("email,age\n");
            List<Long> invalid = new ArrayList<>();
            for (int row = 1; row <= rows; row++) {
                switch (random.nextInt(8)) {
                    case 0 -> {
                        content.append("not-an-email-").append(row).append(",30\n");
                        invalid.add((long) row);
                    }
                    case 1 -> {
                        content.append("user-").append(row).append("@example.com,200\n");
                        invalid.add((long) row);
                    }
                    default ->
                        content.append("user-")
                                .append(row)
                                .append("@example.com,")
                                .append(row % 90)
                                .append('\n');
                }
            }
            return new Csv(content.toString(), rows, List.copyOf(invalid));
        }
    }

    /** A user of the test's own, whose token outlasts a slow run. */
    private static String userToken() {
        return Tokens.hs256("crash-" + UUID.randomUUID(), List.of("job:Create", "job:Read"), Duration.ofMinutes(30));
    }

    private List<String> acknowledgedJobsOf(String token) {
        return requests.values().stream()
                .filter(request -> request.token().equals(token))
                .map(request -> acknowledged.get(request.marker()))
                .filter(jobId -> jobId != null)
                .toList();
    }

    /** Every job the read model lists for the user. */
    private List<JsonNode> jobsOf(String token) {
        List<JsonNode> jobs = new ArrayList<>();
        for (int page = 1; ; page++) {
            JsonNode answer =
                    api.get("/api/jobs?pageSize=100&page=" + page, token).body();
            answer.path("items").forEach(jobs::add);
            if (page >= answer.path("totalPages").asInt()) {
                return jobs;
            }
        }
    }

    private static Map<String, Integer> countByStatus(List<JsonNode> jobs) {
        Map<String, Integer> counts = new TreeMap<>();
        jobs.forEach(job -> counts.merge(job.path("status").asText(), 1, Integer::sum));
        return counts;
    }

    /** Jobs in this status, all users' (the admin's view). */
    private int total(String status) {
        return api.get("/api/jobs?status=" + status + "&pageSize=1", admin)
                .body()
                .path("total")
                .asInt();
    }

    private static int waitingInQueue(SqsClient sqs, String queueUrl) {
        return Integer.parseInt(sqs.getQueueAttributes(
                        get -> get.queueUrl(queueUrl).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                .attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }

    /** The job is the one its request was answered with, or its request's answer was lost; and it is what was asked. */
    private void assertMadeByItsRequest(JsonNode job, String marker) {
        String jobId = job.path("jobId").asText();
        Request request = requests.get(marker);
        assertThat(request)
                .as("job %s's request %s was made by this test (%s)", jobId, marker, replay)
                .isNotNull();
        if (acknowledged.containsKey(marker)) {
            assertThat(jobId)
                    .as("the job request %s was answered with (%s)", marker, replay)
                    .isEqualTo(acknowledged.get(marker));
        } else {
            assertThat(lost)
                    .as("job %s, not acknowledged, is of a request whose answer was lost (%s)", jobId, replay)
                    .contains(marker);
        }
        assertThat(job.path("jobType").asText()).isEqualTo(request.csv() == null ? "example" : "csv-import");
    }

    /**
     * COMPLETED once, with the right result; every attempt started once and ended once; no log line recorded twice; a
     * gap-free history whose hash chain verifies.
     */
    private void assertCompletedOnceWithItsHistoryIntact(JsonNode job, Request request) {
        String jobId = job.path("jobId").asText();
        String token = request.token();
        JsonNode verification =
                api.get("/api/jobs/" + jobId + "/history/verify", token).body();
        JsonNode history =
                api.get("/api/jobs/" + jobId + "/history?pageSize=1000", token).body();
        List<JsonNode> events =
                StreamSupport.stream(history.path("items").spliterator(), false).toList();
        List<String> types =
                events.stream().map(event -> event.path("type").asText()).toList();
        String about = "job " + jobId + " (request " + request.marker() + "; " + replay + "): " + types;

        assertThat(verification.path("intact").asBoolean())
                .as("%s's hash chain: %s", about, verification)
                .isTrue();
        assertThat(verification.path("eventsChecked").asLong()).as(about).isEqualTo(events.size());
        assertThat(history.path("hasMore").asBoolean()).as(about).isFalse();
        assertThat(events.stream().map(event -> event.path("sequence").asLong()))
                .as("%s's event sequence", about)
                .containsExactlyElementsOf(
                        LongStream.range(0, events.size()).boxed().toList());
        assertThat(types).as(about).startsWith("JobSubmitted").endsWith("JobCompleted");
        assertThat(Collections.frequency(types, "JobSubmitted")).as(about).isEqualTo(1);
        assertThat(Collections.frequency(types, "JobCompleted")).as(about).isEqualTo(1);

        // Each attempt number started once, and ended once: the ones before the last by a failure (the crash's
        // abandoned attempts), the last by the completion.
        List<Integer> started = attemptsOf(events, Set.of("JobStarted"));
        List<Integer> ended = attemptsOf(events, ATTEMPT_ENDS);
        assertThat(started).as("%s: attempts started", about).doesNotHaveDuplicates();
        assertThat(ended).as("%s: attempts ended", about).containsExactlyElementsOf(started);
        int completedAttempt = started.get(started.size() - 1);
        assertThat(job.path("attempt").asInt()).as(about).isEqualTo(completedAttempt);

        // The log: every batch recorded once, in a gap-free run of positions; the completing attempt's lines once.
        long nextPosition = 1;
        List<JsonNode> lastAttemptLines = new ArrayList<>();
        for (JsonNode event : events) {
            JsonNode facts = event.path("facts");
            // An attempt's end carries the lines its worker still held; they take their places like a batch's.
            boolean end = ATTEMPT_ENDS.contains(event.path("type").asText());
            JsonNode lines = end ? facts.path("logs") : facts.path("entries");
            if (event.path("type").asText().equals("JobLogsAppended") || (end && !lines.isEmpty())) {
                assertThat(facts.path(end ? "firstLogSequence" : "firstSequence")
                                .asLong())
                        .as("%s: log batch %s", about, facts)
                        .isEqualTo(nextPosition);
                nextPosition += lines.size();
                if (facts.path("attempt").asInt() == completedAttempt) {
                    lines.forEach(lastAttemptLines::add);
                }
            }
        }
        List<String> messages = lastAttemptLines.stream()
                .map(line -> line.path("message").asText())
                .toList();
        JsonNode result = job.path("result");
        if (request.csv() == null) {
            assertThat(result.path("lines").asLong()).as(about).isZero();
            assertThat(messages)
                    .as("%s: the last attempt's log", about)
                    .containsExactly("the job has no file: 0 lines (0 bytes)");
            return;
        }
        Csv csv = request.csv();
        assertThat(Map.of(
                        "rows", result.path("rows").asLong(),
                        "valid", result.path("valid").asLong(),
                        "invalid", result.path("invalid").asLong()))
                .as("%s: the import of its file, counted once", about)
                .isEqualTo(Map.of(
                        "rows",
                        csv.rows(),
                        "valid",
                        csv.rows() - csv.invalidRows().size(),
                        "invalid",
                        (long) csv.invalidRows().size()));
        assertThat(lastAttemptLines.stream()
                        .filter(line -> line.path("level").asText().equals("WARNING"))
                        .map(line -> line.path("rowNumber").asLong()))
                .as("%s: the last attempt's rejected rows", about)
                .containsExactlyElementsOf(csv.invalidRows());
        assertThat(messages.stream().filter(message -> message.startsWith("imported ")))
                .as("%s: the last attempt's summary", about)
                .containsExactly("imported " + csv.rows() + " rows: "
                        + (csv.rows() - csv.invalidRows().size()) + " valid, "
                        + csv.invalidRows().size() + " invalid");
    }

    private static List<Integer> attemptsOf(List<JsonNode> events, Set<String> types) {
        return events.stream()
                .filter(event -> types.contains(event.path("type").asText()))
                .map(event -> event.path("facts").path("attempt").asInt())
                .toList();
    }

    private SqsClient sqsClient() {
        return SqsClient.builder()
                .endpointOverride(URI.create("http://localhost:" + stack.sqsPort()))
                .region(LocalSqs.REGION)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LocalSqs.ACCESS_KEY, LocalSqs.SECRET_KEY)))
                .build();
    }
}
