package io.tocsin.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.incident.TimerWorker;
import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.MutableClock;
import io.tocsin.testing.TestClockConfig;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * Access roles (issue 12, part 2) over real HTTP: every route the server serves (read from its handler
 * mapping, so a new route without an entry here fails) is called by every kind of caller — nobody, the
 * bootstrap admin token, a service token, and a person holding each role (src/test/resources/orgs/roles:
 * alice admin, bob manager and vic viewer organisation-wide; carol manager and dan responder of team
 * backend, erin responder and tess viewer of team payments; frank holds no role) — and answers allowed, 401 (login for
 * the browser's pages) or 403 as the matrix says. Every person's token carries every scope, so what
 * refuses them is their role, never their token.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + RolesMatrixContract.TOKEN,
        "tocsin.config.path=src/test/resources/orgs/roles",
        // the matrix opens an incident for most calls; the ingest limits are not what it tests
        "tocsin.ingest.rate-per-minute=1000000", "tocsin.ingest.burst=100000",
        "tocsin.admin-token-file=target/test-admin-token"})
@Import(TestClockConfig.class)
// Each subclass has a database of its own, so its context is never reused: close it and give back its connections.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
abstract class RolesMatrixContract {
    static final String TOKEN = "roles-test-token-0123456789";
    /** Generic-event keys of service api (team backend) and service shop (team payments). */
    static final String BACKEND_KEY = "ev-api-roles-0123456789";
    static final String PAYMENTS_KEY = "ev-shop-roles-0123456789";
    static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    static final Pattern VARIABLE = Pattern.compile("\\{([^}:]+)(?::[^}]*)?}");

    /** Who calls. A person's token is theirs; the admin token and the service token are no person. */
    enum Caller {
        NONE(null), ADMIN_TOKEN(null), SERVICE(null), ALICE("alice"), BOB("bob"), CAROL("carol"), DAN("dan"), ERIN("erin"),
        VIC("vic"), TESS("tess"), FRANK("frank");

        final String person;

        Caller(String person) {
            this.person = person;
        }

        /** The person a caller's "own" request names: its own, or dan for a token that is no person. */
        String self() {
            return person == null ? "dan" : person;
        }

        /** Someone on backend's rotation who is not this caller, to swap with. */
        String other() {
            return "carol".equals(self()) ? "dan" : "carol";
        }
    }

    /**
     * ALLOW: past authorization (neither 401 nor 403, no 5xx, not sent to sign in); DENY: 403 problem; AUTH: 401;
     * LOGIN: the browser is sent to sign in; HIDDEN: 404, another's thing is not shown; SAME: the route has
     * its own credential (a provider's signature, a key, a signed link), so every caller gets the same answer.
     */
    enum Outcome { ALLOW, DENY, AUTH, LOGIN, HIDDEN, SAME }

    /** One route's request and what each caller gets. */
    record Entry(String route, boolean browser, Function<Caller, String> path, String contentType, Function<Caller, String> body,
                 Map<Caller, Outcome> expected) {
    }

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    TimerWorker timers;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    HttpCalls admin;
    final Map<Caller, String> tokens = new EnumMap<>(Caller.class);
    final Map<Caller, HttpClient> sessions = new EnumMap<>(Caller.class);

    String base() {
        return "http://localhost:" + port;
    }

    @BeforeEach
    void setUp() throws Exception {
        admin = new HttpCalls(base(), TOKEN);
        tokens.put(Caller.ADMIN_TOKEN, TOKEN);
        tokens.put(Caller.SERVICE, issue(Map.of("name", "robot", "kind", "service", "scopes", List.of("read", "write", "admin"))));
        for (Caller c : Caller.values()) {
            if (c.person != null) {
                tokens.put(c, issue(Map.of("name", c.person + "-laptop", "kind", "person", "person", c.person,
                        "scopes", List.of("read", "write", "admin"))));
            }
        }
    }

    String issue(Map<String, Object> body) {
        HttpCalls.Answer a = admin.postJson("/api/v1/tokens", body);
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        return a.json().path("token").asString();
    }

    // ---------------------------------------------------------------- who gets what

    static Map<Caller, Outcome> allowed(Set<Caller> allowed, boolean browser) {
        Map<Caller, Outcome> m = new EnumMap<>(Caller.class);
        for (Caller c : Caller.values()) {
            m.put(c, c == Caller.NONE ? (browser ? Outcome.LOGIN : Outcome.AUTH) : allowed.contains(c) ? Outcome.ALLOW : Outcome.DENY);
        }
        return m;
    }

    static final Set<Caller> TOKENS = Set.of(Caller.ADMIN_TOKEN, Caller.SERVICE);
    /** Anyone holding a role. */
    static final Set<Caller> READERS = plus(TOKENS, Caller.ALICE, Caller.BOB, Caller.CAROL, Caller.DAN, Caller.ERIN, Caller.VIC,
            Caller.TESS);
    static final Set<Caller> ADMINS = plus(TOKENS, Caller.ALICE);
    /** A backend incident, and one's own shifts on backend's schedule. */
    static final Set<Caller> BACKEND_RESPONDERS = plus(TOKENS, Caller.ALICE, Caller.BOB, Caller.CAROL, Caller.DAN);
    /** Anyone's shifts on backend's schedule. */
    static final Set<Caller> BACKEND_MANAGERS = plus(TOKENS, Caller.ALICE, Caller.BOB, Caller.CAROL);
    /** Organisation-wide managers. */
    static final Set<Caller> OPERATORS = plus(TOKENS, Caller.ALICE, Caller.BOB);

    static Set<Caller> plus(Set<Caller> some, Caller... more) {
        Set<Caller> all = new java.util.HashSet<>(some);
        all.addAll(List.of(more));
        return all;
    }

    static Map<Caller, Outcome> every(Outcome o) {
        Map<Caller, Outcome> m = new EnumMap<>(Caller.class);
        for (Caller c : Caller.values()) {
            m.put(c, o);
        }
        return m;
    }

    // ---------------------------------------------------------------- fixtures, fresh for each call

