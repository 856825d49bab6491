package dev.jobledger.app.tickets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.command.ticket.AttemptTickets;
import dev.jobledger.testing.TestPostgres;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The attempt ticket keys live in PostgreSQL: instances of the service on one database sign and verify alike, and a
 * restart keeps them. Each test has a database of its own, migrated as the service migrates it; an instance is what
 * the service constructs at start.
 */
class KeepingTicketKeysInTheDatabaseTest {

    private final UUID job = UUID.randomUUID();
    private JdbcTemplate jdbc;

    @BeforeEach
    void freshDatabase() {
        TestPostgres.Connection database = TestPostgres.database(
                "ticket_keys_" + UUID.randomUUID().toString().replace("-", ""));
        DriverManagerDataSource dataSource =
                new DriverManagerDataSource(database.jdbcUrl(), database.username(), database.password());
        Flyway.configure().dataSource(dataSource).load().migrate();
        jdbc = new JdbcTemplate(dataSource);
    }

    @Test
    void theFirstInstanceCreatesOneKeyOfThirtyTwoRandomBytes() {
        new AttemptTickets(jdbc);

        assertThat(jdbc.queryForList("SELECT id FROM attempt_ticket_key", String.class))
                .containsExactly("k1");
        assertThat(jdbc.queryForObject("SELECT octet_length(secret) FROM attempt_ticket_key", Integer.class))
                .isEqualTo(32);
    }

    @Test
    void aTicketIssuedBeforeARestartIsAdmittedAfterIt() {
        String ticket = new AttemptTickets(jdbc).issue(job, 1);

        AttemptTickets restarted = new AttemptTickets(jdbc);

        assertThat(restarted.admits(job, 1, ticket)).isTrue();
        assertThat(restarted.issue(job, 1)).isEqualTo(ticket);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM attempt_ticket_key", Integer.class))
                .isEqualTo(1);
    }

    @Test
    void instancesStartingTogetherOnAnEmptyDatabaseAgreeOnOneKey() {
        CountDownLatch ready = new CountDownLatch(4);
        List<CompletableFuture<AttemptTickets>> starting = java.util.stream.IntStream.range(0, 4)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                    ready.countDown();
                    try {
                        ready.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return new AttemptTickets(jdbc);
                }))
                .toList();
        List<AttemptTickets> instances =
                starting.stream().map(CompletableFuture::join).toList();

        String ticket = instances.get(0).issue(job, 1);
        assertThat(instances)
                .allSatisfy(
                        instance -> assertThat(instance.admits(job, 1, ticket)).isTrue());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM attempt_ticket_key", Integer.class))
                .isEqualTo(1);
    }

    @Test
    void aNewerKeySignsAndTheOlderOneStillVerifiesOnEveryInstance() {
        AttemptTickets running = new AttemptTickets(jdbc);
        String before = running.issue(job, 1);

        jdbc.update("INSERT INTO attempt_ticket_key (id, secret, created_at)"
                + " VALUES ('k2', decode(repeat('ab', 32), 'hex'), now() + interval '1 second')");
        AttemptTickets startedAfterTheRotation = new AttemptTickets(jdbc);
        String after = startedAfterTheRotation.issue(job, 1);

        assertThat(after).startsWith("k2.");
        assertThat(startedAfterTheRotation.admits(job, 1, before)).isTrue();
        assertThat(running.admits(job, 1, after))
                .as("an instance started before the rotation learns the newer key from the table")
                .isTrue();
        assertThat(running.admits(job, 2, after)).isFalse();
    }
}
