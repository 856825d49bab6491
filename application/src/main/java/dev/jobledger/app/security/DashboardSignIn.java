package dev.jobledger.app.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.RestClientRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.http.OAuth2ErrorResponseErrorHandler;
import org.springframework.security.oauth2.client.oidc.web.logout.OidcClientInitiatedLogoutSuccessHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.SupplierClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.HttpSessionOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestRedirectFilter;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.csrf.MissingCsrfTokenException;
import org.springframework.util.StringUtils;
import org.springframework.web.client.RestClient;

/**
 * The dashboard's sign-in where an identity provider is configured ({@code jobledger.security.dashboard.client-id}):
 * OIDC authorization code with PKCE (S256), run by the service as the provider's client, at the issuer the API
 * trusts. The user's tokens stay in the server-side session (PostgreSQL, Spring Session); the browser holds only an
 * HttpOnly session cookie. Every request of that browser is then authenticated by the session's access token, exactly
 * as a bearer request ({@link SessionTokens}), so the dashboard has the user's own permissions and no others.
 *
 * <p>This chain owns the sign-in, its callback and the sign-out; everything else is {@link SecurityConfiguration}'s.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
@Conditional(DashboardSignIn.Configured.class)
class DashboardSignIn {

    static final String REGISTRATION = "dashboard";
    static final String AUTHORIZATION_BASE = "/dashboard/oauth2/authorization";
    /** Where a browser without a usable session is sent: it redirects to the provider. */
    static final String SIGN_IN = AUTHORIZATION_BASE + "/" + REGISTRATION;

    static final String CALLBACK_BASE = "/dashboard/oauth2/code";
    static final String SIGN_OUT = "/dashboard/sign-out";
    static final String SIGNED_OUT = "/dashboard/signed-out";

    private static final Logger LOG = LoggerFactory.getLogger(DashboardSignIn.class);
    private static final Pattern ERROR_CODE = Pattern.compile("[a-z_]{1,64}");
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    /** The sign-in exists when a client id is set (an empty environment variable counts as unset). */
    static final class Configured implements Condition {

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return StringUtils.hasText(context.getEnvironment().getProperty("jobledger.security.dashboard.client-id"));
        }
    }

    /**
     * The dashboard as the provider's client. Discovered from the issuer's metadata at the first sign-in, not at start
     * (as the token decoder is), so that a slow provider does not keep the service from starting; a failed discovery
     * is tried again at the next sign-in.
     */
    @Bean
    ClientRegistrationRepository dashboardClient(SecuritySettings jwt, DashboardSignInSettings signIn) {
        if (!StringUtils.hasText(jwt.issuerUri())) {
            throw new IllegalStateException("jobledger.security.dashboard.client-id is set but"
                    + " jobledger.security.jwt.issuer-uri is not: the dashboard signs in at the issuer the API trusts");
        }
        if (!signIn.scopes().contains("openid")) {
            throw new IllegalStateException("jobledger.security.dashboard.scopes must include openid (it has "
                    + signIn.scopes() + "): the sign-in is OpenID Connect");
        }
        return new SupplierClientRegistrationRepository(() -> {
            ClientRegistration.Builder client = ClientRegistrations.fromIssuerLocation(jwt.issuerUri())
                    .registrationId(REGISTRATION)
                    .clientId(signIn.clientId())
                    .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                    .redirectUri("{baseUrl}" + CALLBACK_BASE + "/{registrationId}")
                    .scope(signIn.scopes())
                    // PKCE for a confidential client too: a stolen code is useless without the verifier.
                    .clientSettings(ClientRegistration.ClientSettings.builder()
                            .requireProofKey(true)
                            .build());
            if (signIn.confidential()) {
                // The authentication method stays the one discovery chose from what the provider supports.
                client.clientSecret(signIn.clientSecret());
            } else {
                client.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
            }
            return new InMemoryClientRegistrationRepository(client.build());
        });
    }

    /** The user's tokens live in the session (in PostgreSQL), so that any instance can serve the next request. */
    @Bean
    OAuth2AuthorizedClientRepository dashboardTokens() {
        return new HttpSessionOAuth2AuthorizedClientRepository();
    }

    @Bean
    SessionTokens sessionTokens(
            ClientRegistrationRepository dashboardClient, OAuth2AuthorizedClientRepository dashboardTokens) {
        RestClientRefreshTokenTokenResponseClient refreshes = new RestClientRefreshTokenTokenResponseClient();
        refreshes.setRestClient(tokenEndpoint());
        DefaultOAuth2AuthorizedClientManager renewal =
                new DefaultOAuth2AuthorizedClientManager(dashboardClient, dashboardTokens);
        renewal.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder()
                .refreshToken(refresh -> refresh.accessTokenResponseClient(refreshes))
                .build());
        return new SessionTokens(dashboardTokens, renewal, Clock.systemUTC());
    }

    @Bean
    @Order(1)
    SecurityFilterChain dashboardSignInChain(
            HttpSecurity http,
            ClientRegistrationRepository dashboardClient,
            OAuth2AuthorizedClientRepository dashboardTokens,
            DashboardSignInSettings signIn,
            JwtDecoder jwtDecoder,
            ObjectMapper json)
            throws Exception {
        DefaultOAuth2AuthorizationRequestResolver authorizationRequests =
                new DefaultOAuth2AuthorizationRequestResolver(dashboardClient, AUTHORIZATION_BASE);
        if (!signIn.authorizationParameters().isEmpty()) {
            authorizationRequests.setAuthorizationRequestCustomizer(request ->
                    request.additionalParameters(parameters -> parameters.putAll(signIn.authorizationParameters())));
        }
        RestClientAuthorizationCodeTokenResponseClient codeExchange =
                new RestClientAuthorizationCodeTokenResponseClient();
        codeExchange.setRestClient(tokenEndpoint());
        // Ends the provider's session too, where it offers RP-initiated logout; else back to the signed-out page.
        OidcClientInitiatedLogoutSuccessHandler signedOut =
                new OidcClientInitiatedLogoutSuccessHandler(dashboardClient);
        signedOut.setPostLogoutRedirectUri("{baseUrl}" + SIGNED_OUT);
        signedOut.setDefaultTargetUrl(SIGNED_OUT);
        ProblemAuthenticationHandlers problems = new ProblemAuthenticationHandlers(json);

        http.securityMatcher(AUTHORIZATION_BASE + "/**", CALLBACK_BASE + "/**", SIGN_OUT)
                // The three routes are filters (redirect to the provider, its callback, sign-out); nothing else here.
                .authorizeHttpRequests(requests -> requests.anyRequest().denyAll())
                .oauth2Login(login -> login.loginPage(SIGN_IN)
                        .clientRegistrationRepository(dashboardClient)
                        .authorizedClientRepository(dashboardTokens)
                        .authorizationEndpoint(endpoint -> endpoint.baseUri(AUTHORIZATION_BASE)
                                .authorizationRequestResolver(authorizationRequests))
                        .redirectionEndpoint(endpoint -> endpoint.baseUri(CALLBACK_BASE + "/*"))
                        .tokenEndpoint(endpoint -> endpoint.accessTokenResponseClient(codeExchange))
                        .successHandler(acceptedByTheApi(dashboardTokens, jwtDecoder))
                        .failureHandler(failed())
                        .withObjectPostProcessor(new ObjectPostProcessor<OAuth2AuthorizationRequestRedirectFilter>() {
                            @Override
                            public <O extends OAuth2AuthorizationRequestRedirectFilter> O postProcess(O filter) {
                                filter.setAuthenticationFailureHandler(notStarted());
                                return filter;
                            }
                        }))
                .logout(logout -> logout.logoutUrl(SIGN_OUT).logoutSuccessHandler(signedOut))
                .exceptionHandling(errors -> errors.accessDeniedHandler(signOutOfAnEndedSession(problems)));
        return http.build();
    }

    /**
     * Back to the page the user asked for, once the provider's access token is one the API accepts (signature,
     * issuer, audience, subject): otherwise every page would send the browser round to the provider again.
     */
    private static AuthenticationSuccessHandler acceptedByTheApi(
            OAuth2AuthorizedClientRepository tokens, JwtDecoder decoder) {
        SavedRequestAwareAuthenticationSuccessHandler back = new SavedRequestAwareAuthenticationSuccessHandler();
        back.setDefaultTargetUrl("/dashboard");
        return (request, response, user) -> {
            OAuth2AuthorizedClient client = tokens.loadAuthorizedClient(REGISTRATION, user, request);
            try {
                decoder.decode(client.getAccessToken().getTokenValue());
            } catch (JwtException refused) {
                LOG.warn(
                        "Sign-in of {} refused: the identity provider's access token is not one the API accepts ({})."
                                + " Check jobledger.security.jwt.audience and the provider's token settings.",
                        user.getName(),
                        refused.getMessage());
                request.getSession().invalidate();
                SecurityContextHolder.clearContext();
                redirectToSignedOut(request, response, "access_token_refused");
                return;
            }
            back.onAuthenticationSuccess(request, response, user);
        };
    }

    /** The provider refused, the user declined, or the callback did not match a sign-in this browser started. */
    private static AuthenticationFailureHandler failed() {
        return (request, response, failure) -> {
            String code = failure instanceof OAuth2AuthenticationException oauth
                    ? oauth.getError().getErrorCode()
                    : "sign_in_failed";
            LOG.info("Sign-in at the identity provider did not succeed: {}", failure.getMessage());
            redirectToSignedOut(request, response, code);
        };
    }

    /** The redirect to the provider could not be made: most likely its metadata could not be read. */
    private static AuthenticationFailureHandler notStarted() {
        return (request, response, failure) -> {
            LOG.warn("Sign-in could not start: {}", String.valueOf(failure.getCause()));
            redirectToSignedOut(request, response, "provider_unavailable");
        };
    }

    /**
     * A sign-out from a page whose session is over (its CSRF token is gone with it) has nothing left to end: it lands
     * where a sign-out does. A wrong token for a live session stays refused.
     */
    private static AccessDeniedHandler signOutOfAnEndedSession(ProblemAuthenticationHandlers problems) {
        AccessDeniedHandler refused = problems.accessDenied();
        return (request, response, denied) -> {
            if (denied instanceof MissingCsrfTokenException) {
                redirectToSignedOut(request, response, null);
            } else {
                refused.handle(request, response, denied);
            }
        };
    }

    private static void redirectToSignedOut(HttpServletRequest request, HttpServletResponse response, String error)
            throws IOException {
        String query =
                error == null ? "" : "?error=" + (ERROR_CODE.matcher(error).matches() ? error : "sign_in_failed");
        response.sendRedirect(request.getContextPath() + SIGNED_OUT + query);
    }

    /** The provider's token endpoint, with time limits: a refresh happens on a request thread. */
    private static RestClient tokenEndpoint() {
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(
                HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build());
        requests.setReadTimeout(READ_TIMEOUT);
        return RestClient.builder()
                .requestFactory(requests)
                .messageConverters(converters -> {
                    converters.clear();
                    converters.add(new FormHttpMessageConverter());
                    converters.add(new OAuth2AccessTokenResponseHttpMessageConverter());
                })
                .defaultStatusHandler(new OAuth2ErrorResponseErrorHandler())
                .build();
    }

    /** The origin of a URL (scheme, host and port), as Content-Security-Policy names a source. */
    static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }
}
