package dev.jobledger.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.ServletWebServerFactoryAutoConfiguration;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.boot.web.servlet.context.AnnotationConfigServletWebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.MapPropertySource;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.AbstractOAuth2Token;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.context.AbstractSecurityWebApplicationInitializer;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;

/**
 * A real OpenID Connect provider for the dashboard's sign-in tests: Spring Authorization Server on loopback
 * ({@code 127.0.0.1}, a random port), with its login form, discovery, JWK set, token endpoint (authorization code with
 * PKCE required, refresh tokens) and RP-initiated logout. Its access tokens carry the {@code permissions} claim and
 * the audience {@link #AUDIENCE}, as the identity provider the service trusts in production does. Started once per
 * JVM, in a Spring context of its own with nothing of the service in it.
 */
public final class IdentityProvider {

    public static final String CLIENT_ID = "job-ledger-dashboard";
    /** The dashboard client's secret at this test provider only. */
    public static final String CLIENT_SECRET = "dashboard-secret-of-the-test-provider";

    public static final String AUDIENCE = "job-ledger-api";
    public static final String PASSWORD = "correct horse battery staple";

    /**
     * A user of the provider.
     *
     * @param name the login and the tokens' {@code sub}
     * @param permissions the access tokens' {@code permissions}
     * @param tokensLiveFor how long its access tokens are valid
     * @param audience the access tokens' {@code aud}
     */
    public record Account(String name, List<String> permissions, Duration tokensLiveFor, String audience) {

        Account(String name, List<String> permissions) {
            this(name, permissions, Duration.ofMinutes(10), AUDIENCE);
        }
    }

    /** An admin. */
    public static final Account ADA = new Account("ada", List.of("job:Create", "job:Read", "job:Admin"));
    /** A user who submits and reads his own jobs. */
    public static final Account BOB = new Account("bob", List.of("job:Create", "job:Read"));
    /** A user who may read but not submit. */
    public static final Account RITA = new Account("rita", List.of("job:Read"));
    /**
     * A user whose access tokens live less than the minute before expiry in which the dashboard renews them: every
     * request of his session renews its token with the refresh token first.
     */
    public static final Account SAM =
            new Account("sam", List.of("job:Create", "job:Read"), Duration.ofSeconds(20), AUDIENCE);
    /** A user whose access tokens are for another API: the service must not accept them. */
    public static final Account OTTO =
            new Account("otto", List.of("job:Create", "job:Read"), Duration.ofMinutes(10), "another-api");

    private static final Map<String, Account> ACCOUNTS = Stream.of(ADA, BOB, RITA, SAM, OTTO)
            .collect(java.util.stream.Collectors.toMap(Account::name, account -> account));

    private static IdentityProvider running;

    private final AnnotationConfigServletWebServerApplicationContext context;
    private final Grants grants;
    private final InMemoryRegisteredClientRepository clients;

    private IdentityProvider(AnnotationConfigServletWebServerApplicationContext context) {
        this.context = context;
        this.grants = context.getBean(Grants.class);
        this.clients = context.getBean(InMemoryRegisteredClientRepository.class);
    }

    public static synchronized IdentityProvider get() {
        if (running == null) {
            AnnotationConfigServletWebServerApplicationContext context =
                    new AnnotationConfigServletWebServerApplicationContext();
            context.getEnvironment()
                    .getPropertySources()
                    .addFirst(new MapPropertySource(
                            "identity-provider",
                            // Every endpoint is a filter; Tomcat runs filters only in front of a servlet.
                            Map.of(
                                    "server.port",
                                    "0",
                                    "server.address",
                                    "127.0.0.1",
                                    "server.servlet.register-default-servlet",
                                    "true")));
            context.register(Server.class);
            context.refresh();
            context.registerShutdownHook();
            running = new IdentityProvider(context);
        }
        return running;
    }

    /** The issuer, as the provider names itself in its metadata and tokens. */
    public String issuer() {
        return "http://127.0.0.1:" + context.getWebServer().getPort();
    }

    /**
     * Registers the dashboard client for a service answering at {@code baseUrl}: its redirect and post-logout URIs,
     * matched exactly, as a provider in production matches them.
     */
    public void registerDashboardAt(String baseUrl) {
        clients.save(RegisteredClient.withId("dashboard")
                .clientId(CLIENT_ID)
                .clientSecret("{noop}" + CLIENT_SECRET)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .redirectUri(baseUrl + "/dashboard/oauth2/code/dashboard")
                .postLogoutRedirectUri(baseUrl + "/dashboard/signed-out")
                .scope(OidcScopes.OPENID)
                .clientSettings(ClientSettings.builder()
                        .requireProofKey(true)
                        .requireAuthorizationConsent(false)
                        .build())
                .tokenSettings(TokenSettings.builder()
                        .refreshTokenTimeToLive(Duration.ofHours(1))
                        .build())
                .build());
    }

    /** How many times the user's tokens were renewed with a refresh token. */
    public int refreshes(String user) {
        return grants.refreshes.getOrDefault(user, 0);
    }

    /** Ends every grant of the user (as an administrator revoking them would): her refresh tokens stop working. */
    public void revokeGrantsOf(String user) {
        grants.revokeAll(user);
    }

    /** Every token and code the provider has issued so far: none of them may ever appear in the service's log. */
    public Set<String> issuedSecrets() {
        return Set.copyOf(grants.issued);
    }

