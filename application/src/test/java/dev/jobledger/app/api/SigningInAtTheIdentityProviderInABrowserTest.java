package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.testing.Browser;
import dev.jobledger.testing.DashboardWithIdentityProvider;
import dev.jobledger.testing.HttpBrowser;
import dev.jobledger.testing.HttpBrowser.Step;
import dev.jobledger.testing.IdentityProvider;
import dev.jobledger.testing.IdentityProvider.Account;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The production sign-in in headless Chromium: the provider's login form, the dashboard's script working from the
 * session cookie (fragments, live stream, a change with the CSRF token), and sign-out through the provider under the
 * pages' Content-Security-Policy. Skipped, with a line saying so, where no Chromium is installed.
 */
class SigningInAtTheIdentityProviderInABrowserTest extends DashboardWithIdentityProvider {

    private static ChromeDriver browser;

    @BeforeAll
    static void startBrowser() {
        Optional<String> missing = Browser.missing();
        if (missing.isPresent()) {
            System.out.println("SKIPPED browser tests of the dashboard's sign-in: " + missing.get());
        }
        Assumptions.assumeTrue(missing.isEmpty(), () -> "No browser: " + missing.orElse(""));
        browser = Browser.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void forgetEverySession() {
        browser.executeCdpCommand("Network.clearBrowserCookies", Map.of());
    }

    private WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(100));
    }

    private void awaitText(String css, String text) {
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
    }

    private void signIn(Account account, String page) {
        browser.get(baseUrl() + page);
        waiting().until(ExpectedConditions.urlContains(PROVIDER.issuer() + "/login"));
        browser.findElement(By.id("username")).sendKeys(account.name());
        browser.findElement(By.id("password")).sendKeys(IdentityProvider.PASSWORD);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        waiting().until(ExpectedConditions.urlToBe(baseUrl() + page));
    }

    @Test
    void anAdminSignsInFollowsAJobLiveCancelsItAndSignsOut() {
        signIn(IdentityProvider.ADA, "/dashboard");
        awaitText("#who", "ada");
        assertThat(browser.findElement(By.cssSelector("nav a.admin-only")).isDisplayed())
                .isTrue();
        awaitText("#live", "live");

        String job = submitAs(IdentityProvider.ADA);
        awaitText("#jobs", job.substring(0, 8));

        browser.get(baseUrl() + "/dashboard/jobs/" + job);
        awaitText("#job-summary", "PENDING");
        // The live page may re-render the summary between finding the button and clicking it: find it again then.
        waiting().ignoring(StaleElementReferenceException.class).until(page -> {
            page.findElement(By.cssSelector("button[data-action=cancel]")).click();
            return true;
        });
        waiting().until(ExpectedConditions.alertIsPresent()).sendKeys("not needed after all");
        browser.switchTo().alert().accept();
        awaitText("#job-summary", "CANCELLED");
        assertThat((String) browser.executeScript("return JSON.stringify(sessionStorage)"))
                .doesNotContain("eyJ");

        browser.findElement(By.id("sign-out")).click();
        waiting().until(ExpectedConditions.urlToBe(baseUrl() + "/dashboard/signed-out"));
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("You are signed out");
        browser.get(baseUrl() + "/dashboard");
        waiting().until(ExpectedConditions.urlContains(PROVIDER.issuer() + "/login"));
    }

    @Test
    void aSignOutEndsSignedOutEvenWhenThePageHearsItsSessionEndOnTheWay() {
        signIn(IdentityProvider.ADA, "/dashboard");
        String job = submitAs(IdentityProvider.ADA);
        browser.get(baseUrl() + "/dashboard/jobs/" + job);
        awaitText("#job-summary", "PENDING");

        // The page keeps asking for fragments as a live page does after a change; those sent once the session has
        // ended are refused (401) while the browser is still on its way through the provider to the signed-out page.
        browser.executeScript("const summary = document.getElementById('job-summary');"
                + "setInterval(() => htmx.trigger(summary, 'refresh'), 5);"
                + "document.getElementById('sign-out').click();");

        waiting().until(ExpectedConditions.urlToBe(baseUrl() + "/dashboard/signed-out"));
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("You are signed out");
    }

    @Test
    void aUserWithoutJobAdminSeesNoOperationsAndIsRefusedThePanel() {
        signIn(IdentityProvider.BOB, "/dashboard/operations");

        awaitText("#flash", "Your permissions do not allow this");
        assertThat(browser.findElement(By.cssSelector("nav a.admin-only")).isDisplayed())
                .isFalse();
        assertThat(browser.findElement(By.id("operations")).getText()).doesNotContain("Event processors");
    }

    /** Submits an example job through a session of the account's own (the dashboard has no submit form). */
    private String submitAs(Account account) {
        HttpBrowser other = new HttpBrowser();
        Step login = other.open(baseUrl() + "/dashboard").last();
        other.submit(
                PROVIDER.issuer() + "/login",
                Map.of("username", account.name(), "password", IdentityProvider.PASSWORD, "_csrf", login.csrfToken()));
        String csrf = other.open(baseUrl() + "/dashboard").last().csrfToken();
        Step answer =
                other.call("POST", baseUrl() + "/api/jobs", "{\"jobType\":\"example\"}", Map.of("X-CSRF-TOKEN", csrf));
        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        Matcher id = Pattern.compile("\"jobId\":\"([0-9a-f-]{36})\"").matcher(answer.body());
        assertThat(id.find()).isTrue();
        return id.group(1);
    }
}
