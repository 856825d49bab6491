package dev.jobledger.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/** Mints real signed bearer tokens, as an identity provider (RS256) or a developer (HS256) would. */
public final class Tokens {

    /** The HS256 secret the integration tests configure, as the local profile does. */
    public static final String TEST_SECRET = "integration-test-secret-at-least-32-bytes-long";

    private Tokens() {}

    public static String user(String subject) {
        return hs256(subject, List.of("job:Create", "job:Read"), Duration.ofMinutes(5));
    }

    public static String admin(String subject) {
        return hs256(subject, List.of("job:Create", "job:Read", "job:Admin"), Duration.ofMinutes(5));
    }

    public static String bridge() {
        return hs256("job-bridge", List.of("job:Report"), Duration.ofMinutes(5));
    }

    public static String hs256(String subject, List<String> permissions, Duration validFor) {
        return hs256(subject, permissions, validFor, TEST_SECRET);
    }

    public static String hs256(String subject, List<String> permissions, Duration validFor, String secret) {
        try {
            return sign(
                    new MACSigner(secret.getBytes(StandardCharsets.UTF_8)),
                    new JWSHeader(JWSAlgorithm.HS256),
                    claims(subject, permissions, validFor, null));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String rs256(RSAKey key, String issuer, String subject, List<String> permissions) {
        try {
            return sign(
                    new RSASSASigner(key),
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .keyID(key.getKeyID())
                            .build(),
                    claims(subject, permissions, Duration.ofMinutes(5), issuer));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token with exactly these claims, signed with the test secret: for tokens no identity provider should issue. */
    public static String hs256(JWTClaimsSet claims) {
        try {
            return sign(
                    new MACSigner(TEST_SECRET.getBytes(StandardCharsets.UTF_8)),
                    new JWSHeader(JWSAlgorithm.HS256),
                    claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JWTClaimsSet claims(String subject, List<String> permissions, Duration validFor, String issuer) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .subject(subject)
                .issuer(issuer)
                .claim("permissions", permissions)
                .issueTime(Date.from(now.minusSeconds(1)))
                .expirationTime(Date.from(now.plus(validFor)))
                .build();
    }

    private static String sign(JWSSigner signer, JWSHeader header, JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        return jwt.serialize();
    }
}
