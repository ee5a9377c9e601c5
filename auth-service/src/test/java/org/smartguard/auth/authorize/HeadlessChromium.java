package org.smartguard.auth.authorize;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver. Both paths are given explicitly, so Selenium
 * Manager never runs (it would try to download a browser). {@code ./suite test} installs both packages and exports
 * SUITE_CHROMIUM and SUITE_CHROMEDRIVER; without them the Debian paths are used. A missing binary fails the test.
 */
final class HeadlessChromium implements AutoCloseable {

    /** How long a page, or anything a test waits for, may take. */
    static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final Path profile;
    private final WebDriver driver;

    private HeadlessChromium(Path profile, WebDriver driver) {
        this.profile = profile;
        this.driver = driver;
    }

    static HeadlessChromium start() {
        Path chromium = binary("SUITE_CHROMIUM", "/usr/bin/chromium", "chromium");
        Path chromedriver = binary("SUITE_CHROMEDRIVER", "/usr/bin/chromedriver", "chromium-driver");
        Path profile;
        try {
            profile = Files.createTempDirectory("smartguard-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        // The flags this machine needs: no sandbox as root, and no background connections to Google's hosts.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(TIMEOUT).scriptTimeout(TIMEOUT);
        return new HeadlessChromium(profile, driver);
    }

    WebDriver driver() {
        return driver;
    }

    WebDriverWait waiting() {
        return new WebDriverWait(driver, TIMEOUT, Duration.ofMillis(50));
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteProfile();
        }
    }

    private void deleteProfile() {
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path binary(String variable, String debianPath, String debianPackage) {
        String configured = System.getenv(variable);
        Path path = Path.of(configured == null || configured.isBlank() ? debianPath : configured);
        if (!Files.isExecutable(path)) {
            fail(path + " (" + variable + ") is missing or not executable: the browser tests need Debian's " + debianPackage
                    + " package; run them with ./suite test, which installs it, or apt-get install chromium chromium-driver");
        }
        return path;
    }
}
