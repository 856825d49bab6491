package dev.jobledger.app.security;

import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The dashboard's sign-in at the identity provider the API trusts ({@code jobledger.security.jwt.issuer-uri}): OIDC
 * authorization code with PKCE, run by the service (docs/architecture.md, "Dashboard"). Without a client id there is
 * none, and the dashboard asks for a bearer token instead (or, in the local profile, mints a dev token).
 *
 * @param clientId the dashboard's client at the provider; setting it turns the sign-in on
 * @param clientSecret its secret when the provider registered it as a confidential client (recommended); empty for a
 *     public client, which then relies on PKCE alone
 * @param scopes what the authorization request asks for: {@code openid}, plus {@code offline_access} where the
 *     provider issues refresh tokens only for it
 * @param authorizationParameters extra parameters of the authorization request, e.g. {@code audience} for providers
 *     that choose the access token's audience by it (Auth0)
 */
@ConfigurationProperties("jobledger.security.dashboard")
record DashboardSignInSettings(
        String clientId,
        String clientSecret,
        @DefaultValue("openid") List<String> scopes,
        Map<String, String> authorizationParameters) {

    DashboardSignInSettings {
        scopes = scopes == null ? List.of("openid") : List.copyOf(scopes);
        authorizationParameters = authorizationParameters == null ? Map.of() : Map.copyOf(authorizationParameters);
    }

    boolean enabled() {
        return clientId != null && !clientId.isBlank();
    }

    boolean confidential() {
        return clientSecret != null && !clientSecret.isBlank();
    }
}
