package io.tocsin.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.testing.HeadlessChromium;
import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.TestClockConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.JsonNode;

/**
 * The 03:00 path in a real browser: sign in with a token, see the incident a monitor just opened,
 * acknowledge and resolve it, and find the timeline naming the person and "ui".
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + UiFlowContract.TOKEN,
        "tocsin.config.path=src/test/resources/orgs/acme",
        "tocsin.admin-token-file=target/test-admin-token",
        "tocsin.timers.poll-interval=50ms"})
@Import(TestClockConfig.class)
// No other test class shares this context; closing it gives its database connections back to the suite.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
abstract class UiFlowContract {
    static final String TOKEN = "ui-test-token-0123456789";
    static final String KEY = "a1111111111111111111111111111111";

    static HeadlessChromium chromium;

    @LocalServerPort
    int port;

    HttpCalls api;
    WebDriver browser;
    WebDriverWait wait;

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

    @BeforeEach
    void setUp() {
        api = new HttpCalls(base(), TOKEN);
        browser = chromium.driver();
        wait = new WebDriverWait(browser, Duration.ofSeconds(10));
        // Each case starts signed out: the session cookie is the only state the browser keeps.
        browser.get(base() + "/login");
        browser.manage().deleteAllCookies();
    }

    String base() {
        return "http://localhost:" + port;
    }

    /** Opens an incident the way a monitor does, over HTTP, and answers its number. */
    long openIncident(String summary) {
        String dedup = "ui-" + System.nanoTime();
        HttpCalls.Answer a = api.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", KEY, "event_action", "trigger",
                "dedup_key", dedup, "payload", Map.of("summary", summary, "source", "prometheus", "severity", "critical")));
        assertThat(a.status()).as(a.body()).isEqualTo(202);
        for (JsonNode i : api.get("/api/v1/incidents?limit=1000").json()) {
            if (dedup.equals(i.path("dedup_key").asString())) {
                return Long.parseLong(i.path("id").asString().substring(4));
            }
        }
        throw new AssertionError("no incident with dedup key " + dedup);
    }

    void signIn(String token, String person) {
        browser.get(base() + "/login");
        browser.findElement(By.id("token")).sendKeys(token);
        if (person != null) {
            browser.findElement(By.id("person")).sendKeys(person);
        }
        browser.findElement(By.id("sign-in")).click();
    }

    WebElement waitFor(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    @Test
    void anUnauthenticatedVisitIsSentToTheLoginPage() {
        browser.get(base() + "/ui");
        wait.until(ExpectedConditions.urlToBe(base() + "/login"));
        assertThat(browser.findElement(By.id("token")).getAttribute("type")).isEqualTo("password");
        browser.get(base() + "/ui/incidents/1");
        wait.until(ExpectedConditions.urlToBe(base() + "/login"));
    }

    @Test
    void aWrongTokenIsRefusedWithAVisibleMessage() {
        signIn("not-a-real-token", "carol");
        assertThat(waitFor(By.id("error")).getText()).isEqualTo("That token is not valid.");
        assertThat(browser.getPageSource()).doesNotContain("not-a-real-token");
        browser.get(base() + "/ui");
        wait.until(ExpectedConditions.urlToBe(base() + "/login"));
    }

    @Test
    void aPersonWhoIsNotInTheOrganisationIsRefused() {
        signIn(TOKEN, "mallory");
        assertThat(waitFor(By.id("error")).getText()).contains("not in the organisation");
    }

    @Test
    void signingInAsCarolShowsTheIncidentAMonitorOpened() {
        long id = openIncident("Checkout latency above 2s");
        signIn(TOKEN, "carol@example.com");
        wait.until(ExpectedConditions.urlToBe(base() + "/ui"));
        assertThat(waitFor(By.id("person")).getText()).isEqualTo("carol");
        assertThat(browser.findElement(By.cssSelector("header .org")).getText()).isEqualTo("Acme Test Org");
        WebElement row = waitFor(By.id("incident-" + id));
        assertThat(row.getText()).contains("INC-" + id, "P1", "api", "Checkout latency above 2s", "TRIGGERED",
                // opened at 01:00Z, shown in the organisation's zone (Bucharest)
                "2026-03-29 04:00");
        // The list refreshes itself from a fragment every 15 s.
        assertThat(browser.findElement(By.id("open-incidents")).getAttribute("hx-trigger")).isEqualTo("every 15s");
    }

    @Test
    void carolAcknowledgesAndResolvesAndTheTimelineSaysSheDidItInTheUi() {
        long id = openIncident("Database connections exhausted");
        signIn(TOKEN, "carol");
        waitFor(By.id("incident-" + id)).findElement(By.linkText("INC-" + id)).click();
        wait.until(ExpectedConditions.urlToBe(base() + "/ui/incidents/" + id));
        assertThat(waitFor(By.id("status")).getText()).isEqualTo("TRIGGERED");
        assertThat(browser.findElement(By.id("summary")).getText()).isEqualTo("Database connections exhausted");
        assertThat(browser.findElement(By.id("engaged")).getText()).contains("carol");
        // P1's response targets as clocks: 5 minutes to acknowledge, 15 to the first update, an hour to resolve.
        assertThat(browser.findElement(By.id("targets")).getText()).contains("acknowledge 5m").contains("first update 15m")
                .contains("resolve 1h").contains("left");

        browser.findElement(By.id("acknowledge")).click();
        wait.until(ExpectedConditions.textToBe(By.id("status"), "ACKNOWLEDGED"));
        assertThat(browser.findElement(By.id("targets")).getText()).contains("acknowledge 5m met at");
        assertThat(browser.findElement(By.id("message")).getText()).isEqualTo("acknowledged by carol");
        assertThat(browser.findElement(By.id("acknowledged-by")).getText()).isEqualTo("carol");
        assertThat(timelineRows()).contains(List.of("ACKNOWLEDGED", "carol", "ui"));

        JsonNode detail = api.get("/api/v1/incidents/" + id).json();
        assertThat(detail.path("incident").path("status").asString()).isEqualTo("ACKNOWLEDGED");
        assertThat(detail.path("timeline").toString()).contains("\"kind\":\"ACKNOWLEDGED\",\"actor\":\"carol\",\"via\":\"ui\"");

        browser.findElement(By.id("acknowledge")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "already acknowledged by carol"));
        assertThat(browser.findElement(By.id("message")).getText()).startsWith("no change: already acknowledged by carol");

        browser.findElement(By.id("resolve")).click();
        wait.until(ExpectedConditions.textToBe(By.id("status"), "RESOLVED"));
        assertThat(browser.findElement(By.id("message")).getText()).isEqualTo("resolved by carol");
        assertThat(browser.findElements(By.id("acknowledge"))).isEmpty();
        assertThat(timelineRows()).contains(List.of("RESOLVED", "carol", "ui"));
        assertThat(api.get("/api/v1/incidents/" + id).json().path("incident").path("status").asString()).isEqualTo("RESOLVED");

        browser.get(base() + "/ui");
        waitFor(By.id("open-incidents"));
        assertThat(browser.findElements(By.id("incident-" + id))).isEmpty();
    }

    @Test
    void theIncidentPageShowsTheEventsDetailsAndOnlyWebAddressesAsLinksWithoutSensitiveValues() {
        String dedup = "ui-details-" + System.nanoTime();
        HttpCalls.Answer a = api.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", KEY, "event_action", "trigger",
                "dedup_key", dedup, "payload", Map.of("summary", "refunds failing for jane@customer.example", "source", "payments",
                        "severity", "critical", "custom_details", Map.of("customer_email", "jane@customer.example", "order", "A-77",
                                "customer", Map.of("tier", "gold"))),
                "links", List.of(Map.of("href", "https://runbooks.example/refunds", "text", "Refund runbook"),
                        Map.of("href", "javascript:alert(document.cookie)", "text", "<img src=x onerror=alert(1)>"))));
        assertThat(a.status()).as(a.body()).isEqualTo(202);
        long id = -1;
        for (JsonNode i : api.get("/api/v1/incidents?limit=1000").json()) {
            if (dedup.equals(i.path("dedup_key").asString())) {
                id = Long.parseLong(i.path("id").asString().substring(4));
            }
        }
        signIn(TOKEN, "carol");
        wait.until(ExpectedConditions.urlToBe(base() + "/ui"));
        assertThat(waitFor(By.id("incident-" + id)).getText()).contains("refunds failing for [redacted]").doesNotContain("jane@");
        browser.get(base() + "/ui/incidents/" + id);
        assertThat(waitFor(By.id("summary")).getText()).isEqualTo("refunds failing for [redacted]");
        List<List<String>> details = browser.findElements(By.cssSelector("#event-details tr.detail")).stream()
                .map(r -> List.of(r.findElement(By.className("key")).getText(), r.findElement(By.className("value")).getText())).toList();
        assertThat(details).containsExactlyInAnyOrder(List.of("order", "A-77"), List.of("customer.tier", "gold"));
        List<WebElement> anchors = browser.findElements(By.cssSelector("#event-links a"));
        assertThat(anchors).hasSize(1);
        assertThat(anchors.get(0).getText()).isEqualTo("Refund runbook");
        assertThat(anchors.get(0).getAttribute("href")).isEqualTo("https://runbooks.example/refunds");
        // The other address is not a web address: its words are shown, escaped, and nothing is a link or markup.
        assertThat(browser.findElement(By.id("event-links")).getText()).contains("<img src=x onerror=alert(1)>");
        assertThat(browser.findElements(By.cssSelector("#event-links img"))).isEmpty();
        assertThat(browser.getPageSource()).doesNotContain("jane@customer.example").doesNotContain("javascript:");
    }

    @Test
    void theUiWorksUnderItsContentSecurityPolicyWithoutOneViolation() {
        long id = openIncident("Disk almost full");
        browser.manage().logs().get(LogType.BROWSER);
        signIn(TOKEN, "carol");
        wait.until(ExpectedConditions.urlToBe(base() + "/ui"));
        waitFor(By.id("incident-" + id));
        browser.get(base() + "/ui/incidents/" + id);
        waitFor(By.id("acknowledge"));
        JavascriptExecutor page = (JavascriptExecutor) browser;
        // htmx loaded and acts: the button swaps the incident in place instead of loading a new page.
        assertThat(page.executeScript("return typeof htmx")).isEqualTo("object");
        page.executeScript("window.stillTheSamePage = true");
        browser.findElement(By.id("acknowledge")).click();
        wait.until(ExpectedConditions.textToBe(By.id("status"), "ACKNOWLEDGED"));
        assertThat(page.executeScript("return window.stillTheSamePage === true")).isEqualTo(true);
        browser.get(base() + "/login");
        waitFor(By.id("token"));
        List<String> console = browser.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage).toList();
        assertThat(console).noneMatch(m -> m.contains("Content Security Policy") || m.contains("Content-Security-Policy"));
    }

    @Test
    void anUnknownIncidentIsAPageThatSaysNotFound() {
        signIn(TOKEN, null);
        wait.until(ExpectedConditions.urlToBe(base() + "/ui"));
        // Without a person the token's name acts.
        assertThat(waitFor(By.id("person")).getText()).isEqualTo("admin");
        browser.get(base() + "/ui/incidents/987654321");
        assertThat(waitFor(By.id("not-found")).getText()).isEqualTo("Not found");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("Incident 987654321 does not exist");
        browser.get(base() + "/ui/incidents/not-a-number");
        assertThat(waitFor(By.id("not-found")).getText()).isEqualTo("Not found");
    }

    /** Each timeline row as (kind, actor, via). */
    List<List<String>> timelineRows() {
        return browser.findElements(By.cssSelector("#timeline tr.entry")).stream()
                .map(r -> List.of(r.findElement(By.className("kind")).getText(), r.findElement(By.className("actor")).getText(),
                        r.findElement(By.className("via")).getText()))
                .toList();
    }

    /**
     * Issue 12, part 1 in the browser: a person signs in with the password an admin set, issues a
     * read-only token of their own on "Your access", sees it once, finds it refused a change and
     * revokes it; a personal token cannot sign in as someone else.
     */
    @Test
    void aPersonSignsInWithAPasswordAndManagesTheirOwnTokens() throws Exception {
        assertThat(api.put("/api/v1/people/bob/password", Map.of("password", "bob's browser password")).status()).isEqualTo(200);
        browser.get(base() + "/login");
        browser.findElement(By.id("password-person")).sendKeys("bob@example.com");
        browser.findElement(By.id("password")).sendKeys("bob's browser password");
        browser.findElement(By.id("sign-in-password")).click();
        wait.until(ExpectedConditions.urlToBe(base() + "/ui"));
        assertThat(waitFor(By.id("person")).getText()).isEqualTo("bob");

        browser.findElement(By.linkText("Your access")).click();
        waitFor(By.id("token-name")).sendKeys("bob-dashboard");
        browser.findElement(By.id("scope-write")).click();
        browser.findElement(By.id("issue")).click();
        String secret = waitFor(By.id("new-token")).getText();
        assertThat(secret).hasSizeGreaterThan(30);
        WebElement row = browser.findElements(By.cssSelector("#tokens tbody tr")).stream()
                .filter(r -> r.getText().contains("bob-dashboard")).findFirst().orElseThrow();
        assertThat(row.getText()).contains("bob").contains("read").doesNotContain("write");
        java.nio.file.Files.createDirectories(java.nio.file.Path.of("target/screenshots"));
        java.nio.file.Files.write(java.nio.file.Path.of("target/screenshots/ui-your-access-" + getClass().getSimpleName() + ".png"),
                ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(org.openqa.selenium.OutputType.BYTES));

        HttpCalls dashboard = api.withToken(secret);
        assertThat(dashboard.get("/api/v1/incidents").status()).isEqualTo(200);
        long id = openIncident("Read-only tokens change nothing");
        assertThat(dashboard.postJson("/api/v1/incidents/" + id + "/acknowledge", "{}").status()).isEqualTo(403);

        browser.findElement(By.id(row.getAttribute("id").replace("token-", "revoke-"))).click();
        assertThat(waitFor(By.id("notice")).getText()).contains("is revoked");
        assertThat(dashboard.get("/api/v1/incidents").status()).isEqualTo(401);
        // the page never shows the secret again
        assertThat(browser.getPageSource()).doesNotContain(secret);

        String alices = api.postJson("/api/v1/tokens", Map.of("name", "alice-laptop", "person", "alice")).json().path("token").asString();
        browser.manage().deleteAllCookies();
        signIn(alices, "carol");
        assertThat(waitFor(By.id("error")).getText()).contains("cannot sign in as someone else");
        signIn(alices, null);
        wait.until(ExpectedConditions.urlToBe(base() + "/ui"));
        assertThat(waitFor(By.id("person")).getText()).isEqualTo("alice");
    }
}
