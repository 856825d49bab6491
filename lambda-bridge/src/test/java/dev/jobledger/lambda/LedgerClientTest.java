package dev.jobledger.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobledger.lambda.LedgerClient.AttemptReport;
import dev.jobledger.lambda.LedgerClient.AttemptToStart;
import dev.jobledger.lambda.LedgerClient.ItemResult;
import dev.jobledger.messages.AttemptDecision;
import dev.jobledger.messages.AttemptFinishOutcome;
import dev.jobledger.messages.AttemptStartOutcome;
import dev.jobledger.messages.Delivery;
import dev.jobledger.messages.JobStatus;
import dev.jobledger.messages.LogEntry;
import dev.jobledger.messages.LogLevel;
import dev.jobledger.messages.Progress;
import dev.jobledger.messages.StartAnswer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bridge's HTTP against the loopback ledger fake: bounded retries on 5xx and network errors, none on 4xx. */
class LedgerClientTest {

    private static final Delivery DELIVERY = new Delivery("m-1", "r-1");

    private FakeLedger ledger;
    private LedgerClient client;
    private int expectedBadRequests;

    @BeforeEach
    void setUp() throws Exception {
        ledger = new FakeLedger();
        client = new LedgerClient(config(ledger.baseUrl()), TokenSource.fixed(FakeLedger.TOKEN));
    }

    @AfterEach
    void tearDown() {
        assertThat(ledger.badRequests()).isEqualTo(expectedBadRequests);
        ledger.close();
    }

    private static BridgeConfig config(URI base) {
        return settings(base).build();
    }

    private static BridgeConfig.Builder settings(URI base) {
        return BridgeConfig.builder()
                .apiBaseUrl(base)
                .bridgeToken(FakeLedger.TOKEN)
                .s3Bucket("bucket")
                .maxTries(4)
                .backoffBase(Duration.ofMillis(5))
                .backoffMax(Duration.ofMillis(40))
                .requestTimeout(Duration.ofSeconds(5));
    }

    @Test
    void serverErrorsAreRetriedUntilTheLedgerAnswers() {
        UUID job = UUID.randomUUID();
        ledger.submit(job, "example", Map.of(), null, 3);
        ledger.serverErrors(job, 3);

        StartAnswer answer = client.startAttempt(job, 1, FakeLedger.ticket(job, 1), DELIVERY);

        assertThat(answer.decision()).isEqualTo(AttemptDecision.PROCEED);
        assertThat(answer.attempt()).isEqualTo(1);
        assertThat(answer.job().jobType()).isEqualTo("example");
        assertThat(ledger.calls(job, "attempts")).isEqualTo(4);
    }

    @Test
    void aLedgerThatKeepsFailingIsGivenUpAfterTheBoundedTries() {
        UUID job = UUID.randomUUID();
        ledger.submit(job, "example", Map.of(), null, 3);
        ledger.unavailable(job);

        assertThatThrownBy(() -> client.startAttempt(job, 1, FakeLedger.ticket(job, 1), DELIVERY))
                .isInstanceOf(LedgerException.Unavailable.class);
        assertThat(ledger.calls(job, "attempts")).isEqualTo(4);
    }

    @Test
    void aLedgerThatCannotBeReachedIsGivenUpAfterTheBoundedTries() throws Exception {
        FakeLedger down = new FakeLedger();
        URI base = down.baseUrl();
        down.close();
        LedgerClient toNowhere = new LedgerClient(config(base), TokenSource.fixed(FakeLedger.TOKEN));

        assertThatThrownBy(() -> toNowhere.startAttempt(UUID.randomUUID(), 1, "ticket", DELIVERY))
                .isInstanceOf(LedgerException.Unavailable.class)
                .hasMessageContaining("after 4 tries");
    }

    @Test
    @Timeout(60)
    void aLedgerThatTakesTheRequestButNeverAnswersIsGivenUpAfterTheBoundedTriesEachEndedByTheRequestTimeout()
            throws Exception {
        // The kernel accepts connections into the backlog; nothing ever reads or answers them.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            LedgerClient client = new LedgerClient(
                    settings(URI.create("http://127.0.0.1:" + silent.getLocalPort()))
                            .maxTries(2)
                            .requestTimeout(Duration.ofMillis(300))
                            .build(),
                    TokenSource.fixed(FakeLedger.TOKEN));

