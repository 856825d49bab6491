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
