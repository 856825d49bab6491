package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobledger.testing.DashboardWithIdentityProvider;
import dev.jobledger.testing.HttpBrowser;
import dev.jobledger.testing.HttpBrowser.Navigation;
import dev.jobledger.testing.HttpBrowser.Step;
import dev.jobledger.testing.IdentityProvider;
import dev.jobledger.testing.IdentityProvider.Account;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The dashboard's production sign-in over real HTTP, as a browser does it: OIDC authorization code with PKCE at a real
 * provider, redirects followed one by one, the provider's login form filled in. After it, the browser holds a session
 * cookie and never a token, and what the session may do is what its user's access token allows.
 */
@ExtendWith(OutputCaptureExtension.class)
class SigningInAtTheIdentityProviderTest extends DashboardWithIdentityProvider {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Signs the account in through a visit to a dashboard page; answers the navigation, which ends on that page. */
    private Navigation signIn(HttpBrowser browser, Account account, String page) {
        Navigation toProvider = browser.open(baseUrl() + page);
        Step login = toProvider.last();
        assertThat(login.url().toString()).startsWith(PROVIDER.issuer() + "/login");
        return browser.submit(
                PROVIDER.issuer() + "/login",
                Map.of("username", account.name(), "password", IdentityProvider.PASSWORD, "_csrf", login.csrfToken()));
    }

    private HttpBrowser signedIn(Account account) {
        HttpBrowser browser = new HttpBrowser();
        Step page = signIn(browser, account, "/dashboard").last();
        assertThat(page.status()).isEqualTo(200);
        return browser;
    }

    /** A call the dashboard's script makes: the session cookie, and the page's CSRF token for a change. */
    private Step call(HttpBrowser browser, String method, String path, Object body) {
        String csrf = browser.open(baseUrl() + "/dashboard").last().csrfToken();
        return browser.call(method, baseUrl() + path, body == null ? null : write(body), Map.of("X-CSRF-TOKEN", csrf));
    }

    private Step get(HttpBrowser browser, String path) {
        return browser.call("GET", baseUrl() + path, null, Map.of());
    }

    private String submit(HttpBrowser browser) {
        Step answer = call(browser, "POST", "/api/jobs", Map.of("jobType", "example"));
        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        return json(answer).path("jobId").asText();
    }

    @AfterEach
    void noTokenOrCodeOfTheProviderIsEverLogged(CapturedOutput output) {
        assertThat(PROVIDER.issuedSecrets()).noneMatch(output.getAll()::contains);
    }

    @Test
    void aVisitWithoutSessionStartsTheAuthorizationCodeFlowWithPkceS256AtTheIssuerTheApiTrusts() {
        HttpBrowser browser = new HttpBrowser();

        Navigation visit = browser.open(baseUrl() + "/dashboard/jobs/" + UUID.randomUUID());

        assertThat(visit.first().status()).isEqualTo(302);
        assertThat(visit.first().location()).endsWith("/dashboard/oauth2/authorization/dashboard");
        Step toProvider = visit.steps().get(1);
        assertThat(toProvider.status()).isEqualTo(302);
        assertThat(toProvider.location()).startsWith(PROVIDER.issuer() + "/oauth2/authorize?");
        Map<String, String> request = query(URI.create(toProvider.location()));
        assertThat(request)
                .containsEntry("response_type", "code")
                .containsEntry("client_id", IdentityProvider.CLIENT_ID)
                .containsEntry("code_challenge_method", "S256")
                .containsEntry("redirect_uri", baseUrl() + "/dashboard/oauth2/code/dashboard")
                .containsEntry("scope", "openid")
                .containsEntry("audience", IdentityProvider.AUDIENCE)
                .containsKeys("state", "nonce");
        // S256: the base64url SHA-256 of a verifier the provider never sees until the code is exchanged.
        assertThat(request.get("code_challenge")).matches("[A-Za-z0-9_-]{43}");
        // The page asked for is kept in a session for after the sign-in; the browser holds only its cookie.
        String cookie = visit.first().header("Set-Cookie");
        assertThat(cookie).startsWith("SESSION=").contains("HttpOnly", "SameSite=Lax");
        assertThat(visit.last().body()).contains("Please sign in");
    }

    @Test
    void afterSigningInTheBrowserIsBackOnThePageItAskedForWithASessionAndNoToken() {
        HttpBrowser browser = new HttpBrowser();
        String jobPage = "/dashboard/jobs/" + UUID.randomUUID();

        Navigation signIn = signIn(browser, IdentityProvider.BOB, jobPage);

        assertThat(signIn.urls())
                .anySatisfy(url -> assertThat(url.getPath()).isEqualTo("/dashboard/oauth2/code/dashboard"));
        Step page = signIn.last();
        assertThat(page.url().toString()).isEqualTo(baseUrl() + jobPage);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("name=\"jobledger-sign-in\" content=\"provider\"", ">bob<", "Sign out");
        assertThat(page.body()).doesNotContain("eyJ", "token-form", "Sign in (local)");
        assertThat(browser.cookiesOf(URI.create(baseUrl()))).containsOnlyKeys("SESSION");
        // The sign-out form continues to the provider: the pages' policy lets forms go there and nowhere else.
        assertThat(page.header("Content-Security-Policy")).contains("form-action 'self' " + PROVIDER.issuer() + ";");
    }

