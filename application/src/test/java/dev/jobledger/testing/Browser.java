package dev.jobledger.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium for the dashboard's browser tests, from the operating system's packages (Debian: {@code chromium}
 * and {@code chromium-driver}; {@code .ci/run} installs them when it can). Nothing is downloaded at test time: without
 * both binaries the tests are skipped, and say so.
 */
public final class Browser {

    private Browser() {}

    /** Why the browser tests cannot run here, or empty when they can. */
    public static Optional<String> missing() {
        if (binary().isEmpty()) {
            return Optional.of("no Chromium binary (set CHROMIUM_BINARY, or apt-get install chromium)");
        }
        if (driver().isEmpty()) {
            return Optional.of("no chromedriver (set CHROMEDRIVER, or apt-get install chromium-driver)");
        }
        return Optional.empty();
    }

    public static ChromeDriver start() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binary().orElseThrow().toFile());
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--window-size=1280,1400");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(driver().orElseThrow().toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    private static Optional<Path> binary() {
        return first("CHROMIUM_BINARY", "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
    }

    private static Optional<Path> driver() {
        return first("CHROMEDRIVER", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
    }

    private static Optional<Path> first(String variable, String... candidates) {
        String configured = System.getenv(variable);
        return Stream.concat(Stream.ofNullable(configured), Stream.of(candidates))
                .map(Path::of)
                .filter(path -> Files.isExecutable(path) && new File(path.toString()).isFile())
                .findFirst();
    }
}
