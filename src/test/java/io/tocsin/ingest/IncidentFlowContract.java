package io.tocsin.ingest;

import static org.assertj.core.api.Assertions.assertThat;

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

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

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
        Thread.sleep(300);
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
    void changeEventsAreRecordedAndNeverPage() {
        int before = api.get("/api/v1/incidents?limit=1000").json().size();
        Answer a = api.withToken(null).postJson("/v2/change/enqueue", Map.of("routing_key", KEY,
                "payload", Map.of("summary", "Deployed api v1.2.3", "source", "ci")));
        assertThat(a.status()).isEqualTo(202);
        assertThat(api.get("/api/v1/incidents?limit=1000").json().size()).isEqualTo(before);
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
        Answer ok = api.withToken(null).postJson("/api/v1/events", Map.of("routing_key", KEY, "summary", "disk full",
                "severity", "P2", "dedup_key", "generic-" + System.nanoTime(), "labels", Map.of("host", "db1")));
        assertThat(ok.status()).isEqualTo(202);
        assertThat(ok.json().path("result").asString()).isEqualTo("opened");
        Answer missing = api.withToken(null).postJson("/api/v1/events", Map.of("routing_key", KEY));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().path("errors").get(0).path("field").asString()).isEqualTo("summary");
        Answer badLabels = api.withToken(null).postJson("/api/v1/events", Map.of("routing_key", KEY, "summary", "x", "labels", "nope"));
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
        JsonNode incident = null;
        for (int i = 0; i < 100 && incident == null; i++) {
            Thread.sleep(50);
            for (JsonNode x : api.get("/api/v1/incidents?open=true&limit=1000").json()) {
                if (x.path("dedup_key").asString().startsWith("heartbeat:")) {
                    incident = x;
                }
            }
        }
        assertThat(incident).as("heartbeat incident").isNotNull();
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
    void anAcknowledgementByAPersonTimesOutAndReassignmentHandsTheIncidentOn() throws Exception {
        clock.set(TestClockConfig.START);
        String dedup = "ack-timeout-" + System.nanoTime();
        pd(trigger(dedup, "critical"));
        String id = find(dedup).path("id").asString();
        Answer ack = api.withHeader("From", "carol@example.com").postJson("/api/v1/incidents/" + id + "/acknowledge", "{}");
        assertThat(ack.status()).isEqualTo(200);
        assertThat(ack.json().path("incident").path("status").asString()).isEqualTo("ACKNOWLEDGED");

        // Nobody resolves it: two hours later it is triggered again and carol is paged again.
        clock.advance(Duration.ofHours(2));
        JsonNode timedOut = null;
        for (int i = 0; i < 100 && timedOut == null; i++) {
            Thread.sleep(50);
            for (JsonNode e : api.get("/api/v1/incidents/" + id).json().path("timeline")) {
                if (e.path("kind").asString().equals("ACKNOWLEDGEMENT_TIMED_OUT")) {
                    timedOut = e;
                }
            }
        }
        assertThat(timedOut).as("acknowledgement timeout on the timeline").isNotNull();
        assertThat(timedOut.path("people").toString()).isEqualTo("[\"carol\"]");
        assertThat(timedOut.path("text").asString()).contains("acknowledgement by carol timed out after 2h");
        assertThat(api.get("/api/v1/incidents/" + id).json().path("incident").path("status").asString()).isEqualTo("TRIGGERED");

        Answer typo = api.postJson("/api/v1/incidents/" + id + "/reassign", Map.of("to", List.of(Map.of("person", "dna"))));
        assertThat(typo.status()).isEqualTo(400);
        assertThat(typo.json().path("errors").get(0).path("field").asString()).isEqualTo("to[0].person");
        assertThat(typo.json().path("errors").get(0).path("message").asString()).contains("did you mean \"dan\"");
        Answer stranger = api.withHeader("From", "mallory@example.com").postJson("/api/v1/incidents/" + id + "/acknowledge", "{}");
        assertThat(stranger.status()).isEqualTo(400);
        assertThat(stranger.json().path("errors").get(0).path("field").asString()).isEqualTo("From");

        Answer reassign = api.withHeader("From", "carol").postJson("/api/v1/incidents/" + id + "/reassign",
                Map.of("to", List.of(Map.of("person", "dan")), "reason", "needs a decision"));
        assertThat(reassign.status()).as(reassign.body()).isEqualTo(200);
        JsonNode last = null;
        for (JsonNode e : api.get("/api/v1/incidents/" + id).json().path("timeline")) {
            last = e;
        }
        assertThat(last.path("kind").asString()).isEqualTo("REASSIGNED");
        assertThat(last.path("people").toString()).isEqualTo("[\"dan\"]");
        assertThat(last.path("actor").asString()).isEqualTo("carol");
        assertThat(last.path("text").asString()).contains("reassigned to person dan: dan (needs a decision)");

        io.tocsin.cli.CliRun cli = io.tocsin.cli.CliRun.run("incident", "reassign", id, "--to", "schedule:backend-primary/secondary",
                "--as", "dan", "--server", "http://localhost:" + port, "--token", TOKEN);
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
        Thread.sleep(300);
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
        JsonNode note = null;
        for (int i = 0; i < 100 && note == null; i++) {
            // The first failure's note: another claimer may fail on it once more before the postponement lands.
            for (JsonNode e : api.get("/api/v1/incidents/" + poisonId).json().path("timeline")) {
                if (note == null && e.path("text").asString().startsWith("processing a due timer failed")) {
                    note = e;
                }
            }
            Thread.sleep(50);
        }
        assertThat(note).as("the failure is on the poison incident's timeline").isNotNull();
        assertThat(note.path("text").asString()).contains("retrying in 1s");
        assertThat(jdbc.sql("SELECT failures FROM incident_timer WHERE incident_id = ?").param(poisonNumber).query(Integer.class).single())
                .isPositive();
        // Tidy up so the broken row does not disturb other tests sharing the database.
        jdbc.sql("DELETE FROM incident_timer WHERE incident_id = ?").param(poisonNumber).update();
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

    void awaitNotified(String id, int count) throws InterruptedException {
        for (int i = 0; i < 100 && notified(id).size() < count; i++) {
            Thread.sleep(50);
        }
    }
}