    long openIncident(String key) {
        String dedup = "roles-" + System.nanoTime();
        HttpCalls.Answer a = admin.withToken(null).postJson("/api/v1/events", Map.of("routing_key", key, "dedup_key", dedup,
                "summary", "disk full", "source", "prometheus", "severity", "critical"));
        assertThat(a.status()).as(a.body()).isEqualTo(202);
        return Long.parseLong(a.json().path("incident").asString().replace("INC-", ""));
    }

    long resolvedIncident() {
        long n = openIncident(BACKEND_KEY);
        assertThat(admin.postJson("/api/v1/incidents/" + n + "/resolve", "{}").status()).isEqualTo(200);
        return n;
    }

    long override(String person) {
        HttpCalls.Answer a = admin.postJson("/api/v1/schedules/backend-primary/overrides", Map.of("person", person,
                "start", "2027-03-01T09:00:00Z", "end", "2027-03-01T17:00:00Z", "reason", "fixture"));
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        return a.json().path("id").asLong();
    }

    long swap(String requester, String counterpart) {
        HttpCalls.Answer a = admin.postJson("/api/v1/schedules/backend-primary/swaps", Map.of("requester", requester,
                "counterpart", counterpart, "start", "2027-04-01T09:00:00Z", "end", "2027-04-01T17:00:00Z"));
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        return a.json().path("id").asLong();
    }

    long maintenance() {
        HttpCalls.Answer a = admin.postJson("/api/v1/status/maintenance", Map.of("title", "database upgrade", "services", List.of("api"),
                "start", "2027-05-01T09:00:00Z", "end", "2027-05-01T10:00:00Z"));
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        return a.json().path("id").asLong();
    }

    long feed() {
        assertThat(admin.postJson("/api/v1/schedules/backend-primary/feed", "{}").status()).isEqualTo(201);
        long last = -1;
        for (JsonNode f : admin.get("/api/v1/feeds").json()) {
            last = Math.max(last, f.path("id").asLong());
        }
        return last;
    }

    /** A personal token of dan's, issued by the admin: dan may revoke it, an admin may, nobody else sees it. */
    long dansToken() {
        HttpCalls.Answer a = admin.postJson("/api/v1/tokens", Map.of("name", "dan-phone-" + System.nanoTime(), "kind", "person",
                "person", "dan"));
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        return a.json().path("id").asLong();
    }

    String configFiles() throws Exception {
        List<Map<String, String>> files = new ArrayList<>();
        try (var list = Files.list(Path.of("src/test/resources/orgs/roles"))) {
            for (Path p : list.sorted().toList()) {
                files.add(Map.of("name", p.getFileName().toString(), "text", Files.readString(p)));
            }
        }
        return HttpCalls.JSON.writeValueAsString(Map.of("files", files));
    }

    // ---------------------------------------------------------------- the matrix

    final Map<String, Entry> matrix = new LinkedHashMap<>();

    void api(String route, Map<Caller, Outcome> expected, Function<Caller, String> path, Function<Caller, String> body) {
        matrix.put(route, new Entry(route, false, path, "application/json", body, expected));
    }

    void api(String route, Map<Caller, Outcome> expected, Function<Caller, String> path) {
        api(route, expected, path, c -> null);
    }

    /** A route of the API read as it is written, with no variables. */
    void api(String route, Map<Caller, Outcome> expected) {
        api(route, expected, c -> route.substring(route.indexOf(' ') + 1));
    }

    void page(String route, Map<Caller, Outcome> expected, Function<Caller, String> path, Function<Caller, String> form) {
        matrix.put(route, new Entry(route, true, path, "application/x-www-form-urlencoded", form == null ? c -> null : form, expected));
    }

    static String json(Object body) {
        return HttpCalls.JSON.writeValueAsString(body);
    }

    static Function<Caller, String> fixed(String body) {
        return c -> body;
    }

    /** An incident action on a backend incident opened for this call. */
    void backendAction(String action, Function<Caller, String> body) {
        api("POST /api/v1/incidents/{id}/" + action, allowed(BACKEND_RESPONDERS, false),
                c -> "/api/v1/incidents/" + openIncident(BACKEND_KEY) + "/" + action, body);
    }

