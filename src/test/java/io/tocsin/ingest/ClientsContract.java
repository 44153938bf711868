package io.tocsin.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.HttpCalls.Answer;
import io.tocsin.testing.MutableClock;
import io.tocsin.testing.TestClockConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The ingest endpoints as real clients use them: the PagerDuty Java client's nulls and placeholder
 * payloads, several senders on one service, Alertmanager's retry rules, and PagerDuty's error shapes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + ClientsContract.TOKEN,
        "tocsin.config.path=src/test/resources/orgs/acme",
        "tocsin.admin-token-file=target/test-admin-token",
        "tocsin.timers.poll-interval=50ms"})
@Import(TestClockConfig.class)
// Each subclass has a database of its own, so its context is never reused: close it and give back its connections.
@org.springframework.test.annotation.DirtiesContext(classMode = org.springframework.test.annotation.DirtiesContext.ClassMode.AFTER_CLASS)
abstract class ClientsContract {
    static final String TOKEN = "clients-test-token-0123456789";
    /** Service api's PagerDuty integration. */
    static final String KEY = "a1111111111111111111111111111111";
    /** A second PagerDuty integration of the same service: another sender. */
    static final String OTHER_KEY = "a1111111111111111111111111111112";
    static final String EVENTS_KEY = "ev-api-0123456789";
    static final String AM_KEY = "am-api-0123456789";
    static final String PD_INTEGRATION = "PagerDuty Events API integration of service api";

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcClient jdbc;

    HttpCalls api;
    HttpCalls anonymous;

    @BeforeEach
    void setUp() {
        api = new HttpCalls("http://localhost:" + port, TOKEN);
        anonymous = api.withToken(null);
        clock.set(TestClockConfig.START);
    }

    /** What com.github.dikhan:pagerduty-client sends for a trigger without details: every optional field, null. */
    static String javaClientTrigger(String routingKey, String summary) {
        return """
                {"routing_key":"%s","event_action":"trigger","dedup_key":null,
                 "payload":{"summary":"%s","source":"billing-worker-3","severity":"critical","timestamp":null,
                            "component":null,"group":null,"class":null,"custom_details":null},
                 "images":null,"links":null,"client":null,"client_url":null}""".formatted(routingKey, summary);
    }

    /** ... and for an acknowledge or resolve: its placeholder payload. */
    static String javaClientFollowUp(String routingKey, String action, String dedup) {
        return """
                {"routing_key":"%s","event_action":"%s","dedup_key":"%s",
                 "payload":{"summary":"BLANK","source":"BLANK","severity":"info","timestamp":null,"component":null,
                            "group":null,"class":null,"custom_details":null},
                 "images":null,"links":null,"client":null,"client_url":null}""".formatted(routingKey, action, dedup);
    }

    @Test
    void nullOptionalFieldsAreAbsentOnTriggersChangeEventsAndGenericEvents() {
        String summary = "nulls " + System.nanoTime();
        Answer trigger = anonymous.postJson("/v2/enqueue", javaClientTrigger(KEY, summary));
        assertThat(trigger.status()).as(trigger.body()).isEqualTo(202);
        String dedup = trigger.json().path("dedup_key").asString();
        assertThat(dedup).isNotBlank();
        JsonNode incident = find(dedup);
        assertThat(incident.path("summary").asString()).isEqualTo(summary);
        Answer resolve = anonymous.postJson("/v2/enqueue", javaClientFollowUp(KEY, "resolve", dedup));
        assertThat(resolve.status()).as(resolve.body()).isEqualTo(202);
        assertThat(find(dedup).path("status").asString()).isEqualTo("RESOLVED");

        long changes = api.get("/api/v1/services/api/changes?limit=1000").json().size();
        Answer change = anonymous.postJson("/v2/change/enqueue", """
                {"routing_key":"%s","payload":{"summary":"deploy %s","source":null,"timestamp":null,"custom_details":null},
                 "links":null,"images":null}""".formatted(KEY, summary));
        assertThat(change.status()).as(change.body()).isEqualTo(202);
        assertThat(api.get("/api/v1/services/api/changes?limit=1000").json().size()).isEqualTo(changes + 1);

        Answer generic = anonymous.postJson("/api/v1/events", """
                {"routing_key":"%s","summary":"generic %s","labels":null,"dedup_key":null,"severity":null,"source":null,
                 "action":null}""".formatted(EVENTS_KEY, summary));
        assertThat(generic.status()).as(generic.body()).isEqualTo(202);
        assertThat(generic.json().path("result").asString()).isEqualTo("opened");
        api.resolveAllOpen();
    }

