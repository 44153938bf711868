package io.tocsin.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tocsin.cli.CliRun;
import io.tocsin.incident.TimerWorker;
import io.tocsin.notify.AckLinks;
import io.tocsin.notify.TwilioSignature;
import io.tocsin.testing.FakeProvider;
import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.HttpCalls.Answer;
import io.tocsin.testing.MutableClock;
import io.tocsin.testing.TestClockConfig;
import io.tocsin.testing.TestOrganisations;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Issue 9 over real HTTP on both databases: text PostgreSQL cannot store, lengths checked before the
 * database, size limits and bounded YAML and CEL, answers without Java in them, signed links, the
 * YAML that validation takes, and an audit log that sees every mutation from every interface.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + HardeningContract.TOKEN,
        "tocsin.admin-token-file=target/test-admin-token-hardening",
        "tocsin.timers.enabled=false",
        "tocsin.handoff.enabled=false",
        "tocsin.notify.poll-interval=50ms",
        "tocsin.notify.slack.signing-secret=" + HardeningContract.SLACK_SECRET,
        "tocsin.notify.twilio.auth-token=" + HardeningContract.TWILIO_AUTH,
        "tocsin.public-url=" + HardeningContract.PUBLIC_URL})
@Import(TestClockConfig.class)
// Each subclass has a database of its own, so its context is never reused: close it and give back
// its connections (PostgreSQL allows a hundred in all).
@org.springframework.test.annotation.DirtiesContext(classMode = org.springframework.test.annotation.DirtiesContext.ClassMode.AFTER_CLASS)
abstract class HardeningContract {
    static final String TOKEN = "hardening-token-0123456789";
    static final String SLACK_SECRET = "slack-signing-secret-for-hardening";
    static final String TWILIO_AUTH = "twilio-auth-token-for-hardening";
    static final String PUBLIC_URL = "https://tocsin.example.test";
    static final String PD_KEY = "a1111111111111111111111111111111";
    static final String AM_KEY = "am-api-0123456789";
    static final String GF_KEY = "gf-api-0123456789";
    static final String EV_KEY = "ev-api-0123456789";
    static final String NUL = "\u0000";
    static final String REPLACED = "\uFFFD";
    static final FakeProvider HOOKS = new FakeProvider();
    static final Path ORG = TestOrganisations.copy("src/test/resources/orgs/hardening", "${HOOK}", HOOKS.baseUrl());

