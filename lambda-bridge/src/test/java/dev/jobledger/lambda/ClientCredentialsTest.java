package dev.jobledger.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClientCredentialsTest {

    private HttpServer server;
    private final List<String> requests = new ArrayList<>();
    private final AtomicInteger issued = new AtomicInteger();
    private volatile int status = 200;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T04:00:00Z"));
    private final AtomicInteger secretReads = new AtomicInteger();
    private String tokenUri;

    @BeforeEach
    void startTokenEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/token", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            synchronized (requests) {
                requests.add(exchange.getRequestMethod() + " "
                        + exchange.getRequestHeaders().getFirst("Authorization") + " " + body);
            }
            byte[] answer = status == 200
                    ? ("{\"access_token\":\"access-" + issued.incrementAndGet()
                                    + "\",\"token_type\":\"Bearer\",\"expires_in\":300}")
                            .getBytes(StandardCharsets.UTF_8)
                    : "{\"error\":\"invalid_client\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        tokenUri = "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    @AfterEach
    void stopTokenEndpoint() {
        server.stop(0);
    }

    @Test
    void aPlainSecretIsTheTokenItselfReadOnce() {
        TokenSource source = fromSecret("  static-token\n");

        assertThat(source.token()).isEqualTo("static-token");
        assertThat(source.token()).isEqualTo("static-token");
        assertThat(secretReads).hasValue(1);
        assertThat(requests).isEmpty();
    }

    @Test
    void clientCredentialsAreExchangedForATokenThatIsKeptUntilShortlyBeforeItExpires() {
        TokenSource source = fromSecret(credentials());

        assertThat(source.token()).isEqualTo("access-1");
        clock.advance(Duration.ofSeconds(239));
        assertThat(source.token()).as("still valid for more than a minute").isEqualTo("access-1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(source.token()).as("renewed a minute before it expires").isEqualTo("access-2");

        assertThat(secretReads).hasValue(1);
        assertThat(requests)
                .hasSize(2)
                .allSatisfy(request -> assertThat(request)
                        .startsWith("POST Basic "
                                + Base64.getEncoder()
                                        .encodeToString("job-bridge:s3cr%2Ft".getBytes(StandardCharsets.UTF_8)))
                        .endsWith("grant_type=client_credentials&scope=job%3AReport&audience=job-ledger"));
    }

    @Test
    void invalidateAfterA401ReadsTheSecretAgainAndAsksForANewToken() {
        TokenSource source = fromSecret(credentials());

        assertThat(source.token()).isEqualTo("access-1");
        source.invalidate();
        assertThat(source.token()).isEqualTo("access-2");
        assertThat(secretReads).hasValue(2);
    }

    @Test
    void aRefusedClientSaysWhyWithoutTheClientSecret() {
        status = 401;
        TokenSource source = fromSecret(credentials());

        assertThatThrownBy(source::token)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("401")
                .hasMessageContaining("invalid_client")
                .hasMessageNotContaining("s3cr/t");

        status = 200;
        assertThat(source.token())
                .as("a rotated client secret is read on the next try")
                .isEqualTo("access-1");
        assertThat(secretReads).hasValue(2);
    }

    @Test
    void aTokenEndpointOutsideTheMachineMustBeHttps() {
        TokenSource source = fromSecret(
                "{\"token_uri\":\"http://auth.example.com/token\",\"client_id\":\"a\",\"client_secret\":\"b\"}");

        assertThatThrownBy(source::token).hasMessageContaining("must be https");
    }

    @Test
    void incompleteCredentialsNameTheMissingField() {
        TokenSource source = fromSecret("{\"token_uri\":\"" + tokenUri + "\",\"client_id\":\"a\"}");

        assertThatThrownBy(source::token).hasMessageContaining("client_secret");
    }

    @Test
    void ledgerCallsBudgetTheTokenRequest() {
        // bridge_call_budget_seconds (infrastructure) counts one token request on top of the ledger tries.
        assertThat(ClientCredentials.CONNECT_TIMEOUT.plus(ClientCredentials.REQUEST_TIMEOUT))
                .isLessThanOrEqualTo(Duration.ofSeconds(7));
    }

    private String credentials() {
        return "{\"token_uri\":\"" + tokenUri + "\",\"client_id\":\"job-bridge\",\"client_secret\":\"s3cr/t\","
                + "\"scope\":\"job:Report\",\"audience\":\"job-ledger\"}";
    }

    private TokenSource fromSecret(String value) {
        return TokenSource.fromSecret(
                () -> {
                    secretReads.incrementAndGet();
                    return value;
                },
                ClientCredentials.defaultHttpClient(),
                clock);
    }

    private static final class MutableClock extends Clock {

        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