    @Test
    void anAcknowledgementOrResolutionFromAnIntegrationNamesTheIntegrationNotThePlaceholderSource() {
        String dedup = "blank-" + System.nanoTime();
        String trigger = javaClientTrigger(KEY, "payment queue stuck").replace("\"dedup_key\":null", "\"dedup_key\":\"" + dedup + "\"");
        assertThat(anonymous.postJson("/v2/enqueue", trigger).status()).isEqualTo(202);
        String id = find(dedup).path("id").asString();

        assertThat(anonymous.postJson("/v2/enqueue", javaClientFollowUp(KEY, "acknowledge", dedup)).status()).isEqualTo(202);
        JsonNode acknowledged = entry(id, "ACKNOWLEDGED");
        assertThat(acknowledged.path("actor").asString()).isEqualTo(PD_INTEGRATION);
        assertThat(acknowledged.path("via").asString()).isEqualTo("pagerduty");
        assertThat(acknowledged.path("text").asString()).isEqualTo("acknowledged by " + PD_INTEGRATION);
        assertThat(anonymous.postJson("/v2/enqueue", javaClientFollowUp(KEY, "resolve", dedup)).status()).isEqualTo(202);
        assertThat(entry(id, "RESOLVED").path("actor").asString()).isEqualTo(PD_INTEGRATION);

        // Nothing recorded or sent names the placeholder.
        assertThat(api.get("/api/v1/incidents/" + id).body()).doesNotContain("BLANK");
        assertThat(jdbc.sql("SELECT reason FROM outbox WHERE incident_id = ?").param(Long.parseLong(id.substring(4)))
                .query(String.class).list()).isNotEmpty().noneMatch(r -> r.contains("BLANK"))
                .anyMatch(r -> r.contains("acknowledged by " + PD_INTEGRATION));

        // An alert resolved by Alertmanager is resolved by the Alertmanager integration, not by its instance label.
        String fingerprint = "fp" + System.nanoTime();
        assertThat(anonymous.postJson("/api/v1/integrations/alertmanager/" + AM_KEY, alertGroup("firing", fingerprint)).status())
                .isEqualTo(200);
        String alert = find("alertmanager:" + fingerprint).path("id").asString();
        assertThat(anonymous.postJson("/api/v1/integrations/alertmanager/" + AM_KEY, alertGroup("resolved", fingerprint)).status())
                .isEqualTo(200);
        assertThat(entry(alert, "OPENED").path("actor").asString()).isEqualTo("db-7:9100");
        assertThat(entry(alert, "RESOLVED").path("actor").asString()).isEqualTo("Alertmanager integration of service api");

        String grafana = "gf" + System.nanoTime();
        assertThat(anonymous.postJson("/api/v1/integrations/grafana/gf-api-0123456789", alertGroup("firing", grafana)).status())
                .isEqualTo(200);
        assertThat(anonymous.postJson("/api/v1/integrations/grafana/gf-api-0123456789", alertGroup("resolved", grafana)).status())
                .isEqualTo(200);
        assertThat(entry(find("grafana:" + grafana).path("id").asString(), "RESOLVED").path("actor").asString())
                .isEqualTo("Grafana integration of service api");
    }

    static Map<String, Object> alertGroup(String status, String fingerprint) {
        return Map.of("version", "4", "status", status, "alerts", List.of(Map.of("status", status, "fingerprint", fingerprint,
                "labels", Map.of("alertname", "DiskFull", "instance", "db-7:9100"),
                "annotations", Map.of("summary", "disk full on db-7"))));
    }

