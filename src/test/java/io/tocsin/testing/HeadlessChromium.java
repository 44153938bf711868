package io.tocsin.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's chromium driven through Debian's chromedriver. Both paths are given explicitly so Selenium
 * Manager never runs: it would try to download a browser and a driver, and this machine reaches
 * package registries only. With CI=true a missing browser fails the run (.ci/run installs it);
 * elsewhere the browser tests are skipped with the reason.
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final String BROWSER = System.getenv().getOrDefault("TOCSIN_TEST_CHROMIUM", "/usr/bin/chromium");
    public static final String DRIVER = System.getenv().getOrDefault("TOCSIN_TEST_CHROMEDRIVER", "/usr/bin/chromedriver");

    private final ChromeDriver driver;
    private final Path profile;

    private HeadlessChromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    public ChromeDriver driver() {
        return driver;
    }

    @java.lang.Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // a leftover profile in the temp directory is harmless
            }
        }
    }

    public static void require() {
        for (String binary : new String[] {BROWSER, DRIVER}) {
            if (!Files.isExecutable(Path.of(binary))) {
                String why = binary + " is missing: install Debian's chromium and chromium-driver "
                        + "(apt-get install chromium chromium-driver)";
                if (TestDatabases.ci()) {
                    Assertions.fail(why + " (CI=true: the browser tests are mandatory)");
                }
                Assumptions.abort(why);
            }
        }
    }

    /** A fresh browser with its own profile directory, so no cookie or cache leaks between test classes. */
    public static HeadlessChromium start() {
        require();
        // Read by Selenium before it would ever consult Selenium Manager.
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, DRIVER);
        Path profile;
        try {
            profile = Files.createTempDirectory("tocsin-chromium-");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a profile directory for chromium", e);
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,900", "--user-data-dir=" + profile);
        // The browser's console, so a test can see what the page's Content-Security-Policy refused.
        org.openqa.selenium.logging.LoggingPreferences logs = new org.openqa.selenium.logging.LoggingPreferences();
        logs.enable(org.openqa.selenium.logging.LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return new HeadlessChromium(driver, profile);
    }
}