    @DynamicPropertySource
    static void organisation(DynamicPropertyRegistry registry) {
        registry.add("tocsin.config.path", ORG::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AckLinks links;

    @Autowired
    TimerWorker timers;

    @Autowired
    javax.sql.DataSource dataSource;

    HttpCalls api;
    HttpCalls anonymous;

    @BeforeEach
    void setUp() {
        api = new HttpCalls("http://localhost:" + port, TOKEN);
        anonymous = api.withToken(null);
        clock.set(TestClockConfig.START);
        api.resolveAllOpen();
        HOOKS.clear();
    }

    // ---- 1. NUL ----

    @Test
    void aNulInAnyTextFieldIsStoredAsTheReplacementCharacterOnEveryEndpointAndDatabase() {
        String dedup = "nul-" + System.nanoTime() + NUL + "key";
        Answer pd = pd(Map.of("routing_key", PD_KEY, "event_action", "trigger", "dedup_key", dedup,
                "payload", Map.of("summary", "disk" + NUL + "full", "source", "db" + NUL + "1", "severity", "critical",
                        "custom_details", Map.of("mount" + NUL, "/var" + NUL))));
        assertThat(pd.status()).as(pd.body()).isEqualTo(202);
        JsonNode incident = find(dedup.replace(NUL, REPLACED));
        assertThat(incident.path("summary").asString()).isEqualTo("disk" + REPLACED + "full");
        String id = incident.path("id").asString();
        // The same rule holds for the lookup, so the acknowledgement with the same dedup key finds it.
        Answer ack = pd(Map.of("routing_key", PD_KEY, "event_action", "acknowledge", "dedup_key", dedup));
        assertThat(ack.status()).as(ack.body()).isEqualTo(202);
        assertThat(api.get("/api/v1/incidents/" + id).json().path("incident").path("status").asString()).isEqualTo("ACKNOWLEDGED");

        Answer change = pd("/v2/change/enqueue", Map.of("routing_key", PD_KEY,
                "payload", Map.of("summary", "deploy" + NUL + " v2", "source", "ci" + NUL)));
        assertThat(change.status()).as(change.body()).isEqualTo(202);
        assertThat(api.get("/api/v1/services/api/changes?limit=1").json().get(0).path("summary").asString())
                .isEqualTo("deploy" + REPLACED + " v2");

        for (String integration : List.of("alertmanager", "grafana")) {
            String fp = integration + "-nul-" + System.nanoTime() + NUL;
            Answer group = anonymous.postJson("/api/v1/integrations/" + integration + "/" + (integration.equals("grafana") ? GF_KEY : AM_KEY),
                    Map.of("alerts", List.of(Map.of("status", "firing", "fingerprint", fp,
                            "labels", Map.of("alertname", "Disk" + NUL, "instance", "db" + NUL + "1"),
                            "annotations", Map.of("summary", integration + " says" + NUL + "full")))));
            assertThat(group.status()).as(group.body()).isEqualTo(200);
            assertThat(find(integration + ":" + fp.replace(NUL, REPLACED)).path("summary").asString())
                    .isEqualTo(integration + " says" + REPLACED + "full");
        }
        String generic = "ev-nul-" + System.nanoTime() + NUL;
        Answer event = anonymous.withHeader("X-Tocsin-Key", EV_KEY).postJson("/api/v1/events", Map.of("summary", "queue" + NUL,
                "source", "worker" + NUL, "dedup_key", generic, "labels", Map.of("queue" + NUL, "jobs" + NUL)));
        assertThat(event.status()).as(event.body()).isEqualTo(202);
        assertThat(find(generic.replace(NUL, REPLACED)).path("summary").asString()).isEqualTo("queue" + REPLACED);

        // The API: every text an action carries.
        String at = "/api/v1/incidents/" + id;
        assertThat(api.postJson(at + "/notes", Map.of("text", "note" + NUL)).status()).isEqualTo(200);
        assertThat(api.postJson(at + "/updates", Map.of("message", "update" + NUL, "status", "identified")).status()).isEqualTo(200);
        assertThat(api.postJson(at + "/tags", Map.of("tags", List.of("tag" + NUL))).status()).isEqualTo(200);
        assertThat(api.postJson(at + "/reassign", Map.of("to", List.of(Map.of("person", "dan")), "reason", "reason" + NUL)).status())
                .isEqualTo(200);
        assertThat(api.postJson(at + "/deescalate", Map.of("keep", List.of("dan"), "reason", "calm" + NUL)).status()).isEqualTo(200);
        Answer override = api.postJson("/api/v1/schedules/backend-primary/overrides", Map.of("layer", "primary", "person", "dan",
                "start", "2026-05-01T10:00:00Z", "end", "2026-05-01T11:00:00Z", "reason", "cover" + NUL));
        assertThat(override.status()).as(override.body()).isEqualTo(201);
        assertThat(api.get("/api/v1/schedules/backend-primary/overrides").json().toString()).contains("cover" + REPLACED);
        api.delete("/api/v1/schedules/backend-primary/overrides/" + override.json().path("id").asLong());

        List<String> texts = new ArrayList<>();
        api.get(at).json().path("timeline").forEach(e -> texts.add(e.path("text").asString()));
        assertThat(texts).anyMatch(t -> t.contains("note" + REPLACED)).anyMatch(t -> t.contains("update" + REPLACED))
                .anyMatch(t -> t.contains("tag" + REPLACED)).anyMatch(t -> t.contains("reason" + REPLACED))
                .anyMatch(t -> t.contains("calm" + REPLACED)).noneMatch(t -> t.contains(NUL));
        // Nothing stored anywhere kept a NUL, on either database.
        assertThat(jdbc.sql("SELECT text FROM incident_entry").query(String.class).list()).noneMatch(t -> t.contains(NUL));
        assertThat(jdbc.sql("SELECT summary FROM incident").query(String.class).list()).noneMatch(t -> t.contains(NUL));
        assertThat(jdbc.sql("SELECT reason FROM outbox").query(String.class).list()).noneMatch(t -> t.contains(NUL));

        // A configuration may say NUL as YAML's escape (it is text then), never as the raw character.
        String yaml = "organisation:\n  id: acme\n  name: \"raw " + NUL + " nul\"\n";
        Answer raw = api.post("/api/v1/config/validate", "application/yaml", yaml);
        assertThat(raw.status()).as(raw.body()).isEqualTo(422);
        assertThat(raw.json().path("errors").get(0).path("path").asString()).isEqualTo("(syntax)");
        Answer scenario = api.postJson("/api/v1/simulate", Map.of("scenario", "name: nul" + NUL + "\nstart: 2026-03-29T03:00:00+03:00\n"
                + "events:\n  - { at: 0m, alert: { service: api, severity: P1, summary: \"s\" } }\n"));
        assertThat(scenario.status()).as(scenario.body()).isLessThan(500);
    }

    // ---- 2. lengths ----

    @Test
    void everyLengthIsCheckedBeforeTheDatabaseWithAFourHundredNamingTheField() {
        Answer am = anonymous.postJson("/api/v1/integrations/alertmanager/" + AM_KEY,
                Map.of("alerts", List.of(Map.of("status", "firing", "fingerprint", "f".repeat(250), "labels", Map.of("alertname", "x")))));
        assertIngestProblem(am, "alerts[0].fingerprint", "longer than 242 characters");
        Answer grafana = anonymous.postJson("/api/v1/integrations/grafana/" + GF_KEY,
                Map.of("alerts", List.of(Map.of("status", "firing", "fingerprint", "f".repeat(250), "labels", Map.of("alertname", "x")))));
        assertIngestProblem(grafana, "alerts[0].fingerprint", "longer than 247 characters");
        // At the limit it is taken, and a long instance label (the derived source) is shortened, not refused.
        String fp = Long.toHexString(System.nanoTime()) + "f".repeat(250);
        Answer longest = anonymous.postJson("/api/v1/integrations/alertmanager/" + AM_KEY, Map.of("alerts", List.of(Map.of("status",
                "firing", "fingerprint", fp.substring(0, 242), "labels", Map.of("alertname", "x", "instance", "i".repeat(400))))));
        assertThat(longest.status()).as(longest.body()).isEqualTo(200);

        // A source as long as its column names whoever opened the incident on the timeline.
        Answer longestSource = pd(Map.of("routing_key", PD_KEY, "event_action", "trigger", "dedup_key", "longest-source-" + System.nanoTime(),
                "payload", Map.of("summary", "x", "source", "s".repeat(255), "severity", "critical")));
        assertThat(longestSource.status()).as(longestSource.body()).isEqualTo(202);
        Answer source = pd(Map.of("routing_key", PD_KEY, "event_action", "trigger", "dedup_key", "long-source-" + System.nanoTime(),
                "payload", Map.of("summary", "x", "source", "s".repeat(256), "severity", "critical")));
        assertThat(source.status()).isEqualTo(400);
        assertThat(source.json().path("errors").toString()).contains("'payload.source' is longer than 255 characters");
        Answer changeSummary = pd("/v2/change/enqueue", Map.of("routing_key", PD_KEY, "payload", Map.of("summary", "s".repeat(1025))));
        assertThat(changeSummary.status()).isEqualTo(400);
        assertThat(changeSummary.json().path("errors").toString()).contains("'payload.summary' is longer than 1024 characters");
        Answer changeSource = pd("/v2/change/enqueue", Map.of("routing_key", PD_KEY,
                "payload", Map.of("summary", "deploy", "source", "s".repeat(256))));
        assertThat(changeSource.json().path("errors").toString()).contains("'payload.source' is longer than 255 characters");
        Answer generic = anonymous.withHeader("X-Tocsin-Key", EV_KEY).postJson("/api/v1/events",
                Map.of("summary", "x", "source", "s".repeat(256)));
        assertIngestProblem(generic, "source", "longer than 255 characters");

        String id = open("lengths-" + System.nanoTime());
        String at = "/api/v1/incidents/" + id;
        assertProblem(api.postJson(at + "/reassign", Map.of("to", List.of(Map.of("person", "dan")), "reason", "r".repeat(1001))), 400, "reason");
        assertProblem(api.postJson(at + "/deescalate", Map.of("keep", List.of(), "reason", "r".repeat(1001))), 400, "reason");
        assertProblem(api.postJson(at + "/tags", Map.of("tags", List.of("t".repeat(101)))), 400, "tags[0]");
        assertProblem(api.postJson("/api/v1/schedules/backend-primary/overrides", Map.of("layer", "primary", "person", "dan",
                "start", "2026-05-01T10:00:00Z", "end", "2026-05-01T11:00:00Z", "reason", "r".repeat(1001))), 400, "reason");
        // A reason as long as allowed is carried into the pages it causes.
        Answer reassigned = api.postJson(at + "/reassign", Map.of("to", List.of(Map.of("person", "dan")), "reason", "r".repeat(1000)));
        assertThat(reassigned.status()).as(reassigned.body()).isEqualTo(200);

        // A chat channel as long as a Teams workflow URL: each post names it as its recipient.
        String channel = api.get("/api/v1/incidents/" + id + "/messages").json().findValues("recipient").stream()
                .map(JsonNode::asString).filter(r -> r.startsWith("http")).findFirst().orElseThrow();
        assertThat(channel.length()).isGreaterThan(300);

        // Configuration values that end up in columns are bounded by the schema.
        Answer longId = api.postJson("/api/v1/config/validate", Map.of("files", List.of(Map.of("name", "o.yaml",
                "text", "organisation:\n  id: " + "a".repeat(101) + "\n  name: A\n  time_zone: UTC\n"))));
        assertThat(longId.status()).isEqualTo(422);
        assertThat(longId.json().path("errors").toString()).contains("organisation.id");
        assertThat(api.get("/api/v1/incidents?limit=1000").json().toString()).doesNotContain("f".repeat(243));
    }

    // ---- 3. sizes, YAML and CEL bounds ----

    @Test
    void configurationsScenariosNotesAndTagsHaveLimitsAndYamlAndCelAreReadWithinBounds() throws Exception {
        long versions = count("config_version");
        // Refused from Content-Length before the body is read: only the head of a 10 MB request is sent.
        assertTooLarge(api.postDeclaring("/api/v1/config", "application/yaml", 10 * 1024 * 1024), "(body)");
        assertTooLarge(api.postDeclaring("/api/v1/config/validate", "application/yaml", 10 * 1024 * 1024), "(body)");
        String big = "organisation:\n  id: " + "a".repeat(1_500_000) + "\n";
        assertTooLarge(api.post("/api/v1/config?confirm=true", "application/yaml", big), "(body)");
        assertTooLarge(api.postJson("/api/v1/config/validate", Map.of("files", List.of(Map.of("name", "a.yaml", "text", big)))), "files");
        assertTooLarge(api.postJson("/api/v1/simulate", Map.of("scenario", "name: x\n# " + "x".repeat(300 * 1024))), "scenario");
        assertTooLarge(api.post("/api/v1/simulate", "application/yaml", "name: x\n# " + "x".repeat(300 * 1024)), "(body)");
        assertTooLarge(api.postJson("/api/v1/incidents/1/notes", Map.of("text", "x".repeat(300 * 1024))), "(body)");
        assertThat(count("config_version")).isEqualTo(versions);

        Answer deep = api.post("/api/v1/config/validate", "application/yaml", "organisation: " + "[".repeat(600) + "]".repeat(600));
        assertThat(deep.status()).as(deep.body()).isEqualTo(422);
        assertThat(deep.json().path("errors").get(0).path("message").asString()).contains("nested too deeply");
        Answer alias = api.post("/api/v1/config/validate", "application/yaml", "organisation:\n  id: &x acme\n  name: *x\n");
        assertThat(alias.status()).isEqualTo(422);
        assertThat(alias.json().path("errors").toString()).contains("aliases (*x) are not supported");
        Answer scenarioAlias = api.post("/api/v1/simulate", "application/yaml", "name: &n x\nstart: *n\nevents: []\n");
        assertProblem(scenarioAlias, 400, "scenario");
        assertThat(scenarioAlias.body()).contains("aliases (*n) are not supported");
        Answer scenarioTwice = api.post("/api/v1/simulate", "application/yaml", "name: a\nname: b\nstart: 2026-03-29T03:00:00Z\nevents: []\n");
        assertProblem(scenarioTwice, 400, "scenario");
        assertThat(scenarioTwice.json().path("errors").get(0).path("message").asString()).isEqualTo("the key \"name\" is given twice");

        List<Map<String, String>> files = orgFiles();
        String escalation = files.stream().filter(f -> f.get("name").equals("escalation.yaml")).findFirst().orElseThrow().get("text");
        for (String when : List.of("true || " + "labels.x == \"y\" || ".repeat(300) + "false", "(".repeat(200) + "true" + ")".repeat(200))) {
            List<Map<String, String>> changed = new ArrayList<>(files);
            changed.replaceAll(f -> f.get("name").equals("escalation.yaml") ? Map.of("name", "escalation.yaml",
                    "text", escalation.replace("when: 'has(labels.latency_ratio) && double(labels.latency_ratio) > 2.0'",
                            "when: '" + when + "'")) : f);
            Answer cel = api.postJson("/api/v1/config/validate", Map.of("files", changed));
            assertThat(cel.status()).as(cel.body()).isEqualTo(422);
            assertThat(cel.json().path("errors").findValues("path").stream().map(JsonNode::asString)).contains("routing_rules[0].when");
        }

        String id = open("limits-" + System.nanoTime());
        String at = "/api/v1/incidents/" + id;
        assertProblem(api.postJson(at + "/notes", Map.of("text", "n".repeat(10_001))), 400, "text");
        assertProblem(api.postJson(at + "/updates", Map.of("message", "m".repeat(10_001))), 400, "message");
        assertThat(api.postJson(at + "/notes", Map.of("text", "n".repeat(10_000))).status()).isEqualTo(200);
        List<String> fifty = Stream.iterate(1, i -> i + 1).limit(51).map(i -> "t" + i).toList();
        assertProblem(api.postJson(at + "/tags", Map.of("tags", fifty)), 400, "tags");
        assertThat(api.postJson(at + "/tags", Map.of("tags", fifty.subList(0, 50))).status()).isEqualTo(200);
        Answer oneMore = api.postJson(at + "/tags", Map.of("tags", List.of("t51")));
        assertProblem(oneMore, 400, "tags");
        assertThat(oneMore.json().path("detail").asString()).contains("at most 50 tags");
        List<String> kinds = api.get(at).json().path("timeline").findValues("kind").stream().map(JsonNode::asString).toList();
        assertThat(kinds.stream().filter(k -> k.equals("NOTE"))).hasSize(1);
        assertThat(kinds.stream().filter(k -> k.equals("STATUS_UPDATE"))).isEmpty();
        assertThat(kinds.stream().filter(k -> k.equals("TAG_ADDED"))).hasSize(50);
    }

    // ---- 4. no Java in answers and timelines ----

    @Test
    void answersAndTimelinesSpeakTheUsersLanguageNotJava() {
        List<Answer> answers = List.of(
                api.postJson("/api/v1/simulate", Map.of("scenario", "- 1")),
                api.post("/api/v1/simulate", "application/yaml", "name: x\nstart: 2026-03-29T03:00:00+03:00\nevents:\n  - { at: 0m, alrt: {} }\n"),
                api.post("/api/v1/simulate", "application/yaml", "events: {a: 1}\n"),
                api.post("/api/v1/simulate", "application/yaml", "start: [\n"),
                api.post("/api/v1/simulate", "application/yaml", "~\n"),
                api.postJson("/api/v1/incidents/1/notes", "{\"text\": [\"x\"]}"),
                api.postJson("/api/v1/incidents/1/tags", "{\"tags\": {\"a\": 1}}"),
                api.postJson("/api/v1/incidents/1/notes", "{\"text\": \"x\", \"text\": \"y\"}"),
                api.postJson("/api/v1/schedules/backend-primary/overrides", "{\"start\": 5"),
                api.postJson("/api/v1/config/validate", "{\"files\": \"x\"}"),
                api.get("/api/v1/no-such-thing"));
        for (Answer a : answers) {
            assertThat(a.status()).as(a.body()).isBetween(400, 499);
            assertThat(a.body()).as("no Java in the answer").doesNotContain("io.tocsin").doesNotContain("java.")
                    .doesNotContain("Exception").doesNotContain("Cannot deserialize").doesNotContain("Cannot construct")
                    .doesNotContain("JsonToken").doesNotContain("`").doesNotContain("static resource");
        }
        assertThat(answers.get(0).json().path("errors").get(0).path("message").asString()).isEqualTo("expected a mapping of keys to values");
        assertThat(answers.get(1).json().path("errors").get(0).path("message").asString()).contains("events[0]").contains("unknown field \"alrt\"");
        assertThat(answers.get(2).json().path("errors").get(0).path("message").asString()).isEqualTo("events: expected a list");
        assertThat(answers.get(5).json().path("errors").get(0).path("field").asString()).isEqualTo("text");
        assertThat(answers.get(5).json().path("errors").get(0).path("message").asString()).isEqualTo("expected text");
        assertThat(answers.get(7).json().path("errors").get(0).path("message").asString()).isEqualTo("the key \"text\" is given twice");

        // A timer that cannot be processed says so on the timeline, with the details left to the log.
        String id = open("poison-" + System.nanoTime());
        long n = Long.parseLong(id.substring(4));
        jdbc.sql("UPDATE incident SET state = '{not json' WHERE id = ?").param(n).update();
        jdbc.sql("UPDATE incident_timer SET due_at = ? WHERE incident_id = ?")
                .params(clock.instant().minusSeconds(1).atOffset(java.time.ZoneOffset.UTC), n).update();
        timers.runOnce();
        String note = api.get("/api/v1/incidents/" + id).json().path("timeline").findValues("text").stream().map(JsonNode::asString)
                .filter(t -> t.startsWith("processing a due timer failed")).findFirst().orElseThrow();
        assertThat(note).isEqualTo("processing a due timer failed (the server log has the details); retrying in 1s");
        jdbc.sql("DELETE FROM incident_timer WHERE incident_id = ?").param(n).update();
        jdbc.sql("UPDATE incident SET status = 'RESOLVED', open_key = NULL WHERE id = ?").param(n).update();
    }

    /**
     * A due timer whose incident another transaction holds (an alert or a command on it at that very
     * moment) is left for the next poll: the timer worker neither waits for the lock while holding
     * other timers (which could deadlock with intake, which locks incidents first and timers after)
     * nor gives up on it as a failure. Once the other transaction ends, the timer fires.
     */
    @Test
    void aTimerWhoseIncidentIsBusyIsLeftForTheNextPollNotWaitedForNorFailed() throws Exception {
        String id = open("busy-" + System.nanoTime());
        long n = Long.parseLong(id.substring(4));
        java.time.OffsetDateTime due = clock.instant().minusSeconds(1).atOffset(java.time.ZoneOffset.UTC);
        jdbc.sql("UPDATE incident_timer SET due_at = ? WHERE incident_id = ?").params(due, n).update();
        try (java.sql.Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            try (java.sql.PreparedStatement lock = other.prepareStatement("SELECT id FROM incident WHERE id = ? FOR UPDATE")) {
                lock.setLong(1, n);
                lock.executeQuery().close();
            }
            timers.runOnce();
            assertThat(jdbc.sql("SELECT failures FROM incident_timer WHERE incident_id = ?").param(n).query(Integer.class).single())
                    .as("not counted as a failure").isZero();
            assertThat(jdbc.sql("SELECT due_at FROM incident_timer WHERE incident_id = ?").param(n)
                    .query(java.time.OffsetDateTime.class).single().toInstant()).as("still due, untouched").isEqualTo(due.toInstant());
            other.rollback();
        }
        assertThat(timers.runOnce()).as("fired once the incident is free").isGreaterThanOrEqualTo(1);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM incident_timer WHERE incident_id = ? AND due_at = ?").params(n, due)
                .query(Integer.class).single()).as("the timer was fired and set anew").isZero();
        assertThat(api.get("/api/v1/incidents/" + id).json().path("timeline").findValues("text").stream().map(JsonNode::asString))
                .noneMatch(t -> t.startsWith("processing a due timer failed"));
    }

    // ---- 5. signed links ----

    @Test
    void aTamperedOrExpiredSignedLinkIsUnauthorizedAsDocumentedAndChangesNothing() {
        String id = open("link-" + System.nanoTime());
        long n = Long.parseLong(id.substring(4));
        String token = path(links.url(n, "acknowledge", "carol"));
        String payload = token.substring(0, token.indexOf('.'));
        String other = new String(java.util.Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8).replace("carol", "alice");
        String tampered = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(other.getBytes(StandardCharsets.UTF_8))
                + token.substring(token.indexOf('.'));
        long audit = count("audit_entry");
        for (String bad : List.of(tampered, token.substring(0, token.length() - 2) + "xx", "not-a-link")) {
            Answer get = anonymous.get("/links/" + bad);
            Answer post = anonymous.postJson("/links/" + bad, "");
            for (Answer a : List.of(get, post)) {
                assertThat(a.status()).as(a.body()).isEqualTo(401);
                assertThat(a.header("WWW-Authenticate")).isEqualTo("Bearer");
                assertThat(a.body()).contains("This link is not valid");
            }
        }
        clock.advance(Duration.ofHours(25));
        assertThat(anonymous.postJson("/links/" + token, "").status()).isEqualTo(401);
        clock.set(TestClockConfig.START);
        assertThat(api.get("/api/v1/incidents/" + id).json().path("incident").path("status").asString()).isEqualTo("TRIGGERED");
        assertThat(count("audit_entry")).isEqualTo(audit);
        assertThat(anonymous.postJson("/links/" + token, "").status()).isEqualTo(200);
        assertThat(api.get("/api/v1/incidents/" + id).json().path("incident").path("status").asString()).isEqualTo("ACKNOWLEDGED");
    }

    // ---- 6. validate takes the YAML apply takes ----

    @Test
    void validationTakesTheSingleYamlDocumentThatActivationTakes() {
        String yaml = orgFiles().stream().map(f -> f.get("text")).collect(Collectors.joining("\n"));
        for (String type : List.of("application/yaml", "application/x-yaml", "text/yaml")) {
            Answer valid = api.post("/api/v1/config/validate", type, yaml);
            assertThat(valid.status()).as(valid.body()).isEqualTo(200);
            assertThat(valid.json().path("valid").asBoolean()).isTrue();
            assertThat(valid.json().path("coverage").isObject()).isTrue();
        }
        // An emoji that the YAML parser's buffer splits in two answered 500 wherever it fell.
        for (int pad = 0; pad < 4; pad++) {
            String named = yaml.replace("name: Acme Test Org", "name: \"" + "x".repeat(pad) + "\ud83d\udea8".repeat(700) + "\"");
            Answer emoji = api.post("/api/v1/config/validate", "application/yaml", named);
            assertThat(emoji.status()).as(emoji.body()).isEqualTo(200);
        }
        Answer invalid = api.post("/api/v1/config/validate", "application/yaml", yaml.replace("escalation_policy: backend",
                "escalation_policy: backnd"));
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.json().path("errors").toString()).contains("backnd").contains("config.yaml");
    }