    @Test
    void anEventActsOnlyOnIncidentsItsOwnIntegrationKeyOpened() {
        String dedup = "shared-" + System.nanoTime();
        assertThat(pd(KEY, "trigger", dedup).status()).isEqualTo(202);
        String first = find(dedup).path("id").asString();

        // Another sender's acknowledge and resolve for the same dedup key are accepted, as PagerDuty does, and dropped.
        assertThat(pd(OTHER_KEY, "acknowledge", dedup).status()).isEqualTo(202);
        assertThat(pd(OTHER_KEY, "resolve", dedup).status()).isEqualTo(202);
        assertThat(incident(first).path("status").asString()).isEqualTo("TRIGGERED");
        assertThat(entry(first, "ACKNOWLEDGED")).isNull();

        // Its trigger with that dedup key opens an incident of its own.
        assertThat(pd(OTHER_KEY, "trigger", dedup).status()).isEqualTo(202);
        String second = find(dedup).path("id").asString();
        assertThat(second).isNotEqualTo(first);
        assertThat(incident(first).path("event_count").asLong()).isEqualTo(1);

        // Each key's resolve resolves its own incident only.
        assertThat(pd(KEY, "resolve", dedup).status()).isEqualTo(202);
        assertThat(incident(first).path("status").asString()).isEqualTo("RESOLVED");
        assertThat(incident(second).path("status").asString()).isEqualTo("TRIGGERED");
        assertThat(pd(OTHER_KEY, "resolve", dedup).status()).isEqualTo(202);
        assertThat(incident(second).path("status").asString()).isEqualTo("RESOLVED");
    }

    @Test
    void anIncidentOpenedBeforeKeysWereRecordedIsStillReachedByTheKeysOfItsService() {
        String dedup = "legacy-" + System.nanoTime();
        assertThat(pd(KEY, "trigger", dedup).status()).isEqualTo(202);
        String id = find(dedup).path("id").asString();
        // As version 9 of the schema left it: no key, and the (service, dedup key) open key.
        jdbc.sql("UPDATE incident SET integration_key_hash = NULL, open_key = ? WHERE id = ?")
                .params("api\u001f" + dedup, Long.parseLong(id.substring(4))).update();
        assertThat(pd(OTHER_KEY, "trigger", dedup).status()).isEqualTo(202);
        assertThat(find(dedup).path("id").asString()).isEqualTo(id);
        assertThat(incident(id).path("event_count").asLong()).isEqualTo(2);
        assertThat(pd(OTHER_KEY, "resolve", dedup).status()).isEqualTo(202);
        assertThat(incident(id).path("status").asString()).isEqualTo("RESOLVED");
    }

    @Test
    void aKeyOfOneTypeIsRefusedOnAnotherTypesEndpointNamingTheField() {
        long incidents = jdbc.sql("SELECT COUNT(*) FROM incident").query(Long.class).single();
        Answer pdWithAm = anonymous.postJson("/v2/enqueue", javaClientTrigger(AM_KEY, "wrong door"));
        assertThat(pdWithAm.status()).isEqualTo(400);
        assertThat(pdWithAm.json().path("errors").get(0).asString()).isEqualTo("'routing_key' is the key of the alertmanager "
                + "integration of service api; this endpoint takes the key of a pagerduty integration");
        Answer changeWithAm = anonymous.postJson("/v2/change/enqueue", Map.of("routing_key", AM_KEY, "payload", Map.of("summary", "x")));
        assertThat(changeWithAm.status()).isEqualTo(400);
        assertThat(changeWithAm.json().path("errors").get(0).asString()).startsWith("'routing_key' is the key of the alertmanager");

        Map<String, Object> group = alertGroup("firing", "wrong-door");
        Answer amWithPd = anonymous.postJson("/api/v1/integrations/alertmanager/" + KEY, group);
        assertProblem(amWithPd, 400, "key", "is the key of the pagerduty integration of service api; this endpoint takes the key of "
                + "an alertmanager integration");
        assertProblem(anonymous.postJson("/api/v1/integrations/grafana/" + AM_KEY, group), 400, "key",
                "is the key of the alertmanager integration of service api; this endpoint takes the key of a grafana integration");
        assertProblem(anonymous.postJson("/api/v1/events", Map.of("routing_key", KEY, "summary", "x")), 400, "routing_key",
                "is the key of the pagerduty integration of service api; this endpoint takes the key of a generic integration");
        assertProblem(anonymous.withHeader("X-Tocsin-Key", AM_KEY).postJson("/api/v1/events", Map.of("summary", "x")), 400,
                "X-Tocsin-Key", "is the key of the alertmanager integration");
        assertProblem(anonymous.postJson("/api/v1/heartbeats/" + EVENTS_KEY, "{}"), 400, "key",
                "this endpoint takes the key of a heartbeat integration");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM incident").query(Long.class).single()).isEqualTo(incidents);
    }

