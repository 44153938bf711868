package io.tocsin.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.testing.HeadlessChromium;
import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.MonitorEvents;
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

    /** To read the deliveries queued without an incident (a swap notice), which no endpoint lists. */
    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

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
        return MonitorEvents.openIncident(api, KEY, "ui-", summary);
    }

    /** Signs in with a token, which acts as its owner: there is nobody else to name. */
    void signIn(String token) {
        browser.get(base() + "/login");
        browser.findElement(By.id("token")).sendKeys(token);
        browser.findElement(By.id("sign-in")).click();
    }

    /**
     * carol's own token, issued through the API as she would from the CLI, with every scope: the cases
     * signed in as her also visit the admin pages, which the admin token's scopes reached when it named her.
     */
    String carols() {
        return api.personalToken("carol", "read", "write", "admin");
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
        signIn("not-a-real-token");
        assertThat(waitFor(By.id("error")).getText()).isEqualTo("That token is not valid.");
        assertThat(browser.getPageSource()).doesNotContain("not-a-real-token");
        browser.get(base() + "/ui");
        wait.until(ExpectedConditions.urlToBe(base() + "/login"));
    }

    @Test
    void theTokenFormAsksForNobodyToActAs() {
        browser.get(base() + "/login");
        waitFor(By.id("token"));
        // the token is who acts: the form has no field to name anyone else, and says how a person gets their own
        assertThat(browser.findElements(By.id("person"))).isEmpty();
        assertThat(browser.findElement(By.id("token-form")).findElements(By.name("person"))).isEmpty();
        assertThat(browser.findElement(By.className("hint")).getText()).contains("tocsin token create NAME --person PERSON");
    }

    @Test
    void signingInAsCarolShowsTheIncidentAMonitorOpened() {
        long id = openIncident("Checkout latency above 2s");
        signIn(carols());
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
        signIn(carols());
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

        // Once acknowledged, the main button is the next step: there is no second "Acknowledge".
        assertThat(browser.findElements(By.id("acknowledge"))).isEmpty();
        assertThat(browser.findElement(By.id("resolve")).getAttribute("class")).contains("primary");
        // Times are in the viewer's zone, named: carol has none of her own, so the organisation's (Bucharest, summer time).
        assertThat(browser.findElement(By.id("timeline")).getText()).contains("EEST");

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
        signIn(carols());
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
        signIn(carols());
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
        signIn(TOKEN);
        wait.until(ExpectedConditions.urlToBe(base() + "/ui"));
        // The admin token acts as itself: its name.
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
     * revokes it; a personal token signs in as its person.
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
        signIn(alices);
        wait.until(ExpectedConditions.urlToBe(base() + "/ui"));
        assertThat(waitFor(By.id("person")).getText()).isEqualTo("alice");
    }

    /** Saves what the browser shows under target/screenshots, named by the case and the database. */
    void screenshot(String name) throws java.io.IOException {
        java.nio.file.Files.createDirectories(java.nio.file.Path.of("target/screenshots"));
        java.nio.file.Files.write(java.nio.file.Path.of("target/screenshots/ui-" + name + "-" + getClass().getSimpleName() + ".png"),
                ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
    }

    /** A datetime-local field's value as the browser would hold it after typing (typing its segments depends on the locale). */
    void setValue(String id, String value) {
        ((JavascriptExecutor) browser).executeScript("document.getElementById(arguments[0]).value = arguments[1]", id, value);
    }

    String text(String id) {
        return waitFor(By.id(id)).getText();
    }

    /**
     * Issue 12, part 4: on call now, per team and schedule, from the schedule the server pages from.
     * Sunday 29 March 04:00 in Bucharest is in the week that began Monday 23 March 09:00, the twelfth
     * since the rotation started on 5 January: primary's third participant (carol), secondary's (alice),
     * and nobody in business hours on a Sunday until Monday 09:00.
     */
    @Test
    void onCallNowShowsWhoUntilWhenAndWhoIsNextPerTeamAndSchedule() throws Exception {
        signIn(carols());
        wait.until(ExpectedConditions.urlToBe(base() + "/ui"));
        waitFor(By.id("nav-oncall")).click();
        wait.until(ExpectedConditions.urlToBe(base() + "/ui/oncall"));
        assertThat(text("oncall")).contains("times in Europe/Bucharest (EEST)");
        WebElement team = waitFor(By.id("team-backend"));
        assertThat(team.findElement(By.tagName("h2")).getText()).isEqualTo("Backend");
        assertThat(team.findElement(By.id("oncall-backend-primary")).findElement(By.tagName("h3")).getText()).isEqualTo("Backend on-call");
        assertThat(layerRow("oncall-backend-primary-primary")).containsExactly("Primary rotation", "Carol Radu", "Mon 30 Mar 09:00 EEST", "Alice Ionescu");
        assertThat(layerRow("oncall-backend-primary-secondary")).containsExactly("secondary", "Alice Ionescu", "Mon 30 Mar 09:00 EEST", "Bob Popescu");
        assertThat(layerRow("oncall-backend-primary-business-hours")).containsExactly("business-hours", "nobody", "Mon 30 Mar 09:00 EEST", "Dan Georgescu");
        // the same answer as the API's, which asks the schedule the server pages from
        JsonNode api = this.api.get("/api/v1/schedules/backend-primary/oncall").json();
        assertThat(api.path("layers").get(0).path("person").asString()).isEqualTo("carol");
        assertThat(browser.findElement(By.id("oncall")).getAttribute("hx-trigger")).isEqualTo("every 60s");
        screenshot("oncall");
    }

    /** One row of an on-call table: layer, who, until, next. */
    List<String> layerRow(String id) {
        WebElement row = waitFor(By.id(id));
        return List.of(row.findElement(By.tagName("th")).getText(), row.findElement(By.className("who")).getText(),
                row.findElement(By.className("until")).getText(), row.findElement(By.className("next")).getText());
    }

    /**
     * An override made on the schedule's page: a refused one comes back with its problem next to the
     * field and changes nothing; an accepted one shows in the calendar, marked, and in who is on call
     * now, on the page and in the API; removing it gives the shift back.
     */
    @Test
    void anOverrideMadeOnTheSchedulePageChangesTheCalendarAndWhoIsOnCallNow() throws Exception {
        try {
            makeAndRemoveAnOverrideOnThePage();
        } finally {
            removeOverrides();
        }
    }

    /** The other cases expect the rotation itself: what a failed case left behind is taken away. */
    void removeOverrides() {
        for (JsonNode o : api.get("/api/v1/schedules/backend-primary/overrides").json()) {
            api.delete("/api/v1/schedules/backend-primary/overrides/" + o.path("id").asLong());
        }
    }

    void makeAndRemoveAnOverrideOnThePage() throws Exception {
        signIn(carols());
        wait.until(ExpectedConditions.urlToBe(base() + "/ui"));
        waitFor(By.id("nav-schedules")).click();
        waitFor(By.id("schedule-backend-primary")).click();
        wait.until(ExpectedConditions.urlToBe(base() + "/ui/schedules/backend-primary"));
        assertThat(layerRow("now-primary")).containsExactly("Primary rotation", "Carol Radu", "Mon 30 Mar 09:00 EEST", "Alice Ionescu");
        assertThat(text("calendar-heading")).isEqualTo("Week of Mon 23 Mar");
        assertThat(text("day-primary-2026-03-29")).contains("00:00–24:00").contains("Carol Radu").doesNotContain("override");

        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("override-person"))).selectByValue("bob");
        setValue("override-start", "2026-03-29T12:00");
        setValue("override-end", "2026-03-29T04:00");
        browser.findElement(By.id("create-override")).click();
        assertThat(text("override-end-problem")).isEqualTo("must be after start");
        assertThat(browser.findElement(By.id("override-end")).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.findElement(By.id("override-problems")).getText()).contains("not made");
        // what was typed is kept, and nothing was stored
        assertThat(browser.findElement(By.id("override-start")).getAttribute("value")).isEqualTo("2026-03-29T12:00");
        assertThat(api.get("/api/v1/schedules/backend-primary/overrides").json().size()).isZero();

        setValue("override-start", "2026-03-29T04:00");
        setValue("override-end", "2026-03-29T12:00");
        browser.findElement(By.id("override-reason")).sendKeys("carol is at the dentist");
        browser.findElement(By.id("create-override")).click();
        assertThat(text("message")).isEqualTo("Bob Popescu covers primary from Sun 29 Mar 04:00 EEST to Sun 29 Mar 12:00 EEST");
        WebElement day = waitFor(By.id("day-primary-2026-03-29"));
        List<String> pieces = day.findElements(By.cssSelector("li.piece")).stream().map(e -> e.getText().replaceAll("\\s+", " ")).toList();
        assertThat(pieces).containsExactly("00:00–04:00 Carol Radu", "04:00–12:00 Bob Popescu override", "12:00–24:00 Carol Radu");
        assertThat(day.findElements(By.cssSelector("li.piece.override"))).hasSize(1);
        assertThat(layerRow("now-primary")).containsExactly("Primary rotation", "Bob Popescu override", "Sun 29 Mar 12:00 EEST", "Carol Radu");
        assertThat(text("overrides")).contains("Bob Popescu").contains("carol is at the dentist").contains("carol");
        screenshot("schedule-override");

        JsonNode now = api.get("/api/v1/schedules/backend-primary/oncall?layer=primary").json().path("layers").get(0);
        assertThat(now.path("person").asString()).isEqualTo("bob");
        assertThat(now.path("override").asBoolean()).isTrue();
        JsonNode audit = api.get("/api/v1/audit?limit=20").json();
        assertThat(audit.toString()).contains("schedule.override.create").contains("\"via\":\"ui\"");

        browser.findElement(By.id("nav-oncall")).click();
        assertThat(layerRow("oncall-backend-primary-primary")).containsExactly("Primary rotation", "Bob Popescu override",
                "Sun 29 Mar 12:00 EEST", "Carol Radu");

        browser.get(base() + "/ui/schedules/backend-primary");
        waitFor(By.id("view-month")).click();
        assertThat(text("calendar-heading")).isEqualTo("March 2026");
        // March 2026 begins on a Sunday and ends on a Tuesday: six whole weeks, Monday 23 February to Sunday 5 April
        assertThat(browser.findElements(By.cssSelector("#calendar-primary li.day"))).hasSize(42);
        assertThat(browser.findElement(By.id("day-primary-2026-02-23")).getAttribute("class")).contains("outside");
        assertThat(text("day-primary-2026-03-29").replaceAll("\\s+", " ")).contains("04:00–12:00 Bob Popescu override");
        assertThat(browser.findElement(By.id("day-primary-2026-03-29")).getAttribute("class")).contains("today");
        screenshot("schedule-month");

        long id = api.get("/api/v1/schedules/backend-primary/overrides").json().get(0).path("id").asLong();
        browser.findElement(By.id("delete-override-" + id)).click();
        assertThat(text("message")).isEqualTo("override " + id + " removed");
        assertThat(layerRow("now-primary")).containsExactly("Primary rotation", "Carol Radu", "Mon 30 Mar 09:00 EEST", "Alice Ionescu");
    }

    /** A swap asked for on the page, accepted (it becomes an override in the counterpart's name) and another declined. */
    @Test
    void aSwapIsAskedForAcceptedAndAnotherDeclinedOnTheSchedulePage() throws Exception {
        try {
            askAcceptAndDeclineSwaps();
        } finally {
            removeOverrides();
        }
    }

    void askAcceptAndDeclineSwaps() throws Exception {
        signIn(carols());
        wait.until(ExpectedConditions.urlToBe(base() + "/ui"));
        browser.get(base() + "/ui/schedules/backend-primary");
        // the signed-in person asks by default
        assertThat(new org.openqa.selenium.support.ui.Select(waitFor(By.id("swap-requester"))).getFirstSelectedOption().getAttribute("value"))
                .isEqualTo("carol");
        browser.findElement(By.id("request-swap")).click();
        assertThat(text("swap-counterpart-problem")).isEqualTo("required");

        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("swap-counterpart"))).selectByValue("carol");
        browser.findElement(By.id("request-swap")).click();
        assertThat(text("swap-counterpart-problem")).isEqualTo("must be someone other than the requester");

        // next week's Wednesday evening, so that nothing about now changes
        long accepted = askSwap("bob", "2026-04-01T18:00", "2026-04-01T22:00");
        long declined = askSwap("alice", "2026-04-01T22:00", "2026-04-01T23:00");
        assertThat(text("swap-" + accepted)).contains("Carol Radu").contains("Bob Popescu").contains("requested");
        // the counterpart is told, by their contact method for notices, where to answer
        assertThat(notice("swap|" + accepted + "|requested")).containsExactly("bob", "email",
                "Carol Radu asks you to cover Backend on-call, layer primary, from Wed 1 Apr 18:00 to Wed 1 Apr 22:00 (Europe/Bucharest).\n"
                        + "Accept or decline it on the schedule's page: " + base() + "/ui/schedules/backend-primary");
        browser.findElement(By.id("accept-swap-" + accepted)).click();
        assertThat(text("message")).isEqualTo("swap " + accepted + " accepted");
        assertThat(text("swap-" + accepted)).contains("accepted by carol");
        assertThat(notice("swap|" + accepted + "|accepted")).containsExactly("carol", "email",
                "Bob Popescu accepted to cover Backend on-call, layer primary, from Wed 1 Apr 18:00 to Wed 1 Apr 22:00 (Europe/Bucharest)"
                        + " (decided by carol).");
        browser.findElement(By.id("decline-swap-" + declined)).click();
        assertThat(text("swap-" + declined)).contains("declined by carol");
        assertThat(notice("swap|" + declined + "|declined").get(0)).isEqualTo("carol");
        browser.get(base() + "/ui/schedules/backend-primary?date=2026-04-01");
        assertThat(text("calendar-heading")).isEqualTo("Week of Mon 30 Mar");
        assertThat(text("day-primary-2026-04-01").replaceAll("\\s+", " ")).contains("18:00–22:00 Bob Popescu override")
                .contains("22:00–24:00 Alice Ionescu");
        assertThat(api.get("/api/v1/schedules/backend-primary/swaps").json().toString())
                .contains("\"status\":\"ACCEPTED\"").contains("\"status\":\"DECLINED\"");
        screenshot("schedule-swaps");
    }

    /** The swap notice queued under {@code key}: (person, channel, text). */
    List<String> notice(String key) {
        return jdbc.sql("SELECT person_id, channel, reason FROM notification WHERE kind = 'SWAP' AND idempotency_key = ?").param(key)
                .query((rs, i) -> List.of(rs.getString(1), rs.getString(2), rs.getString(3))).single();
    }

    long askSwap(String counterpart, String start, String end) {
        new org.openqa.selenium.support.ui.Select(waitFor(By.id("swap-counterpart"))).selectByValue(counterpart);
        setValue("swap-start", start);
        setValue("swap-end", end);
        browser.findElement(By.id("request-swap")).click();
        String message = text("message");
        assertThat(message).startsWith("swap ").contains("asked of");
        return Long.parseLong(message.split(" ")[1]);
    }

    /** The schedule's calendar feed: an address shown once, copied with a button, that a calendar app can read. */
    @Test
    void theSchedulesICalAddressIsIssuedOnThePageAndServesTheCalendar() throws Exception {
        signIn(carols());
        wait.until(ExpectedConditions.urlToBe(base() + "/ui"));
        browser.get(base() + "/ui/schedules/backend-primary");
        waitFor(By.id("issue-feed")).click();
        String url = waitFor(By.id("feed-url")).getAttribute("value");
        assertThat(url).contains("/ical/schedules/backend-primary.ics?token=");
        browser.findElement(By.id("copy-feed")).click();
        // Copied, or (a browser that refuses the clipboard) selected with the keys to press: either way the script ran.
        wait.until(d -> !d.findElement(By.id("copy-feed-done")).getText().isEmpty());
        assertThat(text("copy-feed-done")).matches("Copied\\.|Selected: press Ctrl\\+C.*");
        java.net.http.HttpResponse<String> feed = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(base() + url.substring(url.indexOf("/ical/")))).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(feed.statusCode()).isEqualTo(200);
        assertThat(feed.body()).contains("BEGIN:VCALENDAR").contains("Carol Radu on call (Backend on-call / primary)");
        // shown once: the page read again does not hold it
        browser.get(base() + "/ui/schedules/backend-primary");
        waitFor(By.id("issue-feed"));
        assertThat(browser.getPageSource()).doesNotContain(url.substring(url.indexOf("token=") + 6));
    }

    /** The escalation policy as a ladder: each level, when it starts, and whom it would reach now. */
    @Test
    void escalationPoliciesAreLaddersWithThePeopleEachLevelWouldReachNow() throws Exception {
        signIn(carols());
        wait.until(ExpectedConditions.urlToBe(base() + "/ui"));
        waitFor(By.id("nav-policies")).click();
        wait.until(ExpectedConditions.urlToBe(base() + "/ui/policies"));
        assertThat(text("policy-backend")).contains("Backend escalation").contains("Followed by api, legacy-billing, batch");
        List<WebElement> rungs = browser.findElements(By.cssSelector("#path-backend-technical ol.ladder > li.rung"));
        assertThat(rungs).hasSize(3);
        assertThat(text("rung-backend-technical-on-call")).contains("at once").contains("on call in backend-primary/primary").contains("Carol Radu");
        assertThat(text("rung-backend-technical-secondary")).contains("unacknowledged for 15m")
                .contains("on call in backend-primary/secondary").contains("Alice Ionescu");
        assertThat(text("rung-backend-technical-manager")).contains("unresolved for 1h").contains("(not stopped by acknowledging)")
                .contains("role engineering-manager").contains("Dan Georgescu");
        screenshot("policies");
    }

    /**
     * The new pages at a phone's width (375 px) scroll only downwards, are reached from the keyboard
     * (the first Tab is the skip link), and run under the Content-Security-Policy without a violation.
     */
    @Test
    void theNewPagesFitAPhoneWorkFromTheKeyboardAndKeepThePolicy() throws Exception {
        signIn(carols());
        wait.until(ExpectedConditions.urlToBe(base() + "/ui"));
        browser.manage().logs().get(LogType.BROWSER);
        JavascriptExecutor page = (JavascriptExecutor) browser;
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(375, 800));
        try {
            for (String path : List.of("/ui/oncall", "/ui/schedules", "/ui/schedules/backend-primary", "/ui/schedules/backend-primary?view=month",
                    "/ui/policies", "/ui", "/ui/history", "/ui/people", "/ui/admin", "/ui/admin/config/1")) {
                browser.get(base() + path);
                waitFor(By.id("main"));
                long inner = ((Number) page.executeScript("return window.innerWidth")).longValue();
                long wide = ((Number) page.executeScript("return document.documentElement.scrollWidth")).longValue();
                assertThat(wide).as(path + " is wider than the window").isLessThanOrEqualTo(inner);
                assertThat(page.executeScript("return typeof htmx")).as(path).isEqualTo("object");
            }
            browser.get(base() + "/ui/schedules/backend-primary");
            waitFor(By.id("main"));
            screenshot("schedule-375px");
        } finally {
            browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
        }
        browser.findElement(By.tagName("body")).sendKeys(org.openqa.selenium.Keys.TAB);
        WebElement focused = browser.switchTo().activeElement();
        assertThat(focused.getText()).isEqualTo("Skip to the content");
        focused.sendKeys(org.openqa.selenium.Keys.ENTER);
        wait.until(ExpectedConditions.urlContains("#main"));
        List<String> console = browser.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage).toList();
        assertThat(console).noneMatch(m -> m.contains("Content Security Policy") || m.contains("Content-Security-Policy"));
    }

    /**
     * The dashboard: open incidents grouped by severity with their clocks and who is engaged, filtered
     * by status, severity, service, team and text (the live refresh keeps the filter); resolved ones
     * searched in the history; the incident's timeline shows what people did on its own, and folds the
     * delivery reports away.
     */
    @Test
    void theDashboardGroupsFiltersAndSearchesAndTheTimelineFoldsDeliveries() throws Exception {
        String word = "zebra" + System.nanoTime();
        long kept = openIncident("Queue depth " + word + " rising");
        long other = openIncident("Cache hit ratio falling");
        signIn(carols());
        wait.until(ExpectedConditions.urlToBe(base() + "/ui"));
        WebElement row = waitFor(By.cssSelector("#severity-P1 #incident-" + kept));
        assertThat(text("severity-P1")).startsWith("P1 Critical");
        assertThat(row.findElement(By.className("clocks")).getText()).contains("acknowledge 5m: ").contains("left (due Sun");
        assertThat(row.findElement(By.className("engaged")).getText()).isEqualTo("carol");

        waitFor(By.id("filter-q")).sendKeys(word);
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("filter-team"))).selectByValue("backend");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("filter-status"))).selectByValue("TRIGGERED");
        browser.findElement(By.id("apply-filters")).click();
        wait.until(ExpectedConditions.urlContains("q=" + word));
        waitFor(By.id("incident-" + kept));
        assertThat(browser.findElements(By.id("incident-" + other))).isEmpty();
        // the refresh asks for the same filter
        assertThat(browser.findElement(By.id("open-incidents")).getAttribute("hx-get")).contains("q=" + word).contains("team=backend");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("filter-service"))).selectByValue("batch");
        browser.findElement(By.id("apply-filters")).click();
        assertThat(text("open-incidents")).isEqualTo("No open incidents match.");
        screenshot("dashboard-filtered");

        browser.get(base() + "/ui/incidents/" + kept);
        waitFor(By.id("acknowledge")).click();
        wait.until(ExpectedConditions.textToBe(By.id("status"), "ACKNOWLEDGED"));
        browser.findElement(By.id("timeline-people")).click();
        wait.until(ExpectedConditions.urlContains("show=people"));
        assertThat(timelineRows()).contains(List.of("ACKNOWLEDGED", "carol", "ui")).noneMatch(r -> r.get(1).equals("tocsin"));
        // Deliveries are reported on the timeline as the dispatcher tries them; by default they are folded away.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                api.get("/api/v1/incidents/" + kept).json().path("timeline").toString().contains("\"kind\":\"DELIVER"));
        browser.get(base() + "/ui/incidents/" + kept);
        WebElement folded = waitFor(By.id("deliveries"));
        assertThat(folded.getAttribute("open")).isNull();
        assertThat(timelineRows()).noneMatch(r -> r.get(0).startsWith("DELIVER"));
        browser.findElement(By.cssSelector("#deliveries summary")).click();
        assertThat(browser.findElements(By.cssSelector("#deliveries tr.delivery-entry"))).isNotEmpty();
        browser.findElement(By.id("timeline-deliveries")).click();
        wait.until(ExpectedConditions.urlContains("show=deliveries"));
        assertThat(timelineRows()).isNotEmpty().allMatch(r -> r.get(0).startsWith("DELIVER"));

        browser.get(base() + "/ui/incidents/" + kept);
        waitFor(By.id("resolve")).click();
        wait.until(ExpectedConditions.textToBe(By.id("status"), "RESOLVED"));
        browser.get(base() + "/ui");
        waitFor(By.id("history-link")).click();
        waitFor(By.id("history-q")).sendKeys(word);
        browser.findElement(By.id("search-history")).click();
        wait.until(ExpectedConditions.urlContains("q=" + word));
        assertThat(browser.findElements(By.cssSelector("#history tbody tr"))).hasSize(1);
        assertThat(text("resolved-" + kept)).contains("INC-" + kept).contains("EEST");
        screenshot("history");
    }

    /**
     * People: contact methods and notification rules as configured, and a test page sent from the page
     * with each contact method's answer; Admin: the configuration's versions and their source, the
     * audit log (narrowed to a subject) naming the test page, the dead letters and the switches.
     */
    @Test
    void peopleAndAdminPagesShowTheOrganisationAndItsRecord() throws Exception {
        signIn(carols());
        wait.until(ExpectedConditions.urlToBe(base() + "/ui"));
        waitFor(By.id("nav-people")).click();
        assertThat(text("person-alice")).contains("Alice Ionescu").contains("sms: sms +40700000001")
                .contains("high urgency: after 0m via sms").contains("low urgency: after 0m via email");
        browser.findElement(By.id("test-page-carol")).click();
        WebElement result = waitFor(By.id("test-result-carol"));
        List<WebElement> lines = result.findElements(By.cssSelector("tr.test-line"));
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).getText()).startsWith("email email");
        String outcome = lines.get(0).findElement(By.className("outcome")).getText();
        JsonNode recorded = api.get("/api/v1/audit?subject=person/carol&limit=5").json().get(0);
        assertThat(recorded.path("action").asString()).isEqualTo("person.test-page");
        assertThat(recorded.path("via").asString()).isEqualTo("ui");
        assertThat(recorded.path("after").path("results").get(0).path("outcome").asString()).isEqualTo(outcome);
        screenshot("people");

        browser.findElement(By.id("nav-admin")).click();
        assertThat(text("version-1")).contains("v1").contains("(active)");
        waitFor(By.id("audit-subject")).sendKeys("person/carol");
        browser.findElement(By.id("filter-audit")).click();
        wait.until(ExpectedConditions.urlContains("subject=person"));
        assertThat(browser.findElements(By.cssSelector("#audit-log tr.audit-entry"))).isNotEmpty()
                .allMatch(r -> r.getText().contains("person/carol"));
        assertThat(text("audit-log")).contains("person.test-page").contains("carol ui");
        assertThat(text("dead-letters")).contains("Dead letters");
        assertThat(text("admin-switches")).contains("automation").contains("on");
        screenshot("admin");
        browser.findElement(By.linkText("v1")).click();
        assertThat(text("source")).contains("Acme Test Org");
    }

    /** A session that may not change anything (a read-only token) is offered no action button on the new pages. */
    @Test
    void aReadOnlySessionSeesNoActionButtons() {
        long id = openIncident("Read-only eyes only");
        String readOnly = api.postJson("/api/v1/tokens", Map.of("name", "carol-wallboard", "person", "carol", "scopes", List.of("read")))
                .json().path("token").asString();
        signIn(readOnly);
        wait.until(ExpectedConditions.urlToBe(base() + "/ui"));
        browser.get(base() + "/ui/schedules/backend-primary");
        waitFor(By.id("schedule-now"));
        assertThat(browser.findElements(By.cssSelector("#main form[method=post], #main button[type=submit]"))).isEmpty();
        browser.get(base() + "/ui/incidents/" + id);
        waitFor(By.id("status"));
        assertThat(browser.findElements(By.id("acknowledge"))).isEmpty();
        assertThat(browser.findElements(By.id("resolve"))).isEmpty();
        browser.get(base() + "/ui/people");
        waitFor(By.id("person-carol"));
        assertThat(browser.findElements(By.cssSelector("#main button"))).isEmpty();
        // the audit log and the configuration's history are an administrator's (the API's rule): refused, not shown
        browser.get(base() + "/ui/admin");
        waitFor(By.id("forbidden"));
        assertThat(browser.findElements(By.id("audit"))).isEmpty();
    }
}
