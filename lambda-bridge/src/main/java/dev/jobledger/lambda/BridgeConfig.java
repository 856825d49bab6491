package dev.jobledger.lambda;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the function is configured with.
 *
 * @param apiBaseUrl the ledger's base URL ({@code JOBLEDGER_API_BASE_URL}), e.g. {@code http://localhost:8080}
 * @param bridgeToken the bearer token itself ({@code JOBLEDGER_BRIDGE_TOKEN}, local runs), or {@code null}
 * @param bridgeTokenSecretArn the Secrets Manager secret holding it ({@code JOBLEDGER_BRIDGE_TOKEN_SECRET_ARN}), or
 *     {@code null}; one of the two is required, the ARN wins when both are set
 * @param s3Bucket the job file bucket ({@code JOBLEDGER_S3_BUCKET}); used when a dispatch names a key but no bucket
 * @param region the AWS region ({@code AWS_REGION}), or {@code null} for the SDK's default chain
 * @param s3Endpoint a local S3 stand-in ({@code JOBLEDGER_S3_ENDPOINT}, path-style), or {@code null} for AWS
 * @param safetyMargin stop the attempt when the invocation's remaining time falls below this (default 30 s,
 *     {@code JOBLEDGER_SAFETY_MARGIN_SECONDS})
 * @param logFlushEntries send the buffered job log when it holds this many lines (default 500; at most 1000 go in one
 *     call)
 * @param reportInterval send buffered logs and the latest progress at least this often while a handler runs, and
 *     the finish reports of ended attempts once they waited this long (default 2 s)
 * @param connectTimeout HTTP connect timeout to the ledger (default 3 s)
 * @param requestTimeout HTTP request timeout to the ledger (default 15 s)
 * @param maxTries tries per ledger call on network errors and 5xx (default 4)
 * @param backoffBase first backoff between tries, doubled each time, with full jitter (default 200 ms)
 * @param backoffMax longest backoff between tries (default 3 s)
 */
