package dev.jobledger.app.security;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/**
 * The bearer token of a request: its {@code Authorization} header, or without one the access token the dashboard's signed-in
 * session holds. Either way the token then goes through the same decoder, validators and permission mapping, so a
 * session can do exactly what its user's token allows. A token close to its expiry is renewed with the refresh token
 * first; a session with no usable token (expired without a refresh token, refresh refused) has none, and its browser
 * signs in again.
 */
final class SessionTokens implements BearerTokenResolver {

    private static final Logger LOG = LoggerFactory.getLogger(SessionTokens.class);

    private final BearerTokenResolver headers = new DefaultBearerTokenResolver();
    private final OAuth2AuthorizedClientRepository tokens;
    private final OAuth2AuthorizedClientManager renewal;
    private final Clock clock;

    SessionTokens(OAuth2AuthorizedClientRepository tokens, OAuth2AuthorizedClientManager renewal, Clock clock) {
        this.tokens = tokens;
        this.renewal = renewal;
        this.clock = clock;
    }

    @Override
    public String resolve(HttpServletRequest request) {
        // A request with any Authorization header is judged by that header alone. The session is used only without
        // one: exactly the requests the session's CSRF check covers (SecurityConfiguration).
        if (request.getHeader(HttpHeaders.AUTHORIZATION) != null || request.getSession(false) == null) {
            return headers.resolve(request);
        }
        OAuth2AuthorizedClient signedIn = tokens.loadAuthorizedClient(DashboardSignIn.REGISTRATION, null, request);
        if (signedIn == null) {
            return null;
        }
        OAuth2AuthorizedClient current;
        try {
            // The response comes from the request context: the renewed token is kept in the session.
            current = renewal.authorize(OAuth2AuthorizeRequest.withAuthorizedClient(signedIn)
                    .principal(signedIn.getPrincipalName())
                    .attribute(HttpServletRequest.class.getName(), request)
                    .build());
        } catch (OAuth2AuthorizationException refused) {
            // A refused refresh token is dropped from the session by the manager; the user signs in again.
            LOG.info(
                    "The dashboard session of {} could not renew its access token ({}): it signs in again",
                    signedIn.getPrincipalName(),
                    refused.getError().getErrorCode());
            return null;
        }
        Instant expiresAt = current.getAccessToken().getExpiresAt();
        if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
            return null;
        }
        return current.getAccessToken().getTokenValue();
    }
}