    // ---- 7. the audit log ----

    @Test
    void everyIncidentActionFromEveryInterfaceIsAuditedWithWhoWhenViaAndBeforeAndAfter() throws Exception {
        String id = open("audit-" + System.nanoTime());
        String at = "/api/v1/incidents/" + id;
        String now = clock.instant().toString();
        // The API (a person with their own token), then every other action through it.
        assertThat(api.asPerson("carol").postJson(at + "/acknowledge", "{}").status()).isEqualTo(200);
        JsonNode ack = audit(id).get(0);
        assertThat(ack.path("action").asString()).isEqualTo("incident.acknowledge");
        assertThat(ack.path("actor").asString()).isEqualTo("carol");
        assertThat(ack.path("via").asString()).isEqualTo("api");
        assertThat(ack.path("at").asString()).isEqualTo(now);
        assertThat(ack.path("before").path("status").asString()).isEqualTo("TRIGGERED");
        assertThat(ack.path("after").path("status").asString()).isEqualTo("ACKNOWLEDGED");
        assertThat(ack.path("after").path("acknowledged_by").asString()).isEqualTo("carol");
        api.postJson(at + "/unacknowledge", "{}");
        api.postJson(at + "/notes", Map.of("text", "looking"));
        api.postJson(at + "/updates", Map.of("message", "found it", "status", "identified"));
        api.postJson(at + "/severity", Map.of("severity", "P2"));
        api.postJson(at + "/tags", Map.of("tags", List.of("db")));
        api.postJson(at + "/services", Map.of("service", "batch"));
        api.postJson(at + "/escalate", Map.of("level", "secondary"));
        api.postJson(at + "/reassign", Map.of("to", List.of(Map.of("person", "bob")), "reason", "bob knows it"));
        api.postJson(at + "/deescalate", Map.of("keep", List.of("bob"), "reason", "calm"));
        // The CLI acts through the API.
        CliRun cli = CliRun.run("incident", "note", id, "from the terminal", "--server", "http://localhost:" + port, "--token", TOKEN);
        assertThat(cli.exitCode()).as(cli.err()).isZero();
        List<JsonNode> entries = audit(id);
        assertThat(entries.stream().map(e -> e.path("action").asString()).toList()).containsExactly("incident.note", "incident.deescalate",
                "incident.reassign", "incident.escalate", "incident.service", "incident.tag", "incident.severity", "incident.update",
                "incident.note", "incident.unacknowledge", "incident.acknowledge");
        assertThat(entries).allMatch(e -> e.path("via").asString().equals("api"));
        JsonNode severity = entries.get(6);
        assertThat(severity.path("before").path("severity").asString()).isEqualTo("P1");
        assertThat(severity.path("after").path("severity").asString()).isEqualTo("P2");
        assertThat(entries.get(5).path("after").path("tags").toString()).isEqualTo("[\"db\"]");
        assertThat(entries.get(2).path("after").path("assignees").toString()).isEqualTo("[\"bob\"]");
        assertThat(entries.get(2).path("detail").asString()).contains("bob knows it");
        assertThat(entries.get(0).path("detail").asString()).contains("from the terminal");
        // A refused action writes nothing, to the audit log either.
        long before = count("audit_entry");
        assertProblem(api.postJson(at + "/severity", Map.of("severity", "P9")), 400, "severity");
        assertThat(count("audit_entry")).isEqualTo(before);
        // An action that changes nothing is no mutation.
        api.postJson(at + "/resolve", "{}");
        api.postJson(at + "/resolve", "{}");
        assertThat(audit(id).stream().filter(e -> e.path("action").asString().equals("incident.resolve")).count()).isEqualTo(1);

        // The UI, a Slack button, an SMS reply, the keypad, a signed link.
        String ui = open("audit-ui-" + System.nanoTime());
        uiPress(ui, "acknowledge");
        assertAudited(ui, "incident.acknowledge", "carol", "ui", "TRIGGERED", "ACKNOWLEDGED");
        String slack = open("audit-slack-" + System.nanoTime());
        assertThat(slackPress("U0CAROL", "acknowledge", slack.substring(4)).status()).isEqualTo(200);
        assertAudited(slack, "incident.acknowledge", "carol", "slack", "TRIGGERED", "ACKNOWLEDGED");
        String sms = open("audit-sms-" + System.nanoTime());
        Answer reply = twilio("/api/v1/integrations/twilio/sms", Map.of("From", "+40700000001", "Body", sms.substring(4) + "a"));
        assertThat(reply.body()).contains("acknowledged by alice");
        assertAudited(sms, "incident.acknowledge", "alice", "sms", "TRIGGERED", "ACKNOWLEDGED");
        String voice = open("audit-voice-" + System.nanoTime());
        Answer keypad = twilio("/api/v1/integrations/twilio/voice/" + links.callToken(Long.parseLong(voice.substring(4)), "bob"),
                Map.of("Digits", "2"));
        assertThat(keypad.body()).contains("resolved by bob");
        assertAudited(voice, "incident.resolve", "bob", "voice", "TRIGGERED", "RESOLVED");
        String link = open("audit-link-" + System.nanoTime());
        assertThat(anonymous.postJson("/links/" + path(links.url(Long.parseLong(link.substring(4)), "resolve", "dan")), "").status())
                .isEqualTo(200);
        assertAudited(link, "incident.resolve", "dan", "link", "TRIGGERED", "RESOLVED");

        // The integrations' acknowledge and resolve.
        String dedup = "audit-pd-" + System.nanoTime();
        String pdId = open(dedup);
        pd(Map.of("routing_key", PD_KEY, "event_action", "acknowledge", "dedup_key", dedup));
        assertAudited(pdId, "incident.acknowledge", "PagerDuty Events API integration of service api", "pagerduty", "TRIGGERED",
                "ACKNOWLEDGED");
        pd(Map.of("routing_key", PD_KEY, "event_action", "resolve", "dedup_key", dedup));
        assertAudited(pdId, "incident.resolve", "PagerDuty Events API integration of service api", "pagerduty", "ACKNOWLEDGED",
                "RESOLVED");
        String fp = "audit-am-" + System.nanoTime();
        Map<String, Object> alert = new LinkedHashMap<>(Map.of("status", "firing", "fingerprint", fp, "labels", Map.of("alertname", "Disk")));
        anonymous.postJson("/api/v1/integrations/alertmanager/" + AM_KEY, Map.of("alerts", List.of(alert)));
        String amId = find("alertmanager:" + fp).path("id").asString();
        alert.put("status", "resolved");
        anonymous.postJson("/api/v1/integrations/alertmanager/" + AM_KEY, Map.of("alerts", List.of(alert)));
        JsonNode amResolve = audit(amId).get(0);
        assertThat(amResolve.path("action").asString()).isEqualTo("incident.resolve");
        assertThat(amResolve.path("via").asString()).isEqualTo("alertmanager");
        String ev = "audit-ev-" + System.nanoTime();
        anonymous.withHeader("X-Tocsin-Key", EV_KEY).postJson("/api/v1/events", Map.of("summary", "queue", "dedup_key", ev));
        anonymous.withHeader("X-Tocsin-Key", EV_KEY).postJson("/api/v1/events", Map.of("action", "resolve", "dedup_key", ev));
        assertThat(audit(find(ev).path("id").asString()).get(0).path("via").asString()).isEqualTo("events-api");
    }

