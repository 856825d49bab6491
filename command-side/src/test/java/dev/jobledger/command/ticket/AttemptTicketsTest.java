package dev.jobledger.command.ticket;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Attempt tickets, with keys held in memory (the table behind them: AttemptTicketKeysTest in the application). */
class AttemptTicketsTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final UUID job = UUID.randomUUID();
    /** The keys "in the database", newest first. */
    private final List<AttemptTickets.Key> table = new CopyOnWriteArrayList<>(List.of(key("k1")));

    private final AttemptTickets tickets = new AttemptTickets(() -> List.copyOf(table), Duration.ZERO);

    @Test
    void aTicketAdmitsTheJobAndAttemptItWasIssuedFor() {
        String ticket = tickets.issue(job, 3);

        assertThat(ticket).startsWith("k1.").matches("k1\\.[A-Za-z0-9_-]{43}");
        assertThat(tickets.admits(job, 3, ticket)).isTrue();
    }

    @Test
    void aTicketForAttemptOneDoesNotAdmitAttemptTwo() {
        String ticket = tickets.issue(job, 1);

        assertThat(tickets.admits(job, 2, ticket)).isFalse();
        assertThat(tickets.admits(job, 0, ticket)).isFalse();
    }

    @Test
    void aTicketDoesNotAdmitAnotherJob() {
        assertThat(tickets.admits(UUID.randomUUID(), 1, tickets.issue(job, 1))).isFalse();
    }

    @Test
    void aTamperedTicketIsNotAdmitted() {
        String ticket = tickets.issue(job, 1);
        char last = ticket.charAt(ticket.length() - 1);
        String flipped = ticket.substring(0, ticket.length() - 1) + (last == 'A' ? 'B' : 'A');

        assertThat(tickets.admits(job, 1, flipped)).isFalse();
        assertThat(tickets.admits(job, 1, ticket + "A")).isFalse();
        assertThat(tickets.admits(job, 1, ticket.substring(0, ticket.length() - 1)))
                .isFalse();
    }

    @Test
    void aTicketUnderAKeyIdTheLedgerDoesNotHaveIsNotAdmitted() {
        String mac = tickets.issue(job, 1).substring("k1.".length());

        assertThat(tickets.admits(job, 1, "k9." + mac)).isFalse();
    }

    @Test
    void aTicketSignedWithAnotherLedgersKeyIsNotAdmitted() {
        AttemptTickets elsewhere = new AttemptTickets(() -> List.of(key("k1")), Duration.ZERO);

        assertThat(tickets.admits(job, 1, elsewhere.issue(job, 1))).isFalse();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"k1", "k1.", ".", ".abc", "no-dot-at-all", "k1.k1.k1"})
    void somethingThatIsNotATicketIsNotAdmitted(String ticket) {
        assertThat(tickets.admits(job, 1, ticket)).isFalse();
    }

    @Test
    void aNewerKeySignsAndTheOlderOneStillVerifies() {
        String before = tickets.issue(job, 1);
        table.add(0, key("k2"));
        AttemptTickets restarted = new AttemptTickets(() -> List.copyOf(table), Duration.ZERO);

        String after = restarted.issue(job, 1);

        assertThat(after).startsWith("k2.");
        assertThat(restarted.admits(job, 1, before)).isTrue();
        assertThat(restarted.admits(job, 1, after)).isTrue();
    }

    @Test
    void aTicketSignedWithAKeyAddedAfterThisInstanceStartedIsAdmitted() {
        table.add(0, key("k2"));
        AttemptTickets startedLater = new AttemptTickets(() -> List.copyOf(table), Duration.ZERO);

        assertThat(tickets.admits(job, 1, startedLater.issue(job, 1))).isTrue();
    }

    @Test
    void unknownKeyIdsReadTheKeysAgainOnlyOncePerInterval() {
        List<String> reads = new ArrayList<>();
        AttemptTickets slow = new AttemptTickets(
                () -> {
                    reads.add("read");
                    return List.copyOf(table);
                },
                Duration.ofHours(1));
        String mac = slow.issue(job, 1).substring("k1.".length());

        for (int i = 0; i < 10; i++) {
            slow.admits(job, 1, "made-up-" + i + "." + mac);
        }

        assertThat(reads)
                .as("read at start, then once for the first unknown key id")
                .hasSize(2);
    }

    @Test
    void aKeyShowsItsIdButNeverItsSecret() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        AttemptTickets.Key key = AttemptTickets.key("k7", secret);

        assertThat(key.toString()).isEqualTo("Key[k7]");
    }

    private static AttemptTickets.Key key(String id) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return AttemptTickets.key(id, secret);
    }
}
