package dev.jobledger.lambda;

import static dev.jobledger.lambda.Events.invoke;
import static dev.jobledger.lambda.Events.records;
import static dev.jobledger.lambda.Events.reported;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobledger.lambda.spi.HandlerResult;
import dev.jobledger.lambda.spi.JobContext;
import dev.jobledger.lambda.spi.JobHandler;
import dev.jobledger.messages.JobStatus;
import dev.jobledger.messages.LogEntry;
import dev.jobledger.messages.LogLevel;
import dev.jobledger.messages.Progress;
import dev.jobledger.messages.StoredFile;
import dev.jobledger.standins.LocalLambdaContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The function end to end, through its one entry point as Lambda invokes it: the JSON of SQS events as Lambda delivers
 * them in and the JSON of its answer out ({@link Events}), a real loopback ledger fake, a real S3-protocol server and a
 * real SQS-protocol server behind.
 */
class SqsJobHandlerTest {

    private static LocalS3 s3;
    private static LocalQueue queue;

    private FakeLedger ledger;
    private SqsJobHandler function;
    private final ByteArrayOutputStream functionLog = new ByteArrayOutputStream();

    private final AtomicInteger boomRuns = new AtomicInteger();
    private final AtomicInteger rowsRuns = new AtomicInteger();
    private final AtomicLong rowsDone = new AtomicLong();
    /** The lines that send a log call by default, and a log of those and some more. */
    private static final int FLUSH = BridgeConfig.MAX_LOG_FLUSH_ENTRIES;

    private static final int LINES_PAST_A_FLUSH = FLUSH + 200;

    private final java.util.concurrent.CountDownLatch firstLogCallMayAnswer =
            new java.util.concurrent.CountDownLatch(1);
    private final AtomicInteger waitingRuns = new AtomicInteger();
    private final AtomicInteger sawEarlierJobCompleted = new AtomicInteger();

    @BeforeAll
    static void startS3AndSqs() throws Exception {
        s3 = new LocalS3();
        // The strictest redrive: a message received a second time lands in the dead-letter queue.
        queue = new LocalQueue(1);
    }

    @AfterAll
    static void stopS3AndSqs() throws Exception {
        queue.close();
        s3.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        ledger = new FakeLedger();
        queue.purge();
        FunctionLog.redirect(new PrintStream(functionLog, true, StandardCharsets.UTF_8));
        function = newFunction(config().build());
    }

    /** The function's configuration in these tests: quick retries and reports, a safety margin of one second. */
    private BridgeConfig.Builder config() {
        return BridgeConfig.builder()
                .apiBaseUrl(ledger.baseUrl())
                .bridgeToken(FakeLedger.TOKEN)
                .s3Bucket(LocalS3.BUCKET)
                .region(LocalS3.REGION)
                .s3Endpoint(s3.endpoint())
                .maxTries(3)
                .backoffBase(Duration.ofMillis(5))
                .backoffMax(Duration.ofMillis(20))
                .requestTimeout(Duration.ofSeconds(5))
                .reportInterval(Duration.ofMillis(100))
                .safetyMargin(Duration.ofSeconds(1));
    }

    private SqsJobHandler newFunction(BridgeConfig config) {
        HandlerRegistry registry = HandlerRegistry.fromServiceLoader()
                .register(handler("boom", context -> {
                    boomRuns.incrementAndGet();
                    throw new IllegalStateException("boom");
                }))
                .register(handler("rows", context -> {
                    rowsRuns.incrementAndGet();
                    for (long row = 1; row < 10_000_000; row++) {
                        if (context.shouldStop()) {
                            return HandlerResult.of(Map.of("stoppedAt", row));
                        }
                        context.log().info("row " + row);
                        context.progress(row, null, 0);
                        rowsDone.set(row);
                    }
                    return HandlerResult.empty();
                }))
                .register(handler("logs-past-a-flush", context -> {
                    for (int line = 1; line <= LINES_PAST_A_FLUSH; line++) {
                        context.log().info("line " + line);
                        if (line == FLUSH) {
                            // This line sent the first FLUSH on their way; the ledger holds that call until here.
                            firstLogCallMayAnswer.countDown();
                        }
                    }
                    return HandlerResult.of(Map.of("lines", LINES_PAST_A_FLUSH));
                }))
                .register(handler("waits-for-second-delivery", context -> {
                    waitingRuns.incrementAndGet();
                    Await.until(Duration.ofSeconds(10), () -> ledger.job(context.jobId()).skips >= 1);
                    return HandlerResult.of(Map.of("done", true));
                }))
                .register(handler("waits-for-earlier-job", context -> {
                    // Keeps calling its context, as handlers do: those calls are where earlier ends get sent.
                    UUID earlier = UUID.fromString((String) context.payload().get("waitFor"));
                    Await.until(Duration.ofSeconds(10), () -> {
                        context.checkStop();
                        return ledger.job(earlier).status == JobStatus.COMPLETED;
                    });
                    sawEarlierJobCompleted.incrementAndGet();
                    return HandlerResult.of(Map.of("done", true));
                }))
                .register(handler("quiet-for-half-a-second", context -> {
                    // Work that never calls the context: nothing can be sent while it runs.
                    long until = System.nanoTime() + Duration.ofMillis(500).toNanos();
                    Await.until(Duration.ofSeconds(5), () -> System.nanoTime() >= until);
                    return HandlerResult.of(Map.of("done", true));
                }))
                .register(handler("rows-then-done", context -> {
                    for (long row = 1; row <= 3; row++) {
                        context.log().info("row " + row);
                    }
                    return HandlerResult.of(Map.of("rows", 3));
                }))
                .register(handler("ignores-its-context", context -> HandlerResult.empty()));
        return new SqsJobHandler(
                config,
                new LedgerClient(config, TokenSource.fixed(FakeLedger.TOKEN)),
                s3.client(),
                queue.client(),
                registry);
    }

    @AfterEach
    void tearDown() {
        FunctionLog.redirect(System.out);
        System.out.print(functionLog.toString(StandardCharsets.UTF_8));
        assertThat(ledger.badRequests())
                .as("requests the ledger refused as malformed")
                .isZero();
        assertThat(functionLog.toString(StandardCharsets.UTF_8)).doesNotContain(FakeLedger.TOKEN);
        ledger.close();
    }

