package dev.jobledger.app.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.swagger.v3.oas.annotations.Hidden;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Controller;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * The dashboard's sign-in for local use: mints an HS256 dev token for any user and permissions, exactly as
 * {@code bin/dev-token} does. It exists only in the {@code local} profile, whose dev secret is public; elsewhere the
 * route does not exist (404), and tokens come from the identity provider.
 */
// HTML for the dashboard, not part of the API: kept out of the OpenAPI description.
@Hidden
@Controller
@Profile("local")
class DevSignIn {

    static final Set<String> PERMISSIONS = Set.of(
            SecurityConfiguration.CREATE,
            SecurityConfiguration.READ,
            SecurityConfiguration.ADMIN,
            SecurityConfiguration.REPORT);
    private static final Duration VALID_FOR = Duration.ofHours(8);
    private static final java.util.regex.Pattern USER = java.util.regex.Pattern.compile("[A-Za-z0-9@._-]{1,255}");

    /** @param token the bearer token; @param expiresAt when it stops being accepted */
    record DevToken(String token, Instant expiresAt) {}

    private final SecuritySettings properties;

    DevSignIn(SecuritySettings properties) {
        this.properties = properties;
    }

    @GetMapping("/dashboard/sign-in")
    String page() {
        return "dashboard/sign-in";
    }

    @PostMapping(path = "/dashboard/sign-in", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    DevToken mint(@RequestParam String user, @RequestParam(required = false) List<String> permissions) {
        if (!USER.matcher(user).matches()) {
            throw refused("user must be 1 to 255 letters, digits or @ . _ -");
        }
        List<String> granted = permissions == null ? List.of() : permissions;
        if (!PERMISSIONS.containsAll(granted)) {
            throw refused("permissions are among " + PERMISSIONS);
        }
        String secret = properties.devHmacSecret();
        if (secret == null || secret.isBlank()) {
            throw new ErrorResponseException(HttpStatus.NOT_FOUND);
        }
        Instant now = Instant.now();
        Instant expiresAt = now.plus(VALID_FOR);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(user)
                .claim("permissions", granted)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(expiresAt))
                .build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return new DevToken(jwt.serialize(), expiresAt);
        } catch (JOSEException e) {
            throw new IllegalStateException("Could not sign a dev token", e);
        }
    }

    private static ErrorResponseException refused(String detail) {
        return new ErrorResponseException(
                HttpStatus.BAD_REQUEST, ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail), null);
    }
}
