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
 * @param sqsEndpoint a local SQS stand-in ({@code JOBLEDGER_SQS_ENDPOINT}), or {@code null} for AWS: the queue a record
 *     the invocation had no time for is sent back to
 * @param safetyMargin stop the attempt when the invocation's remaining time falls below this (default 30 s,
 *     {@code JOBLEDGER_SAFETY_MARGIN_SECONDS})
 * @param logFlushEntries send the buffered job log when it holds this many lines (default and most 1000, half of
 *     what one call carries: each call has a fixed cost at the ledger, a load of the job and a commit, and a handler
 *     that logs a lot waits for one call before it sends the next)
 * @param reportInterval send buffered logs and the latest progress at least this often while a handler runs, and
 *     the finish reports of ended attempts once they waited this long (default 2 s)
 * @param connectTimeout HTTP connect timeout to the ledger (default 3 s)
 * @param requestTimeout how long a call to the ledger waits for its answer's bytes (default 15 s)
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
        URI sqsEndpoint,
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
    public static final String SQS_ENDPOINT = "JOBLEDGER_SQS_ENDPOINT";
    public static final String SAFETY_MARGIN_SECONDS = "JOBLEDGER_SAFETY_MARGIN_SECONDS";

    /** Most lines the ledger takes in one log call, and in one finish report. */
    public static final int MAX_ENTRIES_PER_CALL = 2000;

    /**
     * Most lines a log call is sent at: half of what one call carries, because a handler goes on logging while its
     * call travels, so up to twice this many lines may be buffered when an attempt ends, and they must fit its
     * finish report.
     */
    public static final int MAX_LOG_FLUSH_ENTRIES = MAX_ENTRIES_PER_CALL / 2;

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
        if (logFlushEntries < 1 || logFlushEntries > MAX_LOG_FLUSH_ENTRIES) {
            throw new IllegalArgumentException("logFlushEntries must be 1.." + MAX_LOG_FLUSH_ENTRIES);
        }
        if (maxTries < 1) {
            throw new IllegalArgumentException("maxTries must be at least 1");
        }
    }

    /** A configuration with the defaults above; the ledger's URL and a token (or its secret) must be set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Reads the configuration from environment variables (names as the constants of this record). */
    public static BridgeConfig fromEnvironment(Map<String, String> env) {
        String base = env.get(API_BASE_URL);
        if (blank(base)) {
            throw new IllegalArgumentException(API_BASE_URL + " is not set");
        }
        Builder builder = builder()
                .apiBaseUrl(URI.create(base.trim()))
                .bridgeToken(emptyToNull(env.get(BRIDGE_TOKEN)))
                .bridgeTokenSecretArn(emptyToNull(env.get(BRIDGE_TOKEN_SECRET_ARN)))
                .s3Bucket(emptyToNull(env.get(S3_BUCKET)))
                .region(emptyToNull(env.get(AWS_REGION)));
        String s3Endpoint = env.get(S3_ENDPOINT);
        if (!blank(s3Endpoint)) {
            builder.s3Endpoint(URI.create(s3Endpoint.trim()));
        }
        String sqsEndpoint = env.get(SQS_ENDPOINT);
        if (!blank(sqsEndpoint)) {
            builder.sqsEndpoint(URI.create(sqsEndpoint.trim()));
        }
        String margin = env.get(SAFETY_MARGIN_SECONDS);
        if (!blank(margin)) {
            builder.safetyMargin(Duration.ofSeconds(Long.parseLong(margin.trim())));
        }
        return builder.build();
    }

    /** Builds a {@link BridgeConfig}, starting from the defaults; {@link #build()} checks it. */
    public static final class Builder {

        private URI apiBaseUrl;
        private String bridgeToken;
        private String bridgeTokenSecretArn;
        private String s3Bucket;
        private String region;
        private URI s3Endpoint;
        private URI sqsEndpoint;
        private Duration safetyMargin = Duration.ofSeconds(30);
        private int logFlushEntries = MAX_LOG_FLUSH_ENTRIES;
        private Duration reportInterval = Duration.ofSeconds(2);
        private Duration connectTimeout = Duration.ofSeconds(3);
        private Duration requestTimeout = Duration.ofSeconds(15);
        private int maxTries = 4;
        private Duration backoffBase = Duration.ofMillis(200);
        private Duration backoffMax = Duration.ofSeconds(3);

        private Builder() {}

        public Builder apiBaseUrl(URI apiBaseUrl) {
            this.apiBaseUrl = apiBaseUrl;
            return this;
        }

        public Builder bridgeToken(String bridgeToken) {
            this.bridgeToken = bridgeToken;
            return this;
        }

        public Builder bridgeTokenSecretArn(String bridgeTokenSecretArn) {
            this.bridgeTokenSecretArn = bridgeTokenSecretArn;
            return this;
        }

        public Builder s3Bucket(String s3Bucket) {
            this.s3Bucket = s3Bucket;
            return this;
        }

        public Builder region(String region) {
            this.region = region;
            return this;
        }

        public Builder s3Endpoint(URI s3Endpoint) {
            this.s3Endpoint = s3Endpoint;
            return this;
        }

        public Builder sqsEndpoint(URI sqsEndpoint) {
            this.sqsEndpoint = sqsEndpoint;
            return this;
        }

        public Builder safetyMargin(Duration safetyMargin) {
            this.safetyMargin = safetyMargin;
            return this;
        }

        public Builder logFlushEntries(int logFlushEntries) {
            this.logFlushEntries = logFlushEntries;
            return this;
        }

        public Builder reportInterval(Duration reportInterval) {
            this.reportInterval = reportInterval;
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        public Builder maxTries(int maxTries) {
            this.maxTries = maxTries;
            return this;
        }

        public Builder backoffBase(Duration backoffBase) {
            this.backoffBase = backoffBase;
            return this;
        }

        public Builder backoffMax(Duration backoffMax) {
            this.backoffMax = backoffMax;
            return this;
        }

        /** The configuration; throws as the record's constructor does when it is incomplete or out of range. */
        public BridgeConfig build() {
            return new BridgeConfig(
                    apiBaseUrl,
                    bridgeToken,
                    bridgeTokenSecretArn,
                    s3Bucket,
                    region,
                    s3Endpoint,
                    sqsEndpoint,
                    safetyMargin,
                    logFlushEntries,
                    reportInterval,
                    connectTimeout,
                    requestTimeout,
                    maxTries,
                    backoffBase,
                    backoffMax);
        }
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "BridgeConfig[apiBaseUrl=" + apiBaseUrl + ", token=" + (bridgeToken == null ? "unset" : "set")
                + ", bridgeTokenSecretArn=" + bridgeTokenSecretArn + ", s3Bucket=" + s3Bucket + ", region=" + region
                + ", s3Endpoint=" + s3Endpoint + ", sqsEndpoint=" + sqsEndpoint + ", safetyMargin=" + safetyMargin
                + "]";
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static String emptyToNull(String value) {
        return blank(value) ? null : value.trim();
    }
}