            assertThatThrownBy(() -> client.startAttempt(UUID.randomUUID(), 1, "ticket", DELIVERY))
                    .isInstanceOf(LedgerException.Unavailable.class)
                    .hasMessageContaining("after 2 tries")
                    .hasCauseInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void aNotFoundIsNotRetried() {
        UUID unknown = UUID.randomUUID();

        assertThatThrownBy(() -> client.startAttempt(unknown, 1, FakeLedger.ticket(unknown, 1), DELIVERY))
                .isInstanceOfSatisfying(
                        LedgerException.Refused.class,
                        e -> assertThat(e.jobUnknown()).isTrue());
        assertThat(ledger.calls(unknown, "attempts")).isEqualTo(1);
    }

    @Test
    void aConflictOnCompleteIsNotRetried() {
        UUID job = UUID.randomUUID();
        ledger.submit(job, "example", Map.of(), null, 3).status = JobStatus.CANCELLED;

        assertThatThrownBy(() -> client.complete(job, 1, FakeLedger.ticket(job, 1), Map.of("lines", 1), DELIVERY))
                .isInstanceOfSatisfying(
                        LedgerException.Refused.class,
                        e -> assertThat(e.conflict()).isTrue());
        assertThat(ledger.calls(job, "complete")).isEqualTo(1);
    }

    @Test
    void aRejectedTokenIsReadAgainOnceThenTheRefusalStands() {
        UUID job = UUID.randomUUID();
        ledger.submit(job, "example", Map.of(), null, 3);
        AtomicInteger reads = new AtomicInteger();
        TokenSource wrong = new TokenSource() {
            @Override
            public String token() {
                reads.incrementAndGet();
                return "wrong-token";
            }
        };
        LedgerClient badToken = new LedgerClient(config(ledger.baseUrl()), wrong);

        assertThatThrownBy(() -> badToken.startAttempt(job, 1, FakeLedger.ticket(job, 1), DELIVERY))
                .isInstanceOfSatisfying(
                        LedgerException.Refused.class,
                        e -> assertThat(e.status()).isEqualTo(401));
        assertThat(ledger.calls(job, "attempts")).isEqualTo(2);
        assertThat(reads).hasValue(2);
    }

