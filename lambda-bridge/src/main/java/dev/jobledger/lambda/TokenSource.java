package dev.jobledger.lambda;

import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The bridge's bearer token: given directly (local runs) or read once from Secrets Manager and cached. */
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
        return new CachedSecret(client, secretArn);
    }

    final class CachedSecret implements TokenSource {

        private final Supplier<SecretsManagerClient> client;
        private final String secretArn;
        private volatile String cached;

        CachedSecret(Supplier<SecretsManagerClient> client, String secretArn) {
            this.client = client;
            this.secretArn = secretArn;
        }

        @Override
        public String token() {
            String token = cached;
            if (token == null) {
                synchronized (this) {
                    if (cached == null) {
                        String value = client.get()
                                .getSecretValue(request -> request.secretId(secretArn))
                                .secretString();
                        if (value == null || value.isBlank()) {
                            throw new IllegalStateException("the bridge token secret has no string value");
                        }
                        cached = value.trim();
                    }
                    token = cached;
                }
            }
            return token;
        }

        @Override
        public void invalidate() {
            cached = null;
        }
    }
}
