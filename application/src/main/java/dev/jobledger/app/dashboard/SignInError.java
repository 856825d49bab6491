package dev.jobledger.app.dashboard;

import java.util.regex.Pattern;

/**
 * Why a sign-in did not succeed, as the signed-out page says it.
 *
 * @param code the OAuth 2.0 error code (RFC 6749, 4.1.2.1) or the service's own, shown as it came when it looks like one
 * @param explanation what it means for the user
 */
record SignInError(String code, String explanation) {

    private static final Pattern CODE = Pattern.compile("[a-z_]{1,64}");

    static SignInError of(String code) {
        if (!CODE.matcher(code).matches()) {
            return new SignInError("sign_in_failed", "The sign-in did not succeed.");
        }
        return new SignInError(
                code,
                switch (code) {
                    case "access_denied" ->
                        "The identity provider did not grant the dashboard access (declined, or not"
                                + " allowed for this user).";
                    case "access_token_refused" ->
                        "The identity provider's access token is not one the service accepts"
                                + " (issuer, audience or signature): an operator's configuration needs fixing; the service's log"
                                + " says why.";
                    case "provider_unavailable" -> "The identity provider could not be reached. Try again shortly.";
                    case "authorization_request_not_found" ->
                        "The sign-in took too long or was started in another" + " browser. Sign in again.";
                    default -> "The sign-in did not succeed.";
                });
    }
}
