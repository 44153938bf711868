package io.tocsin.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.cli.CliRun;
import io.tocsin.incident.TimerWorker;
import io.tocsin.notify.Dispatcher;
import io.tocsin.testing.FakeProvider;
import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.HttpCalls.Answer;
import io.tocsin.testing.MutableClock;
import io.tocsin.testing.TestClockConfig;
import io.tocsin.testing.VirtualTime;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;

/**
 * Reports and kill switches through their real interfaces. A week of incidents is made over HTTP on a
 * stepped clock (opened by events, acknowledged, updated, escalated by hand and by the policy,
 * resolved), and every figure of the reports is checked against the same figure worked out here, by
 * the test's own arithmetic, from the raw timelines read back through the API and the schedule's
 * shifts. The kill switches are set over the API and the CLI: automation off keeps the remediation
 * bot's webhook from being called while people are still paged, and every switch is audited.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + ReportsAndSwitchesContract.TOKEN,
        "tocsin.admin-token-file=target/test-admin-token-reports",
        "tocsin.timers.enabled=false",
        "tocsin.notify.enabled=false",
        "tocsin.handoff.enabled=false"})
@Import(TestClockConfig.class)
// Each subclass has a database of its own, so its context is never reused: close it and give back its connections.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
abstract class ReportsAndSwitchesContract {
    static final String TOKEN = "reports-test-token-0123456789";
    static final String ROUTING = "f6666666666666666666666666666666";
    static final String REPLIES = "a7777777777777777777777777777777";
    static final ZoneId DUBLIN = ZoneId.of("Europe/Dublin");
    static final FakeProvider HOOKS = new FakeProvider();
    static final Path ORG = io.tocsin.testing.TestOrganisations.copy("src/test/resources/orgs/reports", "${HOOK}", HOOKS.baseUrl());

    /** The targets and cadences of the test organisation, as its YAML writes them. */
    static final Map<String, Set<String>> TARGETS = Map.of("SEV-0", Set.of("acknowledge", "first_update", "resolve"),
            "SEV-1", Set.of("acknowledge", "resolve"), "SEV-2", Set.of());
    static final Set<String> WITH_CADENCE = Set.of("SEV-0", "SEV-1");
    static final Map<String, String> TEAMS = Map.of("routing", "engineering", "replies", "support-ops");

    static void organisation(DynamicPropertyRegistry registry) {
        registry.add("tocsin.config.path", ORG::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    TimerWorker timers;

    @Autowired
    Dispatcher dispatcher;

    HttpCalls api;
    VirtualTime time;

    @BeforeEach
    void setUp() {
        api = new HttpCalls("http://localhost:" + port, TOKEN);
        time = new VirtualTime(clock, timers);
        api.resolveAllOpen();
        HOOKS.clear();
    }

    // ---- kill switches ----

    @Test
    void automationOffSuppressesTheRemediationWebhookWhilePeopleArePagedAndEverySwitchIsAudited() {
        time.reset(Instant.parse("2026-06-10T10:00:00Z"));
        assertThat(api.get("/api/v1/switches").json().path("automation").path("on").asBoolean()).isTrue();
        long before = trigger(ROUTING, "before-" + System.nanoTime(), "critical");
        dispatcher.runOnce(clock.instant());
        assertThat(HOOKS.requestsTo("/remediate")).as("automation on: the bot is called").hasSize(1);
        HOOKS.clear();

        time.step(Duration.ofMinutes(1));
        Answer off = as("maya").putJson("/api/v1/switches", Map.of("automation", false));
        assertThat(off.status()).as(off.body()).isEqualTo(200);
        assertThat(off.json().path("automation").path("state").asString()).isEqualTo("off");
        assertThat(off.json().path("automation").path("changed_by").asString()).isEqualTo("maya");
        // The incident open at the time says so on its timeline.
        assertThat(timeline(before)).anySatisfy(e -> {
            assertThat(e.path("kind").asString()).isEqualTo("SWITCH_CHANGED");
            assertThat(e.path("text").asString()).contains("automation off").contains("maya");
            assertThat(e.path("via").asString()).isEqualTo("api");
        });
        JsonNode audit = api.get("/api/v1/audit?subject=switches&limit=1").json().get(0);
        assertThat(audit.path("action").asString()).isEqualTo("switch.set");
        assertThat(audit.path("actor").asString()).isEqualTo("maya");
        assertThat(audit.path("via").asString()).isEqualTo("api");
        assertThat(audit.path("before").path("automation").asBoolean()).isTrue();
        assertThat(audit.path("after").path("automation").asBoolean()).isFalse();
        assertThat(audit.path("after").path("safe_mode").asBoolean()).isFalse();

        long during = trigger(ROUTING, "during-" + System.nanoTime(), "critical");
        dispatcher.runOnce(clock.instant());
        assertThat(HOOKS.requestsTo("/remediate")).as("automation off: the bot is not called").isEmpty();
        // Paging people never stops: this week's primary is paged on their own webhook.
        String primary = onCallPrimary();
        assertThat(HOOKS.requestsTo("/" + primary)).hasSize(1);
        assertThat(HOOKS.requestsTo("/" + primary).get(0).body()).contains("INC-" + during);
        assertThat(timeline(during)).anySatisfy(e -> {
            assertThat(e.path("kind").asString()).isEqualTo("DELIVERY_SUPPRESSED");
            assertThat(e.path("text").asString()).contains("vendor:remediator").contains("automation is switched off");
        });
        assertThat(api.get("/api/v1/incidents/" + during + "/deliveries").body()).contains("CANCELLED");

        // Bad input changes nothing and names the field.
        Answer unknown = api.putJson("/api/v1/switches", Map.of("automaton", true));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains("automaton");
        Answer notAState = api.putJson("/api/v1/switches", Map.of("safe_mode", "maybe", "automation", true));
        assertThat(notAState.status()).isEqualTo(400);
        assertThat(notAState.body()).contains("safe_mode");
        assertThat(api.get("/api/v1/switches").json().path("automation").path("on").asBoolean()).isFalse();

        // The CLI sets them through the API: safe mode on, automation back on.
        String server = "http://localhost:" + port;
        CliRun safe = CliRun.run("switch", "safe-mode", "on", "--server", server, "--token", TOKEN);
        assertThat(safe.exitCode()).as(safe.err()).isZero();
        assertThat(safe.out()).containsPattern("safe_mode\\s+on");
        CliRun on = CliRun.run("switch", "automation", "on", "--server", server, "--token", TOKEN);
        assertThat(on.exitCode()).as(on.err()).isZero();
        CliRun shown = CliRun.run("switch", "--server", server, "--token", TOKEN);
        assertThat(shown.out()).containsPattern("automation\\s+on").containsPattern("safe_mode\\s+on").contains("via api");
        assertThat(CliRun.run("switch", "automation", "sideways", "--server", server, "--token", TOKEN).exitCode()).isEqualTo(2);
        JsonNode cliAudit = api.get("/api/v1/audit?subject=switches&limit=2").json();
        assertThat(cliAudit.get(0).path("after").path("automation").asBoolean()).isTrue();
        assertThat(cliAudit.get(1).path("after").path("safe_mode").asBoolean()).isTrue();
        assertThat(cliAudit.get(1).path("before").path("safe_mode").asBoolean()).isFalse();

        // Automation back on, in safe mode: the bot is called again and told to run only its safe steps.
        HOOKS.clear();
        long later = trigger(ROUTING, "safe-" + System.nanoTime(), "critical");
        dispatcher.runOnce(clock.instant());
        assertThat(HOOKS.requestsTo("/remediate")).hasSize(1);
        FakeProvider.Request call = HOOKS.requestsTo("/remediate").get(0);
        assertThat(call.body()).contains("INC-" + later);
        assertThat(HttpCalls.JSON.readTree(call.body()).path("safe_mode").asBoolean()).isTrue();
        assertThat(call.header("X-Tocsin-Safe-Mode")).isEqualTo("on");
        // People's pages are pages, never marked.
        assertThat(HOOKS.requestsTo("/" + primary).get(0).body()).doesNotContain("safe_mode");

        assertThat(api.putJson("/api/v1/switches", Map.of("safe_mode", "off")).status()).isEqualTo(200);
    }

    // ---- the browser UI, over plain HTTP with a signed-in session ----

    @Test
    void theUiShowsTheSwitchesAnIncidentsChecklistNamesDrawsTheReportsAndSetsASwitchAudited() throws Exception {
        time.reset(Instant.parse("2026-07-15T10:00:00Z"));
        long id = trigger(ROUTING, "ui-" + System.nanoTime(), "critical");
        long quiet = trigger(REPLIES, "ui-quiet-" + System.nanoTime(), "warning");
        time.step(Duration.ofMinutes(1));
        Ui ui = new Ui("http://localhost:" + port);
        ui.login(api.personalToken("maya", "read", "write", "admin"));

        String page = ui.get("/ui/incidents/" + id).body();
        assertThat(page).contains("id=\"incident-switches\"").contains("id=\"switch-automation\"").contains("id=\"switch-safe_mode\"");
        // A SEV-2 has no checklist naming a switch: nothing to show.
        assertThat(ui.get("/ui/incidents/" + quiet).body()).doesNotContain("incident-switches");

        var reports = ui.get("/ui/reports?from=2026-07-13&to=2026-07-20&by=service");
        assertThat(reports.statusCode()).isEqualTo(200);
        String html = reports.body();
        assertThat(html).contains("id=\"incident-figures\"").contains("<svg").contains("class=\"bar\"").contains("class=\"bar-business\"")
                .contains("routing").contains("replies").contains("Asia/Tokyo").contains("id=\"noisiest\"");
        // Server-drawn: no inline script and no inline style (the policy allows neither).
        assertThat(html).doesNotContainPattern("<script(?![^>]*\\ssrc=)").doesNotContain("style=");

        var set = ui.post("/ui/switches/safe_mode/on", Map.of("_csrf", Ui.csrf(html)));
        assertThat(set.statusCode()).isEqualTo(302);
        assertThat(api.get("/api/v1/switches").json().path("safe_mode").path("on").asBoolean()).isTrue();
        JsonNode audit = api.get("/api/v1/audit?subject=switches&limit=1").json().get(0);
        assertThat(audit.path("actor").asString()).isEqualTo("maya");
        assertThat(audit.path("via").asString()).isEqualTo("ui");
        assertThat(audit.path("after").path("safe_mode").asBoolean()).isTrue();
        assertThat(timeline(id)).anySatisfy(e -> assertThat(e.path("text").asString()).contains("safe_mode on").contains("via ui"));
        assertThat(ui.get("/ui/incidents/" + id).body()).containsPattern("switch-safe_mode[\\s\\S]*?>on<");
        // Without the CSRF token the session changes nothing.
        assertThat(ui.post("/ui/switches/safe_mode/off", Map.of()).statusCode()).isEqualTo(403);
        assertThat(api.get("/api/v1/switches").json().path("safe_mode").path("on").asBoolean()).isTrue();
        assertThat(api.putJson("/api/v1/switches", Map.of("safe_mode", false)).status()).isEqualTo(200);
    }

    /** A browser session without a browser: cookies kept, redirects not followed. */
    static final class Ui {
        static final java.util.regex.Pattern CSRF_FIELD = java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
        final String base;
        final java.net.http.HttpClient session = java.net.http.HttpClient.newBuilder().cookieHandler(new java.net.CookieManager())
                .followRedirects(java.net.http.HttpClient.Redirect.NEVER).build();

        Ui(String base) {
            this.base = base;
        }

        void login(String token) throws Exception {
            var login = post("/login", Map.of("token", token, "_csrf", csrf(get("/login").body())));
            assertThat(login.statusCode()).isEqualTo(302);
        }

        static String csrf(String html) {
            java.util.regex.Matcher m = CSRF_FIELD.matcher(html);
            assertThat(m.find()).as("a _csrf field in the page").isTrue();
            return m.group(1);
        }

        java.net.http.HttpResponse<String> get(String path) throws Exception {
            return session.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + path)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        }

        java.net.http.HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
            StringBuilder body = new StringBuilder();
            form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(k).append('=')
                    .append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8)));
            return session.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + path))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        }
    }

    String onCallPrimary() {
        for (JsonNode o : api.get("/api/v1/schedules/oncall/oncall?at=" + clock.instant()).json().path("layers")) {
            if (o.path("layer").asString().equals("primary")) {
                return o.path("person").asString();
            }
        }
        throw new AssertionError(api.get("/api/v1/schedules/oncall/oncall?at=" + clock.instant()).body());
    }

    // ---- reports ----

    /** Tuesday 2026-04-14 14:00 in Dublin. */
    static final Instant T0 = Instant.parse("2026-04-14T13:00:00Z");
    static final String FROM = "2026-04-13";
    static final String TO = "2026-04-20";

    @Test
    void reportFiguresEqualWhatTheRawTimelinesSay() {
        History h = history();
        String query = "from=" + FROM + "&to=" + TO;
        Instant from = LocalDate.parse(FROM).atStartOfDay(DUBLIN).toInstant();
        Instant to = LocalDate.parse(TO).atStartOfDay(DUBLIN).toInstant();
        List<Facts> facts = facts(from, to);
        assertThat(facts).extracting(Facts::number).containsExactlyInAnyOrder(h.a, h.b, h.c, h.d);

        for (String by : List.of("severity", "service", "team", "day", "week")) {
            JsonNode report = api.get("/api/v1/reports/incidents?" + query + "&by=" + by).json();
            Map<String, List<Facts>> groups = new TreeMap<>();
            for (Facts f : facts) {
                String key = switch (by) {
                    case "severity" -> f.severity;
                    case "service" -> f.service;
                    case "team" -> TEAMS.get(f.service);
                    case "day" -> f.opened.atZone(DUBLIN).toLocalDate().toString();
                    default -> "2026-W16";
                };
                groups.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
            }
            Map<String, JsonNode> reported = new TreeMap<>();
            report.path("groups").forEach(g -> reported.put(g.path("group").asString(), g));
            assertThat(reported.keySet()).as(by).isEqualTo(groups.keySet());
            groups.forEach((key, list) -> expectFigures(by + " " + key, reported.get(key), list));
            expectFigures(by + " all", report.path("total"), facts);
        }

        // What the history was built to show, so that the comparison above cannot pass on empty figures.
        JsonNode sev0 = group(api.get("/api/v1/reports/incidents?" + query).json(), "SEV-0");
        assertThat(sev0.path("incidents").asInt()).isEqualTo(2);
        assertThat(sev0.path("mtta_seconds").asDouble()).isEqualTo((3 * 60 + 20 * 60) / 2.0);
        assertThat(target(sev0, "acknowledge").path("measured").asInt()).isEqualTo(2);
        assertThat(target(sev0, "acknowledge").path("met").asInt()).isEqualTo(1);
        assertThat(target(sev0, "resolve").path("adherence").asDouble()).isEqualTo(0.5);
        assertThat(sev0.path("cadence_incidents").asInt()).isEqualTo(2);
        assertThat(sev0.path("cadence_kept").asInt()).isEqualTo(1);
        assertThat(sev0.path("escalated_incidents").asInt()).isEqualTo(2);
        JsonNode all = api.get("/api/v1/reports/incidents?" + query).json().path("total");
        assertThat(all.path("incidents").asInt()).isEqualTo(4);
        assertThat(all.path("escalations").asInt()).isGreaterThanOrEqualTo(4);

        // People: on-call hours from the schedule's shifts, pages from the timelines, each in the person's own zone.
        JsonNode people = api.get("/api/v1/reports/people?" + query).json();
        Map<String, long[]> onCall = onCallSeconds(from, to, DEFAULT_NIGHT);
        Map<String, int[]> pages = pagesByPerson(from, to, DEFAULT_NIGHT);
        assertThat(people.path("sleep_hours").asString()).isEqualTo("22:00-07:00");
        Map<String, ZoneId> zones = Map.of("maya", DUBLIN, "tom", ZoneId.of("America/New_York"), "lena", ZoneId.of("Asia/Tokyo"));
        assertThat(people.path("people")).hasSize(3);
        for (JsonNode p : people.path("people")) {
            String id = p.path("person").asString();
            assertThat(p.path("time_zone").asString()).isEqualTo(zones.get(id).getId());
            long[] s = onCall.getOrDefault(id, new long[3]);
            int[] n = pages.getOrDefault(id, new int[3]);
            assertThat(new long[] {p.path("on_call_seconds_business").asLong(), p.path("on_call_seconds_off").asLong(),
                    p.path("on_call_seconds_sleep").asLong()}).as(id + " on call").containsExactly(s);
            assertThat(p.path("on_call_seconds").asLong()).isEqualTo(s[0] + s[1] + s[2]);
            assertThat(new int[] {p.path("pages_business").asInt(), p.path("pages_off").asInt(), p.path("pages_sleep").asInt()})
                    .as(id + " pages").containsExactly(n);
        }
        assertThat(pages.values().stream().mapToInt(n -> n[0] + n[1] + n[2]).sum()).isGreaterThanOrEqualTo(6);
        assertThat(pages.values().stream().mapToInt(n -> n[2]).sum()).as("the midnight incident woke someone").isPositive();
        assertThat(onCall.values().stream().mapToLong(s -> s[2]).sum()).isPositive();

        nightFromConfiguration(query, from, to, onCall, pages);

        // The weekly hand-off report: this week against the last, what is open, the noisiest alert.
        JsonNode weekly = api.get("/api/v1/reports/weekly?from=" + FROM).json();
        assertThat(weekly.path("incidents").asInt()).isEqualTo(4);
        assertThat(weekly.path("previous_week").asInt()).isEqualTo(1);
        assertThat(weekly.path("change").asInt()).isEqualTo(3);
        assertThat(weekly.path("trend").asString()).isEqualTo("up");
        assertThat(weekly.path("change_percent").asDouble()).isEqualTo(300.0);
        assertThat(weekly.path("by_severity").path("SEV-0").asInt()).isEqualTo(2);
        assertThat(weekly.path("open_incidents").findValuesAsString("number")).contains("INC-" + h.d);
        JsonNode noisiest = weekly.path("noisiest_alerts").get(0);
        assertThat(noisiest.path("dedup_key").asString()).isEqualTo(h.noisyKey);
        assertThat(noisiest.path("events").asLong()).isEqualTo(3);
        assertThat(noisiest.path("service").asString()).isEqualTo("replies");

        // Bad input is a 400 naming the field.
        Answer badBy = api.get("/api/v1/reports/incidents?by=colour");
        assertThat(badBy.status()).isEqualTo(400);
        assertThat(badBy.body()).contains("by");
        Answer backwards = api.get("/api/v1/reports/people?from=" + TO + "&to=" + FROM);
        assertThat(backwards.status()).isEqualTo(400);
        assertThat(backwards.body()).contains("to");
        assertThat(api.get("/api/v1/reports/weekly?format=xml").status()).isEqualTo(400);

        csvAndCli(query);
    }

    /**
     * An incident is reported under the most severe severity it had while open, not the one it has now:
     * raised from SEV-2 to SEV-0 and lowered back once contained, it counts as SEV-0 (its time to
     * acknowledge and its escalations with the SEV-0s); a change after it was resolved does not count.
     */
    @Test
    void anIncidentIsReportedUnderTheMostSevereSeverityItHadWhileOpen() {
        time.reset(Instant.parse("2026-05-05T10:00:00Z"));
        long raised = trigger(ROUTING, "raised-" + System.nanoTime(), "warning");
        time.step(Duration.ofMinutes(2));
        act(raised, "acknowledge", "{}", "maya");
        time.step(Duration.ofMinutes(3));
        act(raised, "severity", "{\"severity\": \"SEV-0\"}", "maya");
        time.step(Duration.ofMinutes(20));
        act(raised, "severity", "{\"severity\": \"SEV-2\"}", "maya");
        time.step(Duration.ofMinutes(10));
        resolve(raised);

        time.step(Duration.ofHours(2));
        long plain = trigger(REPLIES, "plain-" + System.nanoTime(), "warning");
        time.step(Duration.ofMinutes(4));
        act(plain, "acknowledge", "{}", "maya");
        time.step(Duration.ofMinutes(10));
        resolve(plain);
        Answer afterwards = as("maya").postJson("/api/v1/incidents/" + plain + "/severity", "{\"severity\": \"SEV-0\"}");

        assertThat(api.get("/api/v1/incidents/" + raised).json().path("incident").path("severity").asString()).isEqualTo("SEV-2");
        JsonNode report = api.get("/api/v1/reports/incidents?from=2026-05-04&to=2026-05-11&by=severity").json();
        JsonNode sev0 = group(report, "SEV-0");
        assertThat(sev0.path("incidents").asInt()).as("the raised-and-lowered incident").isEqualTo(1);
        assertThat(sev0.path("mtta_seconds").asDouble()).isEqualTo(120.0);
        JsonNode sev2 = group(report, "SEV-2");
        assertThat(sev2.path("incidents").asInt()).as(afterwards.status() + ": changed only after its resolution").isEqualTo(1);
        assertThat(sev2.path("mtta_seconds").asDouble()).isEqualTo(240.0);
        assertThat(report.path("total").path("incidents").asInt()).isEqualTo(2);
    }

    void csvAndCli(String query) {
        JsonNode json = api.get("/api/v1/reports/incidents?" + query + "&by=service").json();
        Answer csv = api.get("/api/v1/reports/incidents?" + query + "&by=service&format=csv");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        List<String> lines = csv.body().lines().toList();
        assertThat(csv.body()).contains("\r\n");
        List<String> header = List.of(lines.get(0).split(",", -1));
        assertThat(header).startsWith("group", "incidents", "acknowledged", "mtta_seconds", "resolved", "mttr_seconds")
                .contains("acknowledge_adherence", "first_update_adherence", "resolve_adherence", "cadence_adherence", "escalation_rate");
        assertThat(lines).hasSize(1 + json.path("groups").size() + 1);
        List<JsonNode> rows = new ArrayList<>();
        json.path("groups").forEach(rows::add);
        rows.add(json.path("total"));
        for (int i = 0; i < rows.size(); i++) {
            List<String> cells = List.of(lines.get(i + 1).split(",", -1));
            JsonNode g = rows.get(i);
            assertThat(cells).hasSameSizeAs(header);
            assertThat(cells.get(0)).isEqualTo(g.path("group").asString());
            assertThat(Integer.parseInt(cells.get(header.indexOf("incidents")))).isEqualTo(g.path("incidents").asInt());
            assertThat(number(cells.get(header.indexOf("mttr_seconds")))).isEqualTo(nullable(g.path("mttr_seconds")));
            assertThat(number(cells.get(header.indexOf("acknowledge_adherence"))))
                    .isEqualTo(nullable(target(g, "acknowledge").path("adherence")));
            assertThat(number(cells.get(header.indexOf("escalation_rate")))).isEqualTo(nullable(g.path("escalation_rate")));
        }
        Answer peopleCsv = api.get("/api/v1/reports/people?" + query + "&format=csv");
        assertThat(peopleCsv.body().lines().findFirst().orElseThrow()).startsWith("person,name,time_zone,on_call_seconds_business");
        assertThat(peopleCsv.body().lines().count()).isEqualTo(4);

        // The CLI prints the server's CSV as it is, and its own table.
        String server = "http://localhost:" + port;
        CliRun cli = CliRun.run("report", "incidents", "--from", FROM, "--to", TO, "--by", "service", "--csv", "--server", server,
                "--token", TOKEN);
        assertThat(cli.exitCode()).as(cli.err()).isZero();
        assertThat(cli.out()).isEqualTo(csv.body());
        CliRun table = CliRun.run("report", "people", "--from", FROM, "--to", TO, "--server", server, "--token", TOKEN);
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).contains("maya").contains("Asia/Tokyo");
        CliRun weekly = CliRun.run("report", "weekly", "--from", FROM, "--server", server, "--token", TOKEN);
        assertThat(weekly.out()).contains("4 incident(s), 1 the week before (up)").contains("noisiest alerts:").contains("replies/");
        CliRun bad = CliRun.run("report", "incidents", "--by", "colour", "--server", server, "--token", TOKEN);
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).contains("400");
    }

    static Double number(String cell) {
        return cell.isEmpty() ? null : Double.valueOf(cell);
    }

    static Double nullable(JsonNode n) {
        return n.isNull() || n.isMissingNode() ? null : n.asDouble();
    }

    /** The incidents the test made, by number. */
    record History(long a, long b, long c, long d, String noisyKey) {
    }

    History history() {
        // The week before: one incident, resolved at once.
        time.reset(Instant.parse("2026-04-08T10:00:00Z"));
        long previous = trigger(REPLIES, "previous-" + System.nanoTime(), "error");
        time.step(Duration.ofMinutes(5));
        resolve(previous);

        // A, SEV-0 at 14:00 Dublin: acknowledged at 3 min, an update at 10, the lead brought in by hand at 12, resolved at 20
        // (before the next update was due at 25).
        time.reset(T0);
        long a = trigger(ROUTING, "a-" + System.nanoTime(), "critical");
        time.step(Duration.ofMinutes(3));
        act(a, "acknowledge", "{}", "maya");
        time.step(Duration.ofMinutes(7));
        act(a, "updates", "{\"status\":\"identified\",\"message\":\"routing rule reverted\"}", "maya");
        time.step(Duration.ofMinutes(2));
        act(a, "escalate", "{\"level\":\"lead\"}", "maya");
        time.step(Duration.ofMinutes(8));
        resolve(a);

        // C, SEV-1 at 16:00 Dublin: acknowledged at 2 min, resolved at 25.
        time.stepTo(T0.plus(Duration.ofHours(2)));
        long c = trigger(REPLIES, "c-" + System.nanoTime(), "error");
        time.step(Duration.ofMinutes(2));
        act(c, "acknowledge", "{}", "lena");
        time.step(Duration.ofMinutes(23));
        resolve(c);

        // B, SEV-0 at 20:00 Dublin: nobody answers for 20 min (the secondary is paged at 10), no update ever, resolved at 70.
        time.stepTo(T0.plus(Duration.ofHours(6)));
        long b = trigger(ROUTING, "b-" + System.nanoTime(), "critical");
        time.step(Duration.ofMinutes(20));
        act(b, "acknowledge", "{}", "tom");
        time.step(Duration.ofMinutes(50));
        resolve(b);

        // D, SEV-2 at 00:00 Dublin, sent three times and left open: the secondary at 10, the lead team at 30.
        time.stepTo(T0.plus(Duration.ofHours(10)));
        String noisy = "noisy-" + System.nanoTime();
        long d = trigger(REPLIES, noisy, "warning");
        trigger(REPLIES, noisy, "warning");
        trigger(REPLIES, noisy, "warning");
        time.step(Duration.ofMinutes(40));
        return new History(a, b, c, d, noisy);
    }

    // ---- the test's own arithmetic over the raw timelines ----

    /** One incident as read back: its severity and service, and the instants its timeline records. */
    static final class Facts {
        long number;
        String severity;
        String service;
        Instant opened;
        Instant acknowledged;
        Instant firstUpdate;
        Instant resolved;
        Set<String> breached = new LinkedHashSet<>();
        int reminders;
        List<Instant> escalations = new ArrayList<>();

        long number() {
            return number;
        }
    }

    List<Facts> facts(Instant from, Instant to) {
        List<Facts> out = new ArrayList<>();
        for (JsonNode i : api.get("/api/v1/incidents?limit=1000").json()) {
            Instant opened = Instant.parse(i.path("opened_at").asString());
            if (opened.isBefore(from) || !opened.isBefore(to)) {
                continue;
            }
            Facts f = new Facts();
            f.number = i.path("number").asLong();
            f.severity = i.path("severity").asString();
            f.service = i.path("service").asString();
            Instant firstPage = null;
            for (JsonNode e : timeline(f.number)) {
                Instant at = Instant.parse(e.path("at").asString());
                String text = e.path("text").asString();
                switch (e.path("kind").asString()) {
                    case "OPENED" -> f.opened = f.opened == null ? at : f.opened;
                    case "ACKNOWLEDGED" -> f.acknowledged = f.acknowledged == null ? at : f.acknowledged;
                    case "STATUS_UPDATE" -> f.firstUpdate = f.firstUpdate == null ? at : f.firstUpdate;
                    case "RESOLVED" -> f.resolved = f.resolved == null ? at : f.resolved;
                    case "UPDATE_DUE" -> f.reminders++;
                    case "TARGET_BREACHED" -> f.breached.add(text.substring(0, text.indexOf(" target of ")).replace(' ', '_'));
                    case "NOTIFIED" -> {
                        if (!e.path("people").isEmpty()) {
                            if (firstPage == null) {
                                firstPage = at;
                            } else if (at.isAfter(firstPage) && !f.escalations.contains(at)) {
                                f.escalations.add(at);
                            }
                        }
                    }
                    default -> {
                    }
                }
            }
            out.add(f);
        }
        return out;
    }

    void expectFigures(String what, JsonNode g, List<Facts> list) {
        assertThat(g).as(what).isNotNull();
        assertThat(g.path("incidents").asInt()).as(what).isEqualTo(list.size());
        List<Facts> acked = list.stream().filter(f -> f.acknowledged != null).toList();
        List<Facts> resolved = list.stream().filter(f -> f.resolved != null).toList();
        assertThat(g.path("acknowledged").asInt()).as(what).isEqualTo(acked.size());
        assertThat(nullable(g.path("mtta_seconds"))).as(what + " MTTA").isEqualTo(acked.isEmpty() ? null
                : (double) acked.stream().mapToLong(f -> Duration.between(f.opened, f.acknowledged).toMillis()).sum() / acked.size() / 1000.0);
        assertThat(nullable(g.path("mttr_seconds"))).as(what + " MTTR").isEqualTo(resolved.isEmpty() ? null
                : (double) resolved.stream().mapToLong(f -> Duration.between(f.opened, f.resolved).toMillis()).sum() / resolved.size() / 1000.0);
        for (String target : List.of("acknowledge", "first_update", "resolve")) {
            int measured = 0;
            int met = 0;
            for (Facts f : list) {
                if (!TARGETS.get(f.severity).contains(target)) {
                    continue;
                }
                boolean breached = f.breached.contains(target);
                Instant reached = switch (target) {
                    case "acknowledge" -> f.acknowledged != null ? f.acknowledged : f.resolved;
                    case "first_update" -> f.firstUpdate;
                    default -> f.resolved;
                };
                if (breached || reached != null || f.resolved != null) {
                    measured++;
                    met += !breached && reached != null ? 1 : 0;
                }
            }
            JsonNode t = target(g, target);
            assertThat(t.path("measured").asInt()).as(what + " " + target + " measured").isEqualTo(measured);
            assertThat(t.path("met").asInt()).as(what + " " + target + " met").isEqualTo(met);
            assertThat(nullable(t.path("adherence"))).as(what + " " + target).isEqualTo(measured == 0 ? null : (double) met / measured);
        }
        List<Facts> cadence = list.stream().filter(f -> WITH_CADENCE.contains(f.severity) && f.acknowledged != null).toList();
        long kept = cadence.stream().filter(f -> f.reminders == 0).count();
        assertThat(g.path("cadence_incidents").asInt()).as(what).isEqualTo(cadence.size());
        assertThat(g.path("cadence_kept").asLong()).as(what).isEqualTo(kept);
        int escalations = list.stream().mapToInt(f -> f.escalations.size()).sum();
        List<Facts> escalated = list.stream().filter(f -> !f.escalations.isEmpty()).toList();
        assertThat(g.path("escalations").asInt()).as(what).isEqualTo(escalations);
        assertThat(g.path("escalated_incidents").asInt()).as(what).isEqualTo(escalated.size());
        assertThat(nullable(g.path("escalations_per_incident"))).as(what).isEqualTo(list.isEmpty() ? null : (double) escalations / list.size());
        assertThat(nullable(g.path("escalation_rate"))).as(what).isEqualTo(list.isEmpty() ? null : (double) escalated.size() / list.size());
        assertThat(nullable(g.path("mean_time_to_first_escalation_seconds"))).as(what).isEqualTo(escalated.isEmpty() ? null
                : (double) escalated.stream().mapToLong(f -> Duration.between(f.opened, f.escalations.get(0)).toMillis()).sum()
                        / escalated.size() / 1000.0);
    }

    /** The night when {@code organisation.sleep_hours} is not given. */
    static final LocalTime[] DEFAULT_NIGHT = {LocalTime.of(22, 0), LocalTime.of(7, 0)};

    /**
     * {@code organisation.sleep_hours} set to 20:00-06:00: the same history splits differently (Maya's page
     * at 20:00 Dublin woke her now, the hours 06:00-07:00 are off), and every figure still equals the test's
     * own arithmetic with that night. The configuration is put back afterwards.
     */
    void nightFromConfiguration(String query, Instant from, Instant to, Map<String, long[]> before, Map<String, int[]> pagesBefore) {
        Map<String, String> original = new LinkedHashMap<>();
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(ORG)) {
            for (Path f : files.filter(x -> x.toString().endsWith(".yaml")).sorted().toList()) {
                original.put(f.getFileName().toString(), java.nio.file.Files.readString(f));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, String> changed = new LinkedHashMap<>(original);
        changed.put("organisation.yaml", original.get("organisation.yaml").replace("  business_hours: { start: \"09:00\", end: \"17:30\" }\n",
                "  business_hours: { start: \"09:00\", end: \"17:30\" }\n  sleep_hours: { start: \"20:00\", end: \"06:00\" }\n"));
        assertThat(changed.get("organisation.yaml")).contains("sleep_hours");
        activate(changed);
        try {
            LocalTime[] night = {LocalTime.of(20, 0), LocalTime.of(6, 0)};
            JsonNode people = api.get("/api/v1/reports/people?" + query).json();
            assertThat(people.path("sleep_hours").asString()).isEqualTo("20:00-06:00");
            Map<String, long[]> onCall = onCallSeconds(from, to, night);
            Map<String, int[]> pages = pagesByPerson(from, to, night);
            for (JsonNode p : people.path("people")) {
                String id = p.path("person").asString();
                long[] s = onCall.getOrDefault(id, new long[3]);
                int[] n = pages.getOrDefault(id, new int[3]);
                assertThat(new long[] {p.path("on_call_seconds_business").asLong(), p.path("on_call_seconds_off").asLong(),
                        p.path("on_call_seconds_sleep").asLong()}).as(id + " on call, night 20:00-06:00").containsExactly(s);
                assertThat(new int[] {p.path("pages_business").asInt(), p.path("pages_off").asInt(), p.path("pages_sleep").asInt()})
                        .as(id + " pages, night 20:00-06:00").containsExactly(n);
            }
            // The history was built so that the other night moves both figures, or the comparison above proves nothing.
            assertThat(pages.get("maya")[2]).as("maya's sleep pages").isGreaterThan(pagesBefore.get("maya")[2]);
            assertThat(onCall.get("maya")[2]).as("maya's sleep seconds").isNotEqualTo(before.get("maya")[2]);
        } finally {
            activate(original);
        }
        assertThat(api.get("/api/v1/reports/people?" + query).json().path("sleep_hours").asString()).isEqualTo("22:00-07:00");
    }

    void activate(Map<String, String> files) {
        List<Map<String, String>> body = new ArrayList<>();
        files.forEach((name, text) -> body.add(Map.of("name", name, "text", text)));
        Answer a = api.postJson("/api/v1/config", Map.of("files", body, "confirm", true));
        assertThat(a.status()).as(a.body()).isIn(200, 201);
    }

    /** Seconds on call per person as {business, off, sleep}, walking the schedule's shifts minute by minute. */
    Map<String, long[]> onCallSeconds(Instant from, Instant to, LocalTime[] night) {
        JsonNode shifts = api.get("/api/v1/schedules/oncall/shifts?from=" + from + "&to=" + to).json().path("shifts");
        Map<String, ZoneId> zones = Map.of("maya", DUBLIN, "tom", ZoneId.of("America/New_York"), "lena", ZoneId.of("Asia/Tokyo"));
        Map<String, long[]> out = new HashMap<>();
        for (Instant m = from; m.isBefore(to); m = m.plus(Duration.ofMinutes(1))) {
            Set<String> on = new LinkedHashSet<>();
            for (JsonNode s : shifts) {
                if (!m.isBefore(Instant.parse(s.path("start").asString())) && m.isBefore(Instant.parse(s.path("end").asString()))) {
                    on.add(s.path("person").asString());
                }
            }
            for (String person : on) {
                out.computeIfAbsent(person, k -> new long[3])[kind(m, zones.get(person), night)] += 60;
            }
        }
        return out;
    }

    /** Pages per person as {business, off, sleep}: the people named by NOTIFIED entries in the period. */
    Map<String, int[]> pagesByPerson(Instant from, Instant to, LocalTime[] night) {
        Map<String, ZoneId> zones = Map.of("maya", DUBLIN, "tom", ZoneId.of("America/New_York"), "lena", ZoneId.of("Asia/Tokyo"));
        Map<String, int[]> out = new LinkedHashMap<>();
        for (JsonNode i : api.get("/api/v1/incidents?limit=1000").json()) {
            for (JsonNode e : timeline(i.path("number").asLong())) {
                Instant at = Instant.parse(e.path("at").asString());
                if (!e.path("kind").asString().equals("NOTIFIED") || at.isBefore(from) || !at.isBefore(to)) {
                    continue;
                }
                Set<String> named = new LinkedHashSet<>();
                e.path("people").forEach(p -> named.add(p.asString()));
                for (String person : named) {
                    if (zones.containsKey(person)) {
                        out.computeIfAbsent(person, k -> new int[3])[kind(at, zones.get(person), night)]++;
                    }
                }
            }
        }
        return out;
    }

    /** 0 business (Mon-Fri 09:00-17:30 but Easter Monday), 1 off, 2 sleep ({@code night}: from, until, across midnight), on the person's own clock. */
    static int kind(Instant at, ZoneId zone, LocalTime[] night) {
        ZonedDateTime local = at.atZone(zone);
        LocalTime t = local.toLocalTime();
        boolean workday = local.getDayOfWeek() != DayOfWeek.SATURDAY && local.getDayOfWeek() != DayOfWeek.SUNDAY
                && !local.toLocalDate().equals(LocalDate.of(2026, 4, 6));
        if (workday && !t.isBefore(LocalTime.of(9, 0)) && t.isBefore(LocalTime.of(17, 30))) {
            return 0;
        }
        return !t.isBefore(night[0]) || t.isBefore(night[1]) ? 2 : 1;
    }

    // ---- through the API ----

    long trigger(String key, String dedup, String severity) {
        Answer a = api.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", key, "event_action", "trigger", "dedup_key", dedup,
                "payload", Map.of("summary", "reports " + dedup, "source", "test", "severity", severity)));
        assertThat(a.status()).as(a.body()).isEqualTo(202);
        time.settle();
        for (JsonNode i : api.get("/api/v1/incidents?limit=50").json()) {
            if (i.path("dedup_key").asString().equals(dedup)) {
                return i.path("number").asLong();
            }
        }
        throw new AssertionError("no incident for " + dedup);
    }

    /** People of this case, each with a personal token of their own (with the admin scope: maya also sets the switches). */
    final Map<String, HttpCalls> people = new java.util.HashMap<>();

    /** A client acting as {@code person}: their own token, as the one who acts is always the token's owner. */
    HttpCalls as(String person) {
        return people.computeIfAbsent(person, p -> api.asPerson(p, "read", "write", "admin"));
    }

    void act(long id, String action, String body, String as) {
        Answer a = as(as).postJson("/api/v1/incidents/" + id + "/" + action, body);
        assertThat(a.status()).as(action + ": " + a.body()).isEqualTo(200);
        time.settle();
    }

    void resolve(long id) {
        act(id, "resolve", "{}", "maya");
    }

    JsonNode timeline(long id) {
        return api.get("/api/v1/incidents/" + id).json().path("timeline");
    }

    static JsonNode group(JsonNode report, String key) {
        for (JsonNode g : report.path("groups")) {
            if (g.path("group").asString().equals(key)) {
                return g;
            }
        }
        throw new AssertionError("no group " + key + " in " + report);
    }

    static JsonNode target(JsonNode figures, String name) {
        for (JsonNode t : figures.path("targets")) {
            if (t.path("target").asString().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no target " + name);
    }
}