    @Test
    void aDeadLetterReplayAndScheduleChangesAreAuditedWithBeforeAndAfter() {
        HOOKS.down("/hook/dan", FakeProvider.Reply.status(400, "{\"error\":\"no such hook\"}"));
        String id = open("audit-dlq-" + System.nanoTime());
        assertThat(api.postJson("/api/v1/incidents/" + id + "/escalate", Map.of("level", "manager")).status()).isEqualTo(200);
        JsonNode dead = await().atMost(Duration.ofSeconds(20)).until(() -> deadLetter(id, "dan"), java.util.Objects::nonNull);
        long delivery = dead.path("id").asLong();
        HOOKS.up("/hook/dan");
        Answer replay = api.postJson("/api/v1/dlq/" + delivery + "/replay", "{}");
        assertThat(replay.status()).as(replay.body()).isEqualTo(200);
        JsonNode entry = api.get("/api/v1/audit?subject=delivery/" + delivery).json().get(0);
        assertThat(entry.path("action").asString()).isEqualTo("delivery.replay");
        assertThat(entry.path("actor").asString()).isEqualTo("admin");
        assertThat(entry.path("via").asString()).isEqualTo("api");
        assertThat(entry.path("before").path("status").asString()).isEqualTo("DEAD");
        assertThat(entry.path("after").path("status").asString()).isEqualTo("PENDING");
        assertThat(entry.path("detail").asString()).contains("webhook to dan").contains(id);
        // A second replay is refused and writes nothing.
        long audited = count("audit_entry");
        assertThat(api.postJson("/api/v1/dlq/" + delivery + "/replay", "{}").status()).isEqualTo(400);
        assertThat(count("audit_entry")).isEqualTo(audited);

        Answer override = api.postJson("/api/v1/schedules/backend-primary/overrides", Map.of("layer", "primary", "person", "dan",
                "start", "2026-06-01T10:00:00Z", "end", "2026-06-01T11:00:00Z", "reason", "audit"));
        long oid = override.json().path("id").asLong();
        api.delete("/api/v1/schedules/backend-primary/overrides/" + oid);
        List<JsonNode> changes = new ArrayList<>();
        api.get("/api/v1/audit?subject=schedule/backend-primary/overrides/" + oid).json().forEach(changes::add);
        assertThat(changes).extracting(e -> e.path("action").asString()).containsExactly("schedule.override.delete", "schedule.override.create");
        assertThat(changes.get(1).path("before").isNull()).isTrue();
        assertThat(changes.get(1).path("after").path("person_id").asString()).isEqualTo("dan");
        assertThat(changes.get(0).path("before").path("reason").asString()).isEqualTo("audit");
        assertThat(changes.get(0).path("after").isNull()).isTrue();
        JsonNode started = api.get("/api/v1/audit?subject=config/v1").json().get(0);
        assertThat(started.path("via").asString()).isEqualTo("startup");
        assertThat(started.path("after").path("version").asLong()).isEqualTo(1);
    }

