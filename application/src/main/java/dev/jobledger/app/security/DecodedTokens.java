package dev.jobledger.app.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Bearer tokens this service has checked, remembered until they expire, so that a client sending the same token with
 * every request (as clients do until it expires) has it parsed, verified and validated once, not on every request (6 %
 * of the request threads' CPU in the ledger benchmark). Only tokens the decoder accepted are kept, and each for at most
 * five minutes, the time a JWK set is cached for, so a signing key the identity provider withdraws stops being
 * honoured as soon as it would have without this.
 */
final class DecodedTokens implements JwtDecoder {

    private static final Duration LONGEST = Duration.ofMinutes(5);

    private final JwtDecoder decoder;
    private final Clock clock;
    private final Cache<String, Jwt> accepted;

    DecodedTokens(JwtDecoder decoder, Clock clock, int size) {
        this.decoder = decoder;
        this.clock = clock;
        this.accepted = Caffeine.newBuilder()
                .maximumSize(size)
                .ticker(() -> clock.millis() * 1_000_000L)
                .expireAfterWrite(LONGEST)
                .build();
    }

    /** A remembered token is served only while unexpired, and checked again five minutes after it was checked. */
    @Override
    public Jwt decode(String token) throws JwtException {
        Jwt known = accepted.getIfPresent(token);
        if (known != null && isUnexpired(known)) {
            return known;
        }
        Jwt jwt = decoder.decode(token);
        if (isUnexpired(jwt)) {
            accepted.put(token, jwt);
        }
        return jwt;
    }

    private boolean isUnexpired(Jwt jwt) {
        return jwt.getExpiresAt() != null && jwt.getExpiresAt().isAfter(clock.instant());
    }
}