public record BridgeConfig(
        URI apiBaseUrl,
        String bridgeToken,
        String bridgeTokenSecretArn,
        String s3Bucket,
        String region,
        URI s3Endpoint,
        Duration safetyMargin,
        int logFlushEntries,
        Duration reportInterval,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxTries,
        Duration backoffBase,
        Duration backoffMax) {

    public static final String API_BASE_URL = "JOBLEDGER_API_BASE_URL";
    public static final String BRIDGE_TOKEN_SECRET_ARN = "JOBLEDGER_BRIDGE_TOKEN_SECRET_ARN";
    public static final String BRIDGE_TOKEN = "JOBLEDGER_BRIDGE_TOKEN";
    public static final String S3_BUCKET = "JOBLEDGER_S3_BUCKET";
    public static final String AWS_REGION = "AWS_REGION";
    public static final String S3_ENDPOINT = "JOBLEDGER_S3_ENDPOINT";
    public static final String SAFETY_MARGIN_SECONDS = "JOBLEDGER_SAFETY_MARGIN_SECONDS";

    /** Most lines the ledger takes in one log call, and in one finish report. */
    public static final int MAX_ENTRIES_PER_CALL = 1000;

    /**
     * About the most bytes of log lines sent in one log call or carried by one finish report: well under the
     * ledger's 4 MiB request limit, and half of a batched finish call's budget.
     */
    public static final int MAX_LOG_BYTES_PER_CALL = 1024 * 1024;

    public BridgeConfig {
        Objects.requireNonNull(apiBaseUrl, API_BASE_URL);
        if (blank(bridgeToken) && blank(bridgeTokenSecretArn)) {
            throw new IllegalArgumentException(
                    "set " + BRIDGE_TOKEN_SECRET_ARN + " (or, for local runs, " + BRIDGE_TOKEN + ")");
        }
        Objects.requireNonNull(safetyMargin, "safetyMargin");
        Objects.requireNonNull(reportInterval, "reportInterval");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(backoffBase, "backoffBase");
        Objects.requireNonNull(backoffMax, "backoffMax");
        if (logFlushEntries < 1 || logFlushEntries > MAX_ENTRIES_PER_CALL) {
            throw new IllegalArgumentException("logFlushEntries must be 1.." + MAX_ENTRIES_PER_CALL);
        }
        if (maxTries < 1) {
            throw new IllegalArgumentException("maxTries must be at least 1");
        }
    }

    /** The defaults, for the given ledger, token and bucket. */
    public static BridgeConfig defaults(URI apiBaseUrl, String bridgeToken, String s3Bucket) {
        return new BridgeConfig(
                apiBaseUrl,
                bridgeToken,
                null,
                s3Bucket,
                null,
                null,
                Duration.ofSeconds(30),
                500,
                Duration.ofSeconds(2),
                Duration.ofSeconds(3),
                Duration.ofSeconds(15),
                4,
                Duration.ofMillis(200),
                Duration.ofSeconds(3));
    }

    /** Reads the configuration from environment variables (names as the constants of this record). */
    public static BridgeConfig fromEnvironment(Map<String, String> env) {
        String base = env.get(API_BASE_URL);
        if (blank(base)) {
            throw new IllegalArgumentException(API_BASE_URL + " is not set");
        }
        String endpoint = env.get(S3_ENDPOINT);
        String margin = env.get(SAFETY_MARGIN_SECONDS);
        BridgeConfig defaults = defaults(URI.create(base.trim()), "unused", null);
        return new BridgeConfig(
                defaults.apiBaseUrl(),
                emptyToNull(env.get(BRIDGE_TOKEN)),
                emptyToNull(env.get(BRIDGE_TOKEN_SECRET_ARN)),
                emptyToNull(env.get(S3_BUCKET)),
                emptyToNull(env.get(AWS_REGION)),
                blank(endpoint) ? null : URI.create(endpoint.trim()),
                blank(margin) ? defaults.safetyMargin() : Duration.ofSeconds(Long.parseLong(margin.trim())),
                defaults.logFlushEntries(),
                defaults.reportInterval(),
                defaults.connectTimeout(),
                defaults.requestTimeout(),
                defaults.maxTries(),
                defaults.backoffBase(),
                defaults.backoffMax());
    }

    public BridgeConfig withSafetyMargin(Duration margin) {
        return new BridgeConfig(
                apiBaseUrl,
                bridgeToken,
                bridgeTokenSecretArn,
                s3Bucket,
                region,
                s3Endpoint,
                margin,
                logFlushEntries,
                reportInterval,
                connectTimeout,
                requestTimeout,
                maxTries,
                backoffBase,
                backoffMax);
    }

    public BridgeConfig withS3(String region, URI endpoint) {
        return new BridgeConfig(
                apiBaseUrl,
                bridgeToken,
                bridgeTokenSecretArn,
                s3Bucket,
                region,
                endpoint,
                safetyMargin,
                logFlushEntries,
                reportInterval,
                connectTimeout,
                requestTimeout,
                maxTries,
                backoffBase,
                backoffMax);
    }

    public BridgeConfig withReporting(int logFlushEntries, Duration reportInterval) {
        return new BridgeConfig(
                apiBaseUrl,
                bridgeToken,
                bridgeTokenSecretArn,
                s3Bucket,
                region,
                s3Endpoint,
                safetyMargin,
                logFlushEntries,
                reportInterval,
                connectTimeout,
                requestTimeout,
                maxTries,
                backoffBase,
                backoffMax);
    }

    public BridgeConfig withRetries(int maxTries, Duration backoffBase, Duration backoffMax, Duration requestTimeout) {
        return new BridgeConfig(
                apiBaseUrl,
                bridgeToken,
                bridgeTokenSecretArn,
                s3Bucket,
                region,
                s3Endpoint,
                safetyMargin,
                logFlushEntries,
                reportInterval,
                connectTimeout,
                requestTimeout,
                maxTries,
                backoffBase,
                backoffMax);
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "BridgeConfig[apiBaseUrl=" + apiBaseUrl + ", token=" + (bridgeToken == null ? "unset" : "set")
                + ", bridgeTokenSecretArn=" + bridgeTokenSecretArn + ", s3Bucket=" + s3Bucket + ", region=" + region
                + ", s3Endpoint=" + s3Endpoint + ", safetyMargin=" + safetyMargin + "]";
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static String emptyToNull(String value) {
        return blank(value) ? null : value.trim();
    }
}
