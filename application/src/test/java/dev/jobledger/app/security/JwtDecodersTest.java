package dev.jobledger.app.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JwtDecodersTest {

    private static final String SECRET = "a-dev-secret-of-at-least-thirty-two-bytes";

    @Test
    void aDevSecretBesideAnIdentityProviderRefusesToStart() {
        assertThatThrownBy(() ->
                        JwtDecoders.from(new SecuritySettings("https://id.example.test/jwks.json", null, null, SECRET)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dev-hmac-secret is set beside an identity provider");
        assertThatThrownBy(() -> JwtDecoders.from(new SecuritySettings(null, "https://id.example.test/", null, SECRET)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theServiceItselfShipsNoDevSecret() {
        // The local profile's file, with its public default secret, lives in the local stack's jar: a service jar
        // started with the local profile by mistake has no way to check tokens and says so instead of trusting it.
        assertThat(getClass().getResource("/application-local.yml")).isNull();
        assertThatThrownBy(() -> JwtDecoders.from(new SecuritySettings(null, null, null, null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No way to check bearer tokens");
    }

    @Test
    void eitherAloneChecksTokens() {
        assertThat(JwtDecoders.from(new SecuritySettings(null, null, null, SECRET)))
                .isNotNull();
        assertThat(JwtDecoders.from(new SecuritySettings("https://id.example.test/jwks.json", null, null, null)))
                .isNotNull();
    }

    @Test
    void withoutAnyWayToCheckTokensTheServiceRefusesToStart() {
        assertThatThrownBy(() -> JwtDecoders.from(new SecuritySettings(null, null, null, null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No way to check bearer tokens");
    }
}