    // ---- helpers ----

    JsonNode deadLetter(String incident, String person) {
        for (JsonNode d : api.get("/api/v1/dlq").json()) {
            if (d.path("incident_id").asLong() == Long.parseLong(incident.substring(4)) && d.path("person_id").asString().equals(person)) {
                return d;
            }
        }
        return null;
    }

    void assertAudited(String id, String action, String actor, String via, String before, String after) {
        JsonNode e = audit(id).get(0);
        assertThat(e.path("action").asString()).as(e.toString()).isEqualTo(action);
        assertThat(e.path("actor").asString()).as(e.toString()).isEqualTo(actor);
        assertThat(e.path("via").asString()).as(e.toString()).isEqualTo(via);
        assertThat(e.path("before").path("status").asString()).as(e.toString()).isEqualTo(before);
        assertThat(e.path("after").path("status").asString()).as(e.toString()).isEqualTo(after);
    }

    List<JsonNode> audit(String incident) {
        List<JsonNode> out = new ArrayList<>();
        api.get("/api/v1/audit?subject=incident/" + incident).json().forEach(out::add);
        return out;
    }

    long count(String table) {
        return jdbc.sql("SELECT COUNT(*) FROM " + table).query(Long.class).single();
    }

    Answer pd(Object body) {
        return pd("/v2/enqueue", body);
    }