    @Test
    void reportsCarryTheDeliveryHeadersAndOnlyTheFieldsTheLedgerAccepts() {
        UUID job = UUID.randomUUID();
        ledger.submit(job, "example", Map.of(), null, 3);
        client.startAttempt(job, 1, FakeLedger.ticket(job, 1), DELIVERY);

        assertThat(client.reportProgress(job, 1, FakeLedger.ticket(job, 1), 5, null, 0, DELIVERY)
                        .proceed())
                .isTrue();

        assertThat(ledger.calls())
                .filteredOn(c -> c.endpoint().equals("progress"))
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.messageId()).isEqualTo("m-1");
                    assertThat(c.requestId()).isEqualTo("r-1");
                });
        assertThat(ledger.job(job).progress).singleElement().satisfies(p -> {
            assertThat(p.processed()).isEqualTo(5);
            assertThat(p.total()).isNull();
        });
    }

    @Test
    void textTheLedgerCannotStoreIsSentAsReplacementCharactersAndValidPairsAsThemselves() throws Exception {
        String written = LedgerClient.mapper()
                .writeValueAsString(Map.of("reason", "header \u0000 with \uD800 and \uD83D\uDE00"));

        assertThat(LedgerClient.mapper().readTree(written).path("reason").asText())
                .isEqualTo("header \uFFFD with \uFFFD and \uD83D\uDE00");
    }

    @Test
    void aBatchedStartOfMoreThanAHundredGoesInCallsOfAtMostAHundredAndIsAnsweredItemByItemInOrder() {
        List<AttemptToStart> items = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            UUID job = UUID.randomUUID();
            if (i % 2 == 0) {
                ledger.submit(job, "example", Map.of(), null, 3);
            }
            items.add(new AttemptToStart(job, 1, "m-" + i, FakeLedger.ticket(job, 1)));
        }

        List<ItemResult<AttemptStartOutcome>> results = client.startAttempts("r-1", items);

        assertThat(ledger.requests()).extracting(FakeLedger.Request::items).containsExactly(100, 100, 50);
        assertThat(results).hasSize(250);
        for (int i = 0; i < 250; i++) {
            AttemptStartOutcome outcome = results.get(i).outcome();
            assertThat(outcome.jobId()).isEqualTo(items.get(i).jobId());
            assertThat(outcome.messageId()).isEqualTo("m-" + i);
            if (i % 2 == 0) {
                assertThat(outcome.status()).isEqualTo(200);
                assertThat(outcome.answer().decision()).isEqualTo(AttemptDecision.PROCEED);
            } else {
                assertThat(outcome.status()).isEqualTo(404);
            }
        }
    }

    @Test
    void aBatchedFinishGoesInCallsThatStayUnderTheSizeBudget() {
        String line = "x".repeat(900);
        List<LogEntry> logs = Collections.nCopies(1000, new LogEntry(LogLevel.INFO, line, null, null));
        List<AttemptReport> reports = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            UUID job = UUID.randomUUID();
            reports.add(AttemptReport.completed(job, 1, "m-" + i, FakeLedger.ticket(job, 1), Map.of(), logs, null));
        }

        List<ItemResult<AttemptFinishOutcome>> results = client.finishAttempts("r-1", reports);

        assertThat(ledger.requests()).extracting(FakeLedger.Request::items).containsExactly(2, 2, 2);
        assertThat(ledger.requests())
                .allSatisfy(r -> assertThat(r.bytes()).isLessThanOrEqualTo(LedgerClient.MAX_BATCH_BYTES));
        assertThat(results).extracting(r -> r.outcome().status()).containsOnly(404);
    }

    @Test
    void aBatchRefusedAsMalformedIsSplitUntilTheBadReportStandsAloneSoThatTheOthersAreStillAnswered() {
        List<AttemptReport> reports = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            UUID job = UUID.randomUUID();
            ledger.submit(job, "example", Map.of(), null, 3);
            client.startAttempt(job, 1, FakeLedger.ticket(job, 1), new Delivery("m-" + i, "r-1"));
            reports.add(
                    i == 2
                            ? AttemptReport.failed(
                                    job, 1, "m-" + i, FakeLedger.ticket(job, 1), " ", true, List.of(), null)
                            : AttemptReport.completed(
                                    job,
                                    1,
                                    "m-" + i,
                                    FakeLedger.ticket(job, 1),
                                    Map.of("i", i),
                                    List.of(),
                                    new Progress(1, 1L, 0)));
        }
        expectedBadRequests = 3; // all five, then the three from the bad one, then the bad one alone

        List<ItemResult<AttemptFinishOutcome>> results = client.finishAttempts("r-1", reports);

        assertThat(results).hasSize(5);
        assertThat(results.get(2).failure())
                .isInstanceOfSatisfying(
                        LedgerException.Refused.class,
                        e -> assertThat(e.status()).isEqualTo(400));
        for (int i : new int[] {0, 1, 3, 4}) {
            assertThat(results.get(i).outcome().status()).isEqualTo(200);
            assertThat(ledger.job(reports.get(i).jobId()).status).isEqualTo(JobStatus.COMPLETED);
        }
    }

    @Test
    void aBatchedCallIsRetriedOnServerErrorsAndFailsEveryItemOnceTheBoundedTriesAreSpent() {
        UUID job = UUID.randomUUID();
        ledger.submit(job, "example", Map.of(), null, 3);
        List<AttemptToStart> items = List.of(
                new AttemptToStart(job, 1, "m-1", FakeLedger.ticket(job, 1)),
                new AttemptToStart(job, 1, "m-2", FakeLedger.ticket(job, 1)));
        ledger.failBatches(FakeLedger.START, 503, Integer.MAX_VALUE);

        List<ItemResult<AttemptStartOutcome>> failed = client.startAttempts("r-1", items);

        assertThat(failed).allSatisfy(r -> assertThat(r.failure()).isInstanceOf(LedgerException.Unavailable.class));
        assertThat(ledger.requestCount(FakeLedger.START)).isEqualTo(4);

        ledger.failBatches(FakeLedger.START, 500, 2);
        List<ItemResult<AttemptStartOutcome>> answered = client.startAttempts("r-1", items);

        assertThat(answered)
                .extracting(r -> r.outcome().answer().decision())
                .as("the second delivery of one job in a batch is skipped")
                .containsExactly(AttemptDecision.PROCEED, AttemptDecision.SKIP);
        assertThat(ledger.requestCount(FakeLedger.START)).isEqualTo(7);
    }

    @Test
    void aBatchedCallWithARejectedTokenReadsItOnceMoreThenFailsEveryItemWith401() {
        AtomicInteger reads = new AtomicInteger();
        LedgerClient badToken = new LedgerClient(config(ledger.baseUrl()), () -> {
            reads.incrementAndGet();
            return "wrong-token";
        });

        List<ItemResult<AttemptStartOutcome>> results =
                badToken.startAttempts("r-1", List.of(new AttemptToStart(UUID.randomUUID(), 1, "m-1", "ticket")));

        assertThat(results)
                .singleElement()
                .satisfies(r -> assertThat(r.failure())
                        .isInstanceOfSatisfying(
                                LedgerException.Refused.class,
                                e -> assertThat(e.status()).isEqualTo(401)));
        assertThat(reads).hasValue(2);
        assertThat(ledger.requestCount(FakeLedger.START)).isEqualTo(2);
    }

    @Test
    void batchedCallsCarryTheRequestIdOnceAndEachItemsMessageIdInsteadOfDeliveryHeaders() {
        UUID job = UUID.randomUUID();
        ledger.submit(job, "example", Map.of(), null, 3);

        client.startAttempts("r-9", List.of(new AttemptToStart(job, 1, "m-9", FakeLedger.ticket(job, 1))));
        client.finishAttempts(
                "r-9",
                List.of(AttemptReport.completed(
                        job, 1, "m-9", FakeLedger.ticket(job, 1), Map.of("lines", 1), List.of(), null)));

        assertThat(ledger.calls())
                .extracting(FakeLedger.Call::endpoint, FakeLedger.Call::messageId, FakeLedger.Call::requestId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(FakeLedger.START, "m-9", "r-9"),
                        org.assertj.core.groups.Tuple.tuple(FakeLedger.FINISH, "m-9", "r-9"));
        assertThat(ledger.requests()).noneMatch(FakeLedger.Request::deliveryHeaders);
        assertThat(ledger.job(job).result).isEqualTo(Map.of("lines", 1));
    }

    @Test
    void aSingleAttemptCallCarriesItsTicketInTheTicketHeaderAndARefusedTicketIsNotRetried() {
        UUID job = UUID.randomUUID();
        ledger.submit(job, "example", Map.of(), null, 3);
        StartAnswer started = client.startAttempt(job, 1, FakeLedger.ticket(job, 1), DELIVERY);

        assertThat(started.ticket()).as("the PROCEED's ticket").isEqualTo(FakeLedger.ticket(job, 1));
        assertThatThrownBy(() -> client.reportProgress(job, 1, FakeLedger.ticket(job, 2), 5, null, 0, DELIVERY))
                .isInstanceOfSatisfying(
                        LedgerException.Refused.class,
                        e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> client.complete(job, 1, null, Map.of(), DELIVERY))
                .isInstanceOfSatisfying(
                        LedgerException.Refused.class,
                        e -> assertThat(e.status()).isEqualTo(403));

        assertThat(ledger.calls(job, "progress")).isEqualTo(1);
        assertThat(ledger.calls(job, "complete")).isEqualTo(1);
        assertThat(ledger.job(job).progress).isEmpty();
        assertThat(ledger.job(job).status).isEqualTo(JobStatus.RUNNING);
    }
}