    void build() throws Exception {
        Map<Caller, Outcome> read = allowed(READERS, false);
        Map<Caller, Outcome> administer = allowed(ADMINS, false);
        Map<Caller, Outcome> operate = allowed(OPERATORS, false);
        String config = configFiles();

        // incidents: reading, and working a backend incident
        api("GET /api/v1/incidents", read);
        api("GET /api/v1/incidents/{id}", read, c -> "/api/v1/incidents/" + openIncident(BACKEND_KEY));
        api("GET /api/v1/incidents/{id}/messages", read, c -> "/api/v1/incidents/" + openIncident(BACKEND_KEY) + "/messages");
        api("GET /api/v1/incidents/{id}/deliveries", read, c -> "/api/v1/incidents/" + openIncident(BACKEND_KEY) + "/deliveries");
        // many at once: the list is the caller's to give; another team's incident in it is refused alone (its own case)
        api("POST /api/v1/incidents/acknowledge", read, c -> "/api/v1/incidents/acknowledge",
                c -> json(Map.of("ids", List.of("INC-" + openIncident(BACKEND_KEY)))));
        api("POST /api/v1/incidents/resolve", read, c -> "/api/v1/incidents/resolve",
                c -> json(Map.of("ids", List.of("INC-" + openIncident(BACKEND_KEY)))));
        backendAction("acknowledge", fixed("{}"));
        backendAction("unacknowledge", fixed("{}"));
        backendAction("resolve", fixed("{}"));
        backendAction("escalate", fixed("{}"));
        backendAction("notes", fixed(json(Map.of("text", "looking"))));
        backendAction("updates", fixed(json(Map.of("message", "investigating"))));
        backendAction("severity", fixed(json(Map.of("severity", "P2"))));
        backendAction("tags", fixed(json(Map.of("tags", List.of("db")))));
        backendAction("roles", fixed(json(Map.of("role", "scribe", "person", "dan"))));
        backendAction("war-room", fixed("{}"));
        // only a person joins a war room: the admin and service tokens act as themselves, who are nobody to record as joined
        Set<Caller> joiners = java.util.EnumSet.copyOf(BACKEND_RESPONDERS);
        joiners.removeAll(TOKENS);
        api("POST /api/v1/incidents/{id}/war-room/join", allowed(joiners, false),
                c -> "/api/v1/incidents/" + openIncident(BACKEND_KEY) + "/war-room/join", fixed("{}"));
        backendAction("services", fixed(json(Map.of("service", "shop"))));
        backendAction("reassign", fixed(json(Map.of("to", List.of(Map.of("person", "dan"))))));
        backendAction("deescalate", fixed("{}"));
        api("POST /api/v1/incidents/{id}/roles/{role}/release", allowed(BACKEND_RESPONDERS, false),
                c -> "/api/v1/incidents/" + openIncident(BACKEND_KEY) + "/roles/scribe/release", fixed("{}"));
        api("POST /api/v1/incidents/{id}/checklist/{n}/tick", allowed(BACKEND_RESPONDERS, false),
                c -> "/api/v1/incidents/" + openIncident(BACKEND_KEY) + "/checklist/1/tick", fixed("{}"));
        // postmortems: a resolved P1 has one drafted
        api("GET /api/v1/incidents/{id}/postmortem", read, c -> "/api/v1/incidents/" + resolvedIncident() + "/postmortem");
        api("GET /api/v1/incidents/{id}/postmortem.md", read, c -> "/api/v1/incidents/" + resolvedIncident() + "/postmortem.md");
        api("POST /api/v1/incidents/{id}/postmortem", allowed(BACKEND_RESPONDERS, false),
                c -> "/api/v1/incidents/" + resolvedIncident() + "/postmortem", fixed("{}"));
        api("PUT /api/v1/incidents/{id}/postmortem", allowed(BACKEND_RESPONDERS, false),
                c -> "/api/v1/incidents/" + resolvedIncident() + "/postmortem", fixed(json(Map.of("sections", Map.of("summary", "disk full")))));
        api("POST /api/v1/incidents/{id}/postmortem/publish", allowed(BACKEND_RESPONDERS, false),
                c -> "/api/v1/incidents/" + resolvedIncident() + "/postmortem/publish", fixed("{}"));

        // schedules: reading; someone else's shift (vic's) is a manager's change, one's own a responder's
        api("GET /api/v1/schedules", read);
        for (String sub : List.of("", "/oncall", "/shifts", "/gaps", "/next-handoff", "/overrides", "/handoffs", "/swaps")) {
            api("GET /api/v1/schedules/{id}" + sub, read, c -> "/api/v1/schedules/backend-primary" + sub
                    + (sub.equals("/shifts") || sub.equals("/gaps") ? "?from=2027-01-04T00:00:00Z&to=2027-01-11T00:00:00Z" : ""));
        }
        api("POST /api/v1/schedules/{id}/overrides", allowed(BACKEND_MANAGERS, false), c -> "/api/v1/schedules/backend-primary/overrides",
                fixed(json(Map.of("person", "vic", "start", "2027-02-01T09:00:00Z", "end", "2027-02-01T17:00:00Z"))));
        api("DELETE /api/v1/schedules/{id}/overrides/{overrideId}", allowed(BACKEND_MANAGERS, false),
                c -> "/api/v1/schedules/backend-primary/overrides/" + override("vic"));
        api("POST /api/v1/schedules/{id}/swaps", allowed(BACKEND_RESPONDERS, false), c -> "/api/v1/schedules/backend-primary/swaps",
                c -> json(Map.of("requester", c.self(), "counterpart", c.other(), "start", "2027-02-02T09:00:00Z", "end", "2027-02-02T17:00:00Z")));
        api("POST /api/v1/swaps/{swapId}/accept", allowed(BACKEND_RESPONDERS, false),
                c -> "/api/v1/swaps/" + swap(c.other(), c.self()) + "/accept", fixed("{}"));
        api("POST /api/v1/swaps/{swapId}/decline", allowed(BACKEND_RESPONDERS, false),
                c -> "/api/v1/swaps/" + swap(c.other(), c.self()) + "/decline", fixed("{}"));
        api("POST /api/v1/schedules/{id}/feed", read, c -> "/api/v1/schedules/backend-primary/feed", fixed("{}"));

        // people, tokens, feeds
        api("POST /api/v1/people/{id}/feed", read, c -> "/api/v1/people/" + c.self() + "/feed", fixed("{}"));
        api("POST /api/v1/people/{id}/test-page", allowed(plus(OPERATORS, Caller.VIC), false), c -> "/api/v1/people/vic/test-page",
                fixed("{}"));
        api("PUT /api/v1/people/{id}/password", allowed(plus(ADMINS, Caller.VIC), false), c -> "/api/v1/people/vic/password",
                fixed(json(Map.of("password", "correct horse battery staple"))));
        api("GET /api/v1/tokens", read);
        api("POST /api/v1/tokens", read, c -> "/api/v1/tokens",
                c -> json(Map.of("name", "more-" + System.nanoTime(), "kind", "person", "person", c.self(), "scopes", List.of("read"))));
        Map<Caller, Outcome> revoke = allowed(plus(ADMINS, Caller.DAN), false);
        for (Caller c : List.of(Caller.BOB, Caller.CAROL, Caller.ERIN, Caller.VIC, Caller.TESS)) {
            revoke.put(c, Outcome.HIDDEN);
        }
        api("DELETE /api/v1/tokens/{id}", revoke, c -> "/api/v1/tokens/" + dansToken());
        api("GET /api/v1/feeds", administer);
        api("DELETE /api/v1/feeds/{id}", administer, c -> "/api/v1/feeds/" + feed());

        // configuration, switches, audit
        api("GET /api/v1/config/schema", every(Outcome.ALLOW));
        api("GET /api/v1/config/versions", read);
        api("GET /api/v1/config/versions/{version}", read, c -> "/api/v1/config/versions/1");
        api("GET /api/v1/config/active", read);
        api("POST /api/v1/config", administer, c -> "/api/v1/config", fixed(config));
        api("POST /api/v1/config/validate", read, c -> "/api/v1/config/validate", fixed(config));
        api("POST /api/v1/simulate", read, c -> "/api/v1/simulate", fixed(json(Map.of("scenario",
                "start: 2027-01-04T10:00:00Z\nevents:\n  - { at: 0m, alert: { service: api, dedup_key: x, summary: s, severity: critical } }\n"))));
        api("GET /api/v1/switches", read);
        api("PUT /api/v1/switches", administer, c -> "/api/v1/switches", fixed(json(Map.of("safe_mode", false))));
        api("GET /api/v1/audit", administer);
        api("GET /api/v1/directory", read);
        api("GET /api/v1/roles", read);

        // operations shared by the organisation
        api("GET /api/v1/dlq", read);
        api("GET /api/v1/heartbeats", read);
        api("POST /api/v1/dlq/{id}/replay", operate, c -> "/api/v1/dlq/999999/replay", fixed("{}"));
        api("GET /api/v1/status/maintenance", read);
        api("POST /api/v1/status/maintenance", operate, c -> "/api/v1/status/maintenance", fixed(json(Map.of("title", "upgrade",
                "services", List.of("api"), "start", "2027-06-01T09:00:00Z", "end", "2027-06-01T10:00:00Z"))));
        api("DELETE /api/v1/status/maintenance/{id}", operate, c -> "/api/v1/status/maintenance/" + maintenance());
        api("GET /api/v1/services/{id}/changes", read, c -> "/api/v1/services/api/changes");
        for (String r : List.of("incidents", "people", "weekly")) {
            api("GET /api/v1/reports/" + r, read, c -> "/api/v1/reports/" + r + "?from=2027-01-04&to=2027-01-11");
        }

        // their own credential, not a role: an integration key, a provider's signature, a signed link or feed token
        Map<Caller, Outcome> same = every(Outcome.SAME);
        api("POST /v2/enqueue", same, c -> "/v2/enqueue", c -> json(Map.of("routing_key", "r1111111111111111111111111111111", "event_action", "trigger",
                "dedup_key", "same-" + c, "payload", Map.of("summary", "s", "source", "m", "severity", "warning"))));
        api("POST /v2/change/enqueue", same, c -> "/v2/change/enqueue", fixed(json(Map.of("routing_key", "r1111111111111111111111111111111",
                "payload", Map.of("summary", "deployed", "source", "ci")))));
        api("POST /api/v1/events", same, c -> "/api/v1/events", c -> json(Map.of("routing_key", "ev-api-roles-0123456789",
                "dedup_key", "ev-" + c, "summary", "s")));
        api("POST /api/v1/integrations/alertmanager/{key}", same, c -> "/api/v1/integrations/alertmanager/no-such-key", fixed("{}"));
        api("POST /api/v1/integrations/grafana/{key}", same, c -> "/api/v1/integrations/grafana/no-such-key", fixed("{}"));
        api("POST /api/v1/heartbeats/{key}", same, c -> "/api/v1/heartbeats/no-such-key", fixed(""));
        api("POST /api/v1/integrations/slack/interactions", same, c -> "/api/v1/integrations/slack/interactions", fixed("payload=x"));
        api("POST /api/v1/integrations/twilio/sms", same, c -> "/api/v1/integrations/twilio/sms", fixed("Body=ack"));
        api("POST /api/v1/integrations/twilio/voice/{token}", same, c -> "/api/v1/integrations/twilio/voice/no-such-token", fixed(""));
        api("POST /api/v1/integrations/twilio/status", same, c -> "/api/v1/integrations/twilio/status", fixed(""));
        api("GET /links/{token}", same, c -> "/links/no-such-link");
        api("POST /links/{token}", same, c -> "/links/no-such-link", fixed(""));
        api("GET /ical/schedules/{id}.ics", same, c -> "/ical/schedules/backend-primary.ics?token=wrong");
        api("GET /ical/people/{id}.ics", same, c -> "/ical/people/dan.ics?token=wrong");

        // the browser's pages: a session signed in with the caller's token
        Map<Caller, Outcome> readPage = allowed(READERS, true);
        page("GET /ui", readPage, c -> "/ui", null);
        page("GET /ui/", readPage, c -> "/ui/", null);
        page("GET /ui/fragments/open-incidents", readPage, c -> "/ui/fragments/open-incidents", null);
        page("GET /ui/incidents/{id}", readPage, c -> "/ui/incidents/" + openIncident(BACKEND_KEY), null);
        page("GET /ui/incidents/{id}/postmortem", readPage, c -> "/ui/incidents/" + resolvedIncident() + "/postmortem", null);
        page("GET /ui/**", readPage, c -> "/ui/no-such-page", null);
        page("GET /ui/reports", readPage, c -> "/ui/reports", null);
        page("GET /ui/account", readPage, c -> "/ui/account", null);
        page("POST /ui/incidents/{id}/{action}", allowed(BACKEND_RESPONDERS, true),
                c -> "/ui/incidents/" + openIncident(BACKEND_KEY) + "/acknowledge", fixed(""));
        page("POST /ui/incidents/{id}/postmortem/draft", allowed(BACKEND_RESPONDERS, true),
                c -> "/ui/incidents/" + resolvedIncident() + "/postmortem/draft", fixed(""));
        page("POST /ui/incidents/{id}/postmortem/publish", allowed(BACKEND_RESPONDERS, true),
                c -> "/ui/incidents/" + resolvedIncident() + "/postmortem/publish", fixed(""));
        page("POST /ui/incidents/{id}/postmortem", allowed(BACKEND_RESPONDERS, true),
                c -> "/ui/incidents/" + resolvedIncident() + "/postmortem", fixed("summary=disk+full"));
        page("POST /ui/switches/{name}/{state}", allowed(ADMINS, true), c -> "/ui/switches/safe_mode/off", fixed(""));
        page("POST /ui/account/tokens", readPage, c -> "/ui/account/tokens", fixed("name=from-the-ui"));
        page("POST /ui/account/tokens/{id}/revoke", readPage, c -> "/ui/account/tokens/999999/revoke", fixed(""));
        page("POST /ui/account/password", readPage, c -> "/ui/account/password", fixed("password=x"));
        // on call, schedules, ladders, people, history: reading; changes as the API's rules (Rotas, Permissions) allow
        for (String p : List.of("/ui/oncall", "/ui/fragments/oncall", "/ui/history", "/ui/people", "/ui/policies", "/ui/schedules")) {
            page("GET " + p, readPage, c -> p, null);
        }
        page("GET /ui/schedules/{id}", readPage, c -> "/ui/schedules/backend-primary", null);
        page("POST /ui/schedules/{id}/feed", readPage, c -> "/ui/schedules/backend-primary/feed", fixed(""));
        page("POST /ui/schedules/{id}/overrides", allowed(BACKEND_MANAGERS, true), c -> "/ui/schedules/backend-primary/overrides",
                fixed("person=vic&start=2027-02-01T09%3A00&end=2027-02-01T17%3A00"));
        page("POST /ui/schedules/{id}/overrides/{overrideId}/delete", allowed(BACKEND_MANAGERS, true),
                c -> "/ui/schedules/backend-primary/overrides/" + override("vic") + "/delete", fixed(""));
        page("POST /ui/schedules/{id}/swaps", allowed(BACKEND_RESPONDERS, true), c -> "/ui/schedules/backend-primary/swaps",
                c -> "requester=" + c.self() + "&counterpart=" + c.other() + "&start=2027-02-02T09%3A00&end=2027-02-02T17%3A00");
        page("POST /ui/schedules/{id}/swaps/{swapId}/{decision}", allowed(BACKEND_RESPONDERS, true),
                c -> "/ui/schedules/backend-primary/swaps/" + swap(c.other(), c.self()) + "/accept", fixed(""));
        page("POST /ui/people/{id}/test-page", allowed(plus(OPERATORS, Caller.VIC), true), c -> "/ui/people/vic/test-page", fixed(""));
        // the administrators' pages: the audit log and the configuration's history; replays are an operation
        page("GET /ui/admin", allowed(ADMINS, true), c -> "/ui/admin", null);
        page("GET /ui/admin/config/{version}", allowed(ADMINS, true), c -> "/ui/admin/config/1", null);
        page("POST /ui/admin/dead-letters/{id}/replay", allowed(OPERATORS, true), c -> "/ui/admin/dead-letters/999999/replay", fixed(""));
        // open pages: signing in and the public status page
        Map<Caller, Outcome> open = every(Outcome.ALLOW);
        page("GET /login", open, c -> "/login", null);
        page("GET /status", open, c -> "/status", null);
        page("GET /status/feed.atom", open, c -> "/status/feed.atom", null);
        page("POST /status/subscribe", open, c -> "/status/subscribe", fixed("email=someone%40example.com"));
        page("GET /status/confirm", open, c -> "/status/confirm?token=wrong", null);
        page("POST /status/confirm", open, c -> "/status/confirm", fixed("token=wrong"));
        page("GET /status/unsubscribe", open, c -> "/status/unsubscribe?token=wrong", null);
        page("POST /status/unsubscribe", open, c -> "/status/unsubscribe", fixed("token=wrong"));
    }

