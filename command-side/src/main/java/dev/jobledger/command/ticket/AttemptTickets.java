package dev.jobledger.command.ticket;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Attempt tickets: what lets the worker bridge act on one attempt of one job, and on nothing else. The dispatcher
 * signs one into every SQS message it sends; the bridge's endpoints refuse a call whose ticket does not admit the job
 * and attempt it names. A {@code job:Report} token alone reaches the endpoints, but moves no job.
 *
 * <p>A ticket is {@code <key id>.<MAC>}: HMAC-SHA256 over the job id and the attempt, base64url without padding. The
 * keys live in PostgreSQL ({@code attempt_ticket_key}), so every instance signs and verifies alike and a message queued
 * before a restart still admits its attempt. The newest key signs, every key verifies: a newer row rotates the key
 * without refusing the tickets already in the queue (docs/operations.md, "Worker tickets").
 */
@Component
public class AttemptTickets {

    private static final Logger log = LoggerFactory.getLogger(AttemptTickets.class);
    private static final String ALGORITHM = "HmacSHA256";
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    /** A key id, a dot and 43 characters of MAC; anything much longer is not a ticket and is not looked at. */
    private static final int MAX_LENGTH = 100;
    /**
     * A ticket signed with a key this instance does not know yet (another instance started after a rotation) has the
     * keys read again, at most this often, so that made-up key ids cannot make every call a database query.
     */
    private static final Duration RELOAD_AT_MOST_EVERY = Duration.ofSeconds(5);

    /**
     * A signing key. Its secret never leaves this class: not in a ticket, a log line or a {@code toString}. It is held
     * as a {@link Mac} keyed once, which each signature clones: finding the provider and keying it cost more than the
     * hash itself, and a {@code Mac} is not safe to share between threads.
     */
    record Key(String id, Mac keyed) {

        @Override
        public String toString() {
            return "Key[" + id + "]";
        }
    }

    private final Supplier<List<Key>> source;
    private final long reloadAtMostEveryNanos;
    private volatile Map<String, Key> keys;
    private volatile Key newest;
    private long lastRead;

    /** The service's tickets: the keys of the database, the first one created when there is none yet. */
    @Autowired
    public AttemptTickets(JdbcTemplate jdbc) {
        this(TicketKeys.atStartup(jdbc), RELOAD_AT_MOST_EVERY);
    }

    /** {@code source} answers every key, newest first. */
    AttemptTickets(Supplier<List<Key>> source, Duration reloadAtMostEvery) {
        this.source = source;
        this.reloadAtMostEveryNanos = reloadAtMostEvery.toNanos();
        List<Key> read = source.get();
        if (read.isEmpty()) {
            throw new IllegalStateException("There is no attempt ticket key");
        }
        use(read);
        // The first unknown key id may read the table at once: a rotation can come right after a start.
        this.lastRead = System.nanoTime() - reloadAtMostEveryNanos;
    }

    /** The ticket for this attempt of this job, signed with the newest key. */
    public String issue(UUID jobId, int attempt) {
        Key key = newest;
        return key.id() + "." + mac(key, jobId, attempt);
    }

    /** Whether the ticket was issued for exactly this job and attempt, by any key this ledger has. */
    public boolean admits(UUID jobId, int attempt, String ticket) {
        if (jobId == null || ticket == null || ticket.length() > MAX_LENGTH) {
            return false;
        }
        int dot = ticket.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        String keyId = ticket.substring(0, dot);
        Key key = keys.get(keyId);
        if (key == null) {
            key = readAgain().get(keyId);
        }
        if (key == null) {
            return false;
        }
        byte[] expected = mac(key, jobId, attempt).getBytes(StandardCharsets.US_ASCII);
        byte[] presented = ticket.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, presented);
    }

    private synchronized Map<String, Key> readAgain() {
        long now = System.nanoTime();
        if (now - lastRead >= reloadAtMostEveryNanos) {
            lastRead = now;
            try {
                List<Key> read = source.get();
                if (!read.isEmpty()) {
                    use(read);
                }
            } catch (RuntimeException e) {
                log.warn("Could not read the attempt ticket keys again; the known ones stay in use: {}", e.toString());
            }
        }
        return keys;
    }

    private void use(List<Key> read) {
        Map<String, Key> byId = new LinkedHashMap<>();
        read.forEach(key -> byId.put(key.id(), key));
        keys = Map.copyOf(byId);
        newest = read.get(0);
    }

    /** The canonical text is the job id's standard form and the attempt's decimal digits, on lines of their own. */
    private static String mac(Key key, UUID jobId, int attempt) {
        Mac mac;
        try {
            mac = (Mac) key.keyed().clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("The HMAC-SHA256 provider cannot copy a keyed MAC", e);
        }
        byte[] text = ("job-ledger attempt ticket\n" + jobId + "\n" + attempt).getBytes(StandardCharsets.US_ASCII);
        return BASE64URL.encodeToString(mac.doFinal(text));
    }

    static Key key(String id, byte[] secret) {
        try {
            Mac keyed = Mac.getInstance(ALGORITHM);
            keyed.init(new SecretKeySpec(secret, ALGORITHM));
            keyed.clone(); // a provider that cannot copy it fails here, at startup, not at the first ticket
            return new Key(id, keyed);
        } catch (GeneralSecurityException | CloneNotSupportedException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
