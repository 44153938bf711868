package io.tocsin.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import io.tocsin.incident.PostmortemReminders;
import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.HttpCalls.Answer;
import io.tocsin.testing.MutableClock;
import io.tocsin.testing.TestClockConfig;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import tools.jackson.databind.JsonNode;

/**
 * The severity keys {@code status_page} and {@code postmortem} acting, over HTTP: a postmortem
 * required at resolution with its deadline across a weekend and a holiday, drafted from the template,
 * edited, exported, reminded of when overdue (once per due date), published; {@code when_repeated}
 * and {@code never}; the public status page without signing in, showing only what was written for
 * the public; its Atom feed; e-mail subscribers; scheduled maintenance.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + StatusAndPostmortemContract.TOKEN,
        "tocsin.admin-token-file=target/test-admin-token",
        "tocsin.config.path=src/test/resources/orgs/status",
        "tocsin.timers.poll-interval=50ms",
        "tocsin.notify.poll-interval=50ms",
        "tocsin.notify.email.from=tocsin@example.com",
        "tocsin.handoff.enabled=false",
        // reminders are stepped by the test (runOnce) on its clock
        "tocsin.postmortem.reminders=false"})
@Import(TestClockConfig.class)
@org.springframework.test.annotation.DirtiesContext(classMode = org.springframework.test.annotation.DirtiesContext.ClassMode.AFTER_CLASS)
abstract class StatusAndPostmortemContract {
    static final String TOKEN = "status-test-token-0123456789";
    static final String CHECKOUT = "e5555555555555555555555555555555";
    static final String SEARCH = "f6666666666666666666666666666666";
    static final GreenMail MAIL = io.tocsin.testing.LocalSmtp.start(0);
    static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    PostmortemReminders reminders;

    HttpCalls api;

    static void providers(DynamicPropertyRegistry registry) {
        io.tocsin.testing.LocalSmtp.use(registry, MAIL);
    }

    @BeforeEach
    void setUp() {
        api = new HttpCalls("http://localhost:" + port, TOKEN);
        api.resolveAllOpen();
    }

    /** Opens an incident as PagerDuty would and answers its number. */
    long trigger(String key, String severity, String summary) {
        return trigger(key, severity, summary, Map.of());
    }

    /** {@code details}: the event's custom details ({@code customer_email} is a sensitive field of this organisation). */
    long trigger(String key, String severity, String summary, Map<String, String> details) {
        String dedup = "st-" + System.nanoTime();
        Answer a = api.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", key, "event_action", "trigger", "dedup_key", dedup,
                "payload", Map.of("summary", summary, "source", "prometheus", "severity", severity, "custom_details", details)));
        assertThat(a.status()).as(a.body()).isEqualTo(202);
        for (JsonNode i : api.get("/api/v1/incidents?limit=1000").json()) {
            if (dedup.equals(i.path("dedup_key").asString())) {
                return Long.parseLong(i.path("id").asString().substring(4));
            }
        }
        throw new AssertionError("no incident " + dedup);
    }

    Answer act(long id, String action, Object body) {
        Answer a = api.asPerson("alice").postJson("/api/v1/incidents/" + id + "/" + action, body);
        assertThat(a.status()).as(action + ": " + a.body()).isEqualTo(200);
        return a;
    }

    List<String> kinds(long id) {
        List<String> out = new ArrayList<>();
        api.get("/api/v1/incidents/" + id).json().path("timeline").forEach(e -> out.add(e.path("kind").asString()));
        return out;
    }

    String entryText(long id, String kind) {
        for (JsonNode e : api.get("/api/v1/incidents/" + id).json().path("timeline")) {
            if (kind.equals(e.path("kind").asString())) {
                return e.path("text").asString();
            }
        }
        throw new AssertionError("no " + kind + " on INC-" + id);
    }

    List<String> reminderKeys(long id) {
        return jdbc.sql("SELECT idempotency_key || ' to ' || person_id FROM outbox WHERE incident_id = ? AND idempotency_key LIKE 'postmortem%' "
                + "ORDER BY id").param(id).query(String.class).list();
    }

    long audits(String subject, String action) {
        return jdbc.sql("SELECT COUNT(*) FROM audit_entry WHERE subject = ? AND action = ?").params(subject, action).query(Long.class).single();
    }

    @Test
    void aRequiredPostmortemIsDueAtTheEndOfTheSecondBusinessDayAfterAWeekendAndAHolidayDraftedEditedRemindedAndPublished() {
        // Friday 4 December 2026, 14:00 in London (UTC in winter); Monday the 7th is a holiday.
        clock.set(Instant.parse("2026-12-04T14:00:00Z"));
        long id = trigger(CHECKOUT, "critical", "checkout 500s for jane@example.org", Map.of("customer_email", "jane@example.org"));
        act(id, "acknowledge", "{}");
        act(id, "updates", Map.of("status", "identified", "message", "A bad deploy of the payment client", "impact", "Card payments fail"));
        clock.set(Instant.parse("2026-12-04T15:00:00Z"));
        act(id, "resolve", "{}");

        JsonNode pm = api.get("/api/v1/incidents/" + id + "/postmortem").json();
        assertThat(pm.path("required").asBoolean()).isTrue();
        assertThat(pm.path("status").asString()).isEqualTo("draft");
        assertThat(pm.path("owner").asString()).isEqualTo("alice");
        assertThat(pm.path("due").asString()).isEqualTo("2026-12-09T17:00:00Z");
        String summary = pm.path("sections").path("summary").asString();
        assertThat(summary).contains("INC-" + id + " (SEV1, checkout)").contains("Responders: alice").contains("(1h)")
                .doesNotContain("jane@example.org");
        assertThat(pm.path("sections").path("impact").asString()).isEqualTo("Card payments fail");
        assertThat(pm.path("sections").path("timeline").asString()).contains("STATUS_UPDATE").contains("ACKNOWLEDGED").contains("RESOLVED");
        assertThat(pm.path("sections").path("root_cause").asString()).isEqualTo("_To be written._");
        assertThat(kinds(id)).contains("POSTMORTEM_DUE", "POSTMORTEM_DRAFTED");
        assertThat(entryText(id, "POSTMORTEM_DUE")).isEqualTo("postmortem required, due Wed 2026-12-09 17:00 (2 business days after resolution)");
        assertThat(audits("incident/INC-" + id + "/postmortem", "postmortem.draft")).isEqualTo(1);

        Answer edited = api.asPerson("alice").put("/api/v1/incidents/" + id + "/postmortem", Map.of(
                "sections", Map.of("root_cause", "The payment client's retry loop", "lessons", "Canary every deploy"),
                "action_items", List.of(Map.of("text", "Add a canary stage", "owner", "bob", "due", "2026-12-10"))));
        assertThat(edited.status()).as(edited.body()).isEqualTo(200);
        assertThat(audits("incident/INC-" + id + "/postmortem", "postmortem.edit")).isEqualTo(1);

        Answer md = api.get("/api/v1/incidents/" + id + "/postmortem.md");
        assertThat(md.status()).isEqualTo(200);
        assertThat(md.contentType()).startsWith("text/markdown");
        assertThat(md.body()).startsWith("# Postmortem: INC-" + id)
                .contains("- Due: Wed 2026-12-09 17:00 Europe/London")
                .contains("## Summary", "## Impact", "## Timeline", "## Root cause\n\nThe payment client's retry loop", "## Resolution",
                        "## Lessons learned\n\nCanary every deploy", "## Action items")
                .contains("| 1 | Add a canary stage | bob | 2026-12-10 | no |");

        io.tocsin.cli.CliRun cli = io.tocsin.cli.CliRun.run("incident", "postmortem", "INC-" + id, "--server", "http://localhost:" + port,
                "--token", TOKEN);
        assertThat(cli.exitCode()).as(cli.err()).isZero();
        assertThat(cli.out()).startsWith("Postmortem of INC-" + id + ": draft (required)\nowner: alice\ndue:   2026-12-09 17:00:00 GMT\n")
                .contains("## root cause\n\nThe payment client's retry loop").contains("1. Add a canary stage (owner bob, due 2026-12-10)");

        // Not yet overdue: nothing. Past the deadline: the owner once, however often the worker runs.
        assertThat(reminders.runOnce(Instant.parse("2026-12-09T16:59:00Z"))).isGreaterThanOrEqualTo(0);
        assertThat(reminderKeys(id)).isEmpty();
        reminders.runOnce(Instant.parse("2026-12-09T17:01:00Z"));
        reminders.runOnce(Instant.parse("2026-12-09T18:00:00Z"));
        assertThat(reminderKeys(id)).containsExactly("postmortem|INC-" + id + "|" + Instant.parse("2026-12-09T17:00:00Z").toEpochMilli()
                + "|alice to alice");
        assertThat(kinds(id)).contains("POSTMORTEM_OVERDUE");
        // The action item is overdue once its day has ended in London; its owner, once.
        reminders.runOnce(Instant.parse("2026-12-10T23:59:00Z"));
        assertThat(reminderKeys(id)).hasSize(1);
        reminders.runOnce(Instant.parse("2026-12-11T00:01:00Z"));
        reminders.runOnce(Instant.parse("2026-12-11T09:00:00Z"));
        assertThat(reminderKeys(id)).hasSize(2).last().asString().endsWith("|2026-12-10|bob to bob");
        // A new deadline reminds again when it passes.
        assertThat(api.put("/api/v1/incidents/" + id + "/postmortem", Map.of("due", "2026-12-14T17:00:00Z")).status()).isEqualTo(200);
        reminders.runOnce(Instant.parse("2026-12-14T17:30:00Z"));
        assertThat(reminderKeys(id)).hasSize(3);

        clock.set(Instant.parse("2026-12-14T18:00:00Z"));
        Answer published = api.asPerson("alice").postJson("/api/v1/incidents/" + id + "/postmortem/publish", "{}");
        assertThat(published.status()).as(published.body()).isEqualTo(200);
        assertThat(published.json().path("status").asString()).isEqualTo("published");
        assertThat(kinds(id)).contains("POSTMORTEM_PUBLISHED");
        assertThat(api.postJson("/api/v1/incidents/" + id + "/postmortem/publish", "{}").status()).isEqualTo(409);
        // Published: no more reminders.
        reminders.runOnce(Instant.parse("2026-12-20T00:00:00Z"));
        assertThat(reminderKeys(id)).hasSize(3);
    }

    /** Action items from the command line: added, changed, ticked off and removed, each an audited edit; bad ones refused. */
    @Test
    void actionItemsAreAddedChangedDoneAndRemovedFromTheCli() {
        clock.set(Instant.parse("2026-11-18T10:00:00Z"));
        long id = trigger(CHECKOUT, "critical", "checkout refunds stuck");
        act(id, "resolve", "{}");
        String inc = "INC-" + id;
        io.tocsin.cli.CliRun added = cliWith(api.personalToken("alice"), "incident", "action-item", inc, "--add", "Add a canary stage",
                "--owner", "bob", "--due", "2026-12-10");
        assertThat(added.exitCode()).as(added.err()).isZero();
        assertThat(added.out()).contains("1. Add a canary stage (owner bob, due 2026-12-10)\n");
        assertThat(cli("incident", "action-item", inc, "--add", "Alert on retry storms").out())
                .contains("1. Add a canary stage (owner bob, due 2026-12-10)\n2. Alert on retry storms (owner none, due none)\n");
        assertThat(cli("incident", "action-item", inc, "--item", "1", "--done").out()).contains("1. Add a canary stage (owner bob, due 2026-12-10) done\n");
        assertThat(cli("incident", "action-item", inc, "--item", "2", "--owner", "alice", "--text", "Alert on retry storms in checkout").out())
                .contains("2. Alert on retry storms in checkout (owner alice, due none)\n");
        assertThat(cli("incident", "action-item", inc, "--item", "1", "--remove").out())
                .contains("## action items\n\n1. Alert on retry storms in checkout (owner alice, due none)\n\nMarkdown");

        JsonNode items = api.get("/api/v1/incidents/" + id + "/postmortem").json().path("action_items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).path("text").asString()).isEqualTo("Alert on retry storms in checkout");
        assertThat(items.get(0).path("owner").asString()).isEqualTo("alice");
        assertThat(items.get(0).path("done").asBoolean()).isFalse();
        assertThat(audits("incident/INC-" + id + "/postmortem", "postmortem.edit")).isEqualTo(5);

        io.tocsin.cli.CliRun missing = cli("incident", "action-item", inc, "--item", "5", "--done");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("--item: no item 5; the postmortem of " + inc + " has 1");
        io.tocsin.cli.CliRun nobody = cli("incident", "action-item", inc, "--item", "1", "--owner", "zed");
        assertThat(nobody.exitCode()).isEqualTo(1);
        assertThat(nobody.err()).contains("server answered 400").contains("zed");
        io.tocsin.cli.CliRun badDate = cli("incident", "action-item", inc, "--add", "x", "--due", "tomorrow");
        assertThat(badDate.exitCode()).isEqualTo(1);
        assertThat(badDate.err()).contains("server answered 400").contains("tomorrow");
        assertThat(cli("incident", "action-item", inc, "--item", "1", "--done", "--not-done").exitCode()).isEqualTo(2);
        assertThat(cli("incident", "action-item", inc).exitCode()).isEqualTo(2);
        assertThat(audits("incident/INC-" + id + "/postmortem", "postmortem.edit")).as("refused edits change nothing").isEqualTo(5);
        assertThat(api.get("/api/v1/incidents/" + id + "/postmortem").json().path("action_items")).hasSize(1);
    }

    io.tocsin.cli.CliRun cli(String... args) {
        return cliWith(TOKEN, args);
    }

    /** The CLI with this token: whose it is, is who acts. */
    io.tocsin.cli.CliRun cliWith(String token, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--server", "http://localhost:" + port, "--token", token));
        return io.tocsin.cli.CliRun.run(all.toArray(String[]::new));
    }

    @Test
    void badEditsAreRefusedNamingTheFieldAndChangeNothing() {
        clock.set(Instant.parse("2026-11-27T14:00:00Z"));
        long id = trigger(CHECKOUT, "critical", "checkout down");
        act(id, "resolve", "{}");
        String before = api.get("/api/v1/incidents/" + id + "/postmortem").body();
        Map<Object, String> cases = Map.of(
                Map.of("sections", Map.of("rootcause", "x")), "sections.rootcause",
                Map.of("owner", "zed"), "owner",
                Map.of("action_items", List.of(Map.of("text", "x", "due", "tomorrow"))), "action_items[0].due",
                Map.of("action_items", List.of(Map.of("owner", "bob"))), "action_items[0].text",
                Map.of("due", "next week"), "due");
        cases.forEach((body, field) -> {
            Answer a = api.put("/api/v1/incidents/" + id + "/postmortem", body);
            assertThat(a.status()).as(a.body()).isEqualTo(400);
            assertThat(a.json().path("errors").get(0).path("field").asString()).isEqualTo(field);
        });
        assertThat(api.get("/api/v1/incidents/" + id + "/postmortem").body()).isEqualTo(before);
        assertThat(audits("incident/INC-" + id + "/postmortem", "postmortem.edit")).isZero();
        assertThat(api.get("/api/v1/incidents/999999/postmortem").status()).isEqualTo(404);
        assertThat(api.withToken(null).get("/api/v1/incidents/" + id + "/postmortem").status()).isEqualTo(401);
        // Friday 27 November 15:00 London, no holiday: the end of Tuesday.
        assertThat(api.get("/api/v1/incidents/" + id + "/postmortem").json().path("due").asString()).isEqualTo("2026-12-01T17:00:00Z");
    }

    @Test
    void whenRepeatedNeedsTheSecondResolutionOfTheServiceWithinItsWindowAndNeverRefusesADraft() {
        clock.set(Instant.parse("2026-10-01T10:00:00Z"));
        long first = trigger(SEARCH, "error", "search slow");
        act(first, "resolve", "{}");
        assertThat(api.get("/api/v1/incidents/" + first + "/postmortem").status()).isEqualTo(404);
        assertThat(kinds(first)).doesNotContain("POSTMORTEM_DUE");
        clock.set(Instant.parse("2026-10-20T10:00:00Z"));
        long second = trigger(SEARCH, "error", "search slow again");
        act(second, "resolve", "{}");
        JsonNode pm = api.get("/api/v1/incidents/" + second + "/postmortem").json();
        assertThat(pm.path("required").asBoolean()).isTrue();
        assertThat(pm.path("due").asString()).isEqualTo("2026-10-22T10:00:00Z");
        assertThat(entryText(second, "POSTMORTEM_DUE")).startsWith("postmortem required: 2 incidents of this service resolved within 30d");

        long minor = trigger(SEARCH, "warning", "search typo");
        act(minor, "resolve", "{}");
        Answer refused = api.postJson("/api/v1/incidents/" + minor + "/postmortem", "{}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.body()).contains("postmortem.required: never");
        // The first one (when_repeated, not repeated then) may still have one written by hand.
        Answer drafted = api.postJson("/api/v1/incidents/" + first + "/postmortem", "{}");
        assertThat(drafted.status()).as(drafted.body()).isEqualTo(201);
        assertThat(drafted.json().path("required").asBoolean()).isFalse();
        assertThat(api.postJson("/api/v1/incidents/" + first + "/postmortem", "{}").status()).isEqualTo(409);
        long open = trigger(SEARCH, "error", "search down");
        assertThat(api.postJson("/api/v1/incidents/" + open + "/postmortem", "{}").status()).isEqualTo(409);
    }

    @Test
    void theStatusPageShowsPublicIncidentsWithTheirUpdatesAndNothingPrivateWithoutSigningIn() throws Exception {
        clock.set(Instant.parse("2026-11-02T10:00:00Z"));
        long pub = trigger(CHECKOUT, "critical", "db-7 disk full for jane@example.org", Map.of("customer_email", "jane@example.org"));
        long priv = trigger(SEARCH, "warning", "secret-project indexer lagging");
        act(pub, "acknowledge", "{}");
        act(pub, "notes", Map.of("text", "internal: bob's deploy again"));
        act(pub, "updates", Map.of("status", "identified", "message", "Card payments are failing for some customers",
                "impact", "About 1 in 5 payments fail", "next_update", "30m"));
        act(priv, "updates", Map.of("status", "investigating", "message", "Indexer lag on the private cluster"));

        HttpCalls anonymous = api.withToken(null);
        Answer page = anonymous.get("/status");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'").contains("style-src 'self'");
        String html = page.body();
        assertThat(html).contains("id=\"incident-INC-" + pub + "\"").contains("Critical: Checkout")
                .contains("Card payments are failing for some customers").contains("About 1 in 5 payments fail").contains("identified")
                .contains("Next update by 2026-11-02 10:30 GMT");
        assertThat(section(html, "component-checkout")).contains("Major outage");
        assertThat(section(html, "component-search")).contains("Operational");
        assertThat(html).doesNotContain("INC-" + priv).doesNotContain("Indexer lag").doesNotContain("secret-project")
                .doesNotContain("db-7").doesNotContain("jane@").doesNotContain("internal:").doesNotContain("Alice").doesNotContain("alice")
                .doesNotContain("bob").doesNotContain("<script").doesNotContain("style=").doesNotContain("<style");
        assertThat(html).contains("name=\"viewport\" content=\"width=device-width, initial-scale=1\"");

        Answer feed = anonymous.get("/status/feed.atom");
        assertThat(feed.status()).isEqualTo(200);
        assertThat(feed.contentType()).startsWith("application/atom+xml");
        Document atom = atom(feed.body());
        Element root = atom.getDocumentElement();
        assertThat(root.getLocalName()).isEqualTo("feed");
        assertThat(root.getNamespaceURI()).isEqualTo("http://www.w3.org/2005/Atom");
        for (String required : List.of("id", "title", "updated", "author")) {
            assertThat(children(root, required)).as(required).hasSize(1);
        }
        Instant.parse(children(root, "updated").get(0).getTextContent());
        List<Element> entries = children(root, "entry");
        assertThat(entries).isNotEmpty();
        for (Element e : entries) {
            assertThat(children(e, "id")).hasSize(1);
            assertThat(children(e, "title")).hasSize(1);
            Instant.parse(children(e, "updated").get(0).getTextContent());
        }
        assertThat(entries.stream().map(e -> children(e, "content").get(0).getTextContent()))
                .anyMatch(c -> c.contains("Card payments are failing for some customers"));
        assertThat(feed.body()).doesNotContain("Indexer lag").doesNotContain("alice").doesNotContain("db-7");

        clock.set(Instant.parse("2026-11-02T11:00:00Z"));
        act(pub, "updates", Map.of("status", "resolved", "message", "Payments work again"));
        act(pub, "resolve", "{}");
        String after = anonymous.get("/status").body();
        assertThat(section(after, "history")).contains("incident-INC-" + pub).contains("Payments work again");
        assertThat(section(after, "component-checkout")).contains("Operational");
    }

    /**
     * The subscription form cannot flood a mailbox or the subscriber table: three confirmations an hour per
     * address, whatever the client, and twenty subscriptions an hour per client, whatever the address. Past
     * either, 429 with Retry-After (an RFC 9457 problem naming the limit, or the page for a browser); once
     * Retry-After has passed, the address may subscribe again.
     */
    @Test
    void subscribingIsLimitedPerAddressAndPerClientWith429AndRetryAfter() throws Exception {
        clock.set(Instant.parse("2026-11-05T10:00:00Z"));
        Browser b = new Browser();
        String victim = "victim" + System.nanoTime() + "@example.org";
        for (int i = 1; i <= 3; i++) {
            assertThat(b.subscribe(victim, "198.51.100." + i, "text/html").statusCode()).as("confirmation " + i).isEqualTo(200);
        }
        HttpResponse<String> fourth = b.subscribe(victim.toUpperCase(java.util.Locale.ROOT), "198.51.100.9", "application/json");
        assertThat(fourth.statusCode()).as(fourth.body()).isEqualTo(429);
        assertThat(fourth.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        long retry = Long.parseLong(fourth.headers().firstValue("Retry-After").orElseThrow());
        // Three an hour refill one every 20 minutes.
        assertThat(retry).isEqualTo(20 * 60);
        JsonNode problem = HttpCalls.JSON.readTree(fourth.body());
        assertThat(problem.path("status").asInt()).isEqualTo(429);
        assertThat(problem.path("errors").get(0).path("field").asString()).isEqualTo("email");
        assertThat(problem.path("retry_after_seconds").asLong()).isEqualTo(retry);
        HttpResponse<String> page = b.subscribe(victim, "198.51.100.10", "text/html,application/xhtml+xml");
        assertThat(page.statusCode()).isEqualTo(429);
        assertThat(page.headers().firstValue("Retry-After")).contains(String.valueOf(retry));
        assertThat(page.body()).contains("Not subscribed").contains("email: too many confirmation e-mails");

        clock.advance(Duration.ofSeconds(retry - 1));
        assertThat(b.subscribe(victim, "198.51.100.11", "application/json").statusCode()).as("a second early").isEqualTo(429);
        clock.advance(Duration.ofSeconds(2));
        HttpResponse<String> again = b.subscribe(victim, "198.51.100.12", "application/json");
        assertThat(again.statusCode()).as("once Retry-After has passed: " + again.body()).isEqualTo(200);

        String client = "203.0.113.50";
        for (int i = 1; i <= 20; i++) {
            assertThat(b.subscribe("reader" + i + "-" + System.nanoTime() + "@example.org", client, "text/html").statusCode())
                    .as("subscription " + i + " from one client").isEqualTo(200);
        }
        HttpResponse<String> flood = b.subscribe("one-more" + System.nanoTime() + "@example.org", client, "application/json");
        assertThat(flood.statusCode()).isEqualTo(429);
        assertThat(HttpCalls.JSON.readTree(flood.body()).path("errors").get(0).path("field").asString()).isEqualTo("client");
        assertThat(Long.parseLong(flood.headers().firstValue("Retry-After").orElseThrow())).isEqualTo(3 * 60);
        // Another client is not held up by that one.
        assertThat(b.subscribe("other" + System.nanoTime() + "@example.org", "203.0.113.51", "text/html").statusCode()).isEqualTo(200);
    }

    @Test
    void theSameAddressSubscribingTwiceAtOnceIsOneSubscriberAndNoFault() throws Exception {
        clock.set(Instant.parse("2026-11-03T10:00:00Z"));
        java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 20; i++) {
                String reader = "twice" + i + "-" + System.nanoTime() + "@example.org";
                String client = "192.0.2." + (100 + i);
                Browser first = new Browser();
                Browser second = new Browser();
                String firstCsrf = first.csrf("/status");
                String secondCsrf = second.csrf("/status");
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                var a = two.submit(() -> {
                    go.await();
                    return first.post("/status/subscribe", Map.of("email", reader, "_csrf", firstCsrf), "X-Forwarded-For", client,
                            "Accept", "text/html");
                });
                var b = two.submit(() -> {
                    go.await();
                    return second.post("/status/subscribe", Map.of("email", reader, "_csrf", secondCsrf), "X-Forwarded-For", client,
                            "Accept", "text/html");
                });
                go.countDown();
                assertThat(a.get().statusCode()).as(a.get().body()).isEqualTo(200);
                assertThat(b.get().statusCode()).as(b.get().body()).isEqualTo(200);
                assertThat(jdbc.sql("SELECT COUNT(*) FROM status_subscriber WHERE email = ?").param(reader).query(Long.class).single())
                        .isEqualTo(1);
            }
        } finally {
            two.shutdownNow();
        }
    }

    @Test
    void subscribersConfirmByEmailReceiveEachPublicUpdateAndCanUnsubscribe() throws Exception {
        clock.set(Instant.parse("2026-11-03T10:00:00Z"));
        String reader = "reader" + System.nanoTime() + "@example.org";
        Browser b = new Browser();
        String csrf = b.csrf("/status");
        HttpResponse<String> bad = b.post("/status/subscribe", Map.of("email", "not an address", "_csrf", csrf));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("email: ");
        HttpResponse<String> ok = b.post("/status/subscribe", Map.of("email", reader, "_csrf", b.csrf("/status")));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("Check your e-mail");
        MimeMessage confirmation = awaitMail(reader, "Confirm your subscription");
        Matcher token = Pattern.compile("/status/confirm\\?token=([A-Za-z0-9_-]+)").matcher(text(confirmation));
        assertThat(token.find()).isTrue();
        // Following the link confirms nothing by itself (mail scanners follow links); the button does.
        String confirmCsrf = b.csrf("/status/confirm?token=" + token.group(1));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM status_subscriber WHERE email = ? AND confirmed_at IS NULL").param(reader)
                .query(Long.class).single()).isEqualTo(1);
        HttpResponse<String> confirmed = b.post("/status/confirm", Map.of("token", token.group(1), "_csrf", confirmCsrf));
        assertThat(confirmed.statusCode()).isEqualTo(200);
        assertThat(confirmed.body()).contains("Subscribed");

        long id = trigger(CHECKOUT, "critical", "checkout broken on db-9");
        act(id, "updates", Map.of("status", "investigating", "message", "We are looking into failed checkouts", "impact", "Checkout fails"));
        MimeMessage update = awaitMail(reader, "[Status Test Org status] Checkout: investigating");
        String body = text(update);
        assertThat(body).contains("We are looking into failed checkouts").contains("Impact: Checkout fails").doesNotContain("alice")
                .doesNotContain("db-9").doesNotContain("/links/");
        Matcher unsubscribe = Pattern.compile("/status/unsubscribe\\?s=(\\d+)&(?:amp;)?sig=([A-Za-z0-9_-]+)").matcher(body);
        assertThat(unsubscribe.find()).as(body).isTrue();
        String s = unsubscribe.group(1);
        HttpResponse<String> forged = b.post("/status/unsubscribe", Map.of("s", s, "sig", "forged", "_csrf", b.csrf("/status")));
        assertThat(forged.statusCode()).isEqualTo(404);
        String unsubscribeCsrf = b.csrf("/status/unsubscribe?s=" + s + "&sig=" + unsubscribe.group(2));
        HttpResponse<String> gone = b.post("/status/unsubscribe", Map.of("s", s, "sig", unsubscribe.group(2), "_csrf", unsubscribeCsrf));
        assertThat(gone.statusCode()).isEqualTo(200);
        assertThat(gone.body()).contains("Unsubscribed");

        act(id, "updates", Map.of("status", "monitoring", "message", "A fix is out"));
        // The mails are queued in the transaction that posted the update: none for the unsubscribed reader.
        assertThat(jdbc.sql("SELECT COUNT(*) FROM notification WHERE person_id = ? AND idempotency_key LIKE 'status-update|%'")
                .param("subscriber:" + s).query(Long.class).single()).isEqualTo(1);
        List<String> audit = jdbc.sql("SELECT action FROM audit_entry WHERE subject = ? ORDER BY id").param("status/subscriber/" + s)
                .query(String.class).list();
        assertThat(audit).containsExactly("status.subscribe", "status.confirm", "status.unsubscribe");
    }

    @Test
    void maintenanceWindowsAreCreatedListedShownAndDeletedThroughTheApiAudited() {
        clock.set(Instant.parse("2026-11-04T10:00:00Z"));
        Answer created = api.postJson("/api/v1/status/maintenance", Map.of("title", "Database upgrade", "description", "Read-only for 20 minutes",
                "services", List.of("search"), "start", "2026-11-04T09:30:00Z", "end", "2026-11-04T11:00:00Z"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long id = created.json().path("id").asLong();
        assertThat(api.get("/api/v1/status/maintenance").json().findValuesAsString("title")).contains("Database upgrade");
        String html = api.withToken(null).get("/status").body();
        assertThat(section(html, "maintenance-" + id)).contains("Database upgrade").contains("In progress").contains("Product search");
        assertThat(section(html, "component-search")).contains("Under maintenance");

        Map<Object, String> bad = Map.of(
                Map.of("title", "x", "services", List.of("serch"), "start", "2026-11-04T09:30:00Z", "end", "2026-11-04T11:00:00Z"), "services[0]",
                Map.of("title", "x", "services", List.of("search"), "start", "2026-11-04T09:30:00Z", "end", "2026-11-04T09:00:00Z"), "end",
                Map.of("services", List.of("search"), "start", "2026-11-04T09:30:00Z", "end", "2026-11-04T11:00:00Z"), "title",
                Map.of("title", "x", "services", List.of("search"), "start", "soon", "end", "2026-11-04T11:00:00Z"), "start");
        long before = jdbc.sql("SELECT COUNT(*) FROM status_maintenance").query(Long.class).single();
        bad.forEach((body, field) -> {
            Answer a = api.postJson("/api/v1/status/maintenance", body);
            assertThat(a.status()).as(a.body()).isEqualTo(400);
            assertThat(a.json().path("errors").get(0).path("field").asString()).isEqualTo(field);
        });
        assertThat(jdbc.sql("SELECT COUNT(*) FROM status_maintenance").query(Long.class).single()).isEqualTo(before);
        assertThat(api.withToken(null).postJson("/api/v1/status/maintenance", Map.of("title", "x")).status()).isEqualTo(401);

        assertThat(api.delete("/api/v1/status/maintenance/" + id).status()).isEqualTo(204);
        assertThat(api.delete("/api/v1/status/maintenance/" + id).status()).isEqualTo(404);
        assertThat(api.withToken(null).get("/status").body()).doesNotContain("maintenance-" + id);
        List<String> audit = jdbc.sql("SELECT action FROM audit_entry WHERE subject = ? ORDER BY id").param("status/maintenance/" + id)
                .query(String.class).list();
        assertThat(audit).containsExactly("status.maintenance.create", "status.maintenance.delete");
    }

    /** The element with this id and what follows it up to its end (enough to assert on its text). */
    static String section(String html, String id) {
        int start = html.indexOf("id=\"" + id + "\"");
        assertThat(start).as("element " + id).isGreaterThanOrEqualTo(0);
        int end = html.indexOf("</li>", start);
        int article = html.indexOf("</section>", start);
        int stop = id.startsWith("component-") ? end : article < 0 ? html.length() : article;
        return html.substring(start, stop < 0 ? html.length() : stop);
    }

    MimeMessage awaitMail(String to, String subject) {
        MimeMessage[] found = new MimeMessage[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (MimeMessage m : MAIL.getReceivedMessages()) {
                if (m.getAllRecipients()[0].toString().equals(to) && m.getSubject().startsWith(subject)) {
                    found[0] = m;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** The plain-text part of an e-mail, decoded. */
    static String text(jakarta.mail.Part part) throws Exception {
        Object content = part.getContent();
        if (content instanceof jakarta.mail.Multipart multi) {
            for (int i = 0; i < multi.getCount(); i++) {
                String t = text(multi.getBodyPart(i));
                if (t != null) {
                    return t;
                }
            }
            return null;
        }
        return part.isMimeType("text/plain") ? content.toString() : null;
    }

    static Document atom(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e && name.equals(e.getLocalName()) && "http://www.w3.org/2005/Atom".equals(e.getNamespaceURI())) {
                out.add(e);
            }
        }
        return out;
    }

    /** A visitor's browser without JavaScript: a cookie jar, forms posted with their CSRF token. */
    final class Browser {
        final HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();

        String csrf(String path) throws Exception {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            Matcher m = CSRF.matcher(r.body());
            assertThat(m.find()).as("a form on " + path).isTrue();
            return m.group(1);
        }

        HttpResponse<String> post(String path, Map<String, String> form, String... headers) throws Exception {
            String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
            HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
            for (int i = 0; i + 1 < headers.length; i += 2) {
                r.header(headers[i], headers[i + 1]);
            }
            return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
        }

        /** A subscription from {@code client} (as the proxy in front reports it), asking for {@code accept}. */
        HttpResponse<String> subscribe(String email, String client, String accept) throws Exception {
            return post("/status/subscribe", Map.of("email", email, "_csrf", csrf("/status")), "X-Forwarded-For", client, "Accept", accept);
        }
    }
}