    /** Every route Spring serves from Tocsin's controllers, as "METHOD /path/{variable}". */
    Set<String> routes() {
        Set<String> routes = new TreeSet<>();
        for (Map.Entry<RequestMappingInfo, org.springframework.web.method.HandlerMethod> e : mappings.getHandlerMethods().entrySet()) {
            if (!e.getValue().getBeanType().getName().startsWith("io.tocsin.")) {
                continue;
            }
            for (String pattern : e.getKey().getPatternValues()) {
                for (RequestMethod m : e.getKey().getMethodsCondition().getMethods()) {
                    routes.add(m.name() + " " + VARIABLE.matcher(pattern).replaceAll("{$1}"));
                }
            }
        }
        return routes;
    }

    // ---------------------------------------------------------------- calling

    record Answer(int status, String location, String contentType, String body) {
    }

    Answer call(Entry e, Caller c) throws Exception {
        String method = e.route().substring(0, e.route().indexOf(' '));
        String path = e.path().apply(c);
        String body = e.body().apply(c);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(java.time.Duration.ofSeconds(60));
        HttpClient client;
        if (e.browser()) {
            client = session(c);
            if (!method.equals("GET")) {
                body = (body == null || body.isEmpty() ? "" : body + "&") + "_csrf=" + URLEncoder.encode(csrf(client), StandardCharsets.UTF_8);
            }
        } else {
            client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
            if (c != Caller.NONE) {
                b.header("Authorization", "Bearer " + tokens.get(c));
            }
        }
        String type = e.route().contains("/integrations/slack") || e.route().contains("/integrations/twilio") ? "application/x-www-form-urlencoded"
                : e.contentType();
        if (body != null) {
            b.header("Content-Type", type);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.headers().firstValue("Location").orElse(""), r.headers().firstValue("Content-Type").orElse(""),
                r.body());
    }

