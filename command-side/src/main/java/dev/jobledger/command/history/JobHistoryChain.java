package dev.jobledger.command.history;

import dev.jobledger.messages.JobHistoryVerification;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Recomputes a job's hash chain from its stored events with the formula the database applies on insert (migration
 * V6): {@code sha256(previous || sha256(header) || sha256(payload) || sha256(metadata))}. Reads through a cursor, so
 * a job with millions of events is verified in constant memory.
 */
@Component
class JobHistoryChain {

    static final byte[] GENESIS = new byte[32];
    private static final HexFormat HEX = HexFormat.of();

    private final JdbcTemplate jdbc;

    JobHistoryChain(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Hex hashes of one job's events in a range of sequence numbers, by sequence number. */
    @Transactional(readOnly = true)
    Map<Long, String> hashes(UUID jobId, long first, long last) {
        Map<Long, String> hashes = new HashMap<>();
        jdbc.query(
                """
                SELECT sequencenumber, hash FROM domainevententry
                WHERE aggregateidentifier = ? AND sequencenumber BETWEEN ? AND ?
                """,
                row -> {
                    byte[] hash = row.getBytes("hash");
                    hashes.put(row.getLong("sequencenumber"), hash == null ? null : HEX.formatHex(hash));
                },
                jobId.toString(),
                first,
                last);
        return hashes;
    }

    @Transactional(readOnly = true)
    JobHistoryVerification verify(UUID jobId) {
        Walk walk = new Walk(jobId);
        jdbc.query(
                connection -> {
                    PreparedStatement statement = connection.prepareStatement("""
                            SELECT eventidentifier, aggregateidentifier, sequencenumber, type, payloadtype,
                                   payloadrevision, timestamp, payload, metadata, hash
                            FROM domainevententry WHERE aggregateidentifier = ? ORDER BY sequencenumber
                            """);
                    statement.setFetchSize(500);
                    statement.setString(1, jobId.toString());
                    return statement;
                },
                walk::check);
        return walk.result();
    }

    /** The walk along one job's events; stops judging at the first break. */
    private static final class Walk {

        private final UUID jobId;
        private final MessageDigest sha256 = sha256();
        private byte[] previous = GENESIS;
        private long checked;
        private Long brokenSequence;
        private String brokenEventId;
        private String problem;

        Walk(UUID jobId) {
            this.jobId = jobId;
        }

        void check(ResultSet row) throws SQLException {
            if (problem != null) {
                return;
            }
            long sequence = row.getLong("sequencenumber");
            String eventId = row.getString("eventidentifier");
            byte[] stored = row.getBytes("hash");
            if (sequence != checked) {
                broken(sequence, eventId, "event " + checked + " is missing: the next stored event is " + sequence);
                return;
            }
            byte[] expected = hash(previous, row);
            checked++;
            if (stored == null) {
                broken(sequence, eventId, "event " + sequence + " has no hash");
            } else if (!MessageDigest.isEqual(stored, expected)) {
                broken(
                        sequence,
                        eventId,
                        "event " + sequence + " does not match its hash: its stored facts or an earlier event changed");
            }
            previous = stored;
        }

        private void broken(long sequence, String eventId, String why) {
            brokenSequence = sequence;
            brokenEventId = eventId;
            problem = why;
        }

        private byte[] hash(byte[] before, ResultSet row) throws SQLException {
            String header = String.join(
                    "\n",
                    row.getString("eventidentifier"),
                    row.getString("aggregateidentifier"),
                    Long.toString(row.getLong("sequencenumber")),
                    orEmpty(row.getString("type")),
                    row.getString("payloadtype"),
                    orEmpty(row.getString("payloadrevision")),
                    row.getString("timestamp"));
            byte[] metadata = row.getBytes("metadata");
            sha256.update(before);
            sha256.update(digest(header.getBytes(StandardCharsets.UTF_8)));
            sha256.update(digest(row.getBytes("payload")));
            sha256.update(digest(metadata == null ? new byte[0] : metadata));
            return sha256.digest();
        }

        private static byte[] digest(byte[] bytes) {
            return sha256().digest(bytes);
        }

        private static String orEmpty(String value) {
            return value == null ? "" : value;
        }

        JobHistoryVerification result() {
            boolean intact = problem == null;
            return new JobHistoryVerification(
                    jobId,
                    intact,
                    checked,
                    brokenSequence,
                    brokenEventId,
                    problem,
                    intact && checked > 0 ? HEX.formatHex(previous) : null);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}
