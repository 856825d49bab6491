package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.testing.Browser;
import dev.jobledger.testing.LedgerIntegrationTest;
import dev.jobledger.testing.Tokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in headless Chromium against the running service: the script, htmx and the live streams together.
 * Skipped, with a line saying so, where no Chromium is installed.
 */
class WatchingAJobInABrowserTest extends LedgerIntegrationTest {

    private static ChromeDriver browser;

    @BeforeAll
    static void startBrowser() {
        Optional<String> missing = Browser.missing();
        if (missing.isPresent()) {
            System.out.println("SKIPPED browser tests of the dashboard: " + missing.get());
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

    private void signIn(String token) {
        browser.get(baseUrl() + "/dashboard");
        ((JavascriptExecutor) browser).executeScript("sessionStorage.setItem('jobledger.token', arguments[0])", token);
    }

    private WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(100));
    }

    private void awaitText(String css, String text) {
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
    }

    private Object script(String code) {
        return ((JavascriptExecutor) browser).executeScript(code);
    }

    @Test
    void aJobPageShowsTheJobReachCompletedWithItsLogAndTimelineWithoutReloading() {
        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example", "payload", Map.of("rows", 2)));
        awaitJob(token, jobId, status("PENDING"));
        signIn(token);

        browser.get(baseUrl() + "/dashboard/jobs/" + jobId);
        awaitText("#job-summary", "PENDING");
        awaitText("#live", "live");
        script("window.stillTheSamePage = true");
        asWorker(jobId, "attempts", Map.of("attempt", 1, "messageId", "m-browser"));
        awaitText("#job-summary", "RUNNING");
        asWorker(
                jobId,
                "logs",
                Map.of("attempt", 1, "entries", List.of(Map.of("level", "WARNING", "message", "row 2 looks odd"))));
        asWorker(jobId, "progress", Map.of("attempt", 1, "processed", 1, "total", 2, "failed", 0));
        awaitText("#job-summary", "1 processed of 2");
        asWorker(jobId, "complete", Map.of("attempt", 1, "result", Map.of("imported", 2)));

        awaitText("#job-summary", "COMPLETED");
        awaitText("#job-logs", "row 2 looks odd");
        awaitText("#job-history", "JobCompleted");
        assertThat(browser.findElement(By.cssSelector("#job-history")).getText())
                .contains("Hash chain intact", "SQS message m-browser");
        assertThat(browser.findElement(By.cssSelector("#job-summary")).getText())
                .contains("\"imported\" : 2");
        assertThat(script("return window.stillTheSamePage")).isEqualTo(true);
        keepScreenshot("job-page.png");
    }

    /** The page as the test left it, in target/browser: what the README's screenshot is taken from. */
    private static void keepScreenshot(String name) {
        try {
            Path directory = Files.createDirectories(Path.of("target", "browser"));
            Files.write(directory.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theTimelineOpensTheJobAsItWasAtAnEvent() {
        String token = Tokens.user(newUser());
        String jobId = submit(token, Map.of("jobType", "example"));
        asWorker(jobId, "attempts", Map.of("attempt", 1));
        asWorker(jobId, "complete", Map.of("attempt", 1));
        awaitJob(token, jobId, status("COMPLETED"));
        signIn(token);
        browser.get(baseUrl() + "/dashboard/jobs/" + jobId);
        awaitText("#job-history", "JobSubmitted");

        // The live stream's first event re-renders the timeline: a button found just before may be replaced.
        waiting().ignoring(StaleElementReferenceException.class).until(driver -> {
            driver.findElements(By.cssSelector("#job-history [data-as-of]"))
                    .get(0)
                    .click();
            return true;
        });

        awaitText("#as-of", "As the ledger knew it");
        assertThat(browser.findElement(By.cssSelector("#as-of")).getText()).contains("PENDING");
    }

    @Test
    void theJobsListShowsANewJobWithoutReloadingAndFiltersByStatus() {
        String token = Tokens.user(newUser());
        String first = submit(token, Map.of("jobType", "example"));
        awaitJob(token, first, status("PENDING"));
        signIn(token);
        browser.get(baseUrl() + "/dashboard");
        awaitText("#jobs", first.substring(0, 8));
        awaitText("#live", "live");

        String second = submit(token, Map.of("jobType", "example"));
        api.post("/api/jobs/" + second + "/cancel", token, Map.of());

        awaitText("#jobs", second.substring(0, 8));
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.name("status")))
                .selectByVisibleText("CANCELLED");
        waiting().until(driver -> !textOf(driver, "#jobs").contains(first.substring(0, 8)));
        assertThat(textOf(browser, "#jobs")).contains(second.substring(0, 8));
    }

    @Test
    void anotherUsersJobPageShowsNothingOfTheJob() {
        String alice = Tokens.user(newUser());
        String jobId = submit(alice, Map.of("jobType", "example", "payload", Map.of("secret", "alices")));
        awaitJob(alice, jobId, status("PENDING"));
        signIn(Tokens.user(newUser()));

        browser.get(baseUrl() + "/dashboard/jobs/" + jobId);

        awaitText("#flash", "was not found");
        assertThat(browser.getPageSource()).doesNotContain("alices");
    }

    private static String textOf(WebDriver driver, String css) {
        return driver.findElement(By.cssSelector(css)).getText();
    }
}
