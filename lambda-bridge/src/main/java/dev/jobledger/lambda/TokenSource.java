package dev.jobledger.lambda;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The bridge's bearer token: given directly (local runs), or from a Secrets Manager secret that holds either a
 * token (read once and cached) or OAuth 2 client credentials (tokens obtained and renewed by the function, see
 * {@link ClientCredentials}).
 */
public interface TokenSource {

    String token();

    /** Forgets a cached token, so that the next call reads it again (after a 401, e.g. once it was rotated). */
    default void invalidate() {}

    static TokenSource fixed(String token) {
        Objects.requireNonNull(token, "token");
        return () -> token;
    }

    /** Reads the secret's string value on first use and caches it. */
    static TokenSource secretsManager(Supplier<SecretsManagerClient> client, String secretArn) {
        return fromSecret(
                () -> client.get()
                        .getSecretValue(request -> request.secretId(secretArn))
                        .secretString(),
                ClientCredentials.defaultHttpClient(),
                Clock.systemUTC());
    }

    /**
     * A token from a secret's value: a JSON object is client credentials, anything else the token itself. The value
     * is read on first use and again after {@link #invalidate()}, so a rotated secret is picked up after a 401.
     */
    static TokenSource fromSecret(Supplier<String> secretValue, HttpClient http, Clock clock) {
        return new CachedSecret(secretValue, http, clock);
    }

    final class CachedSecret implements TokenSource {

        private static final ObjectMapper JSON = new ObjectMapper();

        private final Supplier<String> secretValue;
        private final HttpClient http;
        private final Clock clock;
        private TokenSource cached;

        CachedSecret(Supplier<String> secretValue, HttpClient http, Clock clock) {
            this.secretValue = secretValue;
            this.http = http;
            this.clock = clock;
        }

        @Override
        public synchronized String token() {
            if (cached == null) {
                String value = secretValue.get();
                if (value == null || value.isBlank()) {
                    throw new IllegalStateException("the bridge token secret has no string value");
                }
                cached = ClientCredentials.Settings.looksLikeSettings(value)
                        ? new ClientCredentials(ClientCredentials.Settings.parse(value, JSON), http, clock, JSON)
                        : fixed(value.trim());
            }
            try {
                return cached.token();
            } catch (RuntimeException e) {
                // The token endpoint refused or failed: the next try reads the secret again, in case the client
                // secret was rotated (and the old one revoked) since it was read.
                cached = null;
                throw e;
            }
        }

        @Override
        public synchronized void invalidate() {
            // Read the secret again too: after a 401 the token or the client secret may have been rotated.
            cached = null;
        }
    }
}
