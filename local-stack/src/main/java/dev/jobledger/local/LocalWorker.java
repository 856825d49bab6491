package dev.jobledger.local;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.jobledger.lambda.BridgeConfig;
import dev.jobledger.lambda.HandlerRegistry;
import dev.jobledger.lambda.LedgerClient;
import dev.jobledger.lambda.SqsJobHandler;
import dev.jobledger.lambda.TokenSource;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The job processor as it runs on one machine: the Lambda function's own handler class, fed by a local event source
 * mapping, reporting to the service over HTTP with a {@code job:Report} token signed with the local dev secret.
 */
public final class LocalWorker {

    private LocalWorker() {}

    /**
     * Starts the worker.
     *
     * @param ledger the service's base URL
     * @param devSecret the local profile's HS256 secret
     * @param bucket the job file bucket
     * @param region the region of the stand-ins
     * @param s3Endpoint the S3 stand-in
     * @param sqs a client of the SQS stand-in
     * @param settings the event source mapping's settings
     */
    public static LocalEventSourceMapping start(
            URI ledger,
            String devSecret,
            String bucket,
            String region,
            URI s3Endpoint,
            SqsClient sqs,
            LocalEventSourceMapping.Settings settings) {
        BridgeConfig config = BridgeConfig.builder()
                .apiBaseUrl(ledger)
                .bridgeToken("unused") // the token is given to the ledger client below
                .s3Bucket(bucket)
                .region(region)
                .s3Endpoint(s3Endpoint)
                .build();
        SqsJobHandler function = new SqsJobHandler(
                config,
                new LedgerClient(config, TokenSource.fixed(bridgeToken(devSecret))),
                SqsJobHandler.s3Client(config),
                sqs, // a record the invocation had no time for goes back to the queue it came from
                HandlerRegistry.fromServiceLoader());
        return new LocalEventSourceMapping(sqs, function, settings);
    }

    static String bridgeToken(String devSecret) {
        return token(devSecret, "local-job-processor", "job:Report");
    }

    /** An HS256 token of the local profile. */
    static String token(String devSecret, String subject, String... permissions) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(subject)
                .claim("permissions", List.of(permissions))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofDays(30))))
                .build();
        try {
            SignedJWT token = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            token.sign(new MACSigner(devSecret.getBytes(StandardCharsets.UTF_8)));
            return token.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("Could not sign a local token", e);
        }
    }
}
