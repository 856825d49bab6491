package dev.jobledger.app.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobledger.testing.TestClock;
import dev.jobledger.testing.Tokens;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/** A token is checked by the real decoder once, then remembered, never longer than a minute nor past its expiry. */
class RememberedTokensTest {

    private final JwtDecoder real = JwtDecoders.from(new SecuritySettings(null, null, null, Tokens.TEST_SECRET));
    private final AtomicInteger checks = new AtomicInteger();
    private final TestClock clock = new TestClock();
    private final RememberedTokens tokens = new RememberedTokens(
            token -> {
                checks.incrementAndGet();
                return real.decode(token);
            },
            clock);

    @Test
    void aTokenIsCheckedOnceAndAnsweredFromMemoryWithinAMinute() {
        String token = Tokens.hs256("ada", List.of("job:Read"), Duration.ofHours(1));

        assertThat(tokens.decode(token).getSubject()).isEqualTo("ada");
        clock.advance(Duration.ofSeconds(59));
        assertThat(tokens.decode(token).getSubject()).isEqualTo("ada");

        assertThat(checks).hasValue(1);
    }

    @Test
    void aMinuteLaterTheTokenIsCheckedAgain() {
        String token = Tokens.hs256("ada", List.of("job:Read"), Duration.ofHours(1));
        tokens.decode(token);

        clock.advance(Duration.ofSeconds(61));
        tokens.decode(token);

        assertThat(checks).hasValue(2);
    }

    @Test
    void aTokenIsNeverAnsweredFromMemoryPastItsOwnExpiry() {
        String token = Tokens.hs256("ada", List.of("job:Read"), Duration.ofSeconds(30));
        tokens.decode(token);

        clock.advance(Duration.ofSeconds(31));
        tokens.decode(token);

        assertThat(checks).hasValue(2);
    }

    @Test
    void aRefusedTokenIsNeverRemembered() {
        String forged =
                Tokens.hs256("ada", List.of("job:Admin"), Duration.ofHours(1), "another-secret-of-at-least-32-bytes!");

        assertThatThrownBy(() -> tokens.decode(forged)).isInstanceOf(JwtException.class);
        assertThatThrownBy(() -> tokens.decode(forged)).isInstanceOf(JwtException.class);

        assertThat(checks).hasValue(2);
    }
}
