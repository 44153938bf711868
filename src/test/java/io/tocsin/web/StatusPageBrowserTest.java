package io.tocsin.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.testing.HeadlessChromium;
import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.MutableClock;
import io.tocsin.testing.TestClockConfig;
import io.tocsin.testing.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * In a real browser at phone width: a status update posted on a public incident is on the public
 * status page (no sign-in, nothing blocked by the Content-Security-Policy, nothing wider than the
 * screen); once resolved, its drafted postmortem opens from the incident page and is edited there.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + StatusPageBrowserTest.TOKEN,
        "tocsin.config.path=src/test/resources/orgs/status",
        "tocsin.admin-token-file=target/test-admin-token",
        "tocsin.timers.poll-interval=50ms",
        "tocsin.postmortem.reminders=false"})
@Import(TestClockConfig.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class StatusPageBrowserTest {
    static final String TOKEN = "status-browser-token-0123456789";
    static final String CHECKOUT = "e5555555555555555555555555555555";

    static HeadlessChromium chromium;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.use(registry, TestDatabases.h2());
    }

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @BeforeAll
    static void startBrowser() {
        chromium = HeadlessChromium.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (chromium != null) {
            chromium.close();
            chromium = null;
        }
    }

    String base() {
        return "http://localhost:" + port;
    }

    @Test
    void anUpdateOnAPublicIncidentIsOnTheStatusPageAndItsDraftedPostmortemOpensFromTheIncident() {
        clock.set(Instant.parse("2026-12-04T14:00:00Z"));
        HttpCalls api = new HttpCalls(base(), TOKEN);
        String dedup = "browser-" + System.nanoTime();
        assertThat(api.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", CHECKOUT, "event_action", "trigger", "dedup_key", dedup,
                "payload", Map.of("summary", "payments-db replica lag", "source", "prometheus", "severity", "critical"))).status()).isEqualTo(202);
        long id = -1;
        for (JsonNode i : api.get("/api/v1/incidents?limit=100").json()) {
            if (dedup.equals(i.path("dedup_key").asString())) {
                id = Long.parseLong(i.path("id").asString().substring(4));
            }
        }
        assertThat(id).isPositive();
        HttpCalls alice = api.asPerson("alice");
        assertThat(alice.postJson("/api/v1/incidents/" + id + "/acknowledge", "{}").status()).isEqualTo(200);
        assertThat(alice.postJson("/api/v1/incidents/" + id + "/updates", Map.of("status", "identified",
                "message", "Some card payments fail; we have found the cause", "impact", "About 1 in 5 payments fail")).status()).isEqualTo(200);

        WebDriver browser = chromium.driver();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));
        browser.get(base() + "/login");
        browser.manage().deleteAllCookies();
        browser.manage().logs().get(LogType.BROWSER);
        browser.manage().window().setSize(new Dimension(375, 800));
        browser.get(base() + "/status");
        WebElement card = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("incident-INC-" + id)));
        assertThat(card.getText()).contains("Critical: Checkout", "identified", "Some card payments fail; we have found the cause",
                "Impact: About 1 in 5 payments fail").doesNotContain("payments-db").doesNotContain("alice");
        assertThat(browser.findElement(By.id("component-checkout")).getText()).contains("Checkout").contains("Major outage");
        assertThat(browser.findElement(By.id("overall")).getText()).isEqualTo("Some services are affected");
        // Readable at phone width: nothing wider than the screen, and the stylesheet applied (not blocked by the CSP).
        JavascriptExecutor js = (JavascriptExecutor) browser;
        Number overflow = (Number) js.executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertThat(overflow.intValue()).isLessThanOrEqualTo(0);
        String border = (String) js.executeScript("return getComputedStyle(document.querySelector('.card')).borderTopStyle;");
        assertThat(border).isEqualTo("solid");
        List<String> console = browser.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage).toList();
        assertThat(console).noneMatch(m -> m.contains("Content Security Policy"));

        clock.set(Instant.parse("2026-12-04T15:00:00Z"));
        assertThat(alice.postJson("/api/v1/incidents/" + id + "/resolve", "{}").status()).isEqualTo(200);
        browser.manage().window().setSize(new Dimension(1200, 900));
        browser.get(base() + "/login");
        // alice signs in with her own token: the token is who acts
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).sendKeys(api.personalToken("alice"));
        browser.findElement(By.id("sign-in")).click();
        wait.until(ExpectedConditions.urlToBe(base() + "/ui"));
        browser.get(base() + "/ui/incidents/" + id);
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("postmortem-summary"))).getText())
                .isEqualTo("draft, owner alice, due 2026-12-09 17:00 GMT");
        browser.findElement(By.id("postmortem-link")).click();
        wait.until(ExpectedConditions.urlToBe(base() + "/ui/incidents/" + id + "/postmortem"));
        assertThat(browser.findElement(By.id("postmortem-status")).getText()).isEqualTo("draft");
        assertThat(browser.findElement(By.id("text-summary")).getAttribute("value")).contains("INC-" + id + " (SEV1, checkout)");
        assertThat(browser.findElement(By.id("text-impact")).getAttribute("value")).isEqualTo("About 1 in 5 payments fail");
        WebElement rootCause = browser.findElement(By.id("text-root_cause"));
        rootCause.clear();
        rootCause.sendKeys("Replica lag after a vacuum");
        browser.findElement(By.id("save")).click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("message"))).getText()).isEqualTo("postmortem saved");
        assertThat(browser.findElement(By.id("markdown")).getText()).contains("## Root cause").contains("Replica lag after a vacuum");
        JsonNode audit = api.get("/api/v1/audit?subject=incident/INC-" + id + "/postmortem").json();
        assertThat(audit.toString()).contains("\"action\":\"postmortem.edit\"").contains("\"via\":\"ui\"").contains("\"actor\":\"alice\"");
    }
}
