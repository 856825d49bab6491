package dev.jobledger.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The bridge's token from the OAuth 2 client-credentials grant: the function asks the identity provider for a
 * short-lived access token with its client id and secret, keeps it until shortly before it expires, and asks again.
 * Nothing has to be put into the secret when a token expires; only the client secret is rotated, rarely.
 *
 * <p>The secret holds JSON: {@code {"token_uri": "https://...", "client_id": "...", "client_secret": "...",
 * "scope": "job:Report", "audience": "..."}} ({@code scope} and {@code audience} optional).
 */
final class ClientCredentials implements TokenSource {

    /**
     * Longest a token request may take: 2 s to connect and 5 s to answer. It counts towards one ledger call's
     * retry budget (bridge_call_budget_seconds in the Terraform), so it is kept short.
     */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    /** A token is renewed this long before it expires (at most half its lifetime), so none expires in flight. */
    static final Duration RENEW_BEFORE_EXPIRY = Duration.ofSeconds(60);

    record Settings(URI tokenUri, String clientId, String clientSecret, String scope, String audience) {

        static boolean looksLikeSettings(String secretValue) {
            return secretValue.stripLeading().startsWith("{");
        }

        static Settings parse(String secretValue, ObjectMapper json) {
            JsonNode node;
            try {
                node = json.readTree(secretValue);
            } catch (IOException e) {
                // Never the exception's message: it may quote the client secret.
                throw new IllegalStateException("the bridge secret is not valid JSON");
            }
            URI tokenUri = URI.create(required(node, "token_uri"));
            boolean loopback = "localhost".equals(tokenUri.getHost()) || "127.0.0.1".equals(tokenUri.getHost());
            if (!"https".equals(tokenUri.getScheme()) && !loopback) {
                throw new IllegalStateException("the bridge secret's token_uri must be https");
            }
            return new Settings(
                    tokenUri,
                    required(node, "client_id"),
                    required(node, "client_secret"),
                    optional(node, "scope"),
                    optional(node, "audience"));
        }

        private static String required(JsonNode node, String field) {
            String value = optional(node, field);
            if (value == null) {
                throw new IllegalStateException("the bridge secret has no " + field);
            }
            return value;
        }

        private static String optional(JsonNode node, String field) {
            JsonNode value = node.get(field);
            return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText();
        }
    }

    private final Settings settings;
    private final HttpClient http;
    private final Clock clock;
    private final ObjectMapper json;

    private String accessToken;
    private Instant renewAt = Instant.MIN;

    ClientCredentials(Settings settings, HttpClient http, Clock clock, ObjectMapper json) {
        this.settings = settings;
        this.http = http;
        this.clock = clock;
        this.json = json;
    }

    static HttpClient defaultHttpClient() {
        return HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    @Override
    public synchronized String token() {
        if (accessToken == null || !clock.instant().isBefore(renewAt)) {
            requestToken();
        }
        return accessToken;
    }

    @Override
    public synchronized void invalidate() {
        accessToken = null;
    }

    private void requestToken() {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        if (settings.scope() != null) {
            form.put("scope", settings.scope());
        }
        if (settings.audience() != null) {
            form.put("audience", settings.audience());
        }
        String body = form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        // RFC 6749 2.3.1: client id and secret are form-encoded before they go into the Basic credentials.
        String basic = Base64.getEncoder()
                .encodeToString((encode(settings.clientId()) + ":" + encode(settings.clientSecret()))
                        .getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(settings.tokenUri())
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        Instant asked = clock.instant();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IllegalStateException("the token endpoint " + settings.tokenUri() + " cannot be reached: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking for a bridge token", e);
        }
        if (response.statusCode() != 200) {
            // The error body of a token endpoint names the error (invalid_client, ...), never a token.
            throw new IllegalStateException("the token endpoint answered " + response.statusCode() + ": "
                    + new String(response.body(), StandardCharsets.UTF_8).replaceAll("\\s+", " "));
        }
        JsonNode answer;
        try {
            answer = json.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("the token endpoint's answer is not JSON");
        }
        JsonNode token = answer.get("access_token");
        if (token == null || token.asText().isBlank()) {
            throw new IllegalStateException("the token endpoint's answer has no access_token");
        }
        long expiresIn = answer.path("expires_in").asLong(300);
        Duration lifetime = Duration.ofSeconds(Math.max(expiresIn, 1));
        Duration early =
                RENEW_BEFORE_EXPIRY.compareTo(lifetime.dividedBy(2)) < 0 ? RENEW_BEFORE_EXPIRY : lifetime.dividedBy(2);
        accessToken = token.asText();
        renewAt = asked.plus(lifetime).minus(early);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
