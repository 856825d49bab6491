package dev.jobledger.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobledger.messages.AttemptDecision;
import dev.jobledger.messages.JobStatus;
import dev.jobledger.messages.StartAnswer;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bridge's HTTP against the loopback ledger fake: bounded retries on 5xx and network errors, none on 4xx. */
class LedgerClientTest {

    private static final LedgerClient.Delivery DELIVERY = new LedgerClient.Delivery("m-1", "r-1");

    private FakeLedger ledger;
    private LedgerClient client;

    @BeforeEach
    void setUp() throws Exception {
        ledger = new FakeLedger();
        client = new LedgerClient(config(ledger.baseUrl()), TokenSource.fixed(FakeLedger.TOKEN));
    }

    @AfterEach
    void tearDown() {
        assertThat(ledger.badRequests()).isZero();
        ledger.close();
    }

    private static BridgeConfig config(URI base) {
        return BridgeConfig.defaults(base, FakeLedger.TOKEN, "bucket")
                .withRetries(4, Duration.ofMillis(5), Duration.ofMillis(40), Duration.ofSeconds(5));
    }

    @Test
    void serverErrorsAreRetriedUntilTheLedgerAnswers() {
        UUID job = UUID.randomUUID();
        ledger.submit(job, "example", Map.of(), null, 3);
        ledger.serverErrors(job, 3);

        StartAnswer answer = client.startAttempt(job, 1, DELIVERY);

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

        assertThatThrownBy(() -> client.startAttempt(job, 1, DELIVERY)).isInstanceOf(LedgerException.Unavailable.class);
        assertThat(ledger.calls(job, "attempts")).isEqualTo(4);
    }

    @Test
    void aLedgerThatCannotBeReachedIsGivenUpAfterTheBoundedTries() throws Exception {
        FakeLedger down = new FakeLedger();
        URI base = down.baseUrl();
        down.close();
        LedgerClient toNowhere = new LedgerClient(config(base), TokenSource.fixed(FakeLedger.TOKEN));

        assertThatThrownBy(() -> toNowhere.startAttempt(UUID.randomUUID(), 1, DELIVERY))
                .isInstanceOf(LedgerException.Unavailable.class)
                .hasMessageContaining("after 4 tries");
    }

    @Test
    void aNotFoundIsNotRetried() {
        UUID unknown = UUID.randomUUID();

        assertThatThrownBy(() -> client.startAttempt(unknown, 1, DELIVERY))
                .isInstanceOfSatisfying(
                        LedgerException.Refused.class,
                        e -> assertThat(e.jobUnknown()).isTrue());
        assertThat(ledger.calls(unknown, "attempts")).isEqualTo(1);
    }

    @Test
    void aConflictOnCompleteIsNotRetried() {
        UUID job = UUID.randomUUID();
        ledger.submit(job, "example", Map.of(), null, 3).status = JobStatus.CANCELLED;

        assertThatThrownBy(() -> client.complete(job, 1, Map.of("lines", 1), DELIVERY))
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

        assertThatThrownBy(() -> badToken.startAttempt(job, 1, DELIVERY))
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
        client.startAttempt(job, 1, DELIVERY);

        assertThat(client.reportProgress(job, 1, 5, null, 0, DELIVERY).proceed())
                .isTrue();

        assertThat(ledger.calls())
                .filteredOn(c -> c.endpoint().equals("progress"))
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.messageIdHeader()).isEqualTo("m-1");
                    assertThat(c.requestIdHeader()).isEqualTo("r-1");
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
}
