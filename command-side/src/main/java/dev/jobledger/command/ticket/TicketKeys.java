package dev.jobledger.command.ticket;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.jdbc.core.JdbcTemplate;

/** The {@code attempt_ticket_key} table: the keys of every instance, newest first. */
final class TicketKeys implements Supplier<List<AttemptTickets.Key>> {

    static final int SECRET_BYTES = 32;
    static final String FIRST_KEY_ID = "k1";

    private final JdbcTemplate jdbc;

    private TicketKeys(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The table's keys, after creating the first one if there is none. Instances starting together on an empty table
     * each try to insert it under the same id: one wins, the others insert nothing and read the winner's.
     */
    static TicketKeys atStartup(JdbcTemplate jdbc) {
        byte[] secret = new byte[SECRET_BYTES];
        new SecureRandom().nextBytes(secret);
        try {
            jdbc.update("""
                    INSERT INTO attempt_ticket_key (id, secret)
                    SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM attempt_ticket_key)
                    ON CONFLICT (id) DO NOTHING
                    """, FIRST_KEY_ID, secret);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        return new TicketKeys(jdbc);
    }

    @Override
    public List<AttemptTickets.Key> get() {
        return jdbc.query(
                "SELECT id, secret FROM attempt_ticket_key ORDER BY created_at DESC, id DESC",
                (row, i) -> AttemptTickets.key(row.getString("id"), row.getBytes("secret")));
    }
}
