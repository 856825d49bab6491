package dev.jobledger.app.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How bearer tokens are checked. Production names a JWK set (RS256) and usually an issuer; the local profile adds a
 * shared HS256 secret so that developers can mint tokens with standard tools.
 *
 * @param jwkSetUri where the identity provider publishes its signing keys (RS256)
 * @param issuerUri the {@code iss} every token must carry, if set
 * @param audience the {@code aud} every token must carry, if set
 * @param devHmacSecret a shared HS256 secret of at least 32 bytes, for local development only
 */
@ConfigurationProperties("jobledger.security.jwt")
record SecuritySettings(String jwkSetUri, String issuerUri, String audience, String devHmacSecret) {}
