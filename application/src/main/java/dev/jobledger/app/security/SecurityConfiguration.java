package dev.jobledger.app.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobledger.messages.Caller;
import jakarta.servlet.DispatcherType;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Bearer tokens only. The token's {@code permissions} claim grants: {@code job:Create}, {@code job:Read},
 * {@code job:Admin} (every job), {@code job:Report} (the worker bridge's internal endpoints, nothing else) and
 * {@code job:Metrics} (the Prometheus scrape, nothing else).
 */
// Only a server has requests to secure: the operators' rebuild (bin/rebuild-read-models) runs without one.
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
@EnableConfigurationProperties(SecurityProperties.class)
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

    static final String DASHBOARD_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
            + " frame-ancestors 'none'";

    @Bean
    SecurityFilterChain api(HttpSecurity http, ObjectMapper json) throws Exception {
        ProblemAuthenticationHandlers problems = new ProblemAuthenticationHandlers(json);
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // A live stream that ends (timeout, completion) is dispatched again as ASYNC, without the bearer
                // filter: its REQUEST dispatch was authorized already, and the answer is under way.
                .authorizeHttpRequests(requests -> {
                    requests.dispatcherTypeMatchers(DispatcherType.ASYNC)
                            .permitAll()
                            .requestMatchers(
                                    "/actuator/health/**",
                                    "/actuator/info",
                                    "/v3/api-docs/**",
                                    "/swagger-ui/**",
                                    "/swagger-ui.html",
                                    "/error")
                            .permitAll()
                            // The dashboard's pages are shells without data (its fragments and the API need a
                            // token); the sign-in route exists only in the local profile.
                            .requestMatchers(
                                    HttpMethod.GET,
                                    "/",
                                    "/dashboard",
                                    "/dashboard/jobs/*",
                                    "/dashboard/operations",
                                    "/dashboard/sign-in",
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
                // The dashboard keeps its token in sessionStorage, where any script of the origin could read it:
                // only the service's own scripts may run on its pages, and no other site may frame them.
                .headers(headers -> headers.addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(
                        PathPatternRequestMatcher.withDefaults().matcher("/dashboard/**"),
                        new StaticHeadersWriter("Content-Security-Policy", DASHBOARD_POLICY))))
                .oauth2ResourceServer(server -> server.jwt(jwt -> jwt.jwtAuthenticationConverter(permissions()))
                        .authenticationEntryPoint(problems.entryPoint())
                        .accessDeniedHandler(problems.accessDenied()))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(problems.entryPoint())
                        .accessDeniedHandler(problems.accessDenied()));
        return http.build();
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

    @Bean
    JwtDecoder jwtDecoder(SecurityProperties properties) {
        return JwtDecoders.from(properties);
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