    @Test
    void aWronglyCasedActionIsOneErrorNamingTheAllowedValuesInPagerDutysKeyOrder() {
        Answer a = anonymous.postJson("/v2/enqueue", Map.of("routing_key", KEY, "event_action", "TRIGGER",
                "payload", Map.of("summary", "x", "source", "y", "severity", "critical")));
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.body()).isEqualTo("{\"status\":\"invalid event\",\"message\":\"Event object is invalid\","
                + "\"errors\":[\"'event_action' must be one of trigger, acknowledge, resolve\"]}");
        Answer ack = anonymous.postJson("/v2/enqueue", Map.of("routing_key", KEY, "event_action", "acknowledge"));
        assertThat(ack.body()).isEqualTo("{\"status\":\"invalid event\",\"message\":\"Event object is invalid\","
                + "\"errors\":[\"'dedup_key' is required for acknowledge events\"]}");
        Answer huge = anonymous.postJson("/v2/enqueue", "{\"routing_key\":\"" + KEY + "\",\"x\":\"" + "a".repeat(600 * 1024) + "\"}");
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.body()).startsWith("{\"status\":\"invalid event\",\"message\":\"Event object is too large\",\"errors\":[");
    }

    @Test
    void overItsRatePagerDutyAndGenericEventsAre429AndWebhookBatches503AllWithRetryAfter() {
        Answer pd = exhaust(() -> anonymous.postJson("/v2/enqueue", Map.of("routing_key", "c3333333333333333333333333333333",
                "event_action", "trigger", "dedup_key", "rate-pd", "payload", Map.of("summary", "late", "source", "cron",
                        "severity", "warning"))), 202);
        assertThat(pd.status()).isEqualTo(429);
        assertThat(pd.body()).startsWith("{\"status\":\"throttle event\",\"message\":");
        assertRetryAfter(pd);

        Answer generic = exhaust(() -> anonymous.postJson("/api/v1/events", Map.of("routing_key", "ev-batch-0123456789",
                "summary", "late", "dedup_key", "rate-generic")), 202);
        assertThat(generic.status()).isEqualTo(429);
        assertThat(generic.contentType()).startsWith("application/problem+json");
        assertRetryAfter(generic);

        // Alertmanager retries a 5xx with backoff but waits a whole group interval after a 429; Grafana retries a 5xx too.
        for (String path : List.of("/api/v1/integrations/alertmanager/am-batch-0123456789", "/api/v1/integrations/grafana/gf-batch-0123456789")) {
            Answer batch = exhaust(() -> anonymous.postJson(path, alertGroup("firing", "rate-batch")), 200);
            assertThat(batch.status()).as(path).isEqualTo(503);
            assertThat(batch.contentType()).startsWith("application/problem+json");
            assertThat(batch.json().path("errors").get(0).path("field").asString()).isEqualTo("key");
            assertRetryAfter(batch);
        }
        // Another key is not held back.
        assertThat(anonymous.postJson("/api/v1/integrations/alertmanager/" + AM_KEY, alertGroup("firing", "rate-other")).status())
                .isEqualTo(200);
        api.resolveAllOpen();
    }

    /** Sends until the answer is not {@code ok}; 120 a minute with a burst of 120 runs dry a little after 120. */
    static Answer exhaust(java.util.function.Supplier<Answer> send, int ok) {
        for (int i = 0; i < 600; i++) {
            Answer a = send.get();
            if (a.status() != ok) {
                return a;
            }
        }
        throw new AssertionError("never refused");
    }

    static void assertRetryAfter(Answer a) {
        assertThat(a.header("Retry-After")).as(a.body()).isNotNull();
        assertThat(Long.parseLong(a.header("Retry-After"))).isBetween(1L, 60L);
    }

    static void assertProblem(Answer a, int status, String field, String message) {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.contentType()).startsWith("application/problem+json");
        assertThat(a.json().path("errors").get(0).path("field").asString()).as(a.body()).isEqualTo(field);
        assertThat(a.json().path("errors").get(0).path("message").asString()).as(a.body()).contains(message);
    }

    Answer pd(String key, String action, String dedup) {
        return anonymous.postJson("/v2/enqueue", Map.of("routing_key", key, "event_action", action, "dedup_key", dedup,
                "payload", Map.of("summary", "shared dedup key", "source", "cron", "severity", "critical")));
    }

    JsonNode incident(String id) {
        return api.get("/api/v1/incidents/" + id).json().path("incident");
    }

    /** The newest entry of this kind, or null. */
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
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode i : api.get("/api/v1/incidents?limit=1000").json()) {
            if (i.path("dedup_key").asString().equals(dedup)) {
                found.add(i);
            }
        }
        assertThat(found).as("an incident with dedup key " + dedup).isNotEmpty();
        return found.get(0);
    }
}