    @Test
    void aBatchOfTenExampleJobsMakesOneStartAndOneFinishCallAndEachCompletesWithItsLogLineAndFinalProgress() {
        Map<String, String> values = new HashMap<>(Map.of("RUN", "r0"));
        UUID[] jobs = tenExampleJobs(values);
        LocalLambdaContext context = context();

        String response = invoke(function, Events.load("batch-of-ten.json", values), context);

        assertThat(reported(response)).isEmpty();
        assertThat(ledger.requests())
                .extracting(FakeLedger.Request::endpoint, FakeLedger.Request::status, FakeLedger.Request::items)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(FakeLedger.START, 200, 10),
                        org.assertj.core.groups.Tuple.tuple(FakeLedger.FINISH, 200, 10));
        assertThat(ledger.requests()).noneMatch(FakeLedger.Request::deliveryHeaders);
        for (int i = 1; i <= 10; i++) {
            FakeLedger.Job state = ledger.job(jobs[i]);
            assertThat(state.status).as("job %d", i).isEqualTo(JobStatus.COMPLETED);
            assertThat(state.result).isEqualTo(Map.of("lines", 0));
            assertThat(state.logs)
                    .extracting(LogEntry::message)
                    .containsExactly("the job has no file: 0 lines (0 bytes)");
            assertThat(state.progress).containsExactly(new Progress(0, 0L, 0));
            String messageId = String.format("msg-%02d-r0", i);
            assertThat(ledger.calls())
                    .filteredOn(c -> c.jobId().equals(state.id))
                    .as("the delivery of job %d", i)
                    .extracting(FakeLedger.Call::endpoint, FakeLedger.Call::messageId, FakeLedger.Call::requestId)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(FakeLedger.START, messageId, context.getAwsRequestId()),
                            org.assertj.core.groups.Tuple.tuple(
                                    FakeLedger.FINISH, messageId, context.getAwsRequestId()));
        }
    }

    @Test
    void theFunctionLogsOneInfoLinePerRecordAndTheBatchLine() throws Exception {
        Map<String, String> values = new HashMap<>(Map.of("RUN", "r9"));
        tenExampleJobs(values);

        invoke(function, Events.load("batch-of-ten.json", values), context());

        List<Map<String, Object>> info = functionLogLines().stream()
                .filter(line -> "INFO".equals(line.get("level")))
                .toList();
        assertThat(info).hasSize(11);
        assertThat(info.subList(0, 10))
                .extracting(line -> line.get("messageId"))
                .doesNotHaveDuplicates()
                .allSatisfy(messageId -> assertThat((String) messageId).endsWith("-r9"));
        assertThat(info.get(10)).containsEntry("message", "batch done").containsEntry("records", 10);
    }

    @Test
    void aBatchOfTenWhereTheLedgerAnswersOneStartItemWithAServerErrorLeavesExactlyThatRecordAndCompletesTheOthers() {
        Map<String, String> values = new HashMap<>(Map.of("RUN", "r1"));
        UUID[] jobs = tenExampleJobs(values);
        ledger.unavailable(jobs[4]);

        String response = invoke(function, Events.load("batch-of-ten.json", values), context());

        assertThat(reported(response)).containsExactly("msg-04-r1");
        for (int i = 1; i <= 10; i++) {
            if (i != 4) {
                assertThat(ledger.job(jobs[i]).status).as("job %d", i).isEqualTo(JobStatus.COMPLETED);
                assertThat(ledger.job(jobs[i]).result).isEqualTo(Map.of("lines", 0));
            }
        }
        assertThat(ledger.requestCount(FakeLedger.START))
                .as("an item's status is not retried")
                .isEqualTo(1);
    }

    @Test
    void aRecordWhoseTicketIsAnotherJobsIsRefused403AndLeftForRedeliveryWhileTheOtherNineComplete() {
        Map<String, String> values = new HashMap<>(Map.of("RUN", "t1"));
        UUID[] jobs = tenExampleJobs(values);
        ObjectNode event = Events.load("batch-of-ten.json", values);
        ObjectNode fourth = records(event).get(3);
        fourth.put(
                "body",
                fourth.get("body").textValue().replace(FakeLedger.ticket(jobs[4], 1), FakeLedger.ticket(jobs[5], 1)));

        String response = invoke(function, event, context());

        assertThat(reported(response)).containsExactly("msg-04-t1");
        assertThat(ledger.calls())
                .filteredOn(c -> c.jobId().equals(jobs[4]))
                .extracting(FakeLedger.Call::endpoint, FakeLedger.Call::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(FakeLedger.START, 403));
        assertThat(ledger.job(jobs[4]).proceeded).isEmpty();
        for (int i = 1; i <= 10; i++) {
            if (i != 4) {
                assertThat(ledger.job(jobs[i]).status).as("job %d", i).isEqualTo(JobStatus.COMPLETED);
            }
        }
        assertThat(functionLog.toString(StandardCharsets.UTF_8))
                .as("tickets are never logged")
                .doesNotContain(FakeLedger.ticket(jobs[4], 1))
                .doesNotContain(FakeLedger.ticket(jobs[5], 1));
    }

    @Test
    void aMessageWithoutATicketIsStillAskedAboutAndTheLedgersRefusalLeavesItForRedelivery() {
        UUID job = submit("example", Map.of());
        ObjectNode event = dispatch(job, 1, "example");
        ObjectNode message = records(event).get(0);
        message.put(
                "body",
                message.get("body").textValue().replace(",\"ticket\":\"" + FakeLedger.ticket(job, 1) + "\"", ""));
        assertThat(message.get("body").textValue()).doesNotContain("ticket");

        String response = invoke(function, event, context());

        assertThat(reported(response)).containsExactly("msg-" + job);
        assertThat(ledger.calls())
                .extracting(FakeLedger.Call::endpoint, FakeLedger.Call::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(FakeLedger.START, 403));
        assertThat(ledger.job(job).status).isEqualTo(JobStatus.PENDING);
    }

    @Test
    void aFinishReportRefused403LeavesThatRecordForRedeliveryAndTheOthersAreAcknowledged() {
        Map<String, String> values = new HashMap<>(Map.of("RUN", "t2"));
        UUID[] jobs = tenExampleJobs(values);
        ledger.refuseTicketsAt(jobs[7], FakeLedger.FINISH);

        String response = invoke(function, Events.load("batch-of-ten.json", values), context());

        assertThat(reported(response)).containsExactly("msg-07-t2");
        assertThat(ledger.requests())
                .extracting(FakeLedger.Request::endpoint, FakeLedger.Request::status, FakeLedger.Request::items)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(FakeLedger.START, 200, 10),
                        org.assertj.core.groups.Tuple.tuple(FakeLedger.FINISH, 200, 10));
        assertThat(ledger.job(jobs[7]).status).isEqualTo(JobStatus.RUNNING);
        for (int i = 1; i <= 10; i++) {
            if (i != 7) {
                assertThat(ledger.job(jobs[i]).status).as("job %d", i).isEqualTo(JobStatus.COMPLETED);
            }
        }
    }

    @Test
    void afterATakeoverTheAttemptReportsWithTheTicketTheProceedHandedOutNotTheMessagesOwn() {
        UUID job = submit("rows-then-done", Map.of());
        FakeLedger.Job state = ledger.job(job);
        state.status = JobStatus.RUNNING;
        state.attempt = 1;
        state.attemptsUsed = 1;
        state.runningMessageId = "the-first-worker";
        ledger.abandonRunningAttempt(job);
        SqsJobHandler reporting = newFunction(config().logFlushEntries(2).build());

        String response = invoke(reporting, dispatch(job, 1, "rows-then-done"), context());

        assertThat(reported(response)).isEmpty();
        assertThat(state.proceeded).containsExactly(2);
        assertThat(state.status).isEqualTo(JobStatus.COMPLETED);
        assertThat(state.logs).extracting(LogEntry::message).contains("row 1", "row 2", "row 3");
        assertThat(ledger.calls())
                .filteredOn(c -> c.endpoint().equals("logs"))
                .isNotEmpty()
                .allSatisfy(c -> assertThat(c.status()).isEqualTo(200));
    }

    @Test
    void aStartCallThatKeepsFailingLeavesEveryRecordForRedeliveryAfterTheBoundedTriesAndRunsNothing() {
        Map<String, String> values = new HashMap<>(Map.of("RUN", "r1b"));
        UUID[] jobs = tenExampleJobs(values);
        ledger.failBatches(FakeLedger.START, 503, Integer.MAX_VALUE);

        String response = invoke(function, Events.load("batch-of-ten.json", values), context());

        assertThat(reported(response)).hasSize(10);
        assertThat(ledger.requestCount(FakeLedger.START)).as("bounded retries").isEqualTo(3);
        assertThat(ledger.requestCount(FakeLedger.FINISH)).isZero();
        for (int i = 1; i <= 10; i++) {
            assertThat(ledger.job(jobs[i]).proceeded).isEmpty();
        }
    }

    @Test
    void inOneBatchAProceedIsCompletedASkipA404AndA409AreAcknowledgedAndAnOddItemStatusComesBack() {
        UUID proceed = submit("example", Map.of());
        UUID skip = submit("example", Map.of());
        ledger.job(skip).status = JobStatus.COMPLETED;
        UUID unknown = UUID.randomUUID();
        UUID refused = submit("example", Map.of());
        ledger.refuseStarts(refused);
        UUID odd = submit("example", Map.of());
        ledger.unavailable(odd);

        String response = invoke(
                function,
                Events.load(
                        "mixed-batch.json",
                        Map.of(
                                "RUN", "m",
                                "JOB_PROCEED", proceed.toString(),
                                "JOB_SKIP", skip.toString(),
                                "JOB_UNKNOWN", unknown.toString(),
                                "JOB_REFUSED", refused.toString(),
                                "JOB_ODD", odd.toString())),
                context());

        assertThat(reported(response)).containsExactly("m-odd");
        assertThat(ledger.job(proceed).status).isEqualTo(JobStatus.COMPLETED);
        assertThat(ledger.job(skip).skips).isEqualTo(1);
        assertThat(ledger.job(skip).result).isNull();
        assertThat(ledger.job(refused).status).isEqualTo(JobStatus.PENDING);
        assertThat(ledger.calls())
                .filteredOn(c -> c.endpoint().equals(FakeLedger.START))
                .extracting(FakeLedger.Call::jobId, FakeLedger.Call::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(proceed, 200),
                        org.assertj.core.groups.Tuple.tuple(skip, 200),
                        org.assertj.core.groups.Tuple.tuple(unknown, 404),
                        org.assertj.core.groups.Tuple.tuple(refused, 409),
                        org.assertj.core.groups.Tuple.tuple(odd, 503));
        assertThat(ledger.requestCount()).isEqualTo(2);
    }

    @Test
    void theSameBatchDeliveredAgainAfterItCompletedChangesNothingAndIsAcknowledged() {
        Map<String, String> values = new HashMap<>(Map.of("RUN", "r5"));
        UUID[] jobs = tenExampleJobs(values);
        ObjectNode event = Events.load("batch-of-ten.json", values);
        invoke(function, event, context());

        String again = invoke(function, event, context());

        assertThat(reported(again)).isEmpty();
        assertThat(ledger.requests())
                .extracting(FakeLedger.Request::endpoint)
                .as("the second batch only asks to start")
                .containsExactly(FakeLedger.START, FakeLedger.FINISH, FakeLedger.START);
        for (int i = 1; i <= 10; i++) {
            FakeLedger.Job state = ledger.job(jobs[i]);
            assertThat(state.status).isEqualTo(JobStatus.COMPLETED);
            assertThat(state.proceeded).containsExactly(1);
            assertThat(state.skips).isEqualTo(1);
            assertThat(state.logs).hasSize(1);
        }
    }

    @Test
    void aFinishCallThatKeepsFailingLeavesItsRecordsForRedeliveryAndTheRedeliveredBatchRunsAndCompletesThem() {
        Map<String, String> values = new HashMap<>(Map.of("RUN", "r6"));
        UUID[] jobs = tenExampleJobs(values);
        ObjectNode event = Events.load("batch-of-ten.json", values);
        ledger.failBatches(FakeLedger.FINISH, 500, 3);

        String first = invoke(function, event, context());

        assertThat(reported(first)).hasSize(10);
        assertThat(ledger.requestCount(FakeLedger.FINISH)).as("bounded retries").isEqualTo(3);
        assertThat(ledger.job(jobs[1]).status).isEqualTo(JobStatus.RUNNING);

        String again = invoke(function, event, context());

        assertThat(reported(again)).isEmpty();
        for (int i = 1; i <= 10; i++) {
            FakeLedger.Job state = ledger.job(jobs[i]);
            assertThat(state.status).as("job %d", i).isEqualTo(JobStatus.COMPLETED);
            assertThat(state.repeatedProceeds)
                    .as("the same delivery proceeds again")
                    .isEqualTo(1);
            assertThat(state.proceeded).containsExactly(1);
            assertThat(state.logs).hasSize(1);
        }
    }

    @Test
    void aFinishRecordedWhoseAnswersWereLostComesBackAndItsRedeliveryIsSkippedAndAcknowledged() {
        Map<String, String> values = new HashMap<>(Map.of("RUN", "r7"));
        UUID[] jobs = tenExampleJobs(values);
        ObjectNode event = Events.load("batch-of-ten.json", values);
        ledger.loseBatchAnswers(FakeLedger.FINISH, 3);

        String first = invoke(function, event, context());
        String again = invoke(function, event, context());

        assertThat(reported(first)).hasSize(10);
        assertThat(reported(again)).isEmpty();
        for (int i = 1; i <= 10; i++) {
            FakeLedger.Job state = ledger.job(jobs[i]);
            assertThat(state.status).isEqualTo(JobStatus.COMPLETED);
            assertThat(state.repeatedProceeds).isZero();
            assertThat(state.skips).isEqualTo(1);
            assertThat(state.logs)
                    .as("repeats of a recorded finish change nothing")
                    .hasSize(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {401, 403, 429})
    void aStartCallTheLedgerRefusesForTheBridgesSakeLeavesEveryRecordForRedelivery(int status) {
        Map<String, String> values = new HashMap<>(Map.of("RUN", "s" + status));
        UUID[] jobs = tenExampleJobs(values);
        ledger.failBatches(FakeLedger.START, status, Integer.MAX_VALUE);

        String response = invoke(function, Events.load("batch-of-ten.json", values), context());

        assertThat(reported(response)).hasSize(10);
        assertThat(ledger.requestCount(FakeLedger.START))
                .as("a 401 is tried once more with the token read again")
                .isEqualTo(status == 401 ? 2 : 1);
        assertThat(ledger.job(jobs[1]).proceeded).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {401, 403, 429})
    void aFinishCallTheLedgerRefusesForTheBridgesSakeLeavesEveryRecordForRedeliveryAndTheRedeliveryCompletes(
            int status) {
        Map<String, String> values = new HashMap<>(Map.of("RUN", "f" + status));
        UUID[] jobs = tenExampleJobs(values);
        ObjectNode event = Events.load("batch-of-ten.json", values);
        ledger.failBatches(FakeLedger.FINISH, status, Integer.MAX_VALUE);

        String first = invoke(function, event, context());
        ledger.failBatches(FakeLedger.FINISH, status, 0);
        String again = invoke(function, event, context());

        assertThat(reported(first)).hasSize(10);
        assertThat(reported(again)).isEmpty();
        for (int i = 1; i <= 10; i++) {
            assertThat(ledger.job(jobs[i]).status).isEqualTo(JobStatus.COMPLETED);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {401, 403, 429})
    void aLogReportTheLedgerRefusesForTheBridgesSakeStopsTheAttemptAsARetryableFailureCarryingItsLines(int status) {
        UUID job = submit("rows", Map.of());
        ledger.refuseReports(job, status);

        String response = invoke(function, dispatch(job, 1, "rows"), context());

        assertThat(reported(response))
                .as("acknowledged once the failure is recorded")
                .isEmpty();
        assertThat(rowsDone.get()).isPositive().isLessThan(10_000_000);
        FakeLedger.Job state = ledger.job(job);
        assertThat(state.failures)
                .containsExactly(new FakeLedger.Failure(
                        1, "the ledger refused the attempt's reports while it ran (HTTP " + status + ")", true));
        assertThat(state.status).isEqualTo(JobStatus.RETRYING);
        assertThat(state.logs).extracting(LogEntry::message).startsWith("row 1", "row 2");
    }

    @Test
    void aLongHandlerDoesNotHideTheEndOfTheJobBeforeIt() {
        UUID first = submit("example", Map.of());
        UUID second = submit("waits-for-earlier-job", Map.of("waitFor", first.toString()));
        UUID third = submit("example", Map.of());

        String response = invoke(function, threeDispatches("long", first, second, third), context());

        assertThat(reported(response)).isEmpty();
        assertThat(sawEarlierJobCompleted)
                .as("the first job completed while the second ran")
                .hasValue(1);
        assertThat(ledger.requests())
                .filteredOn(r -> r.endpoint().equals(FakeLedger.FINISH))
                .extracting(FakeLedger.Request::items)
                .first()
                .isEqualTo(1);
        assertThat(List.of(first, second, third))
                .allSatisfy(job -> assertThat(ledger.job(job).status).isEqualTo(JobStatus.COMPLETED));
    }

    @Test
    void reportsThatWaitedLongerThanTheReportIntervalAreSentBeforeTheNextHandlerStarts() {
        SqsJobHandler slowerReporting =
                newFunction(config().reportInterval(Duration.ofMillis(250)).build());
        UUID first = submit("example", Map.of());
        UUID second = submit("quiet-for-half-a-second", Map.of());
        // Neither calls its context, so only the check between handlers can send the first two ends early.
        UUID third = submit("ignores-its-context", Map.of());

        String response = invoke(slowerReporting, threeDispatches("between", first, second, third), context());

        assertThat(reported(response)).isEmpty();
        assertThat(ledger.requests())
                .filteredOn(r -> r.endpoint().equals(FakeLedger.FINISH))
                .extracting(FakeLedger.Request::items)
                .containsExactly(2, 1);
    }

    @Test
    void startedRecordsLeftWithoutTimeAfterAnEarlierHandlerGoBackToTheQueueAsNewMessagesAndAreAcknowledged() {
        UUID first = submit("example", Map.of("sleepMillis", 60_000));
        UUID second = submit("example", Map.of());
        UUID third = submit("example", Map.of());
        ObjectNode event = threeDispatches("late", first, second, third);
        // A binary message attribute, as Lambda delivers it (base64), goes back with the same bytes.
        records(event)
                .forEach(record -> ((ObjectNode) record.get("messageAttributes"))
                        .putObject("checksum")
                        .put(
                                "binaryValue",
                                Base64.getEncoder().encodeToString(new byte[] {0, 1, (byte) 0xfe, (byte) 0xff}))
                        .put("dataType", "Binary")
                        .set("stringListValues", JsonNodeFactory.instance.arrayNode()));

        String response = invoke(function, event, LocalLambdaContext.withBudget(Duration.ofMillis(3_500)));

        assertThat(reported(response))
                .as("nothing comes back as the same message")
                .isEmpty();
        assertThat(ledger.job(first).failures)
                .containsExactly(new FakeLedger.Failure(1, "remaining Lambda time ran short", true));
        assertThat(List.of(second, third)).allSatisfy(job -> {
            assertThat(ledger.job(job).status).isEqualTo(JobStatus.RUNNING);
            assertThat(ledger.job(job).failures)
                    .as("no attempt spent on a handler that never ran")
                    .isEmpty();
        });
        List<Message> sentAgain = queue.receive();
        assertThat(sentAgain).hasSize(2);
        for (Message message : sentAgain) {
            ObjectNode original = records(event).stream()
                    .filter(r -> r.get("messageId")
                            .textValue()
                            .equals(message.messageAttributes()
                                    .get(Requeue.DELIVERY_ATTRIBUTE)
                                    .stringValue()))
                    .findFirst()
                    .orElseThrow();
            assertThat(original.get("messageId").textValue()).isIn("late-2", "late-3");
            assertThat(message.body())
                    .as("the same body, its ticket with it")
                    .isEqualTo(original.get("body").textValue())
                    .contains("\"ticket\":\"ticket-");
            assertThat(message.attributes())
                    .as("a new message: its first receive")
                    .containsEntry(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1");
            assertThat(original.get("messageAttributes").size()).isEqualTo(4);
            original.get("messageAttributes")
                    .fields()
                    .forEachRemaining(attribute -> assertThat(
                                    message.messageAttributes().get(attribute.getKey()))
                            .as("message attribute %s", attribute.getKey())
                            .satisfies(copy -> {
                                JsonNode value = attribute.getValue();
                                assertThat(copy.dataType())
                                        .isEqualTo(value.get("dataType").textValue());
                                assertThat(copy.stringValue())
                                        .isEqualTo(value.path("stringValue").textValue());
                                assertThat(
                                                copy.binaryValue() == null
                                                        ? null
                                                        : copy.binaryValue().asByteArray())
                                        .isEqualTo(
                                                value.hasNonNull("binaryValue")
                                                        ? value.get("binaryValue")
                                                                .binaryValue()
                                                        : null);
                            }));
        }

        String again = invoke(function, queue.asEvent(sentAgain), context());

        assertThat(reported(again)).isEmpty();
        assertThat(List.of(second, third)).allSatisfy(job -> {
            FakeLedger.Job state = ledger.job(job);
            assertThat(state.status).isEqualTo(JobStatus.COMPLETED);
            assertThat(state.proceeded)
                    .as("the attempt it started, not a new one")
                    .containsExactly(1);
            assertThat(state.repeatedProceeds).as("its delivery proceeds again").isEqualTo(1);
        });
        assertThat(ledger.calls())
                .filteredOn(c -> c.jobId().equals(second))
                .extracting(FakeLedger.Call::endpoint, FakeLedger.Call::messageId)
                .as("the ledger knows one delivery of the attempt")
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(FakeLedger.START, "late-2"),
                        org.assertj.core.groups.Tuple.tuple(FakeLedger.START, "late-2"),
                        org.assertj.core.groups.Tuple.tuple(FakeLedger.FINISH, "late-2"));
        assertThat(ledger.job(first).status).as("its stale message is skipped").isEqualTo(JobStatus.RETRYING);
    }

    @Test
    void aRecordLeftWithoutTimeAgainAndAgainKeepsItsFirstDeliveryAndEveryNewMessageStartsFromItsFirstReceive() {
        UUID job = submit("example", Map.of());
        ObjectNode firstDelivery = dispatch(job, 1, "example");
        ObjectNode record = records(firstDelivery).get(0);

        for (int round = 1; round <= 3; round++) {
            // A long handler first, in the same invocation, uses the time up.
            UUID sleeper = submit("example", Map.of("sleepMillis", 60_000));
            ObjectNode event =
                    Events.of(List.of(records(dispatch(sleeper, 1, "example")).get(0), record));

            String response = invoke(function, event, LocalLambdaContext.withBudget(Duration.ofMillis(3_500)));

            assertThat(reported(response)).as("round %d", round).isEmpty();
            List<Message> sentAgain = queue.receive();
            assertThat(sentAgain).as("round %d", round).singleElement().satisfies(message -> {
                assertThat(message.attributes())
                        .containsEntry(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1");
                assertThat(message.messageAttributes()
                                .get(Requeue.DELIVERY_ATTRIBUTE)
                                .stringValue())
                        .isEqualTo("msg-" + job);
            });
            record = records(queue.asEvent(sentAgain)).get(0);
        }

        ObjectNode lastEvent = Events.of(List.of(record));
        String done = invoke(function, lastEvent, context());

        assertThat(reported(done)).isEmpty();
        FakeLedger.Job state = ledger.job(job);
        assertThat(state.status).isEqualTo(JobStatus.COMPLETED);
        assertThat(state.proceeded).containsExactly(1);
        assertThat(state.failures).isEmpty();
        assertThat(queue.deadLetters()).isEmpty();
    }

    @Test
    void aStartedRecordSqsWillNotTakeBackAsANewMessageComesBackAsItIs() {
        UUID first = submit("example", Map.of("sleepMillis", 60_000));
        UUID second = submit("example", Map.of());
        UUID third = submit("example", Map.of());
        ObjectNode event = threeDispatches("gone", first, second, third);
        // The queue the records name does not exist: the new messages cannot be sent.
        records(event).forEach(r -> r.put("eventSourceARN", "arn:aws:sqs:eu-central-1:000000000000:no-such-queue"));

        String response = invoke(function, event, LocalLambdaContext.withBudget(Duration.ofMillis(3_500)));

        assertThat(reported(response)).containsExactly("gone-2", "gone-3");
        assertThat(ledger.job(second).status).isEqualTo(JobStatus.RUNNING);
        assertThat(ledger.job(second).failures).isEmpty();
        assertThat(functionLog.toString(StandardCharsets.UTF_8)).contains("could not be sent again");
    }

    @Test
    void whenTheStartCallItselfUsedTheTimeUpTheStartedRecordsComeBackAsTheyAreAndNothingIsSentAgain() {
        UUID first = submit("example", Map.of());
        UUID second = submit("example", Map.of());
        UUID third = submit("example", Map.of());
        ledger.delayBatches(FakeLedger.START, Duration.ofMillis(1_000));

        String response = invoke(
                function,
                threeDispatches("slow", first, second, third),
                LocalLambdaContext.withBudget(Duration.ofMillis(1_600)));

        assertThat(reported(response))
                .as("no handler ran: sending them again could only go round without end")
                .containsExactly("slow-1", "slow-2", "slow-3");
        assertThat(ledger.job(first).status).isEqualTo(JobStatus.RUNNING);
        assertThat(ledger.job(first).failures).isEmpty();
        assertThat(queue.receive()).isEmpty();
    }

    @Test
    void aBatchOfTenWhereOneHandlerThrowsFailsThatAttemptAndCompletesTheOtherNine() {
        Map<String, String> values = new HashMap<>(Map.of("RUN", "r2"));
        UUID[] jobs = new UUID[11];
        for (int i = 1; i <= 10; i++) {
            jobs[i] = UUID.randomUUID();
            values.put("JOB_" + i, jobs[i].toString());
            // The ledger's job type decides the handler, whatever the message says.
            ledger.submit(jobs[i], i == 7 ? "boom" : "example", Map.of(), null, 3);
        }

        String response = invoke(function, Events.load("batch-of-ten.json", values), context());

        assertThat(reported(response))
                .as("the failure is the ledger's to retry")
                .isEmpty();
        assertThat(boomRuns).hasValue(1);
        assertThat(ledger.job(jobs[7]).status).isEqualTo(JobStatus.RETRYING);
        for (int i = 1; i <= 10; i++) {
            if (i != 7) {
                assertThat(ledger.job(jobs[i]).status).as("job %d", i).isEqualTo(JobStatus.COMPLETED);
            }
        }
    }

    @Test
    void aHandlerThatThrowsFailsItsAttemptAsRetryableAndItsRecordIsAcknowledged() {
        UUID job = submit("boom", Map.of());

        String response = invoke(function, dispatch(job, 1, "boom"), context());

        assertThat(reported(response)).isEmpty();
        assertThat(boomRuns).hasValue(1);
        assertThat(ledger.job(job).failures)
                .containsExactly(new FakeLedger.Failure(1, "IllegalStateException: boom", true));
        assertThat(ledger.job(job).status).isEqualTo(JobStatus.RETRYING);
    }

    @Test
    void theSameDispatchTwiceInOneBatchRunsTheHandlerOnce() {
        UUID exampleJob = UUID.randomUUID();
        ledger.submit(exampleJob, "example", Map.of(), null, 3);

        String response = invoke(
                function,
                Events.load("duplicate-in-batch.json", Map.of("JOB", exampleJob.toString(), "MESSAGE_ID", "dup")),
                context());

        assertThat(reported(response)).isEmpty();
        assertThat(ledger.job(exampleJob).proceeded).containsExactly(1);
        assertThat(ledger.job(exampleJob).skips).isEqualTo(1);
        assertThat(ledger.calls(exampleJob, FakeLedger.FINISH)).isEqualTo(1);
        assertThat(ledger.requestCount()).isEqualTo(2);
    }

    @Test
    void aDuplicateDeliveryInALaterBatchIsSkippedAndAcknowledgedWithoutRunningTheHandler() {
        UUID job = submit("boom", Map.of());
        ObjectNode event = dispatch(job, 1, "boom");

        invoke(function, event, context());
        String again = invoke(function, event, context());

        assertThat(reported(again)).isEmpty();
        assertThat(boomRuns).hasValue(1);
        assertThat(ledger.job(job).skips).isEqualTo(1);
        assertThat(ledger.calls(job, FakeLedger.FINISH)).isEqualTo(1);
    }

    @Test
    void aSkipForAFinishedJobIsAcknowledgedWithoutRunningTheHandler() {
        UUID job = submit("boom", Map.of());
        ledger.job(job).status = JobStatus.CANCELLED;

        String response = invoke(function, dispatch(job, 1, "boom"), context());

        assertThat(reported(response)).isEmpty();
        assertThat(boomRuns).hasValue(0);
        assertThat(ledger.calls(job, FakeLedger.FINISH)).isZero();
    }

    @Test
    void twoMessagesForOneJobRunningAtOnceRunTheHandlerOnce() throws Exception {
        UUID job = submit("waits-for-second-delivery", Map.of());
        SqsJobHandler secondInstance = newFunction(config().build());

        CompletableFuture<String> first =
                CompletableFuture.supplyAsync(() -> invoke(function, dispatch(job, 1, "x"), context()));
        Await.until(Duration.ofSeconds(10), () -> waitingRuns.get() == 1);
        // Another message: the same one again would be the running delivery, which the ledger lets proceed.
        String second = invoke(
                secondInstance,
                Events.load(
                        "single-dispatch.json",
                        Map.of("JOB", job.toString(), "ATTEMPT", "1", "JOB_TYPE", "x", "MESSAGE_ID", "another-" + job)),
                context());

        assertThat(reported(second)).isEmpty();
        assertThat(reported(first.get())).isEmpty();
        assertThat(waitingRuns).hasValue(1);
        assertThat(ledger.job(job).status).isEqualTo(JobStatus.COMPLETED);
        assertThat(ledger.calls(job, FakeLedger.FINISH)).isEqualTo(1);
    }

    @Test
    void theHandlerGoesOnWhileItsLogLinesTravelAndEveryLineArrivesOnceInOrder() {
        UUID job = submit("logs-past-a-flush", Map.of());
        ledger.holdFirstLogCall(job, firstLogCallMayAnswer);

        String response = invoke(function, dispatch(job, 1, "logs-past-a-flush"), context());

        assertThat(reported(response)).isEmpty();
        FakeLedger.Job state = ledger.job(job);
        assertThat(state.logHoldReleased)
                .as("the handler logged on while its first log call waited for the ledger's answer")
                .isTrue();
        assertThat(state.status).isEqualTo(JobStatus.COMPLETED);
        assertThat(state.logs)
                .extracting(LogEntry::message)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, LINES_PAST_A_FLUSH)
                        .mapToObj(line -> "line " + line)
                        .toList());
    }

    @Test
    void whenTheLedgerAnswersProceedFalseMidRunTheHandlerStopsAndNothingIsCompletedOrFailed() {
        UUID job = submit("rows", Map.of());
        ledger.cancelAfterReports(job, 2);

        String response = invoke(function, dispatch(job, 1, "rows"), context());

        assertThat(reported(response)).isEmpty();
        assertThat(rowsRuns).hasValue(1);
        assertThat(rowsDone.get()).isPositive().isLessThan(10_000_000);
        assertThat(ledger.job(job).status).isEqualTo(JobStatus.CANCELLED);
        assertThat(ledger.calls(job, FakeLedger.FINISH)).isZero();
    }

    @Test
    void whenTheRemainingLambdaTimeRunsShortTheAttemptFailsAsRetryable() {
        UUID job = submit("example", Map.of("sleepMillis", 60_000));

        String response =
                invoke(function, dispatch(job, 1, "example"), LocalLambdaContext.withBudget(Duration.ofMillis(3_500)));

        assertThat(reported(response)).isEmpty();
        assertThat(ledger.job(job).failures)
                .containsExactly(new FakeLedger.Failure(1, "remaining Lambda time ran short", true));
        assertThat(ledger.job(job).status).isEqualTo(JobStatus.RETRYING);
    }

    @Test
    void aCsvImportWhosePatternIsSlowOnEveryValueStillStopsWhenTheRemainingLambdaTimeRunsShort() {
        // (a+)+$ backtracks on "aaa...a!" up to the pattern's step bound: twenty such values make a row take a
        // millisecond or more, so the file cannot be read within the invocation's budget and the handler, which looks
        // at the clock at every row, must stop on its own.
        int columns = 20;
        int rows = 10_000;
        String value = "a".repeat(40) + "!";
        StringBuilder csv = new StringBuilder();
        csv.append(String.join(
                        ",", IntStream.range(0, columns).mapToObj(c -> "c" + c).toList()))
                .append('\n');
        for (int row = 0; row < rows; row++) {
            csv.append(String.join(",", Collections.nCopies(columns, value))).append('\n');
        }
        s3.put("jobs/slow.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        UUID job = UUID.randomUUID();
        Map<String, Object> spec = Map.of(
                "header",
                true,
                "columns",
                IntStream.range(0, columns)
                        .mapToObj(c -> Map.of("name", "c" + c, "type", "string", "pattern", "(a+)+$"))
                        .toList());
        ledger.submit(job, "csv-import", spec, file("jobs/slow.csv", "slow.csv"), 3);

        String response = invoke(
                function,
                withFile(job, 1, "csv-import", "jobs/slow.csv", "slow.csv"),
                LocalLambdaContext.withBudget(Duration.ofMillis(2_500)));

        assertThat(reported(response)).isEmpty();
        FakeLedger.Job state = ledger.job(job);
        assertThat(state.failures).containsExactly(new FakeLedger.Failure(1, "remaining Lambda time ran short", true));
        assertThat(state.progress)
                .extracting(Progress::processed)
                .as("rows noted before the stop, and not the whole file")
                .anySatisfy(processed -> assertThat(processed).isPositive())
                .allSatisfy(processed -> assertThat(processed).isLessThan(rows));
    }

    @Test
    void aRecordLeftWithTooLittleTimeToStartIsReportedWithoutStartingTheAttempt() {
        UUID job = submit("example", Map.of());

        String response =
                invoke(function, dispatch(job, 1, "example"), LocalLambdaContext.withBudget(Duration.ofMillis(500)));

        assertThat(reported(response)).containsExactly("msg-" + job);
        assertThat(ledger.requestCount()).isZero();
        assertThat(queue.receive()).as("nothing ran: it is not sent again").isEmpty();
    }

    @Test
    void exampleWithFailTimesFailsItsFirstAttemptsAsRetryableThenCompletesWithTheFilesLineCount() {
        s3.put("jobs/example-lines.txt", "one\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8));
        UUID job = UUID.randomUUID();
        ledger.submit(job, "example", Map.of("failTimes", 2), file("jobs/example-lines.txt", "lines.txt"), 3);

        for (int attempt = 1; attempt <= 3; attempt++) {
            String response = invoke(
                    function, withFile(job, attempt, "example", "jobs/example-lines.txt", "lines.txt"), context());
            assertThat(reported(response)).isEmpty();
        }

        FakeLedger.Job state = ledger.job(job);
        assertThat(state.failures)
                .extracting(FakeLedger.Failure::attempt, FakeLedger.Failure::retryable)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, true), org.assertj.core.groups.Tuple.tuple(2, true));
        assertThat(state.status).isEqualTo(JobStatus.COMPLETED);
        assertThat(state.result).isEqualTo(Map.of("lines", 3));
        assertThat(state.logs).extracting(LogEntry::message).contains("read 3 lines (14 bytes) from lines.txt");
    }

    @Test
    void csvImportOfTenThousandRowsLogsExactlyTheHundredBadRowsWithTheirRowNumbersAndCounts() {
        StringBuilder csv = new StringBuilder("email,age,joined\n");
        java.util.Set<Long> bad = new java.util.TreeSet<>();
        for (long row = 1; row <= 10_000; row++) {
            if (row % 100 == 37) {
                bad.add(row);
                switch ((int) (row / 100) % 4) {
                    case 0 -> csv.append("not-an-email,30,2024-01-02\n");
                    case 1 -> csv.append("a").append(row).append("@example.com,151,2024-01-02\n");
                    case 2 -> csv.append("a").append(row).append("@example.com,40,02/01/2024\n");
                    default -> csv.append(",40,2024-01-02\n");
                }
            } else {
                csv.append("user")
                        .append(row)
                        .append("@example.com,")
                        .append(row % 90)
                        .append(",2023-12-31\n");
            }
        }
        s3.put("jobs/people.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        UUID job = UUID.randomUUID();
        ledger.submit(job, "csv-import", peopleSpec(), file("jobs/people.csv", "people.csv"), 3);

        String response = invoke(function, withFile(job, 1, "csv-import", "jobs/people.csv", "people.csv"), context());

        assertThat(reported(response)).isEmpty();
        FakeLedger.Job state = ledger.job(job);
        assertThat(state.status).isEqualTo(JobStatus.COMPLETED);
        assertThat(state.result).isEqualTo(Map.of("rows", 10_000, "valid", 9_900, "invalid", 100));
        List<LogEntry> rowLines =
                state.logs.stream().filter(e -> e.rowNumber() != null).toList();
        assertThat(rowLines).extracting(LogEntry::rowNumber).containsExactlyElementsOf(bad);
        assertThat(rowLines).allSatisfy(e -> assertThat(e.level()).isEqualTo(LogLevel.WARNING));
        assertThat(rowLines.get(0).message()).isEqualTo("row 37 is invalid: email not a valid email address");
        // The row as read, so that the failed-rows file can give it back to be fixed.
        assertThat(rowLines.get(0).meta()).containsEntry("values", List.of("not-an-email", "30", "2024-01-02"));
        assertThat(state.progress.get(state.progress.size() - 1).processed()).isEqualTo(10_000);
        assertThat(state.progress.get(state.progress.size() - 1).failed()).isEqualTo(100);
        assertThat(state.logBatchSizes).allSatisfy(size -> assertThat(size).isBetween(1, 1000));
        assertThat(ledger.calls().stream().filter(c -> c.endpoint().equals("logs")))
                .allSatisfy(c -> assertThat(c.messageId()).isEqualTo("msg-" + job))
                .allSatisfy(c -> assertThat(c.requestId()).isNotBlank());
    }

    @Test
    void csvImportRejectsTheRowsWhoseFieldsHoldControlCharactersWhereverTheyAreInTheFile() {
        // Far enough apart that the second lies beyond what the reader had read when the first row was checked.
        StringBuilder csv = new StringBuilder("email,age,joined\n");
        for (long row = 1; row <= 20_000; row++) {
            String user = row == 3 || row == 19_000 ? "us\u0001er" : "user";
            csv.append(user)
                    .append(row)
                    .append("@example.com,")
                    .append(row % 90)
                    .append(",2023-12-31\n");
        }
        s3.put("jobs/control.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        UUID job = UUID.randomUUID();
        ledger.submit(job, "csv-import", peopleSpec(), file("jobs/control.csv", "control.csv"), 3);

        invoke(function, withFile(job, 1, "csv-import", "jobs/control.csv", "control.csv"), context());

        FakeLedger.Job state = ledger.job(job);
        assertThat(state.status).isEqualTo(JobStatus.COMPLETED);
        assertThat(state.result).isEqualTo(Map.of("rows", 20_000, "valid", 19_998, "invalid", 2));
        assertThat(state.logs.stream().filter(e -> e.rowNumber() != null))
                .extracting(LogEntry::message)
                .containsExactly(
                        "row 3 is invalid: email contains control characters",
                        "row 19000 is invalid: email contains control characters");
    }

    @Test
    void csvImportOfABinaryFileFailsAsNotRetryable() {
        byte[] binary = new byte[4096];
        new java.util.Random(7).nextBytes(binary);
        s3.put("jobs/binary.csv", binary);
        UUID job = UUID.randomUUID();
        ledger.submit(job, "csv-import", peopleSpec(), file("jobs/binary.csv", "binary.csv"), 3);

        invoke(function, withFile(job, 1, "csv-import", "jobs/binary.csv", "binary.csv"), context());

        assertThat(ledger.job(job).failures)
                .singleElement()
                .satisfies(f -> assertThat(f.retryable()).isFalse());
        assertThat(ledger.job(job).status).isEqualTo(JobStatus.FAILED);
    }

    @Test
    void csvImportWithAHeaderThatDoesNotMatchTheSpecFailsAsNotRetryable() {
        s3.put("jobs/wrong-header.csv", "name,age\nann,3\n".getBytes(StandardCharsets.UTF_8));
        UUID job = UUID.randomUUID();
        ledger.submit(job, "csv-import", peopleSpec(), file("jobs/wrong-header.csv", "w.csv"), 3);

        invoke(function, withFile(job, 1, "csv-import", "jobs/wrong-header.csv", "w.csv"), context());

        assertThat(ledger.job(job).failures).singleElement().satisfies(f -> {
            assertThat(f.retryable()).isFalse();
            assertThat(f.reason()).startsWith("the header does not match the column spec");
        });
    }

    @Test
    void csvImportWithoutAColumnSpecFailsAsNotRetryable() {
        s3.put("jobs/any.csv", "email\na@b.de\n".getBytes(StandardCharsets.UTF_8));
        UUID job = UUID.randomUUID();
        ledger.submit(job, "csv-import", Map.of("header", true), file("jobs/any.csv", "any.csv"), 3);

        invoke(function, withFile(job, 1, "csv-import", "jobs/any.csv", "any.csv"), context());

        assertThat(ledger.job(job).failures)
                .containsExactly(new FakeLedger.Failure(
                        1, "invalid column spec: the payload needs a non-empty list \"columns\"", false));
    }

    @Test
    void aJobFileMissingFromTheBucketFailsAsNotRetryable() {
        UUID job = UUID.randomUUID();
        ledger.submit(job, "example", Map.of(), file("jobs/never-uploaded.txt", "x.txt"), 3);

        invoke(function, withFile(job, 1, "example", "jobs/never-uploaded.txt", "x.txt"), context());

        assertThat(ledger.job(job).failures).singleElement().satisfies(f -> {
            assertThat(f.retryable()).isFalse();
            assertThat(f.reason()).contains("does not exist");
        });
    }

    @Test
    void anUnknownJobTypeFailsAsNotRetryable() {
        UUID job = submit("no-such-type", Map.of());

        String response = invoke(function, dispatch(job, 1, "no-such-type"), context());

        assertThat(reported(response)).isEmpty();
        assertThat(ledger.job(job).failures)
                .containsExactly(new FakeLedger.Failure(1, "no handler registered for jobType no-such-type", false));
        assertThat(ledger.job(job).status).isEqualTo(JobStatus.FAILED);
    }

    @Test
    void anUnparseableBodyIsReportedAsABatchItemFailureSoThatItReachesTheDlqAndTheOtherRecordStillRuns() {
        UUID job = submit("example", Map.of());

        String response = invoke(
                function,
                Events.load("poison-and-good.json", Map.of("JOB", job.toString(), "MESSAGE_ID", "m1")),
                context());

        assertThat(reported(response)).containsExactly("m1-poison");
        assertThat(ledger.job(job).status).isEqualTo(JobStatus.COMPLETED);
        assertThat(functionLog.toString(StandardCharsets.UTF_8))
                .contains("\"level\":\"ERROR\"")
                .contains("unparseable JobDispatch body");
    }

    @Test
    void theAnswerReachesTheEventSourceMappingAsTheBatchItemFailuresJsonItReads() {
        UUID job = submit("example", Map.of());
        UUID other = submit("example", Map.of());

        String poisoned = invoke(
                function,
                Events.load("poison-and-good.json", Map.of("JOB", job.toString(), "MESSAGE_ID", "m2")),
                context());
        String clean = invoke(function, dispatch(other, 1, "example"), context());

        assertThat(poisoned).isEqualTo("{\"batchItemFailures\":[{\"itemIdentifier\":\"m2-poison\"}]}");
        assertThat(clean).isEqualTo("{\"batchItemFailures\":[]}");
    }

    @Test
    void fieldsTheFunctionDoesNotKnowInTheEventOrItsRecordsAreIgnored() {
        UUID job = submit("example", Map.of());
        ObjectNode event = dispatch(job, 1, "example");
        event.put("somethingLambdaAddsLater", true);
        ObjectNode record = records(event).get(0);
        record.putObject("anotherNewField").put("nested", 1);
        ((ObjectNode) record.get("messageAttributes").get("jobId")).put("newAttributeField", "x");

        String response = invoke(function, event, context());

        assertThat(reported(response)).isEmpty();
        assertThat(ledger.job(job).status).isEqualTo(JobStatus.COMPLETED);
    }

    @Test
    void anEventThatIsNotJsonFailsTheInvocationSoThatLambdaDeliversTheBatchAgain() {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();

        assertThatThrownBy(() -> function.handleRequest(
                        new ByteArrayInputStream("{\"Records\":[{\"messageId\":".getBytes(StandardCharsets.UTF_8)),
                        answer,
                        context()))
                .isInstanceOf(IOException.class);
        assertThat(answer.size()).isZero();
        assertThat(ledger.requestCount()).isZero();
    }

    @Test
    void anEventWithoutRecordsIsAnsweredWithNoFailures() {
        String answer = invoke(function, (ObjectNode) JsonNodeFactory.instance.objectNode(), context());

        assertThat(reported(answer)).isEmpty();
        assertThat(ledger.requestCount()).isZero();
    }

    @Test
    void aJobTheLedgerDoesNotKnowIsAcknowledged() {
        UUID unknown = UUID.randomUUID();

        String response = invoke(function, dispatch(unknown, 1, "example"), context());

        assertThat(reported(response)).isEmpty();
        assertThat(ledger.calls(unknown, FakeLedger.START)).isEqualTo(1);
        assertThat(ledger.requestCount(FakeLedger.FINISH)).isZero();
    }

    @Test
    void theFunctionLogsOneJsonObjectPerLineWithTheDeliveryFields() throws Exception {
        UUID job = submit("example", Map.of());
        LocalLambdaContext context = context();

        invoke(function, dispatch(job, 1, "example"), context);

        assertThat(functionLogLines())
                .anySatisfy(line -> assertThat(line)
                        .containsEntry("jobId", job.toString())
                        .containsEntry("attempt", 1)
                        .containsEntry("requestId", context.getAwsRequestId())
                        .containsEntry("messageId", "msg-" + job)
                        .containsKeys("timestamp", "level", "message"));
    }

    private List<Map<String, Object>> functionLogLines() throws Exception {
        var json = LedgerClient.mapper();
        List<Map<String, Object>> lines = new java.util.ArrayList<>();
        for (String line : functionLog.toString(StandardCharsets.UTF_8).split("\n")) {
            lines.add(
                    json.readValue(line, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {}));
        }
        return lines;
    }

    /** Ten example jobs, JOB_1..JOB_10 in {@code values}; index 0 is unused. */
    private UUID[] tenExampleJobs(Map<String, String> values) {
        UUID[] jobs = new UUID[11];
        for (int i = 1; i <= 10; i++) {
            jobs[i] = UUID.randomUUID();
            values.put("JOB_" + i, jobs[i].toString());
            ledger.submit(jobs[i], "example", Map.of(), null, 3);
        }
        return jobs;
    }

    private static ObjectNode threeDispatches(String run, UUID first, UUID second, UUID third) {
        return Events.load(
                "three-dispatches.json",
                Map.of("RUN", run, "JOB_1", first.toString(), "JOB_2", second.toString(), "JOB_3", third.toString()));
    }

    private UUID submit(String jobType, Map<String, Object> payload) {
        UUID job = UUID.randomUUID();
        ledger.submit(job, jobType, payload, null, 3);
        return job;
    }

    private static LocalLambdaContext context() {
        return LocalLambdaContext.withBudget(Duration.ofMinutes(5));
    }

    private static ObjectNode dispatch(UUID job, int attempt, String jobType) {
        return Events.load(
                "single-dispatch.json",
                Map.of(
                        "JOB",
                        job.toString(),
                        "ATTEMPT",
                        String.valueOf(attempt),
                        "JOB_TYPE",
                        jobType,
                        "MESSAGE_ID",
                        "msg-" + job));
    }

    private static ObjectNode withFile(UUID job, int attempt, String jobType, String key, String fileName) {
        return Events.load(
                "dispatch-with-file.json",
                Map.of(
                        "JOB",
                        job.toString(),
                        "ATTEMPT",
                        String.valueOf(attempt),
                        "JOB_TYPE",
                        jobType,
                        "MESSAGE_ID",
                        "msg-" + job,
                        "BUCKET",
                        LocalS3.BUCKET,
                        "KEY",
                        key,
                        "FILE_NAME",
                        fileName));
    }

    private static StoredFile file(String key, String name) {
        return new StoredFile(key, name, "s3://" + LocalS3.BUCKET + "/" + key, 0, "text/csv");
    }

    private static Map<String, Object> peopleSpec() {
        return Map.of(
                "header",
                true,
                "columns",
                List.of(
                        Map.of("name", "email", "type", "email", "required", true),
                        Map.of("name", "age", "type", "integer", "min", 0, "max", 150),
                        Map.of("name", "joined", "type", "date")));
    }

    private static JobHandler handler(String jobType, ThrowingHandler body) {
        return new JobHandler() {
            @Override
            public String jobType() {
                return jobType;
            }

            @Override
            public HandlerResult handle(JobContext context) throws Exception {
                return body.handle(context);
            }
        };
    }

    @FunctionalInterface
    interface ThrowingHandler {
        HandlerResult handle(JobContext context) throws Exception;
    }
}