    /** Keeps the provider's grants, with what a test needs to know of them. */
    static final class Grants implements OAuth2AuthorizationService {

        private final InMemoryOAuth2AuthorizationService store = new InMemoryOAuth2AuthorizationService();
        private final Map<String, String> userById = new ConcurrentHashMap<>();
        private final Map<String, Integer> refreshes = new ConcurrentHashMap<>();
        private final Set<String> issued = ConcurrentHashMap.newKeySet();

        @Override
        public void save(OAuth2Authorization authorization) {
            store.save(authorization);
            userById.put(authorization.getId(), authorization.getPrincipalName());
            Stream.of(
                            authorization.getToken(OAuth2AuthorizationCode.class),
                            authorization.getAccessToken(),
                            authorization.getRefreshToken(),
                            authorization.getToken(OidcIdToken.class))
                    .filter(java.util.Objects::nonNull)
                    .map(OAuth2Authorization.Token::getToken)
                    .map(AbstractOAuth2Token::getTokenValue)
                    .forEach(issued::add);
        }

        @Override
        public void remove(OAuth2Authorization authorization) {
            store.remove(authorization);
            userById.remove(authorization.getId());
        }

        @Override
        public OAuth2Authorization findById(String id) {
            return store.findById(id);
        }

        @Override
        public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
            return store.findByToken(token, tokenType);
        }

        void revokeAll(String user) {
            for (String id : new HashSet<>(userById.keySet())) {
                OAuth2Authorization authorization = store.findById(id);
                if (authorization != null && user.equals(authorization.getPrincipalName())) {
                    remove(authorization);
                }
            }
        }
    }

    // Not a @Configuration: the service's own context scans this package, and must not find a second server here.
    @EnableWebSecurity
    @ImportAutoConfiguration(ServletWebServerFactoryAutoConfiguration.class)
    static class Server {

        /** Puts Spring Security's filters in front of the provider's servlet container. */
        @Bean
        DelegatingFilterProxyRegistrationBean securityFilters() {
            return new DelegatingFilterProxyRegistrationBean(
                    AbstractSecurityWebApplicationInitializer.DEFAULT_FILTER_NAME);
        }

        @Bean
        @Order(1)
        SecurityFilterChain authorizationServer(HttpSecurity http) throws Exception {
            OAuth2AuthorizationServerConfigurer server = OAuth2AuthorizationServerConfigurer.authorizationServer();
            http.securityMatcher(server.getEndpointsMatcher())
                    .with(server, configurer -> configurer.oidc(Customizer.withDefaults()))
                    .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                    // Its user info endpoint takes its own access tokens.
                    .oauth2ResourceServer(resources -> resources.jwt(Customizer.withDefaults()))
                    // A browser without a session at the provider is sent to its login form.
                    .exceptionHandling(errors -> errors.defaultAuthenticationEntryPointFor(
                            new LoginUrlAuthenticationEntryPoint("/login"),
                            new MediaTypeRequestMatcher(MediaType.TEXT_HTML)));
            return http.build();
        }

        @Bean
        @Order(2)
        SecurityFilterChain login(HttpSecurity http) throws Exception {
            http.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                    .formLogin(Customizer.withDefaults());
            return http.build();
        }

        @Bean
        UserDetailsService accounts() {
            return new org.springframework.security.provisioning.InMemoryUserDetailsManager(ACCOUNTS.values().stream()
                    .map(account -> User.withUsername(account.name())
                            .password("{noop}" + PASSWORD)
                            .roles("USER")
                            .build())
                    .toList());
        }

        @Bean
        InMemoryRegisteredClientRepository clients() {
            // A placeholder until a test registers the dashboard at its service's address.
            return new InMemoryRegisteredClientRepository(RegisteredClient.withId("placeholder")
                    .clientId("placeholder-" + UUID.randomUUID())
                    .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                    .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                    .redirectUri("http://127.0.0.1/unused")
                    .build());
        }

        @Bean
        Grants grants() {
            return new Grants();
        }

        @Bean
        JWKSource<SecurityContext> signingKeys() throws JOSEException {
            RSAKey key = new RSAKeyGenerator(2048).keyID("test-provider-1").generate();
            return new ImmutableJWKSet<>(new JWKSet(key));
        }

        @Bean
        JwtDecoder ownTokens(JWKSource<SecurityContext> signingKeys) {
            return OAuth2AuthorizationServerConfiguration.jwtDecoder(signingKeys);
        }

        @Bean
        AuthorizationServerSettings settings() {
            // No fixed issuer: it is the URL the provider is reached at, http://127.0.0.1:<port>.
            return AuthorizationServerSettings.builder().build();
        }

        /** Access tokens as the service expects them: the user's permissions, the API's audience, their lifetime. */
        @Bean
        OAuth2TokenCustomizer<JwtEncodingContext> accessTokens(Grants grants) {
            return context -> {
                if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
                    return;
                }
                Account account = ACCOUNTS.get(context.getPrincipal().getName());
                Instant now = Instant.now();
                context.getClaims()
                        .audience(List.of(account.audience()))
                        .claim("permissions", account.permissions())
                        .issuedAt(now)
                        .expiresAt(now.plus(account.tokensLiveFor()));
                if (AuthorizationGrantType.REFRESH_TOKEN.equals(context.getAuthorizationGrantType())) {
                    grants.refreshes.merge(account.name(), 1, Integer::sum);
                }
            };
        }
    }
}