    Answer pd(String path, Object body) {
        return anonymous.postJson(path, body);
    }

    String open(String dedup) {
        Answer a = pd(Map.of("routing_key", PD_KEY, "event_action", "trigger", "dedup_key", dedup,
                "payload", Map.of("summary", "checkout failing", "source", "prometheus", "severity", "critical")));
        assertThat(a.status()).as(a.body()).isEqualTo(202);
        return find(dedup).path("id").asString();
    }

    JsonNode find(String dedup) {
        for (JsonNode i : api.get("/api/v1/incidents?limit=1000").json()) {
            if (dedup.equals(i.path("dedup_key").asString())) {
                return i;
            }
        }
        throw new AssertionError("no incident with dedup key " + dedup);
    }

    static String path(String url) {
        return url.substring(url.indexOf("/links/") + "/links/".length());
    }

    static void assertProblem(Answer a, int status, String field) {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.contentType()).startsWith("application/problem+json");
        assertThat(a.json().path("errors").get(0).path("field").asString()).as(a.body()).isEqualTo(field);
    }

    static void assertIngestProblem(Answer a, String field, String message) {
        assertProblem(a, 400, field);
        assertThat(a.json().path("errors").get(0).path("message").asString()).isEqualTo(message);
    }

    static void assertTooLarge(Answer a, String field) {
        assertProblem(a, 413, field);
        assertThat(a.json().path("title").asString()).isEqualTo("Too large");
    }

    List<Map<String, String>> orgFiles() {
        try (Stream<Path> files = Files.list(ORG)) {
            return files.sorted().map(f -> Map.of("name", f.getFileName().toString(), "text", read(f))).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Signs in to the UI as carol with her own API token and presses a button on the incident page, with the page's CSRF token. */
    void uiPress(String id, String action) throws Exception {
        HttpClient session = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
        String base = "http://localhost:" + port;
        String csrf = csrf(session.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(), HttpResponse.BodyHandlers.ofString()).body());
        HttpResponse<String> login = session.send(form(base + "/login", Map.of("token", api.personalToken("carol"), "_csrf", csrf)),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(302);
        String page = session.send(HttpRequest.newBuilder(URI.create(base + "/ui/incidents/" + id.substring(4))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        HttpResponse<String> pressed = session.send(form(base + "/ui/incidents/" + id.substring(4) + "/" + action,
                Map.of("_csrf", csrf(page))), HttpResponse.BodyHandlers.ofString());
        assertThat(pressed.statusCode()).isEqualTo(302);
    }

    static String csrf(String html) {
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(html);
        assertThat(m.find()).as("a _csrf field in the page").isTrue();
        return m.group(1);
    }

    static HttpRequest form(String url, Map<String, String> fields) {
        String body = fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** A Slack button press, signed as Slack signs (v0, HMAC-SHA256 over the timestamp and the raw body). */
    Answer slackPress(String user, String action, String value) throws Exception {
        String payload = HttpCalls.JSON.writeValueAsString(Map.of("type", "block_actions", "user", Map.of("id", user),
                "actions", List.of(Map.of("action_id", action, "value", value))));
        String body = "payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8).replace("+", "%20");
        String ts = String.valueOf(clock.instant().getEpochSecond());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SLACK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = "v0=" + HexFormat.of().formatHex(mac.doFinal(("v0:" + ts + ":" + body).getBytes(StandardCharsets.UTF_8)));
        return anonymous.withHeader("X-Slack-Request-Timestamp", ts).withHeader("X-Slack-Signature", signature)
                .post("/api/v1/integrations/slack/interactions", "application/x-www-form-urlencoded", body);
    }

    /** A Twilio callback, signed over the public URL Twilio was given. */
    Answer twilio(String path, Map<String, String> fields) {
        String signature = TwilioSignature.sign(TWILIO_AUTH, PUBLIC_URL + path, fields.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))));
        String body = fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return anonymous.withHeader("X-Twilio-Signature", signature).post(path, "application/x-www-form-urlencoded", body);
    }
}