    @Test
    void aSignedInUserSeesHisOwnJobsOnlyAndSubmitsWithHisOwnIdentity() {
        HttpBrowser bob = signedIn(IdentityProvider.BOB);
        HttpBrowser ada = signedIn(IdentityProvider.ADA);

        String bobsJob = submit(bob);
        String adasJob = submit(ada);

        assertThat(json(get(bob, "/api/jobs/" + bobsJob)).path("userId").asText())
                .isEqualTo("bob");
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() ->
                        assertThat(get(bob, "/dashboard/fragments/jobs").body()).contains(bobsJob));
        assertThat(get(bob, "/dashboard/fragments/jobs").body()).doesNotContain(adasJob);
        assertThat(get(bob, "/api/jobs").body()).contains(bobsJob).doesNotContain(adasJob);
        assertThat(get(bob, "/api/jobs/" + adasJob).status()).isEqualTo(404);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() ->
                        assertThat(get(ada, "/dashboard/fragments/jobs").body()).contains(bobsJob, adasJob));
    }

    @Test
    void anAdminSeesTheOperationsPanelAndAUserWithoutJobAdminIsRefused() {
        HttpBrowser ada = signedIn(IdentityProvider.ADA);
        HttpBrowser bob = signedIn(IdentityProvider.BOB);

        Step adasPage = ada.open(baseUrl() + "/dashboard/operations").last();
        Step adasPanel = get(ada, "/dashboard/fragments/operations");
        Step bobsPanel = get(bob, "/dashboard/fragments/operations");

        assertThat(adasPage.body()).contains("data-admin=\"true\"");
        assertThat(adasPanel.status()).isEqualTo(200);
        assertThat(adasPanel.body()).contains("Event processors", "Dead-lettered jobs");
        assertThat(get(ada, "/api/admin/read-models/rebuild").status()).isEqualTo(200);
        assertThat(bob.open(baseUrl() + "/dashboard/operations").last().body()).contains("data-admin=\"false\"");
        assertThat(bobsPanel.status()).isEqualTo(403);
        assertThat(json(bobsPanel).path("detail").asText()).contains("permissions do not allow");
        assertThat(get(bob, "/api/admin/read-models/rebuild").status()).isEqualTo(403);
    }

    @Test
    void theApiRefusesASessionWhatItsUsersTokenDoesNotAllow() {
        HttpBrowser rita = signedIn(IdentityProvider.RITA);

        assertThat(get(rita, "/api/jobs").status()).isEqualTo(200);
        assertThat(call(rita, "POST", "/api/jobs", Map.of("jobType", "example")).status())
                .isEqualTo(403);
        assertThat(call(rita, "POST", "/internal/jobs/" + UUID.randomUUID() + "/attempts", Map.of("attempt", 1))
                        .status())
                .isEqualTo(403);
        assertThat(get(rita, "/actuator/prometheus").status()).isEqualTo(403);
    }

    @Test
    void aChangeThroughTheSessionWithoutItsCsrfTokenIsRefusedAsAnotherSiteWouldSendIt() {
        HttpBrowser bob = signedIn(IdentityProvider.BOB);
        String job = submit(bob);

        Step withoutToken = bob.call(
                "POST", baseUrl() + "/api/jobs/" + job + "/cancel", "{}", Map.of("Origin", "https://evil.test"));
        Step wrongToken =
                bob.call("POST", baseUrl() + "/api/jobs", "{\"jobType\":\"example\"}", Map.of("X-CSRF-TOKEN", "x"));

        assertThat(withoutToken.status()).isEqualTo(403);
        assertThat(json(withoutToken).path("detail").asText()).contains("CSRF token");
        assertThat(wrongToken.status()).isEqualTo(403);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(json(get(bob, "/api/jobs/" + job))
                                .path("status")
                                .asText())
                        .isEqualTo("PENDING"));
        assertThat(call(bob, "POST", "/api/jobs/" + job + "/cancel", Map.of()).status())
                .isEqualTo(200);
    }

    @Test
    void signingOutEndsTheSessionHereAndAtTheProvider() {
        HttpBrowser bob = signedIn(IdentityProvider.BOB);
        String session = bob.cookiesOf(URI.create(baseUrl())).get("SESSION");
        String csrf = bob.open(baseUrl() + "/dashboard").last().csrfToken();

        Navigation signOut = bob.submit(baseUrl() + "/dashboard/sign-out", Map.of("_csrf", csrf));

        assertThat(signOut.steps().get(1).url().toString()).startsWith(PROVIDER.issuer() + "/connect/logout?");
        assertThat(query(signOut.steps().get(1).url())).containsKeys("id_token_hint", "post_logout_redirect_uri");
        assertThat(signOut.last().url().toString()).isEqualTo(baseUrl() + "/dashboard/signed-out");
        assertThat(signOut.last().body()).contains("You are signed out");
        assertThat(bob.cookiesOf(URI.create(baseUrl()))).doesNotContainKey("SESSION");
        // The ended session is gone on the server, not only from this browser.
        assertThat(new HttpBrowser()
                        .call("GET", baseUrl() + "/api/jobs", null, Map.of("Cookie", "SESSION=" + session))
                        .status())
                .isEqualTo(401);
        // And at the provider: the next visit asks for the password again.
        assertThat(bob.open(baseUrl() + "/dashboard").last().url().toString()).startsWith(PROVIDER.issuer() + "/login");
    }

    @Test
    void aSessionKeepsItsIdFromRequestToRequestSoRequestsSentTogetherAreAllSignedIn() {
        HttpBrowser bob = signedIn(IdentityProvider.BOB);
        String session = bob.cookiesOf(URI.create(baseUrl())).get("SESSION");

        Step first = get(bob, "/dashboard/fragments/jobs");
        // A page's fragments and live streams, or a second tab, leave before the first answer arrives: same cookie.
        Step sentBeforeTheFirstAnswer = new HttpBrowser()
                .call("GET", baseUrl() + "/dashboard/fragments/jobs", null, Map.of("Cookie", "SESSION=" + session));

        assertThat(first.status()).isEqualTo(200);
        assertThat(sentBeforeTheFirstAnswer.status()).isEqualTo(200);
        assertThat(first.header("Set-Cookie")).isNull();
        assertThat(bob.cookiesOf(URI.create(baseUrl()))).containsEntry("SESSION", session);
    }

    @Test
    void anExpiringTokenIsRenewedWithTheRefreshTokenAndARevokedGrantSignsTheBrowserInAgain() {
        HttpBrowser sam = signedIn(IdentityProvider.SAM);
        int renewed = PROVIDER.refreshes("sam");

        assertThat(get(sam, "/api/jobs").status()).isEqualTo(200);
        assertThat(PROVIDER.refreshes("sam")).isGreaterThan(renewed);

        PROVIDER.revokeGrantsOf("sam");
        assertThat(get(sam, "/api/jobs").status()).isEqualTo(401);
        // The page starts the sign-in again; the provider's own session still stands, so no password is asked.
        Navigation again = sam.open(baseUrl() + "/dashboard/operations");
        assertThat(again.first().location()).endsWith("/dashboard/oauth2/authorization/dashboard");
        assertThat(again.last().url().toString()).isEqualTo(baseUrl() + "/dashboard/operations");
        assertThat(get(sam, "/api/jobs").status()).isEqualTo(200);
    }

    @Test
    void anAccessTokenTheApiWouldRefuseEndsTheSignInWithAReasonNotInALoop(CapturedOutput output) {
        HttpBrowser otto = new HttpBrowser();

        Step landed = signIn(otto, IdentityProvider.OTTO, "/dashboard").last();

        assertThat(landed.url().toString()).isEqualTo(baseUrl() + "/dashboard/signed-out?error=access_token_refused");
        assertThat(landed.body()).contains("access token is not one the service accepts");
        assertThat(get(otto, "/api/jobs").status()).isEqualTo(401);
        // The operator learns why from the log (which the check after each test searches for tokens).
        assertThat(output.getAll()).contains("Sign-in of otto refused", "The aud claim is not valid");
    }

    @Test
    void aCallbackThisBrowserDidNotStartIsRefused() {
        Navigation forged = new HttpBrowser()
                .open(baseUrl() + "/dashboard/oauth2/code/dashboard?code=stolen&state=" + UUID.randomUUID());

        assertThat(forged.last().url().toString())
                .isEqualTo(baseUrl() + "/dashboard/signed-out?error=authorization_request_not_found");
    }

    @Test
    void theLocalSignInDoesNotExistBesideTheProvider() {
        HttpBrowser browser = new HttpBrowser();

        assertThat(browser.call("GET", baseUrl() + "/dashboard/sign-in", null, Map.of())
                        .status())
                .isEqualTo(404);
        assertThat(browser.call("POST", baseUrl() + "/dashboard/sign-in?user=mallory", null, Map.of())
                        .status())
                .isEqualTo(404);
    }

    private static Map<String, String> query(URI url) {
        return Arrays.stream(url.getRawQuery().split("&"))
                .map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(
                        pair -> URLDecoder.decode(pair[0], StandardCharsets.UTF_8),
                        pair -> pair.length < 2 ? "" : URLDecoder.decode(pair[1], StandardCharsets.UTF_8)));
    }

    private static String write(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode json(Step step) {
        try {
            return JSON.readTree(step.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
