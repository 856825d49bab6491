package dev.jobledger.testing;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service as production runs it: no dev secret, tokens from the identity provider ({@link IdentityProvider}, a
 * real OIDC provider on loopback) checked for issuer and audience, and the dashboard signing in there. A context of
 * its own, on a database and queues of its own (a second ledger on the shared ones would race the first).
 */
// With its Prometheus endpoint, as production has it (Boot's tests leave metrics export out unless asked).
@AutoConfigureObservability(tracing = false)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class DashboardWithIdentityProvider {

    protected static final IdentityProvider PROVIDER = IdentityProvider.get();

    @LocalServerPort
    private int port;

    @DynamicPropertySource
    static void identityProvider(DynamicPropertyRegistry registry) {
        TestStack.registerIsolated(registry, "dashboard-sign-in");
        registry.add("jobledger.security.jwt.issuer-uri", PROVIDER::issuer);
        registry.add("jobledger.security.jwt.audience", () -> IdentityProvider.AUDIENCE);
        registry.add("jobledger.security.dashboard.client-id", () -> IdentityProvider.CLIENT_ID);
        registry.add("jobledger.security.dashboard.client-secret", () -> IdentityProvider.CLIENT_SECRET);
        // As Auth0 needs it; any provider may be sent extra parameters of the authorization request.
        registry.add("jobledger.security.dashboard.authorization-parameters.audience", () -> IdentityProvider.AUDIENCE);
        registry.add("jobledger.live.poll-interval", () -> "50ms");
    }

    @BeforeEach
    void registerTheDashboardAtTheProvider() {
        PROVIDER.registerDashboardAt(baseUrl());
    }

    /** Where the service answers; a host of its own, apart from the provider's 127.0.0.1, as in production. */
    protected String baseUrl() {
        return "http://localhost:" + port;
    }
}
