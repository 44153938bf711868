package io.tocsin.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.HttpCalls.Answer;
import io.tocsin.testing.MutableClock;
import io.tocsin.testing.TestClockConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;

/**
 * A monitoring event over HTTP becomes an incident that escalates on time, through the PagerDuty
 * Events v2 endpoint, with the clock under the test's control.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + IncidentFlowContract.TOKEN,
        "tocsin.config.path=src/test/resources/orgs/acme",
        "tocsin.admin-token-file=target/test-admin-token",
        "tocsin.timers.poll-interval=50ms"})
@Import(TestClockConfig.class)
// Each subclass has a database of its own, so its context is never reused: close it and give back
// its connections (PostgreSQL allows a hundred in all).
@org.springframework.test.annotation.DirtiesContext(classMode = org.springframework.test.annotation.DirtiesContext.ClassMode.AFTER_CLASS)
abstract class IncidentFlowContract {
    static final String TOKEN = "flow-test-token-0123456789";
    static final String KEY = "a1111111111111111111111111111111";
    /** Service legacy-billing, which the acme organisation has switched off. */
    static final String DISABLED_KEY = "b2222222222222222222222222222222";
    /** Service batch: a source of its own for the rate-limit test. */
    static final String BATCH_KEY = "c3333333333333333333333333333333";
    /** Service api's generic events integration. */
    static final String EVENTS_KEY = "ev-api-0123456789";

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    /** Stepped by negative checks, which wait for a completed cycle rather than for time to pass. */
    @Autowired
    io.tocsin.incident.TimerWorker timers;

    HttpCalls api;

    @BeforeEach
    void setUp() {
        api = new HttpCalls("http://localhost:" + port, TOKEN);
    }

    Answer pd(Object body) {
        return api.withToken(null).postJson("/v2/enqueue", body);
    }

    static Map<String, Object> trigger(String dedup, String severity) {
        return Map.of("routing_key", KEY, "event_action", "trigger", "dedup_key", dedup,
                "payload", Map.of("summary", "API 5xx above 5%", "source", "prometheus", "severity", severity,
                        "custom_details", Map.of("error_rate", "7.2")));
    }

    @Test
    void aPagerDutyTriggerOpensAnIncidentThatEscalatesOnTimeUntilAcknowledged() throws Exception {
        clock.set(TestClockConfig.START);
        String dedup = "flow-" + System.nanoTime();
        Answer a = pd(trigger(dedup, "critical"));
        assertThat(a.status()).isEqualTo(202);
        assertThat(a.json().path("status").asString()).isEqualTo("success");
        assertThat(a.json().path("message").asString()).isEqualTo("Event processed");
        assertThat(a.json().path("dedup_key").asString()).isEqualTo(dedup);

        JsonNode incident = find(dedup);
        String id = incident.path("id").asString();
        assertThat(incident.path("severity").asString()).isEqualTo("P1");
        assertThat(notified(id)).containsExactly("on-call:carol");

        clock.advance(Duration.ofMinutes(14));
        awaitTimersSettled(id);
        assertThat(notified(id)).containsExactly("on-call:carol");
        clock.advance(Duration.ofMinutes(1));
        awaitNotified(id, 2);
        assertThat(notified(id)).containsExactly("on-call:carol", "secondary:alice");

        Answer ack = api.postJson("/api/v1/incidents/" + id + "/acknowledge", "{}");
        assertThat(ack.status()).isEqualTo(200);
        assertThat(ack.json().path("changed").asBoolean()).isTrue();
        Answer again = api.postJson("/api/v1/incidents/" + id + "/acknowledge", "{}");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("changed").asBoolean()).isFalse();
        assertThat(again.json().path("message").asString()).contains("already acknowledged");

        // The unresolved ladder continues after acknowledgement: the manager at one hour.
        clock.advance(Duration.ofMinutes(46));
        awaitNotified(id, 3);
        assertThat(notified(id)).containsExactly("on-call:carol", "secondary:alice", "manager:dan");

        Answer resolve = pd(Map.of("routing_key", KEY, "event_action", "resolve", "dedup_key", dedup));
        assertThat(resolve.status()).isEqualTo(202);
        assertThat(api.get("/api/v1/incidents/" + id).json().path("incident").path("status").asString()).isEqualTo("RESOLVED");

        pd(trigger(dedup, "critical"));
        assertThat(find(dedup).path("id").asString()).isNotEqualTo(id);
    }

    @Test
    void aDuplicateStormCostsOneIncidentAndACounter() {
        clock.set(TestClockConfig.START);
        String dedup = "storm-" + System.nanoTime();
        for (int i = 0; i < 60; i++) {
            assertThat(pd(trigger(dedup, "error")).status()).isEqualTo(202);
        }
        JsonNode incident = find(dedup);
        assertThat(incident.path("event_count").asLong()).isEqualTo(60);
        JsonNode timeline = api.get("/api/v1/incidents/" + incident.path("id").asString()).json().path("timeline");
        assertThat(timeline.size()).isLessThan(12);
        long open = 0;
        for (JsonNode i : api.get("/api/v1/incidents?open=true&limit=1000").json()) {
            if (i.path("summary").asString().equals("API 5xx above 5%") && i.path("event_count").asLong() == 60) {
                open++;
            }
        }
        assertThat(open).isEqualTo(1);
    }

    @Test
    void badEventsAreAnsweredLikePagerDutyAndWriteNothing() {
        int before = api.get("/api/v1/incidents?limit=1000").json().size();
        Answer noSummary = pd(Map.of("routing_key", KEY, "event_action", "trigger", "payload", Map.of("source", "x", "severity", "critical")));
        assertThat(noSummary.status()).isEqualTo(400);
        assertThat(noSummary.json().path("status").asString()).isEqualTo("invalid event");
        assertThat(noSummary.json().path("message").asString()).isEqualTo("Event object is invalid");
        assertThat(noSummary.json().path("errors").toString()).contains("payload.summary");

        Answer badSeverity = pd(Map.of("routing_key", KEY, "event_action", "trigger", "payload", Map.of("summary", "x", "source", "x", "severity", "urgent")));
        assertThat(badSeverity.status()).isEqualTo(400);
        assertThat(badSeverity.json().path("errors").toString()).contains("payload.severity");

        Answer unknownKey = pd(Map.of("routing_key", "nope", "event_action", "trigger", "payload", Map.of("summary", "x", "source", "x", "severity", "info")));
        assertThat(unknownKey.status()).isEqualTo(400);
        assertThat(unknownKey.json().path("errors").toString()).contains("routing_key");

        Answer badAction = pd(Map.of("routing_key", KEY, "event_action", "explode"));
        assertThat(badAction.status()).isEqualTo(400);
        Answer ackWithoutKey = pd(Map.of("routing_key", KEY, "event_action", "acknowledge"));
        assertThat(ackWithoutKey.json().path("errors").toString()).contains("dedup_key");

        Answer malformed = api.withToken(null).postJson("/v2/enqueue", "{\"routing_key\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().path("status").asString()).isEqualTo("invalid event");

        Answer huge = api.withToken(null).postJson("/v2/enqueue", "{\"routing_key\":\"" + KEY + "\",\"x\":\"" + "a".repeat(600 * 1024) + "\"}");
        assertThat(huge.status()).isEqualTo(413);

        assertThat(api.get("/api/v1/incidents?limit=1000").json().size()).isEqualTo(before);
    }

    @Test
    void changeEventsAreRecordedOnTheServiceTimelineAndNeverPage() throws Exception {
        clock.set(TestClockConfig.START);
        awaitTimersSettled(null);
        List<Long> before = written();
        String release = "v1.2." + System.nanoTime();
        Answer a = api.withToken(null).postJson("/v2/change/enqueue", Map.of("routing_key", KEY,
                "payload", Map.of("summary", "Deployed api " + release, "source", "ci", "custom_details", Map.of("build", "1234")),
                "links", List.of(Map.of("href", "https://ci.example/builds/1234", "text", "build"))));
        assertThat(a.status()).isEqualTo(202);
        assertThat(a.json().path("status").asString()).isEqualTo("success");
        clock.advance(Duration.ofMinutes(1));
        assertThat(api.withToken(null).postJson("/v2/change/enqueue", Map.of("routing_key", KEY,
                "payload", Map.of("summary", "Flag checkout-v2 on " + release, "source", "flags"))).status()).isEqualTo(202);
        // Pages nobody: no incident, no timeline entry, no outbox row.
        assertThat(written()).isEqualTo(before);

        JsonNode changes = api.get("/api/v1/services/api/changes?limit=2").json();
        assertThat(changes.size()).isEqualTo(2);
        assertThat(changes.get(0).path("summary").asString()).isEqualTo("Flag checkout-v2 on " + release);
        assertThat(changes.get(0).path("at").asString()).isEqualTo("2026-03-29T01:01:00Z");
        assertThat(changes.get(1).path("summary").asString()).isEqualTo("Deployed api " + release);
        assertThat(changes.get(1).path("source").asString()).isEqualTo("ci");
        assertThat(changes.get(1).path("service").asString()).isEqualTo("api");
        assertThat(changes.get(1).path("event").path("links").get(0).path("href").asString()).isEqualTo("https://ci.example/builds/1234");
        assertThat(api.get("/api/v1/services/api/changes?limit=1").json().size()).isEqualTo(1);

        assertThat(api.withToken(null).get("/api/v1/services/api/changes").status()).isEqualTo(401);
        assertThat(api.get("/api/v1/services/nope/changes").status()).isEqualTo(404);
        assertProblem(api.get("/api/v1/services/api/changes?limit=0"), 400, "limit");
        Answer noSummary = api.withToken(null).postJson("/v2/change/enqueue", Map.of("routing_key", KEY, "payload", Map.of("source", "ci")));
        assertThat(noSummary.status()).isEqualTo(400);
        assertThat(noSummary.json().path("errors").toString()).contains("payload.summary");
        Answer disabled = api.withToken(null).postJson("/v2/change/enqueue", Map.of("routing_key", DISABLED_KEY,
                "payload", Map.of("summary", "Deployed billing", "source", "ci")));
        assertThat(disabled.status()).isEqualTo(400);
        assertThat(disabled.json().path("errors").toString()).contains("disabled");
        assertThat(api.get("/api/v1/services/legacy-billing/changes").json().size()).isZero();
        // What was refused is not there: every stored change of the service is listed, and no more.
        assertThat((long) api.get("/api/v1/services/api/changes?limit=1000").json().size())
                .isEqualTo(jdbc.sql("SELECT COUNT(*) FROM service_change WHERE service_id = 'api'").query(Long.class).single());
    }

    @Test
    void badInputOnEveryIngestEndpointIsNamedAndWritesNothing() throws Exception {
        clock.set(TestClockConfig.START);
        awaitTimersSettled(null);
        List<Long> before = written();
        long beats = jdbc.sql("SELECT COUNT(*) FROM heartbeat").query(Long.class).single();
        String huge = "{\"routing_key\":\"" + KEY + "\",\"summary\":\"x\",\"pad\":\"" + "a".repeat(513 * 1024) + "\"}";
        HttpCalls anonymous = api.withToken(null);

        // PagerDuty's endpoint answers in PagerDuty's shape, naming the field in its errors.
        Map<String, String> pdCases = new java.util.LinkedHashMap<>();
        pdCases.put("{\"routing_key\": ", "not valid JSON");
        pdCases.put("[1, 2]", "must be a JSON object");
        pdCases.put("{\"routing_key\":\"" + KEY + "\",\"event_action\":\"trigger\",\"payload\":\"down\"}", "'payload'");
        pdCases.put("{\"routing_key\":\"" + KEY + "\",\"event_action\":\"trigger\",\"payload\":{\"summary\":[\"down\"],\"source\":\"x\",\"severity\":\"info\"}}", "'payload.summary'");
        pdCases.put("{\"routing_key\":\"" + KEY + "\",\"event_action\":\"trigger\",\"payload\":{\"summary\":\"x\",\"source\":\"x\",\"severity\":5}}", "'payload.severity'");
        pdCases.put("{\"routing_key\":{\"k\":1},\"event_action\":\"trigger\"}", "'routing_key'");
        pdCases.put("{\"routing_key\":\"nope\",\"event_action\":\"trigger\",\"payload\":{\"summary\":\"x\",\"source\":\"x\",\"severity\":\"info\"}}", "'routing_key' is not a known integration key");
        pdCases.put("{\"routing_key\":\"" + DISABLED_KEY + "\",\"event_action\":\"trigger\",\"payload\":{\"summary\":\"x\",\"source\":\"x\",\"severity\":\"info\"}}", "service 'legacy-billing' is disabled");
        pdCases.forEach((body, named) -> {
            Answer a = anonymous.postJson("/v2/enqueue", body);
            assertThat(a.status()).as(body + " -> " + a.body()).isEqualTo(400);
            assertThat(a.json().path("status").asString()).isEqualTo("invalid event");
            assertThat(a.json().path("errors").toString()).as(body).contains(named);
        });
        Answer pdHuge = anonymous.postJson("/v2/enqueue", huge);
        assertThat(pdHuge.status()).isEqualTo(413);
        assertThat(pdHuge.json().path("errors").toString()).contains("512 KB");

        // The other endpoints answer problem details naming the field.
        for (String path : List.of("/api/v1/integrations/alertmanager/am-api-0123456789", "/api/v1/integrations/grafana/gf-api-0123456789")) {
            assertIngestProblem(anonymous.postJson(path, "{\"alerts\": ["), 400, "(body)", path);
            assertIngestProblem(anonymous.postJson(path, "{\"alerts\": {\"status\": \"firing\"}}"), 400, "alerts", path);
            assertIngestProblem(anonymous.postJson(path, Map.of("alerts", List.of(Map.of("status", 7, "fingerprint", "x")))), 400, "alerts[0].status", path);
            assertIngestProblem(anonymous.postJson(path, huge), 413, "(body)", path);
        }
        String firing = "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[{\"status\":\"firing\",\"fingerprint\":\"refused\",\"labels\":{\"alertname\":\"X\"}}]}";
        assertIngestProblem(anonymous.postJson("/api/v1/integrations/alertmanager/nope", firing), 404, "key", "alertmanager, unknown key");
        assertIngestProblem(anonymous.postJson("/api/v1/integrations/grafana/nope", firing), 404, "key", "grafana, unknown key");
        Answer amDisabled = anonymous.postJson("/api/v1/integrations/alertmanager/am-legacy-0123456789", firing);
        assertIngestProblem(amDisabled, 403, "key", "alertmanager, disabled");
        assertThat(amDisabled.json().path("detail").asString()).contains("legacy-billing is disabled");
        assertIngestProblem(anonymous.postJson("/api/v1/integrations/grafana/gf-legacy-0123456789", firing), 403, "key", "grafana, disabled");

        assertIngestProblem(anonymous.postJson("/api/v1/events", "{\"summary\": \"x\","), 400, "(body)", "events, malformed");
        assertIngestProblem(anonymous.postJson("/api/v1/events", "\"just a string\""), 400, "(body)", "events, not an object");
        assertIngestProblem(anonymous.postJson("/api/v1/events", Map.of("routing_key", EVENTS_KEY, "summary", Map.of("text", "x"))), 400, "summary", "events, summary");
        assertIngestProblem(anonymous.postJson("/api/v1/events", Map.of("routing_key", EVENTS_KEY, "summary", "x", "labels", List.of("a"))), 400, "labels", "events, labels");
        assertIngestProblem(anonymous.postJson("/api/v1/events", Map.of("routing_key", EVENTS_KEY, "summary", "x", "action", 3)), 400, "action", "events, action");
        assertIngestProblem(anonymous.postJson("/api/v1/events", huge), 413, "(body)", "events, huge");
        assertIngestProblem(anonymous.postJson("/api/v1/events", Map.of("routing_key", "nope", "summary", "x")), 404, "key", "events, unknown key");
        assertIngestProblem(anonymous.withHeader("X-Tocsin-Key", "ev-legacy-0123456789").postJson("/api/v1/events", Map.of("summary", "x")), 403, "key", "events, disabled");

        // A beat carries no body worth reading; what can be wrong with one is its key.
        assertIngestProblem(anonymous.postJson("/api/v1/heartbeats/nope", "{}"), 404, "key", "heartbeat, unknown key");
        assertIngestProblem(anonymous.postJson("/api/v1/heartbeats/" + KEY, "{}"), 400, "key", "heartbeat, not a heartbeat key");
        assertIngestProblem(anonymous.postJson("/api/v1/heartbeats/hb-legacy-0123456789", "{}"), 403, "key", "heartbeat, disabled");

        assertThat(written()).isEqualTo(before);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM heartbeat").query(Long.class).single()).isEqualTo(beats);
        assertThat(api.get("/api/v1/incidents?limit=1000").json().toString()).doesNotContain("refused");
    }

    static void assertIngestProblem(Answer a, int status, String field, String what) {
        assertThat(a.status()).as(what + ": " + a.body()).isEqualTo(status);
        assertThat(a.contentType()).as(what).startsWith("application/problem+json");
        assertThat(a.json().path("errors").get(0).path("field").asString()).as(what + ": " + a.body()).isEqualTo(field);
    }

    @Test
    void aKeyOverItsRateIsAnsweredLikePagerDutyWhileOtherKeysGoThrough() {
        clock.set(TestClockConfig.START);
        String dedup = "rate-" + System.nanoTime();
        Map<String, Object> event = Map.of("routing_key", BATCH_KEY, "event_action", "trigger", "dedup_key", dedup,
                "payload", Map.of("summary", "nightly batch late", "source", "cron", "severity", "warning"));
        int accepted = 0;
        Answer throttled = null;
        // 120 a minute with a burst of 120: the bucket refills two a second, so it runs dry a little after 120.
        for (int i = 0; i < 600 && throttled == null; i++) {
            Answer a = pd(event);
            if (a.status() == 202) {
                accepted++;
            } else {
                throttled = a;
            }
        }
        assertThat(throttled).as("a 429 after " + accepted + " events").isNotNull();
        assertThat(throttled.status()).as(throttled.body()).isEqualTo(429);
        assertThat(throttled.json().path("status").asString()).isEqualTo("throttle event");
        assertThat(accepted).isBetween(120, 300);
        // Each accepted event is counted on the one incident; the refused one is not.
        assertThat(find(dedup).path("event_count").asLong()).isEqualTo(accepted);
        // Another source is not held back by this one.
        assertThat(pd(trigger("rate-other-" + System.nanoTime(), "critical")).status()).isEqualTo(202);
        api.postJson("/api/v1/incidents/" + find(dedup).path("id").asString() + "/resolve", "{}");
    }

    @Test
    void aTriggerWithoutDedupKeyGetsOneAndThatKeyDeduplicatesAndResolves() {
        clock.set(TestClockConfig.START);
        Map<String, Object> event = Map.of("routing_key", KEY, "event_action", "trigger",
                "payload", Map.of("summary", "no key given", "source", "legacy-tool", "severity", "critical"));
        Answer first = pd(event);
        assertThat(first.status()).isEqualTo(202);
        String key = first.json().path("dedup_key").asString();
        assertThat(key).matches("[0-9a-f]{32}");
        Answer other = pd(event);
        assertThat(other.json().path("dedup_key").asString()).as("each keyless trigger is a new alert").isNotEqualTo(key);

        Map<String, Object> again = new java.util.HashMap<>(event);
        again.put("dedup_key", key);
        Answer repeat = pd(again);
        assertThat(repeat.status()).isEqualTo(202);
        assertThat(repeat.json().path("dedup_key").asString()).isEqualTo(key);
        JsonNode incident = find(key);
        assertThat(incident.path("event_count").asLong()).isEqualTo(2);
        int withKey = 0;
        for (JsonNode i : api.get("/api/v1/incidents?limit=1000").json()) {
            withKey += i.path("dedup_key").asString().equals(key) ? 1 : 0;
        }
        assertThat(withKey).isEqualTo(1);
        assertThat(pd(Map.of("routing_key", KEY, "event_action", "resolve", "dedup_key", key)).status()).isEqualTo(202);
        assertThat(find(key).path("status").asString()).isEqualTo("RESOLVED");
        api.postJson("/api/v1/incidents/" + find(other.json().path("dedup_key").asString()).path("id").asString() + "/resolve", "{}");
    }

    @Test
    void alertmanagerGroupsOpenAndResolveOneIncidentPerFingerprint() {
        clock.set(TestClockConfig.START);
        String fp = "fp" + System.nanoTime();
        Map<String, Object> firing = Map.of("version", "4", "status", "firing", "receiver", "tocsin", "groupKey", "{}:{}",
                "alerts", List.of(
                        Map.of("status", "firing", "fingerprint", fp + "a", "labels", Map.of("alertname", "HighErrorRate", "severity", "critical"),
                                "annotations", Map.of("summary", "error rate 7%"), "startsAt", "2026-03-29T01:00:00Z", "unknownField", 1),
                        Map.of("status", "firing", "fingerprint", fp + "b", "labels", Map.of("alertname", "Slow", "severity", "warning"),
                                "annotations", Map.of())));
        Answer a = api.withToken(null).postJson("/api/v1/integrations/alertmanager/am-api-0123456789", firing);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(find("alertmanager:" + fp + "a").path("summary").asString()).isEqualTo("error rate 7%");
        assertThat(find("alertmanager:" + fp + "b").path("summary").asString()).isEqualTo("Slow");
        api.withToken(null).postJson("/api/v1/integrations/alertmanager/am-api-0123456789", firing);
        assertThat(find("alertmanager:" + fp + "a").path("event_count").asLong()).isEqualTo(2);

        Map<String, Object> resolved = Map.of("version", "4", "status", "resolved", "alerts", List.of(
                Map.of("status", "resolved", "fingerprint", fp + "a", "labels", Map.of("alertname", "HighErrorRate"))));
        assertThat(api.withToken(null).postJson("/api/v1/integrations/alertmanager/am-api-0123456789", resolved).status()).isEqualTo(200);
        assertThat(find("alertmanager:" + fp + "a").path("status").asString()).isEqualTo("RESOLVED");
        assertThat(find("alertmanager:" + fp + "b").path("status").asString()).isEqualTo("TRIGGERED");

        int before = api.get("/api/v1/incidents?limit=1000").json().size();
        Answer bad = api.withToken(null).postJson("/api/v1/integrations/alertmanager/am-api-0123456789", Map.of("alerts", List.of(
                Map.of("status", "firing", "fingerprint", "new-one"), Map.of("status", "exploded"))));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.contentType()).startsWith("application/problem+json");
        assertThat(bad.json().path("errors").get(0).path("field").asString()).isEqualTo("alerts[1].status");
        assertThat(api.get("/api/v1/incidents?limit=1000").json().size()).isEqualTo(before);
        Answer unknown = api.withToken(null).postJson("/api/v1/integrations/alertmanager/nope", firing);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("errors").get(0).path("field").asString()).isEqualTo("key");
    }

    /**
     * One group is one transaction; an alert that comes back in the same group (a repeat, a resolution)
     * must find its incident as the earlier alert left it, and the numbers the group takes follow each
     * other. (It caught a version of intake that held a transaction's writes back to its end without
     * sending them before re-reading a key: a 500.)
     */
    @Test
    void oneGroupThatOpensRepeatsAndResolvesTheSameAlertsLeavesEachAsIfSentOneByOne() {
        clock.set(TestClockConfig.START);
        String fp = "grp" + System.nanoTime();
        java.util.function.BiFunction<String, String, Map<String, Object>> alert = (name, status) -> Map.of("status", status,
                "fingerprint", fp + name, "labels", Map.of("alertname", "Group" + name, "severity", "critical"),
                "annotations", Map.of("summary", name + " " + status));
        Answer a = api.withToken(null).postJson("/api/v1/integrations/alertmanager/am-api-0123456789", Map.of("version", "4",
                "status", "firing", "alerts", List.of(alert.apply("a", "firing"), alert.apply("b", "firing"), alert.apply("a", "firing"),
                        alert.apply("c", "firing"), alert.apply("b", "resolved"))));
        assertThat(a.status()).as(a.body()).isEqualTo(200);

        JsonNode first = find("alertmanager:" + fp + "a");
        JsonNode second = find("alertmanager:" + fp + "b");
        JsonNode third = find("alertmanager:" + fp + "c");
        assertThat(first.path("status").asString()).isEqualTo("TRIGGERED");
        assertThat(first.path("event_count").asLong()).isEqualTo(2);
        assertThat(second.path("status").asString()).isEqualTo("RESOLVED");
        assertThat(third.path("status").asString()).isEqualTo("TRIGGERED");
        long n = Long.parseLong(first.path("id").asString().substring(4));
        assertThat(List.of(second.path("id").asString(), third.path("id").asString())).containsExactly("INC-" + (n + 1), "INC-" + (n + 2));

        // each timeline in the engine's order: the resolved one opened, paged, then resolved
        List<String> kinds = new ArrayList<>();
        api.get("/api/v1/incidents/" + second.path("id").asString()).json().path("timeline").forEach(e -> kinds.add(e.path("kind").asString()));
        assertThat(kinds.get(0)).isEqualTo("OPENED");
        assertThat(kinds.indexOf("RESOLVED")).isGreaterThan(kinds.indexOf("NOTIFIED")).isGreaterThan(0);
        assertThat(notified(first.path("id").asString())).hasSize(1);
        assertThat(notified(third.path("id").asString())).hasSize(1);
    }

    @Test
    void grafanaAlertingWebhooksOpenAndResolveByFingerprint() {
        clock.set(TestClockConfig.START);
        String fp = "gf" + System.nanoTime();
        // Grafana's documented webhook body (version 1), with numeric values and the fields Alertmanager lacks.
        String firing = """
                {"receiver":"tocsin","status":"firing","orgId":1,
                 "alerts":[{"status":"firing","labels":{"alertname":"High memory usage","team":"blue","severity":"critical"},
                   "annotations":{"description":"The system has high memory usage","summary":"Memory above 90% on api-1"},
                   "startsAt":"2026-03-29T01:00:00Z","endsAt":"0001-01-01T00:00:00Z",
                   "generatorURL":"https://grafana.example/alerting/1afz29v7z/edit","fingerprint":"FINGERPRINT",
                   "silenceURL":"https://grafana.example/alerting/silence/new","dashboardURL":"","panelURL":"",
                   "values":{"B":44.23943737541908,"C":1},"valueString":"[ var='B' value=44.2 ]"}],
                 "groupLabels":{},"commonLabels":{"team":"blue"},"commonAnnotations":{},
                 "externalURL":"https://grafana.example/","version":"1","groupKey":"{}:{}","truncatedAlerts":0,
                 "title":"[FIRING:1]  (blue)","state":"alerting","message":"**Firing**"}
                """.replace("FINGERPRINT", fp);
        Answer a = api.withToken(null).postJson("/api/v1/integrations/grafana/gf-api-0123456789", firing);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        JsonNode incident = find("grafana:" + fp);
        assertThat(incident.path("summary").asString()).isEqualTo("Memory above 90% on api-1");
        assertThat(incident.path("status").asString()).isEqualTo("TRIGGERED");
        assertThat(notified(incident.path("id").asString())).containsExactly("on-call:carol");

        String resolved = firing.replace("\"status\":\"firing\"", "\"status\":\"resolved\"");
        assertThat(api.withToken(null).postJson("/api/v1/integrations/grafana/gf-api-0123456789", resolved).status()).isEqualTo(200);
        assertThat(find("grafana:" + fp).path("status").asString()).isEqualTo("RESOLVED");

        Answer bad = api.withToken(null).postJson("/api/v1/integrations/grafana/gf-api-0123456789", "{\"alerts\": 7}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.contentType()).startsWith("application/problem+json");
        assertThat(bad.json().path("errors").get(0).path("field").asString()).isEqualTo("alerts");
    }

    @Test
    void theGenericEventEndpointNamesBadFields() {
        clock.set(TestClockConfig.START);
        Answer ok = api.withToken(null).postJson("/api/v1/events", Map.of("routing_key", EVENTS_KEY, "summary", "disk full",
                "severity", "P2", "dedup_key", "generic-" + System.nanoTime(), "labels", Map.of("host", "db1")));
        assertThat(ok.status()).isEqualTo(202);
        assertThat(ok.json().path("result").asString()).isEqualTo("opened");
        Answer missing = api.withToken(null).postJson("/api/v1/events", Map.of("routing_key", EVENTS_KEY));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().path("errors").get(0).path("field").asString()).isEqualTo("summary");
        Answer badLabels = api.withToken(null).postJson("/api/v1/events", Map.of("routing_key", EVENTS_KEY, "summary", "x", "labels", "nope"));
        assertThat(badLabels.json().path("errors").get(0).path("field").asString()).isEqualTo("labels");
        Answer noKey = api.withToken(null).postJson("/api/v1/events", Map.of("summary", "x"));
        assertThat(noKey.json().path("errors").get(0).path("field").asString()).isEqualTo("routing_key");
    }

    @Test
    void aMissedHeartbeatOpensAnIncidentAndTheNextBeatResolvesIt() throws Exception {
        clock.set(TestClockConfig.START);
        Answer beat = api.withToken(null).postJson("/api/v1/heartbeats/hb-api-0123456789", "{}");
        assertThat(beat.status()).isEqualTo(202);
        assertThat(api.withToken(null).get("/api/v1/heartbeats").status()).isEqualTo(401);
        JsonNode monitor = api.get("/api/v1/heartbeats").json().get(0);
        assertThat(monitor.path("service").asString()).isEqualTo("api");
        assertThat(monitor.path("state").asString()).isEqualTo("healthy");
        assertThat(monitor.toString()).doesNotContain("hb-api-0123456789");
        clock.advance(Duration.ofMinutes(6));
        JsonNode incident = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            JsonNode found = null;
            for (JsonNode x : api.get("/api/v1/incidents?open=true&limit=1000").json()) {
                if (x.path("dedup_key").asString().startsWith("heartbeat:")) {
                    found = x;
                }
            }
            return found;
        }, java.util.Objects::nonNull);
        assertThat(incident.path("summary").asString()).contains("heartbeat missed");
        assertThat(api.get("/api/v1/heartbeats").json().get(0).path("state").asString()).isEqualTo("missed");
        api.withToken(null).postJson("/api/v1/heartbeats/hb-api-0123456789", "{}");
        assertThat(api.get("/api/v1/incidents/" + incident.path("id").asString()).json().path("incident").path("status").asString())
                .isEqualTo("RESOLVED");
        assertThat(api.withToken(null).postJson("/api/v1/heartbeats/" + KEY, "{}").status()).isEqualTo(400);
    }

    @Test
    void everyActionWorksFromTheCommandLine() {
        clock.set(TestClockConfig.START);
        String dedup = "cli-" + System.nanoTime();
        pd(trigger(dedup, "critical"));
        String id = find(dedup).path("id").asString();
        String server = "http://localhost:" + port;
        io.tocsin.cli.CliRun ack = io.tocsin.cli.CliRun.run("incident", "ack", id, "--server", server, "--token", TOKEN);
        assertThat(ack.exitCode()).as(ack.err()).isZero();
        assertThat(ack.out()).contains(id + " ACKNOWLEDGED P1 [api]");
        io.tocsin.cli.CliRun again = io.tocsin.cli.CliRun.run("incident", "ack", id, "--server", server, "--token", TOKEN);
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("no change: already acknowledged by admin");
        assertThat(io.tocsin.cli.CliRun.run("incident", "note", id, "rolled back v1.2", "--server", server, "--token", TOKEN).exitCode()).isZero();
        assertThat(io.tocsin.cli.CliRun.run("incident", "update", id, "fix deployed", "--status", "monitoring", "--server", server, "--token", TOKEN).exitCode()).isZero();
        io.tocsin.cli.CliRun escalate = io.tocsin.cli.CliRun.run("incident", "escalate", id, "--level", "manager", "--server", server, "--token", TOKEN);
        assertThat(escalate.exitCode()).as(escalate.err()).isZero();
        assertThat(notified(id)).contains("manager:dan");
        assertThat(io.tocsin.cli.CliRun.run("incident", "resolve", id, "--server", server, "--token", TOKEN).exitCode()).isZero();
        io.tocsin.cli.CliRun show = io.tocsin.cli.CliRun.run("incident", "show", id, "--server", server, "--token", TOKEN);
        assertThat(show.out()).contains("RESOLVED").contains("NOTE").contains("rolled back v1.2").contains("(admin via api)")
                .contains("STATUS_UPDATE").contains("[monitoring] fix deployed");
        io.tocsin.cli.CliRun missing = io.tocsin.cli.CliRun.run("incident", "ack", "INC-999999", "--server", server, "--token", TOKEN);
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("404");
    }

    @Test
    void listShowUnackSeverityTagAndDeescalateFromTheCommandLine() {
        clock.set(TestClockConfig.START);
        String dedup = "cli-more-" + System.nanoTime();
        String summary = "queue backlog " + dedup;
        api.withToken(null).postJson("/api/v1/events", Map.of("routing_key", EVENTS_KEY, "summary", summary, "severity", "P2", "dedup_key", dedup));
        String id = find(dedup).path("id").asString();
        String server = "http://localhost:" + port;

        io.tocsin.cli.CliRun open = io.tocsin.cli.CliRun.run("incident", "list", "--open", "--server", server, "--token", TOKEN);
        assertThat(open.exitCode()).as(open.err()).isZero();
        assertThat(open.out().lines().filter(l -> l.startsWith(id + " ")).toList()).singleElement().satisfies(l ->
                assertThat(l).contains("TRIGGERED").contains("P2").contains("api").endsWith(summary));

        // people act with their own tokens: the token's owner is who the timeline names
        String carols = api.personalToken("carol");
        assertThat(io.tocsin.cli.CliRun.run("incident", "ack", id, "--server", server, "--token", carols).exitCode()).isZero();
        io.tocsin.cli.CliRun unack = io.tocsin.cli.CliRun.run("incident", "unack", id, "--server", server, "--token", api.personalToken("dan"));
        assertThat(unack.exitCode()).as(unack.err()).isZero();
        assertThat(unack.out()).contains(id + " TRIGGERED P2 [api]");
        io.tocsin.cli.CliRun unackAgain = io.tocsin.cli.CliRun.run("incident", "unack", id, "--server", server, "--token", TOKEN);
        assertThat(unackAgain.exitCode()).isZero();
        assertThat(unackAgain.out()).contains("no change: not acknowledged");

        io.tocsin.cli.CliRun severity = io.tocsin.cli.CliRun.run("incident", "severity", id, "P1", "--server", server, "--token", TOKEN);
        assertThat(severity.exitCode()).as(severity.err()).isZero();
        assertThat(severity.out()).contains(id + " TRIGGERED P1 [api]");
        io.tocsin.cli.CliRun badSeverity = io.tocsin.cli.CliRun.run("incident", "severity", id, "P9", "--server", server, "--token", TOKEN);
        assertThat(badSeverity.exitCode()).isEqualTo(1);
        assertThat(badSeverity.err()).contains("400").contains("severity: unknown severity \"P9\"");

        io.tocsin.cli.CliRun tag = io.tocsin.cli.CliRun.run("incident", "tag", id, "customer-facing", "data-loss", "--server", server, "--token", TOKEN);
        assertThat(tag.exitCode()).as(tag.err()).isZero();

        io.tocsin.cli.CliRun deescalate = io.tocsin.cli.CliRun.run("incident", "deescalate", id, "--keep", "carol",
                "--reason", "only the queue", "--server", server, "--token", carols);
        assertThat(deescalate.exitCode()).as(deescalate.err()).isZero();
        assertThat(deescalate.out()).contains(id + " TRIGGERED P1 [api]");
        io.tocsin.cli.CliRun misspelt = io.tocsin.cli.CliRun.run("incident", "deescalate", id, "--keep", "carlo", "--server", server, "--token", TOKEN);
        assertThat(misspelt.exitCode()).isEqualTo(1);
        assertThat(misspelt.err()).contains("400").contains("keep[0]");

        io.tocsin.cli.CliRun show = io.tocsin.cli.CliRun.run("incident", "show", id, "--server", server, "--token", TOKEN);
        assertThat(show.exitCode()).as(show.err()).isZero();
        assertThat(show.out()).contains(id + " TRIGGERED P1 [api] " + summary)
                .containsPattern("UNACKNOWLEDGED +un-acknowledged by dan +\\(dan via api\\)")
                .containsPattern("SEVERITY_CHANGED +admin: severity P2 -> P1 \\(raised\\) +\\(admin via api\\)")
                .contains("tagged customer-facing").contains("tagged data-loss")
                .containsPattern("DEESCALATED +carol: De-escalation notice: time 01:00 UTC; reason: only the queue; who can stand down: alice; "
                        + "remaining responders: carol; next update: none scheduled +\\(carol via api\\)");
        io.tocsin.cli.CliRun all = io.tocsin.cli.CliRun.run("incident", "list", "--server", server, "--token", TOKEN);
        assertThat(all.out()).contains(id);
        io.tocsin.cli.CliRun missing = io.tocsin.cli.CliRun.run("incident", "show", "INC-999999", "--server", server, "--token", TOKEN);
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("404");
    }

    @Test
    void anAcknowledgementByAPersonTimesOutAndReassignmentHandsTheIncidentOn() throws Exception {
        clock.set(TestClockConfig.START);
        String dedup = "ack-timeout-" + System.nanoTime();
        pd(trigger(dedup, "critical"));
        String id = find(dedup).path("id").asString();
        HttpCalls carol = api.asPerson("carol");
        Answer ack = carol.postJson("/api/v1/incidents/" + id + "/acknowledge", "{}");
        assertThat(ack.status()).isEqualTo(200);
        assertThat(ack.json().path("incident").path("status").asString()).isEqualTo("ACKNOWLEDGED");

        // Nobody resolves it: two hours later it is triggered again and carol is paged again.
        clock.advance(Duration.ofHours(2));
        JsonNode timedOut = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> entry(id, "ACKNOWLEDGEMENT_TIMED_OUT"), java.util.Objects::nonNull);
        assertThat(timedOut.path("people").toString()).isEqualTo("[\"carol\"]");
        assertThat(timedOut.path("text").asString()).contains("acknowledgement by carol timed out after 2h");
        assertThat(api.get("/api/v1/incidents/" + id).json().path("incident").path("status").asString()).isEqualTo("TRIGGERED");

        Answer typo = api.postJson("/api/v1/incidents/" + id + "/reassign", Map.of("to", List.of(Map.of("person", "dna"))));
        assertThat(typo.status()).isEqualTo(400);
        assertThat(typo.json().path("errors").get(0).path("field").asString()).isEqualTo("to[0].person");
        assertThat(typo.json().path("errors").get(0).path("message").asString()).contains("did you mean \"dan\"");
        // A From header names nobody but the token's owner: naming anyone else is refused and writes nothing.
        List<Long> beforeStranger = written();
        Answer stranger = api.withHeader("From", "mallory@example.com").postJson("/api/v1/incidents/" + id + "/acknowledge", "{}");
        assertThat(stranger.status()).isEqualTo(403);
        assertThat(stranger.json().path("errors").get(0).path("field").asString()).isEqualTo("From");
        Answer notCarol = carol.withHeader("From", "dan").postJson("/api/v1/incidents/" + id + "/acknowledge", "{}");
        assertThat(notCarol.status()).isEqualTo(403);
        assertThat(notCarol.json().path("errors").get(0).path("field").asString()).isEqualTo("From");
        assertThat(written()).isEqualTo(beforeStranger);
        assertThat(api.get("/api/v1/incidents/" + id).json().path("incident").path("status").asString()).isEqualTo("TRIGGERED");

        Answer reassign = carol.postJson("/api/v1/incidents/" + id + "/reassign",
                Map.of("to", List.of(Map.of("person", "dan")), "reason", "needs a decision"));
        assertThat(reassign.status()).as(reassign.body()).isEqualTo(200);
        // The newest entry the engine wrote (delivery results keep arriving on their own).
        JsonNode last = null;
        for (JsonNode e : api.get("/api/v1/incidents/" + id).json().path("timeline")) {
            if (!"notify".equals(e.path("via").asString())) {
                last = e;
            }
        }
        assertThat(last.path("kind").asString()).isEqualTo("REASSIGNED");
        assertThat(last.path("people").toString()).isEqualTo("[\"dan\"]");
        assertThat(last.path("actor").asString()).isEqualTo("carol");
        assertThat(last.path("text").asString()).contains("reassigned to person dan: dan (needs a decision)");

        io.tocsin.cli.CliRun cli = io.tocsin.cli.CliRun.run("incident", "reassign", id, "--to", "schedule:backend-primary/secondary",
                "--server", "http://localhost:" + port, "--token", api.personalToken("dan"));
        assertThat(cli.exitCode()).as(cli.err()).isZero();
        assertThat(api.get("/api/v1/incidents/" + id).json().path("timeline").toString()).contains("reassigned to on call in backend-primary/secondary");
    }

    @Test
    void aSignalThatMustBeSustainedPagesOnlyWhenItKeepsFiring() throws Exception {
        clock.set(TestClockConfig.START);
        String fp = "slow" + System.nanoTime();
        Map<String, Object> firing = Map.of("version", "4", "status", "firing", "alerts", List.of(
                Map.of("status", "firing", "fingerprint", fp + "-long", "labels", Map.of("alertname", "Slow", "latency_ratio", "2.6")),
                Map.of("status", "firing", "fingerprint", fp + "-blip", "labels", Map.of("alertname", "Slow", "latency_ratio", "2.3"))));
        assertThat(api.withToken(null).postJson("/api/v1/integrations/alertmanager/am-api-0123456789", firing).status()).isEqualTo(200);
        String longId = find("alertmanager:" + fp + "-long").path("id").asString();
        String blipId = find("alertmanager:" + fp + "-blip").path("id").asString();
        assertThat(api.get("/api/v1/incidents/" + longId).json().path("timeline").get(0).path("text").asString())
                .contains("waiting, pages only if still firing after 5m");

        // The blip clears after three minutes: resolved, and nobody was ever paged.
        clock.advance(Duration.ofMinutes(3));
        Map<String, Object> cleared = Map.of("version", "4", "status", "resolved", "alerts", List.of(
                Map.of("status", "resolved", "fingerprint", fp + "-blip", "labels", Map.of("alertname", "Slow"))));
        assertThat(api.withToken(null).postJson("/api/v1/integrations/alertmanager/am-api-0123456789", cleared).status()).isEqualTo(200);
        JsonNode blip = api.get("/api/v1/incidents/" + blipId).json();
        assertThat(blip.path("incident").path("status").asString()).isEqualTo("RESOLVED");
        assertThat(blip.path("timeline").toString()).contains("not sustained, nobody was paged");
        assertThat(notified(blipId)).isEmpty();

        clock.advance(Duration.ofMinutes(1));
        awaitTimersSettled(longId);
        assertThat(notified(longId)).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        awaitNotified(longId, 1);
        assertThat(notified(longId)).containsExactly("on-call:carol");
        assertThat(api.get("/api/v1/incidents/" + longId).json().path("timeline").toString()).contains("SUSTAINED");
        assertThat(notified(blipId)).isEmpty();
    }

    @Test
    void anIncidentWhoseTimerCannotBeProcessedDoesNotHoldBackTheOthers() throws Exception {
        clock.set(TestClockConfig.START);
        String poison = "poison-" + System.nanoTime();
        String healthy = "healthy-" + System.nanoTime();
        pd(trigger(poison, "critical"));
        pd(trigger(healthy, "critical"));
        String poisonId = find(poison).path("id").asString();
        String healthyId = find(healthy).path("id").asString();
        // Damage the poison incident's stored state so waking it throws, and make its timer the first in line.
        long poisonNumber = Long.parseLong(poisonId.substring(4));
        jdbc.sql("UPDATE incident SET state = '{not json' WHERE id = ?").param(poisonNumber).update();
        jdbc.sql("UPDATE incident_timer SET due_at = due_at - INTERVAL '1' MINUTE WHERE incident_id = ?").param(poisonNumber).update();

        clock.advance(Duration.ofMinutes(15));
        awaitNotified(healthyId, 2);
        assertThat(notified(healthyId)).containsExactly("on-call:carol", "secondary:alice");
        JsonNode note = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            JsonNode found = null;
            for (JsonNode e : api.get("/api/v1/incidents/" + poisonId).json().path("timeline")) {
                if (e.path("text").asString().startsWith("processing a due timer failed")) {
                    assertThat(found).as("the broken incident is tried once, then waits for its backoff").isNull();
                    found = e;
                }
            }
            return found;
        }, java.util.Objects::nonNull);
        // a completed cycle after the failure: had the backoff not held, it would have been tried again
        awaitTimersSettled(poisonId);
        long notes = 0;
        for (JsonNode e : api.get("/api/v1/incidents/" + poisonId).json().path("timeline")) {
            notes += e.path("text").asString().startsWith("processing a due timer failed") ? 1 : 0;
        }
        assertThat(notes).as("the broken incident is tried once, then waits for its backoff").isEqualTo(1);
        assertThat(note.path("text").asString()).contains("retrying in 1s");
        assertThat(jdbc.sql("SELECT failures FROM incident_timer WHERE incident_id = ?").param(poisonNumber).query(Integer.class).single())
                .isPositive();
        // Tidy up so the broken row does not disturb other tests sharing the database.
        jdbc.sql("DELETE FROM incident_timer WHERE incident_id = ?").param(poisonNumber).update();
    }

    @Test
    void everyIncidentActionIsAvailableOverHttpAndNamesWhoDidItAndHow() throws Exception {
        clock.set(TestClockConfig.START);
        String dedup = "actions-" + System.nanoTime();
        Answer opened = api.withToken(null).postJson("/api/v1/events", Map.of("routing_key", EVENTS_KEY, "summary", "checkout slow",
                "severity", "P2", "dedup_key", dedup));
        assertThat(opened.status()).as(opened.body()).isEqualTo(202);
        String id = find(dedup).path("id").asString();
        String at = "/api/v1/incidents/" + id;
        assertThat(notified(id)).containsExactly("on-call:carol");

        // Un-acknowledge: back to triggered, said on the timeline; a second one changes nothing.
        HttpCalls carol = api.asPerson("carol");
        assertThat(carol.postJson(at + "/acknowledge", "{}").json().path("changed").asBoolean()).isTrue();
        Answer unack = api.asPerson("dan").postJson(at + "/unacknowledge", "{}");
        assertThat(unack.status()).isEqualTo(200);
        assertThat(unack.json().path("changed").asBoolean()).isTrue();
        assertThat(unack.json().path("incident").path("status").asString()).isEqualTo("TRIGGERED");
        assertEntry(last(id), "UNACKNOWLEDGED", "dan", "un-acknowledged by dan");
        Answer unackAgain = api.postJson(at + "/unacknowledge", "{}");
        assertThat(unackAgain.status()).isEqualTo(200);
        assertThat(unackAgain.json().path("changed").asBoolean()).isFalse();
        assertThat(unackAgain.json().path("message").asString()).isEqualTo("not acknowledged");

        // Raising the severity is "impact expanding" in the acme policy: the next level is paged at once.
        Answer raised = api.asPerson("alice").postJson(at + "/severity", Map.of("severity", "P1"));
        assertThat(raised.status()).as(raised.body()).isEqualTo(200);
        assertThat(raised.json().path("changed").asBoolean()).isTrue();
        assertThat(raised.json().path("incident").path("severity").asString()).isEqualTo("P1");
        assertThat(api.get(at).json().path("incident").path("severity").asString()).isEqualTo("P1");
        assertEntry(entry(id, "SEVERITY_CHANGED"), "SEVERITY_CHANGED", "alice", "severity P2 -> P1 (raised)");
        assertThat(notified(id)).containsExactly("on-call:carol", "secondary:alice");
        assertThat(api.postJson(at + "/severity", Map.of("severity", "P1")).json().path("changed").asBoolean()).isFalse();

        Answer tagged = api.postJson(at + "/tags", Map.of("tags", List.of("customer-facing")));
        assertThat(tagged.status()).isEqualTo(200);
        assertThat(tagged.json().path("changed").asBoolean()).isTrue();
        assertEntry(last(id), "TAG_ADDED", "admin", "tagged customer-facing");
        assertThat(api.postJson(at + "/tags", Map.of("tags", List.of("customer-facing"))).json().path("changed").asBoolean()).isFalse();

        Answer note = carol.postJson(at + "/notes", Map.of("text", "pool exhausted on db1"));
        assertThat(note.status()).isEqualTo(200);
        assertEntry(last(id), "NOTE", "carol", "pool exhausted on db1");
        Answer update = api.postJson(at + "/updates", Map.of("message", "pool resized", "status", "monitoring"));
        assertThat(update.status()).isEqualTo(200);
        assertEntry(last(id), "STATUS_UPDATE", "admin", "[monitoring] pool resized");

        Answer escalated = carol.postJson(at + "/escalate", Map.of("level", "manager"));
        assertThat(escalated.status()).as(escalated.body()).isEqualTo(200);
        assertEntry(entry(id, "ESCALATED"), "ESCALATED", "carol", "escalated by hand to level manager");
        assertThat(notified(id)).containsExactly("on-call:carol", "secondary:alice", "manager:dan");

        // De-escalation releases everyone not kept, by name, with the reason.
        Answer released = carol.postJson(at + "/deescalate",
                Map.of("keep", List.of("carol"), "reason", "the database team has it"));
        assertThat(released.status()).as(released.body()).isEqualTo(200);
        assertThat(released.json().path("changed").asBoolean()).isTrue();
        JsonNode deescalated = last(id);
        assertEntry(deescalated, "DEESCALATED", "carol", "De-escalation notice: time 01:00 UTC; reason: the database team has it; "
                + "who can stand down: ");
        assertThat(deescalated.path("text").asString()).contains("alice").contains("dan").contains("; remaining responders: carol;");
        assertThat(deescalated.path("people")).extracting(JsonNode::asString).containsExactlyInAnyOrder("alice", "dan");
        // Released, so the ladder no longer runs: an hour later nobody else has been paged.
        clock.advance(Duration.ofHours(1));
        awaitTimersSettled(id);
        assertThat(notified(id)).containsExactly("on-call:carol", "secondary:alice", "manager:dan");
        assertThat(api.get(at).json().path("incident").path("status").asString()).isEqualTo("TRIGGERED");
    }

    @Test
    void badIncidentActionsAreProblemsNamingTheFieldAndWriteNothing() {
        clock.set(TestClockConfig.START);
        String dedup = "bad-actions-" + System.nanoTime();
        pd(trigger(dedup, "critical"));
        String id = find(dedup).path("id").asString();
        String at = "/api/v1/incidents/" + id;
        List<Long> before = written();

        assertProblem(api.postJson(at + "/severity", Map.of("severity", "P9")), 400, "severity");
        assertProblem(api.postJson(at + "/severity", Map.of()), 400, "severity");
        assertProblem(api.postJson(at + "/tags", Map.of("tags", List.of())), 400, "tags");
        assertProblem(api.postJson(at + "/tags", Map.of()), 400, "tags");
        assertProblem(api.postJson(at + "/notes", Map.of()), 400, "text");
        assertProblem(api.postJson(at + "/notes", Map.of("text", " ")), 400, "text");
        assertProblem(api.postJson(at + "/updates", Map.of("status", "monitoring")), 400, "message");
        assertProblem(api.postJson(at + "/updates", Map.of("message", "x", "status", "done")), 400, "status");
        assertProblem(api.postJson(at + "/escalate", Map.of("level", "mangaer")), 400, "level");
        assertProblem(api.postJson(at + "/deescalate", Map.of("keep", List.of("mallory"))), 400, "keep[0]");
        assertProblem(api.postJson(at + "/deescalate", Map.of("keep", "carol")), 400, "keep");
        assertProblem(api.postJson(at + "/notes", "{\"text\": "), 400, "(body)");
        assertProblem(api.postJson("/api/v1/incidents/not-an-id/notes", Map.of("text", "x")), 400, "id");
        assertThat(written()).as(api.get(at).body()).isEqualTo(before);

        String unknown = "/api/v1/incidents/INC-999999";
        Map<String, Object> good = Map.of("/acknowledge", Map.of(), "/unacknowledge", Map.of(), "/resolve", Map.of(),
                "/severity", Map.of("severity", "P1"), "/tags", Map.of("tags", List.of("security")),
                "/deescalate", Map.of("keep", List.of()), "/escalate", Map.of(), "/notes", Map.of("text", "x"),
                "/updates", Map.of("message", "x"));
        good.forEach((action, body) -> {
            Answer a = api.postJson(unknown + action, body);
            assertThat(a.status()).as(action + ": " + a.body()).isEqualTo(404);
            assertThat(a.contentType()).as(action).startsWith("application/problem+json");
            assertThat(a.json().path("detail").asString()).as(action).contains("INC-999999");
        });
        assertThat(api.get(unknown).status()).isEqualTo(404);
    }

    /**
     * Incidents, timeline entries and outbox rows. Entries the dispatcher adds on its own (a delivery
     * that failed for want of a provider) are left out: they follow earlier pages, not the request.
     */
    List<Long> written() {
        return List.of(jdbc.sql("SELECT COUNT(*) FROM incident").query(Long.class).single(),
                jdbc.sql("SELECT COUNT(*) FROM incident_entry WHERE via IS NULL OR via <> 'notify'").query(Long.class).single(),
                jdbc.sql("SELECT COUNT(*) FROM outbox").query(Long.class).single());
    }

    static void assertProblem(Answer a, int status, String field) {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.contentType()).startsWith("application/problem+json");
        assertThat(a.json().path("errors").get(0).path("field").asString()).as(a.body()).isEqualTo(field);
    }

    static void assertEntry(JsonNode e, String kind, String actor, String text) {
        assertThat(e).as("a " + kind + " entry").isNotNull();
        assertThat(e.path("kind").asString()).as(e.toString()).isEqualTo(kind);
        assertThat(e.path("actor").asString()).as(e.toString()).isEqualTo(actor);
        assertThat(e.path("via").asString()).as(e.toString()).isEqualTo("api");
        assertThat(e.path("text").asString()).as(e.toString()).contains(text);
    }

    /** The newest entry a command or the engine wrote; the dispatcher's delivery reports arrive on their own time. */
    JsonNode last(String id) {
        JsonNode found = null;
        for (JsonNode e : api.get("/api/v1/incidents/" + id).json().path("timeline")) {
            if (!e.path("via").asString("").equals("notify")) {
                found = e;
            }
        }
        return found;
    }

    /** The newest entry of this kind. */
    JsonNode entry(String id, String kind) {
        JsonNode found = null;
        for (JsonNode e : api.get("/api/v1/incidents/" + id).json().path("timeline")) {
            if (e.path("kind").asString().equals(kind)) {
                found = e;
            }
        }
        return found;
    }

    /** The newest incident with this dedup key. */
    JsonNode find(String dedup) {
        for (JsonNode i : api.get("/api/v1/incidents?limit=1000").json()) {
            if (i.path("dedup_key").asString().equals(dedup)) {
                return i;
            }
        }
        throw new AssertionError("no incident with dedup key " + dedup);
    }

    List<String> notified(String id) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : api.get("/api/v1/incidents/" + id).json().path("timeline")) {
            if (e.path("kind").asString().equals("NOTIFIED")) {
                List<String> people = new ArrayList<>();
                e.path("people").forEach(p -> people.add(p.asString()));
                out.add(e.path("level").asString() + ":" + String.join(",", people));
            }
        }
        return out;
    }

    void awaitNotified(String id, int count) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> notified(id).size() >= count);
    }

    /**
     * What a negative check waits for instead of a pause: a completed timer cycle on the test's thread,
     * then no timer of the incident ({@code null}: of any incident) still due by the virtual clock. A
     * timer is fired (or postponed after a failure) in the transaction that writes what it did, so once
     * none is due, whatever was due has been written, whether this cycle or the scheduled poll fired it.
     */
    void awaitTimersSettled(String id) {
        timers.runOnce();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            java.time.OffsetDateTime now = clock.instant().atOffset(java.time.ZoneOffset.UTC);
            return id == null
                    ? jdbc.sql("SELECT COUNT(*) FROM incident_timer WHERE due_at <= ?").param(now).query(Long.class).single() == 0
                    : jdbc.sql("SELECT COUNT(*) FROM incident_timer WHERE incident_id = ? AND due_at <= ?")
                            .params(Long.parseLong(id.substring(4)), now).query(Long.class).single() == 0;
        });
    }
}
