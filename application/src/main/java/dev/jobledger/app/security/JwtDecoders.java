package dev.jobledger.app.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTParser;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;

/** Builds the token decoder from {@link SecuritySettings}: RS256 from a JWK set, HS256 from the dev secret, or both. */
final class JwtDecoders {

    private static final java.util.regex.Pattern STORABLE_SUBJECT =
            java.util.regex.Pattern.compile("[^\\x00-\\x1F\\x7F\\p{Cs}]+");

    private JwtDecoders() {}

    static JwtDecoder from(SecuritySettings properties) {
        if (hasText(properties.devHmacSecret())
                && (hasText(properties.jwkSetUri()) || hasText(properties.issuerUri()))) {
            // Beside an identity provider, a shared secret would be a second way in that no provider controls:
            // whoever reads the configuration (or the README, for the dev default) could mint any token.
            throw new IllegalStateException("jobledger.security.jwt.dev-hmac-secret is set beside an identity provider"
                    + " (jwk-set-uri or issuer-uri): the dev secret is for the local profile alone; unset one of them");
        }
        JwtDecoder rsa = rsa(properties);
        JwtDecoder hmac = hasText(properties.devHmacSecret()) ? hmac(properties.devHmacSecret()) : null;
        if (rsa == null && hmac == null) {
            throw new IllegalStateException("No way to check bearer tokens: set jobledger.security.jwt.jwk-set-uri or"
                    + " jobledger.security.jwt.issuer-uri (production), or jobledger.security.jwt.dev-hmac-secret"
                    + " (local profile only)");
        }
        OAuth2TokenValidator<Jwt> validator = validator(properties);
        if (rsa instanceof NimbusJwtDecoder nimbus) {
            nimbus.setJwtValidator(validator);
        }
        if (hmac instanceof NimbusJwtDecoder nimbus) {
            nimbus.setJwtValidator(validator);
        }
        if (rsa == null) {
            return hmac;
        }
        if (hmac == null) {
            return rsa;
        }
        return token -> isHmac(token) ? hmac.decode(token) : rsa.decode(token);
    }

    /**
     * RS256 from the JWK set when one is named; else discovered from the issuer's metadata on first use, so that a
     * slow identity provider does not stop the service from starting.
     */
    private static JwtDecoder rsa(SecuritySettings properties) {
        if (hasText(properties.jwkSetUri())) {
            return NimbusJwtDecoder.withJwkSetUri(properties.jwkSetUri())
                    .jwsAlgorithm(SignatureAlgorithm.RS256)
                    .build();
        }
        if (hasText(properties.issuerUri())) {
            return new SupplierJwtDecoder(() -> {
                NimbusJwtDecoder discovered = NimbusJwtDecoder.withIssuerLocation(properties.issuerUri())
                        .jwsAlgorithm(SignatureAlgorithm.RS256)
                        .build();
                discovered.setJwtValidator(validator(properties));
                return discovered;
            });
        }
        return null;
    }

    private static JwtDecoder hmac(String secret) {
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        if (key.length < 32) {
            throw new IllegalStateException("jobledger.security.jwt.dev-hmac-secret must be at least 32 bytes");
        }
        return NimbusJwtDecoder.withSecretKey(new SecretKeySpec(key, "HmacSHA256"))
                .macAlgorithm(MacAlgorithm.HS256)
                .build();
    }

    private static OAuth2TokenValidator<Jwt> validator(SecuritySettings properties) {
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(
                hasText(properties.issuerUri())
                        ? JwtValidators.createDefaultWithIssuer(properties.issuerUri())
                        : JwtValidators.createDefault());
        // The subject is the owner of every job its bearer submits and is kept in the read model (255 characters).
        validators.add(new JwtClaimValidator<Object>(
                "sub",
                sub -> sub instanceof String subject
                        && !subject.isBlank()
                        && subject.length() <= 255
                        && STORABLE_SUBJECT.matcher(subject).matches()));
        // A token without an expiry would be valid for good once leaked; the default validator checks exp only if set.
        validators.add(new JwtClaimValidator<Object>("exp", java.util.Objects::nonNull));
        if (hasText(properties.audience())) {
            validators.add(new JwtClaimValidator<List<String>>(
                    "aud", audiences -> audiences != null && audiences.contains(properties.audience())));
        }
        return new DelegatingOAuth2TokenValidator<>(validators);
    }

    private static boolean isHmac(String token) {
        try {
            return JWSAlgorithm.Family.HMAC_SHA.contains(
                    JWTParser.parse(token).getHeader().getAlgorithm());
        } catch (ParseException e) {
            throw new BadJwtException("Malformed token", e);
        }
    }

    private static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }
}