    /** The caller's browser session, signed in with its token (nobody's: a session never signed in). */
    HttpClient session(Caller c) throws Exception {
        HttpClient existing = sessions.get(c);
        if (existing != null) {
            return existing;
        }
        HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
        if (c != Caller.NONE) {
            String form = "person=&token=" + URLEncoder.encode(tokens.get(c), StandardCharsets.UTF_8) + "&_csrf="
                    + URLEncoder.encode(csrf(client), StandardCharsets.UTF_8);
            HttpResponse<String> login = client.send(HttpRequest.newBuilder(URI.create(base() + "/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(302);
            assertThat(login.headers().firstValue("Location").orElse("")).as("%s signs in", c).doesNotContain("error");
        }
        sessions.put(c, client);
        return client;
    }

    String csrf(HttpClient client) throws Exception {
        String page = client.send(HttpRequest.newBuilder(URI.create(base() + "/login")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = CSRF_FIELD.matcher(page);
        assertThat(m.find()).as("a _csrf field on the sign-in page").isTrue();
        return m.group(1);
    }

    /** What went wrong with one call, or null when it answered as expected. */
    static String wrong(Entry e, Caller c, Outcome expected, Answer a) {
        boolean toLogin = a.status() == 302 && a.location().endsWith("/login");
        boolean ok = switch (expected) {
            case ALLOW -> a.status() != 401 && a.status() != 403 && a.status() < 500 && !toLogin;
            case DENY -> a.status() == 403 && (e.browser() || a.contentType().startsWith("application/problem+json"));
            case AUTH -> a.status() == 401 && a.contentType().startsWith("application/problem+json");
            case LOGIN -> toLogin;
            case HIDDEN -> a.status() == 404;
            case SAME -> a.status() < 500;
        };
        return ok ? null : e.route() + " as " + c + ": expected " + expected + ", got " + a.status() + " " + a.location() + " "
                + a.body().substring(0, Math.min(200, a.body().length())).replace('\n', ' ');
    }

    @Test
    void everyRouteAnswersEveryCallerAsTheirRoleAllows() throws Exception {
        build();
        Set<String> served = routes();
        assertThat(served).hasSizeGreaterThan(100);
        // a new route without a line in the matrix fails here, and so does a line for a route that is gone
        assertThat(new TreeSet<>(matrix.keySet())).as("routes without a matrix entry, or entries without a route")
                .isEqualTo(served);
        List<String> wrong = new ArrayList<>();
        for (Entry e : matrix.values()) {
            Map<Integer, List<Caller>> statuses = new java.util.TreeMap<>();
            for (Caller c : Caller.values()) {
                Answer a = call(e, c);
                statuses.computeIfAbsent(a.status(), s -> new ArrayList<>()).add(c);
                String problem = wrong(e, c, e.expected().get(c), a);
                if (problem != null) {
                    wrong.add(problem);
                }
                if (e.expected().get(c) == Outcome.DENY && !e.browser()) {
                    // a refusal by role says which role is needed
                    String detail = HttpCalls.JSON.readTree(a.body()).path("detail").asString();
                    if (!detail.matches(".*(role|scope|admin).*")) {
                        wrong.add(e.route() + " as " + c + ": a refusal that names no role: " + detail);
                    }
                }
            }
            if (e.expected().containsValue(Outcome.SAME) && statuses.size() != 1) {
                wrong.add(e.route() + ": callers with different credentials were answered differently " + statuses);
            }
        }
        assertThat(wrong).isEmpty();
    }

    HttpCalls as(Caller c) {
        return admin.withToken(tokens.get(c));
    }

    static void assertRefused(HttpCalls.Answer a, String role, String... words) {
        assertThat(a.status()).as(a.body()).isEqualTo(403);
        assertThat(a.contentType()).startsWith("application/problem+json");
        JsonNode problem = a.json();
        assertThat(problem.path("role").asString()).isEqualTo(role);
        assertThat(problem.path("errors").get(0).path("field").asString()).isEqualTo("Authorization");
        assertThat(problem.path("detail").asString()).contains("the " + role + " role");
        for (String w : words) {
            assertThat(problem.path("detail").asString()).contains(w);
        }
    }

    @Test
    void aResponderWorksTheirTeamsIncidentsAndNotAnotherTeams() {
        long backend = openIncident(BACKEND_KEY);
        long payments = openIncident(PAYMENTS_KEY);
        assertRefused(as(Caller.ERIN).postJson("/api/v1/incidents/" + backend + "/acknowledge", "{}"), "responder", "team backend");
        assertThat(as(Caller.ERIN).postJson("/api/v1/incidents/" + payments + "/acknowledge", "{}").status()).isEqualTo(200);
        assertRefused(as(Caller.DAN).postJson("/api/v1/incidents/" + payments + "/notes", Map.of("text", "mine?")), "responder", "team payments");
        // a viewer reads everything and works nothing
        assertThat(as(Caller.VIC).get("/api/v1/incidents/" + backend).status()).isEqualTo(200);
        assertRefused(as(Caller.VIC).postJson("/api/v1/incidents/" + backend + "/resolve", "{}"), "responder", "team backend");
        // a refusal is decided before the body: a malformed one is still a refusal, not a 400 that says what it lacks
        assertRefused(as(Caller.ERIN).postJson("/api/v1/incidents/" + backend + "/severity", "{}"), "responder");
        // one more service on the incident brings its team in: payments is affected now, so erin may work it
        assertThat(as(Caller.DAN).postJson("/api/v1/incidents/" + backend + "/services", Map.of("service", "shop")).status()).isEqualTo(200);
        assertThat(as(Caller.ERIN).postJson("/api/v1/incidents/" + backend + "/notes", Map.of("text", "payments too")).status())
                .isEqualTo(200);
        // a viewer of one team reads like any other role holder, and works nothing, not even that team's incidents
        assertThat(as(Caller.TESS).get("/api/v1/incidents/" + payments).status()).isEqualTo(200);
        assertRefused(as(Caller.TESS).postJson("/api/v1/incidents/" + payments + "/resolve", "{}"), "responder", "team payments");
        // no role at all: not even reading
        assertRefused(as(Caller.FRANK).get("/api/v1/incidents"), "viewer", "holds no role");
    }

    /**
     * A ladder may reach past the incident's team (payments' second level pages dan, a responder of
     * backend only): whoever an incident paged may work it, or the page that woke them is one they cannot
     * answer in the API or the UI.
     */
    @Test
    void whoeverAnIncidentPagedMayWorkItWhateverTheirTeam() {
        java.time.Instant start = clock.instant();
        try {
            long payments = openIncident(PAYMENTS_KEY);
            assertRefused(as(Caller.DAN).postJson("/api/v1/incidents/" + payments + "/acknowledge", "{}"), "responder", "team payments");

            clock.advance(java.time.Duration.ofMinutes(16));
            timers.runOnce();
            assertThat(admin.get("/api/v1/incidents/" + payments).json().path("timeline").valueStream()
                    .filter(e -> "outside-help".equals(e.path("level").asString()) && e.path("people").toString().contains("dan")))
                    .as("the second level paged dan").isNotEmpty();

            assertThat(as(Caller.DAN).postJson("/api/v1/incidents/" + payments + "/acknowledge", "{}").status()).isEqualTo(200);
            JsonNode acknowledged = admin.get("/api/v1/incidents/" + payments).json();
            assertThat(acknowledged.path("incident").path("status").asString()).isEqualTo("ACKNOWLEDGED");
            assertThat(acknowledged.path("timeline").valueStream().filter(e -> "dan".equals(e.path("actor").asString()))).isNotEmpty();
            assertThat(as(Caller.DAN).postJson("/api/v1/incidents/" + payments + "/notes", Map.of("text", "on it")).status()).isEqualTo(200);
            // that incident only: a payments incident that did not page him is still not his to work
            long later = openIncident(PAYMENTS_KEY);
            assertRefused(as(Caller.DAN).postJson("/api/v1/incidents/" + later + "/acknowledge", "{}"), "responder", "team payments");
        } finally {
            // the other cases open incidents at the usual time, where no second level is due
            clock.set(start);
        }
    }

    @Test
    void aBulkActionActsOnTheCallersOwnTeamsIncidentsAndRefusesTheRestOneByOne() {
        long backend = openIncident(BACKEND_KEY);
        long payments = openIncident(PAYMENTS_KEY);
        JsonNode answer = as(Caller.ERIN).postJson("/api/v1/incidents/acknowledge",
                Map.of("ids", List.of("INC-" + backend, "INC-" + payments))).json();
        assertThat(answer.path("changed").asInt()).isEqualTo(1);
        assertThat(answer.path("results").get(0).path("outcome").asString()).isEqualTo("refused");
        assertThat(answer.path("results").get(0).path("message").asString()).contains("responder role in team backend");
        assertThat(answer.path("results").get(1).path("outcome").asString()).isEqualTo("changed");
        assertThat(admin.get("/api/v1/incidents/" + backend).json().path("incident").path("status").asString()).isEqualTo("TRIGGERED");
    }

    @Test
    void aResponderChangesTheirOwnShiftsAndAManagerAnyoneOnTheTeamsSchedule() {
        Map<String, String> dansShift = Map.of("person", "dan", "start", "2027-07-01T09:00:00Z", "end", "2027-07-01T17:00:00Z");
        HttpCalls.Answer own = as(Caller.DAN).postJson("/api/v1/schedules/backend-primary/overrides", dansShift);
        assertThat(own.status()).as(own.body()).isEqualTo(201);
        long dans = own.json().path("id").asLong();
        // another team's responder, even for their own shift, on backend's schedule
        assertRefused(as(Caller.ERIN).postJson("/api/v1/schedules/backend-primary/overrides",
                Map.of("person", "erin", "start", "2027-07-02T09:00:00Z", "end", "2027-07-02T17:00:00Z")), "responder", "team backend");
        // someone else's shift is a manager's
        long carols = override("carol");
        assertRefused(as(Caller.DAN).delete("/api/v1/schedules/backend-primary/overrides/" + carols), "manager", "team backend");
        assertThat(as(Caller.DAN).delete("/api/v1/schedules/backend-primary/overrides/" + dans).status()).isEqualTo(204);
        assertThat(as(Caller.CAROL).postJson("/api/v1/schedules/backend-primary/overrides", dansShift).status()).isEqualTo(201);
        // carol manages backend's schedule, not payments'
        assertRefused(as(Caller.CAROL).postJson("/api/v1/schedules/payments-primary/overrides",
                Map.of("person", "erin", "start", "2027-07-03T09:00:00Z", "end", "2027-07-03T17:00:00Z")), "manager", "team payments");
        // a swap dan is asked to cover is his to accept, not erin's
        long swap = swap("carol", "dan");
        assertRefused(as(Caller.ERIN).postJson("/api/v1/swaps/" + swap + "/accept", "{}"), "manager", "team backend");
        assertThat(as(Caller.DAN).postJson("/api/v1/swaps/" + swap + "/accept", "{}").status()).isEqualTo(200);
    }

    @Test
    void onlyAnAdminActivatesConfigurationAndManagesOtherPeoplesTokens() throws Exception {
        assertRefused(as(Caller.BOB).post("/api/v1/config", "application/json", configFiles()), "admin", "organisation-wide");
        assertThat(as(Caller.ALICE).post("/api/v1/config", "application/json", configFiles()).status()).isIn(200, 201);
        // bob's token carries the admin scope, yet his role decides: he issues only his own tokens
        HttpCalls.Answer forDan = as(Caller.BOB).postJson("/api/v1/tokens", Map.of("name", "for-dan", "kind", "person", "person", "dan"));
        assertThat(forDan.status()).as(forDan.body()).isEqualTo(403);
        assertThat(as(Caller.BOB).get("/api/v1/tokens").json()).allSatisfy(t -> assertThat(t.path("person").asString()).isEqualTo("bob"));
        assertThat(as(Caller.ALICE).postJson("/api/v1/tokens", Map.of("name", "for-dan", "kind", "person", "person", "dan")).status())
                .isEqualTo(201);
        HttpCalls.Answer password = as(Caller.BOB).putJson("/api/v1/people/dan/password", Map.of("password", "correct horse battery staple"));
        assertThat(password.status()).isEqualTo(403);
        // the service token acts by its scopes, organisation-wide
        assertThat(as(Caller.SERVICE).put("/api/v1/switches", Map.of("safe_mode", false)).status()).isEqualTo(200);
    }

    @Test
    void theRolesAreListedAsTheConfigurationGrantsThem() {
        JsonNode roles = as(Caller.DAN).get("/api/v1/roles").json();
        assertThat(roles.path("enforced").asBoolean()).isTrue();
        assertThat(roles.path("caller").asString()).isEqualTo("dan");
        assertThat(roles.path("caller_roles").path("teams").path("backend").toString()).isEqualTo("[\"responder\"]");
        Map<String, String> people = new LinkedHashMap<>();
        for (JsonNode p : roles.path("people")) {
            people.put(p.path("person").asString(), p.path("organisation") + " " + p.path("teams"));
        }
        assertThat(people).containsEntry("alice", "[\"admin\"] {}").containsEntry("carol", "[] {\"backend\":[\"manager\"]}")
                .containsEntry("erin", "[] {\"payments\":[\"responder\"]}").containsEntry("tess", "[] {\"payments\":[\"viewer\"]}")
                .containsEntry("frank", "[] {}");
        // a token that is no person has no roles of its own
        assertThat(as(Caller.SERVICE).get("/api/v1/roles").json().path("caller_roles").isNull()).isTrue();
    }

    @Test
    void anIntegrationKeyOpensIncidentsOnlyOnItsOwnService() {
        // the event claims another service in every field it has; the key decides
        HttpCalls.Answer a = admin.withToken(null).postJson("/api/v1/events", Map.of("routing_key", BACKEND_KEY, "dedup_key", "claims-shop",
                "summary", "checkout down", "source", "shop", "labels", Map.of("service", "shop", "team", "payments")));
        assertThat(a.status()).as(a.body()).isEqualTo(202);
        String incident = a.json().path("incident").asString();
        assertThat(admin.get("/api/v1/incidents/" + incident).json().path("incident").path("service").asString()).isEqualTo("api");
        // the same dedup key from the other service's key is that service's own incident, never the first one
        HttpCalls.Answer b = admin.withToken(null).postJson("/api/v1/events", Map.of("routing_key", PAYMENTS_KEY, "dedup_key", "claims-shop",
                "summary", "checkout down"));
        assertThat(b.json().path("incident").asString()).isNotEqualTo(incident);
        assertThat(admin.get("/api/v1/incidents/" + b.json().path("incident").asString()).json().path("incident").path("service").asString())
                .isEqualTo("shop");
        // resolving through one service's key leaves the other's incident open
        admin.withToken(null).postJson("/api/v1/events", Map.of("routing_key", PAYMENTS_KEY, "dedup_key", "claims-shop", "action", "resolve"));
        assertThat(admin.get("/api/v1/incidents/" + incident).json().path("incident").path("status").asString()).isEqualTo("TRIGGERED");
    }

    /** In a real browser: a viewer and another team's responder see no action buttons; a form posted anyway is refused. */
    @Test
    void theIncidentPageShowsItsButtonsOnlyToWhomMayPressThem() throws Exception {
        long backend = openIncident(BACKEND_KEY);
        try (io.tocsin.testing.HeadlessChromium chromium = io.tocsin.testing.HeadlessChromium.start()) {
            org.openqa.selenium.chrome.ChromeDriver browser = chromium.driver();
            var wait = new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(20));
            for (Caller c : List.of(Caller.VIC, Caller.ERIN, Caller.DAN)) {
                browser.get(base() + "/login");
                browser.manage().deleteAllCookies();
                browser.get(base() + "/login");
                browser.findElement(org.openqa.selenium.By.id("token")).sendKeys(tokens.get(c));
                browser.findElement(org.openqa.selenium.By.id("sign-in")).click();
                wait.until(org.openqa.selenium.support.ui.ExpectedConditions.urlToBe(base() + "/ui"));
                browser.get(base() + "/ui/incidents/" + backend);
                wait.until(org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated(org.openqa.selenium.By.id("status")));
                boolean buttons = !browser.findElements(org.openqa.selenium.By.id("acknowledge")).isEmpty();
                assertThat(buttons).as("%s sees the action buttons", c).isEqualTo(c == Caller.DAN);
                assertThat(browser.findElements(org.openqa.selenium.By.id("read-only"))).as("%s is told why", c).hasSize(c == Caller.DAN ? 0 : 1);
            }
            // dan presses acknowledge: the timeline names him and the UI
            browser.findElement(org.openqa.selenium.By.id("acknowledge")).click();
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.textToBe(org.openqa.selenium.By.id("status"), "ACKNOWLEDGED"));
        }
        // erin posts the form anyway, with her session and its CSRF token
        HttpClient erin = session(Caller.ERIN);
        HttpResponse<String> refused = erin.send(HttpRequest.newBuilder(URI.create(base() + "/ui/incidents/" + backend + "/resolve"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + URLEncoder.encode(csrf(erin), StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("id=\"forbidden\"").contains("responder role in team backend");
        assertThat(admin.get("/api/v1/incidents/" + backend).json().path("incident").path("status").asString()).isEqualTo("ACKNOWLEDGED");
    }

    /**
     * A person holding no role whom an incident reaches (here: handed to them) may open that incident, in
     * the API and the UI, and answer it: the page that woke them links to it. Nothing else: not another
     * incident, not the list, not the dashboard.
     */
    @Test
    void aPersonWithNoRoleReachesTheIncidentHandedToThemAndNoOther() throws Exception {
        long handed = openIncident(BACKEND_KEY);
        long other = openIncident(BACKEND_KEY);
        assertRefused(as(Caller.FRANK).get("/api/v1/incidents/" + handed), "viewer", "holds no role");
        assertThat(admin.postJson("/api/v1/incidents/" + handed + "/reassign", Map.of("to", List.of(Map.of("person", "frank"))))
                .status()).isEqualTo(200);

        assertThat(as(Caller.FRANK).get("/api/v1/incidents/INC-" + handed).status()).isEqualTo(200);
        assertThat(as(Caller.FRANK).get("/api/v1/incidents/" + handed + "/deliveries").status()).isEqualTo(200);
        assertThat(as(Caller.FRANK).get("/api/v1/incidents/" + handed + "/messages").status()).isEqualTo(200);
        assertThat(as(Caller.FRANK).postJson("/api/v1/incidents/" + handed + "/acknowledge", "{}").status()).isEqualTo(200);
        assertThat(admin.get("/api/v1/incidents/" + handed).json().path("incident").path("status").asString()).isEqualTo("ACKNOWLEDGED");
        assertRefused(as(Caller.FRANK).get("/api/v1/incidents/" + other), "viewer", "holds no role");
        assertRefused(as(Caller.FRANK).postJson("/api/v1/incidents/" + other + "/acknowledge", "{}"), "viewer", "holds no role");
        assertRefused(as(Caller.FRANK).get("/api/v1/incidents"), "viewer", "holds no role");

        HttpClient frank = session(Caller.FRANK);
        HttpResponse<String> page = frank.send(HttpRequest.newBuilder(URI.create(base() + "/ui/incidents/" + handed)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"status\"").contains("ACKNOWLEDGED");
        HttpResponse<String> resolved = frank.send(HttpRequest.newBuilder(URI.create(base() + "/ui/incidents/" + handed + "/resolve"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + URLEncoder.encode(csrf(frank), StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(resolved.statusCode()).as(resolved.body()).isLessThan(400);
        assertThat(admin.get("/api/v1/incidents/" + handed).json().path("incident").path("status").asString()).isEqualTo("RESOLVED");
        for (String refused : List.of("/ui/incidents/" + other, "/ui")) {
            assertThat(frank.send(HttpRequest.newBuilder(URI.create(base() + refused)).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).as(refused).isEqualTo(403);
        }
    }
}
