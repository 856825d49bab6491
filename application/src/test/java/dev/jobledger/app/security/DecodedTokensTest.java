package dev.jobledger.app.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobledger.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

class DecodedTokensTest {

    private final TestClock clock = new TestClock();
    private final List<String> checked = new ArrayList<>();
    private Instant expiry = clock.instant().plus(Duration.ofMinutes(2));
    private final JwtDecoder verifier = token -> {
        checked.add(token);
        if (token.startsWith("forged")) {
            throw new BadJwtException("bad signature");
        }
        if (!expiry.isAfter(clock.instant())) {
            throw new BadJwtException("expired");
        }
        return Jwt.withTokenValue(token)
                .header("alg", "HS256")
                .subject("alice")
                .issuedAt(clock.instant())
                .expiresAt(expiry)
                .build();
    };
    private final DecodedTokens tokens = new DecodedTokens(verifier, clock, 100);

    @Test
    void aTokenSentAgainIsNotCheckedAgain() {
        Jwt first = tokens.decode("token-a");
        Jwt again = tokens.decode("token-a");

        assertThat(again).isSameAs(first);
        assertThat(checked).containsExactly("token-a");
    }

    @Test
    void aTokenIsCheckedAgainOnceItHasExpiredAndThenRefused() {
        tokens.decode("token-a");

        clock.advance(Duration.ofMinutes(2));

        assertThatThrownBy(() -> tokens.decode("token-a")).isInstanceOf(BadJwtException.class);
        assertThat(checked).containsExactly("token-a", "token-a");
    }

    @Test
    void aLongLivedTokenIsCheckedAgainAfterFiveMinutes() {
        expiry = clock.instant().plus(Duration.ofHours(1));
        tokens.decode("token-a");

        clock.advance(Duration.ofMinutes(4));
        tokens.decode("token-a");
        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        tokens.decode("token-a");

        assertThat(checked).containsExactly("token-a", "token-a");
    }

    @Test
    void aRefusedTokenIsNeverRemembered() {
        assertThatThrownBy(() -> tokens.decode("forged")).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> tokens.decode("forged")).isInstanceOf(BadJwtException.class);

        assertThat(checked).containsExactly("forged", "forged");
    }
}
