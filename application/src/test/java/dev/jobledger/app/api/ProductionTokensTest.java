package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import dev.jobledger.testing.Api;
import dev.jobledger.testing.TestStack;
import dev.jobledger.testing.Tokens;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The production token path: RS256 tokens checked against an identity provider's JWK set served over HTTP, with
 * issuer validation, and no HS256 secret configured.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ProductionTokensTest {

    private static final String ISSUER = "https://id.example.test/";
    private static final RSAKey SIGNING_KEY = generate("idp-key-1");
    private static final RSAKey UNKNOWN_KEY = generate("attacker-key");
    private static final HttpServer IDENTITY_PROVIDER = serveJwkSet(SIGNING_KEY);

    @LocalServerPort
    private int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestStack.registerIsolated(registry, "production-tokens");
        registry.add(
                "jobledger.security.jwt.jwk-set-uri",
                () -> "http://localhost:" + IDENTITY_PROVIDER.getAddress().getPort() + "/jwks.json");
        registry.add("jobledger.security.jwt.issuer-uri", () -> ISSUER);
    }

    @AfterAll
    static void stopIdentityProvider() {
        IDENTITY_PROVIDER.stop(0);
    }

    @Test
    void acceptsRs256TokensSignedByTheIdentityProvider() {
        String token = Tokens.rs256(SIGNING_KEY, ISSUER, "carol", List.of("job:Create", "job:Read"));

        Api.Answer answer = new Api(port).post("/api/jobs", token, Map.of("jobType", "example"));

        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.body().path("userId").asText()).isEqualTo("carol");
    }

    @Test
    void refusesTokensOfAnotherKeyAnotherIssuerOrTheDevSecret() {
        Api api = new Api(port);
        List<String> read = List.of("job:Read");

        assertThat(api.get("/api/jobs", Tokens.rs256(UNKNOWN_KEY, ISSUER, "carol", read))
                        .status())
                .isEqualTo(401);
        assertThat(api.get("/api/jobs", Tokens.rs256(SIGNING_KEY, "https://evil.test/", "carol", read))
                        .status())
                .isEqualTo(401);
        assertThat(api.get("/api/jobs", Tokens.user("carol")).status()).isEqualTo(401);
    }

    private static RSAKey generate(String keyId) {
        try {
            return new RSAKeyGenerator(2048).keyID(keyId).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpServer serveJwkSet(RSAKey key) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
            byte[] body = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            server.createContext("/jwks.json", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
