package dev.jobledger.app.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobledger.messages.Caller;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.DelegatingAuthenticationEntryPoint;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.servlet.handler.HandlerMappingIntrospector;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Every request is authenticated by a bearer token: its Authorization header, or the access token of the dashboard's
 * signed-in session ({@link DashboardSignIn}, {@link SessionTokens}). The token's {@code permissions} claim grants:
 * {@code job:Create}, {@code job:Read}, {@code job:Admin} (every job), {@code job:Report} (the worker bridge's internal endpoints, nothing else) and
 * {@code job:Metrics} (the Prometheus scrape, nothing else).
 */
// Only a server has requests to secure: the operators' rebuild (bin/rebuild-read-models) runs without one.
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class SecurityConfiguration {

    static final String CREATE = "job:Create";
    static final String READ = "job:Read";
    static final String ADMIN = Caller.ADMIN;
    static final String REPORT = "job:Report";
    /** Scrapes /actuator/prometheus and nothing else: a scraper's token cannot read or change any job. */
    static final String METRICS = "job:Metrics";

    /**
     * Who may call what, first match wins. One table for the filter chain and the OpenAPI document
     * ({@link ApiDocumentation}), so that the permissions a client reads are the ones the service enforces.
     */
    static final List<Access> ACCESS = List.of(
            new Access(null, "/actuator/prometheus", List.of(METRICS, ADMIN)),
            new Access(null, "/internal/**", List.of(REPORT)),
            new Access(HttpMethod.POST, "/api/jobs", List.of(CREATE)),
            new Access(HttpMethod.POST, "/api/jobs/batch", List.of(CREATE)),
            new Access(HttpMethod.POST, "/api/jobs/*/redrive", List.of(ADMIN)),
            new Access(null, "/api/admin/**", List.of(ADMIN)),
            new Access(HttpMethod.POST, "/api/jobs/*/cancel", List.of(CREATE, ADMIN)),
            new Access(HttpMethod.POST, "/api/jobs/*/retry", List.of(CREATE, ADMIN)),
            new Access(HttpMethod.GET, "/api/**", List.of(READ, ADMIN)));

    /** Requests of a method ({@code null}: any) to a path pattern need one of the permissions. */
    record Access(HttpMethod method, String pattern, List<String> permissions) {

        boolean covers(String requestMethod, String path) {
            return (method == null || method.name().equalsIgnoreCase(requestMethod))
                    && PathPatternParser.defaultInstance.parse(pattern).matches(PathContainer.parsePath(path));
        }
    }

    /**
     * The dashboard pages' Content-Security-Policy: only this origin's scripts and styles, no framing. A form may
     * also go to the identity provider (sign-out continues there), when there is one.
     */
    static String dashboardPolicy(String identityProvider) {
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
                + " object-src 'none'; base-uri 'none'; form-action 'self'"
                + (identityProvider == null ? "" : " " + identityProvider) + "; frame-ancestors 'none'";
    }

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    /** The dashboard's pages: shells without data, which a signed-in session is needed for when a provider is set. */
    private static final RequestMatcher PAGES =
            new OrRequestMatcher(page("/dashboard"), page("/dashboard/jobs/*"), page("/dashboard/operations"));

    private static RequestMatcher page(String pattern) {
        return PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET, pattern);
    }

    @Bean
    @Order(2)
    SecurityFilterChain api(
            HttpSecurity http,
            ObjectMapper json,
            SecuritySettings jwt,
            ObjectProvider<SessionTokens> sessionTokens,
            ObjectProvider<HandlerMappingIntrospector> endpoints)
            throws Exception {
        ProblemAuthenticationHandlers problems = new ProblemAuthenticationHandlers(json, endpoints);
        // With an identity provider configured, the dashboard signs in there (DashboardSignIn) and its browser sends
        // a session cookie instead of a header: the session's access token authenticates its requests.
        SessionTokens sessions = sessionTokens.getIfAvailable();
        boolean signInAtProvider = sessions != null;
        http.csrf(csrf -> csrf.disable())
                // The dashboard's session (DashboardSignIn) gets a new id once, at its sign-in. Here its token
                // authenticates every request anew; renewing the id then too would race the browser's other requests
                // in flight (a page's fragments and streams, a second tab): those still carry the old id, find no
                // session, and the cookie the browser keeps last may name an id that no longer exists.
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS)
                        .sessionFixation(fixation -> fixation.none()))
                // A live stream that ends (timeout, completion) is dispatched again as ASYNC, without the bearer
                // filter: its REQUEST dispatch was authorized already, and the answer is under way.
                .authorizeHttpRequests(requests -> {
                    requests.dispatcherTypeMatchers(DispatcherType.ASYNC).permitAll();
                    if (signInAtProvider) {
                        requests.requestMatchers(PAGES).authenticated();
                    }
                    requests.requestMatchers(
                                    "/actuator/health/**",
                                    "/actuator/info",
                                    "/v3/api-docs",
                                    "/v3/api-docs.yaml",
                                    "/v3/api-docs/**",
                                    "/swagger-ui/**",
                                    "/swagger-ui.html",
                                    "/error")
                            .permitAll()
                            // Without a provider the dashboard's pages are shells without data, open to anyone (its
                            // fragments and the API need a token); the dev sign-in route exists only in the local
                            // profile.
                            .requestMatchers(
                                    HttpMethod.GET,
                                    "/",
                                    "/dashboard",
                                    "/dashboard/jobs/*",
                                    "/dashboard/operations",
                                    "/dashboard/sign-in",
                                    "/dashboard/signed-out",
                                    "/dashboard/assets/**",
                                    "/webjars/**")
                            .permitAll()
                            .requestMatchers(HttpMethod.POST, "/dashboard/sign-in")
                            .permitAll()
                            .requestMatchers(HttpMethod.GET, "/dashboard/fragments/operations")
                            .hasAuthority(ADMIN)
                            .requestMatchers(HttpMethod.GET, "/dashboard/fragments/**")
                            .hasAnyAuthority(READ, ADMIN);
                    for (Access rule : ACCESS) {
                        (rule.method() == null
                                        ? requests.requestMatchers(rule.pattern())
                                        : requests.requestMatchers(rule.method(), rule.pattern()))
                                .hasAnyAuthority(rule.permissions().toArray(String[]::new));
                    }
                    requests.anyRequest().denyAll();
                })
                // Only the service's own scripts may run on the dashboard's pages (in the local and token modes they
                // hold the token in sessionStorage), and no other site may frame them.
                .headers(headers -> headers.addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(
                        PathPatternRequestMatcher.withDefaults().matcher("/dashboard/**"),
                        new StaticHeadersWriter(
                                "Content-Security-Policy",
                                dashboardPolicy(signInAtProvider ? DashboardSignIn.origin(jwt.issuerUri()) : null)))))
                .oauth2ResourceServer(server -> {
                    server.jwt(token -> token.jwtAuthenticationConverter(permissions()))
                            .authenticationEntryPoint(problems.entryPoint())
                            .accessDeniedHandler(problems.accessDenied());
                    if (signInAtProvider) {
                        server.bearerTokenResolver(sessions);
                    }
                })
                .exceptionHandling(errors -> errors.authenticationEntryPoint(
                                signInAtProvider ? pagesSignIn(problems) : problems.entryPoint())
                        .accessDeniedHandler(problems.accessDenied()));
        if (signInAtProvider) {
            // Back to the page asked for after the sign-in; only pages are remembered, never an API call.
            HttpSessionRequestCache pagesAskedFor = new HttpSessionRequestCache();
            pagesAskedFor.setRequestMatcher(PAGES);
            pagesAskedFor.setMatchingRequestParameterName(null);
            http.requestCache(cache -> cache.requestCache(pagesAskedFor));
            http.addFilter(sessionCsrf(problems));
        }
        return http.build();
    }

    /**
     * A cookie travels with requests that other sites make the browser send; a header does not. So a state-changing
     * request that a live session's cookie authenticates (no Authorization header) must carry the session's CSRF token
     * (header {@code X-CSRF-TOKEN}, which the pages hold). The filter is set up here rather than through
     * {@code http.csrf()}: the resource server exempts from that one every request with a bearer token, and the
     * session's token would count as one.
     */
    private static CsrfFilter sessionCsrf(ProblemAuthenticationHandlers problems) {
        CsrfFilter csrf = new CsrfFilter(new HttpSessionCsrfTokenRepository());
        csrf.setRequireCsrfProtectionMatcher(request -> !SAFE_METHODS.contains(request.getMethod())
                && request.getHeader(HttpHeaders.AUTHORIZATION) == null
                && request.getSession(false) != null);
        csrf.setRequestHandler(new XorCsrfTokenRequestAttributeHandler());
        csrf.setAccessDeniedHandler(problems.accessDenied());
        return csrf;
    }

    /** A page without a signed-in session starts the sign-in; anything else without a token is a 401 problem. */
    private static AuthenticationEntryPoint pagesSignIn(ProblemAuthenticationHandlers problems) {
        LoginUrlAuthenticationEntryPoint signIn = new LoginUrlAuthenticationEntryPoint(DashboardSignIn.SIGN_IN);
        signIn.setFavorRelativeUris(true);
        LinkedHashMap<RequestMatcher, AuthenticationEntryPoint> byRequest = new LinkedHashMap<>();
        byRequest.put(PAGES, signIn);
        DelegatingAuthenticationEntryPoint entryPoint = new DelegatingAuthenticationEntryPoint(byRequest);
        entryPoint.setDefaultEntryPoint(problems.entryPoint());
        return entryPoint;
    }

    /**
     * Spring Security wraps every filter of the chain in an observation when a registry is present; per request
     * that was a fifth of the service's CPU under load, for spans nobody reads. Request metrics come from the
     * servlet layer instead.
     */
    @Bean
    SecurityObservationSettings noFilterChainObservations() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * A URL the firewall refuses before any chain runs (a {@code //}, an encoded slash, a {@code ;}) is answered as
     * problem+json like every other bad request, not with the container's error page.
     */
    @Bean
    RequestRejectedHandler problemForRefusedUrls(ObjectMapper json) {
        return new ProblemAuthenticationHandlers(json).refusedUrl();
    }

    @Bean
    JwtDecoder jwtDecoder(SecuritySettings properties) {
        return new DecodedTokens(JwtDecoders.from(properties), Clock.systemUTC(), 10_000);
    }

    private static JwtAuthenticationConverter permissions() {
        JwtGrantedAuthoritiesConverter authorities = new JwtGrantedAuthoritiesConverter();
        authorities.setAuthoritiesClaimName("permissions");
        authorities.setAuthorityPrefix("");
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(authorities);
        return converter;
    }
}
