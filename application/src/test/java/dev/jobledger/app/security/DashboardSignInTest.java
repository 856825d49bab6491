package dev.jobledger.app.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sign-in's settings: wrong ones stop the service at start, with the setting to fix named. */
class DashboardSignInTest {

    private static final DashboardSignInSettings SIGN_IN =
            new DashboardSignInSettings("dashboard", "secret", List.of("openid"), Map.of());

    @Test
    void aClientIdWithoutTheIssuerTheApiTrustsRefusesToStart() {
        assertThatThrownBy(() -> new DashboardSignIn()
                        .dashboardClient(
                                new SecuritySettings("https://id.example.test/jwks.json", null, null, null), SIGN_IN))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("jobledger.security.jwt.issuer-uri");
    }

    @Test
    void scopesWithoutOpenidRefuseToStart() {
        DashboardSignInSettings plainOAuth =
                new DashboardSignInSettings("dashboard", null, List.of("offline_access"), Map.of());

        assertThatThrownBy(() -> new DashboardSignIn()
                        .dashboardClient(
                                new SecuritySettings(null, "https://id.example.test/", null, null), plainOAuth))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("must include openid");
    }

    @Test
    void theProviderIsAskedForItsMetadataOnlyAtTheFirstSignIn() {
        // An unreachable issuer: building the client must not touch it, so that the service starts regardless.
        assertThat(new DashboardSignIn()
                        .dashboardClient(new SecuritySettings(null, "http://127.0.0.1:9/", null, null), SIGN_IN))
                .isNotNull();
    }

    @Test
    void thePagesMayPostOnlyToThemselvesAndToTheProvidersOrigin() {
        assertThat(SecurityConfiguration.dashboardPolicy(DashboardSignIn.origin("https://id.example.test/tenant/")))
                .contains(
                        "form-action 'self' https://id.example.test;", "script-src 'self';", "frame-ancestors 'none'");
        assertThat(SecurityConfiguration.dashboardPolicy(null)).contains("form-action 'self';");
    }
}
