package dev.jobledger.app.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * Checks each distinct bearer token once a minute at most. A client sends the same token with every request for
 * the token's life (the worker bridge with every batch): parsing it, verifying its signature (an RSA operation with
 * an identity provider) and validating its claims again each time was a twentieth of the service's CPU in a profile
 * of the ledger benchmark.
 *
 * <p>A remembered token is answered only until the earlier of its own expiry and one minute after it was checked, so
 * it is never accepted for longer than the decoder would accept it, and a key the identity provider withdraws stops
 * working within a minute. Refused tokens are never remembered. The tokens stay in this process's memory only.
 */
final class RememberedTokens implements JwtDecoder {

    private static final Duration AT_MOST = Duration.ofMinutes(1);

    private record Checked(Jwt jwt, Instant until) {}

    private final JwtDecoder decoder;
    private final Clock clock;
    private final Cache<String, Checked> checked =
            Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(AT_MOST).build();

    RememberedTokens(JwtDecoder decoder, Clock clock) {
        this.decoder = decoder;
        this.clock = clock;
    }

    @Override
    public Jwt decode(String token) {
        Instant now = clock.instant();
        Checked remembered = checked.getIfPresent(token);
        if (remembered != null && now.isBefore(remembered.until())) {
            return remembered.jwt();
        }
        Jwt jwt = decoder.decode(token);
        Instant until = now.plus(AT_MOST);
        if (jwt.getExpiresAt() != null && jwt.getExpiresAt().isBefore(until)) {
            until = jwt.getExpiresAt();
        }
        checked.put(token, new Checked(jwt, until));
        return jwt;
    }
}
