package io.tocsin.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.cli.CliRun;
import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.HttpCalls.Answer;
import io.tocsin.testing.TestClockConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.JsonNode;

/**
 * A bad request is answered with every invalid field at once, whatever the endpoint (the body's
 * unknown keys with the closest known one, its own checks, then what needs the organisation), and an
 * alert storm is acknowledged or resolved in one call, each incident through the engine command the
 * single endpoint runs and reported on its own; the same through the CLI.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + BulkAndValidationContract.TOKEN,
        "tocsin.config.path=src/test/resources/orgs/acme",
        "tocsin.admin-token-file=target/test-admin-token"})
@Import(TestClockConfig.class)
// Each subclass has a database of its own, so its context is never reused: close it and give back its connections.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
abstract class BulkAndValidationContract {
    static final String TOKEN = "bulk-test-token-0123456789";
    static final String KEY = "ev-api-0123456789";

    @LocalServerPort
    int port;

    HttpCalls api;

    @BeforeEach
    void setUp() {
        api = new HttpCalls("http://localhost:" + port, TOKEN);
        api.resolveAllOpen();
    }

    /** field → message of a 400's errors, in order. */
    static Map<String, String> errors(Answer a) {
        assertThat(a.status()).as(a.body()).isEqualTo(400);
        assertThat(a.contentType()).contains("application/problem+json");
        Map<String, String> errors = new LinkedHashMap<>();
        for (JsonNode e : a.json().path("errors")) {
            errors.put(e.path("field").asString(), e.path("message").asString());
        }
        return errors;
    }

    @Test
    void anEmptySwapRequestListsEveryMissingFieldAtOnce() {
        Map<String, String> errors = errors(api.postJson("/api/v1/schedules/backend-primary/swaps", "{}"));
        assertThat(errors).containsOnlyKeys("requester", "counterpart", "start", "end");
        assertThat(errors.get("requester")).isEqualTo("required");
        assertThat(errors.get("start")).contains("ISO-8601");
    }

    @Test
    void aMisspeltKeyIsNamedWithTheOneMeantAlongsideEveryOtherError() {
        Answer a = api.postJson("/api/v1/schedules/backend-primary/swaps",
                "{\"requestor\": \"alice\", \"counterpart\": \"bob\", \"start\": \"tomorrow\", \"end\": \"2026-03-30T09:00:00Z\"}");
        Map<String, String> errors = errors(a);
        assertThat(errors).containsOnlyKeys("requestor", "requester", "start");
        assertThat(errors.get("requestor")).startsWith("unknown field (did you mean \"requester\"?)").contains("known: counterpart, end, layer");
        assertThat(errors.get("start")).contains("bad instant \"tomorrow\"");
        assertThat(a.json().path("detail").asString()).contains("requestor: unknown field").contains("requester: required");
    }

    @Test
    void namesTheOrganisationDoesNotKnowAreListedTogetherWithSuggestions() {
        Map<String, String> errors = errors(api.postJson("/api/v1/schedules/backend-primary/swaps",
                "{\"layer\": \"primery\", \"requester\": \"alcie\", \"counterpart\": \"bobb\", \"start\": \"2026-03-29T09:00:00Z\","
                        + " \"end\": \"2026-03-30T09:00:00Z\"}"));
        assertThat(errors).containsOnlyKeys("layer", "requester", "counterpart");
        assertThat(errors.get("layer")).contains("did you mean \"primary\"");
        assertThat(errors.get("requester")).isEqualTo("unknown person \"alcie\" (did you mean \"alice\"?)");
        assertThat(errors.get("counterpart")).contains("did you mean \"bob\"");

        Map<String, String> maintenance = errors(api.postJson("/api/v1/status/maintenance",
                "{\"title\": \"db upgrade\", \"services\": [\"apii\", \"nope-at-all-xyz\"], \"start\": \"2026-03-29T09:00:00Z\","
                        + " \"end\": \"2026-03-29T08:00:00Z\"}"));
        assertThat(maintenance).containsOnlyKeys("end");
        Map<String, String> services = errors(api.postJson("/api/v1/status/maintenance",
                "{\"title\": \"db upgrade\", \"services\": [\"apii\", \"nope-at-all-xyz\"], \"start\": \"2026-03-29T09:00:00Z\","
                        + " \"end\": \"2026-03-29T10:00:00Z\"}"));
        assertThat(services).containsOnlyKeys("services[0]", "services[1]");
        assertThat(services.get("services[0]")).contains("did you mean \"api\"");
    }

    @Test
    void everyJsonBodyGoesThroughTheSameChecksNestedKeysIncluded() {
        Map<String, String> override = errors(api.postJson("/api/v1/schedules/backend-primary/overrides", "{\"persn\": \"alice\"}"));
        assertThat(override).containsOnlyKeys("persn", "person", "start", "end");
        assertThat(override.get("persn")).contains("did you mean \"person\"");

        String id = trigger("validation-update").path("incident").asString();
        Map<String, String> update = errors(api.postJson("/api/v1/incidents/" + id + "/updates",
                "{\"status\": \"investigatin\", \"next_update\": \"soon\"}"));
        assertThat(update).containsOnlyKeys("message", "status", "next_update");
        assertThat(update.get("status")).contains("did you mean \"investigating\"");

        // a key inside a list of objects is named by its path (the incident is looked up first: who may work it
        // depends on its team, and a caller who may not is refused before the body is read)
        Map<String, String> reassign = errors(api.postJson("/api/v1/incidents/" + id + "/reassign", "{\"to\": [{\"persn\": \"alice\"}]}"));
        assertThat(reassign).containsKey("to[0].persn");
        assertThat(reassign.get("to[0].persn")).contains("did you mean \"person\"");

        assertThat(errors(api.postJson("/api/v1/tokens", "{\"nmae\": \"ci\"}"))).containsOnlyKeys("nmae", "name");
    }

    JsonNode trigger(String dedupKey) {
        return trigger(KEY, dedupKey, "P2");
    }

    JsonNode trigger(String key, String dedupKey, String severity) {
        Answer a = api.withToken(null).withHeader("X-Tocsin-Key", key).postJson("/api/v1/events",
                Map.of("dedup_key", dedupKey, "summary", "storm " + dedupKey, "severity", severity));
        assertThat(a.status()).as(a.body()).isEqualTo(202);
        return a.json();
    }

    String status(String id) {
        return api.get("/api/v1/incidents/" + id).json().path("incident").path("status").asString();
    }

    @Test
    void anAlertStormIsAcknowledgedByIdsEachThroughTheEngineAndReportedOnItsOwn() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(trigger("storm-ack-" + i).path("incident").asString());
        }
        assertThat(api.postJson("/api/v1/incidents/" + ids.get(2) + "/acknowledge", "{}").status()).isEqualTo(200);

        Answer a = api.asPerson("alice").postJson("/api/v1/incidents/acknowledge",
                Map.of("ids", List.of(ids.get(0), ids.get(1), ids.get(2), "INC-999999")));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        JsonNode results = a.json().path("results");
        assertThat(results).hasSize(4);
        assertThat(results.get(0).path("outcome").asString()).isEqualTo("changed");
        assertThat(results.get(1).path("outcome").asString()).isEqualTo("changed");
        assertThat(results.get(2).path("outcome").asString()).isEqualTo("unchanged");
        assertThat(results.get(3).path("outcome").asString()).isEqualTo("not_found");
        assertThat(a.json().path("changed").asInt()).isEqualTo(2);
        for (String id : ids) {
            assertThat(status(id)).isEqualToIgnoringCase("acknowledged");
        }
        // the engine's own entry, by the person named, as the single endpoint records it
        JsonNode timeline = api.get("/api/v1/incidents/" + ids.get(0)).json().path("timeline");
        assertThat(timeline.valueStream().filter(e -> e.path("kind").asString().equals("ACKNOWLEDGED"))
                .map(e -> e.path("actor").asString())).containsExactly("alice");

        Map<String, String> bad = errors(api.postJson("/api/v1/incidents/acknowledge", "{\"ids\": [\"INC-x\"], \"filter\": {}}"));
        assertThat(bad).containsOnlyKeys("ids", "ids[0]");
        assertThat(errors(api.postJson("/api/v1/incidents/acknowledge", "{}"))).containsOnlyKeys("ids");
    }

    @Test
    void aFilterResolvesEveryOpenIncidentItMatches() {
        String a = trigger("storm-resolve-a").path("incident").asString();
        String b = trigger("storm-resolve-b").path("incident").asString();
        api.postJson("/api/v1/incidents/" + b + "/acknowledge", "{}");

        Map<String, String> unknown = errors(api.postJson("/api/v1/incidents/resolve", "{\"filter\": {\"service\": \"apii\", \"status\": \"open\"}}"));
        assertThat(unknown).containsOnlyKeys("filter.status");
        assertThat(errors(api.postJson("/api/v1/incidents/resolve", "{\"filter\": {\"service\": \"apii\"}}")).get("filter.service"))
                .contains("did you mean \"api\"");

        JsonNode acknowledgedOnly = api.postJson("/api/v1/incidents/resolve",
                Map.of("filter", Map.of("service", "api", "status", "acknowledged"))).json();
        assertThat(acknowledgedOnly.path("results")).hasSize(1);
        assertThat(acknowledgedOnly.path("results").get(0).path("id").asString()).isEqualTo(b);
        assertThat(status(b)).isEqualToIgnoringCase("resolved");
        assertThat(status(a)).isEqualToIgnoringCase("triggered");

        JsonNode all = api.postJson("/api/v1/incidents/resolve", Map.of("filter", Map.of())).json();
        assertThat(all.path("results").valueStream().map(r -> r.path("id").asString())).containsExactly(a);
        assertThat(all.path("more").asBoolean()).isFalse();
        assertThat(status(a)).isEqualToIgnoringCase("resolved");
    }

    @Test
    void theCliAcknowledgesAndResolvesManyAtOnce() {
        String a = trigger("storm-cli-a").path("incident").asString();
        String b = trigger("storm-cli-b").path("incident").asString();
        String server = "http://localhost:" + port;

        CliRun ack = CliRun.run("incident", "ack", "--ids", a + "," + b, "--server", server, "--token", TOKEN);
        assertThat(ack.exitCode()).as(ack.err()).isEqualTo(0);
        assertThat(ack.out()).contains(a + " ").contains(b + " ").contains("changed").contains("2 of 2 changed");
        assertThat(status(a)).isEqualToIgnoringCase("acknowledged");

        CliRun resolve = CliRun.run("incident", "resolve", "--all", "--service", "api", "--server", server, "--token", TOKEN);
        assertThat(resolve.exitCode()).as(resolve.err()).isEqualTo(0);
        assertThat(resolve.out()).contains("2 of 2 changed");
        assertThat(status(b)).isEqualToIgnoringCase("resolved");

        CliRun neither = CliRun.run("incident", "ack", "--server", server, "--token", TOKEN);
        assertThat(neither.exitCode()).isEqualTo(2);
        assertThat(neither.err()).contains("give one of ID, --ids or --all");
        CliRun typo = CliRun.run("incident", "resolve", "--all", "--service", "apii", "--server", server, "--token", TOKEN);
        assertThat(typo.exitCode()).isEqualTo(1);
        assertThat(typo.err()).contains("did you mean \"api\"");
    }

    // ---- lists: filters and cursor pages ----

    List<String> ids(Answer a) {
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.json().valueStream().map(i -> i.path("id").asString()).toList();
    }

    @Test
    void theIncidentListFiltersByEveryFieldAtOnce() {
        String marker = "lst" + System.nanoTime();
        String triggered = trigger(KEY, marker + "-a", "P2").path("incident").asString();
        String acknowledged = trigger(KEY, marker + "-b", "P2").path("incident").asString();
        String resolved = trigger(KEY, marker + "-c", "P2").path("incident").asString();
        String batch = trigger("ev-batch-0123456789", marker + "-d", "P1").path("incident").asString();
        api.postJson("/api/v1/incidents/" + acknowledged + "/acknowledge", "{}");
        api.postJson("/api/v1/incidents/" + resolved + "/resolve", "{}");

        assertThat(ids(api.get("/api/v1/incidents?q=" + marker))).containsExactly(batch, resolved, acknowledged, triggered);
        assertThat(ids(api.get("/api/v1/incidents?status=acknowledged&q=" + marker))).containsExactly(acknowledged);
        assertThat(ids(api.get("/api/v1/incidents?status=triggered,resolved&service=api&q=" + marker))).containsExactly(resolved, triggered);
        assertThat(ids(api.get("/api/v1/incidents?status=open&q=" + marker))).containsExactly(batch, acknowledged, triggered);
        assertThat(ids(api.get("/api/v1/incidents?open=true&severity=P2&q=" + marker))).containsExactly(acknowledged, triggered);
        assertThat(ids(api.get("/api/v1/incidents?severity=P1&severity=P2&service=batch&q=" + marker))).containsExactly(batch);
        assertThat(ids(api.get("/api/v1/incidents?team=backend&q=" + marker.toUpperCase()))).hasSize(4);
        assertThat(ids(api.get("/api/v1/incidents?q=" + batch))).containsExactly(batch);
        assertThat(ids(api.get("/api/v1/incidents?since=2999-01-01&q=" + marker))).isEmpty();
        assertThat(ids(api.get("/api/v1/incidents?since=2000-01-01T00:00:00Z&until=2999-01-01&q=" + marker))).hasSize(4);
        // LIKE's wildcards are text like any other
        assertThat(ids(api.get("/api/v1/incidents?q=" + marker.substring(0, 3) + "%25" + marker.substring(4)))).isEmpty();

        Map<String, String> errors = errors(api.get("/api/v1/incidents?status=trigered&severity=P9&service=apii&team=bakend"
                + "&since=yesterday&limit=0&cursor=zzz"));
        assertThat(errors).containsOnlyKeys("limit", "cursor", "status", "severity", "service", "team", "since");
        assertThat(errors.get("status")).contains("did you mean \"triggered\"");
        assertThat(errors.get("service")).contains("did you mean \"api\"");
        assertThat(errors.get("team")).contains("did you mean \"backend\"");
        assertThat(errors(api.get("/api/v1/incidents?since=2026-03-02&until=2026-03-01")).keySet()).containsExactly("until");
    }

    @Test
    void aTextSearchFindsWhatIsShownNeverAValueTheServerHides() {
        String marker = "hid" + System.nanoTime();
        Answer sent = api.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", "a1111111111111111111111111111111",
                "event_action", "trigger", "dedup_key", marker, "payload", Map.of("summary", "login failed for " + marker + "@corp.example",
                        "source", "auth", "severity", "error", "custom_details", Map.of("customer_email", marker + "@corp.example"))));
        assertThat(sent.status()).as(sent.body()).isEqualTo(202);
        List<String> found = ids(api.get("/api/v1/incidents?q=login+failed+for"));
        assertThat(found).isNotEmpty();
        String id = found.get(0);
        assertThat(api.get("/api/v1/incidents/" + id).json().path("incident").path("summary").asString()).doesNotContain("@corp.example");
        // the stored summary holds the address, the shown one does not: searching for it finds nothing
        assertThat(ids(api.get("/api/v1/incidents?q=" + marker + "%40corp.example"))).isEmpty();
        assertThat(ids(api.get("/api/v1/incidents?q=" + marker))).containsExactly(id); // its dedup key is shown
    }

    @Test
    void listsArePagedByCursorKeepingTheirFiltersWhileNewIncidentsArrive() {
        String marker = "pg" + System.nanoTime();
        List<String> opened = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            opened.add(trigger(KEY, marker + "-" + i, "P2").path("incident").asString());
        }
        List<String> newestFirst = new ArrayList<>(opened);
        java.util.Collections.reverse(newestFirst);

        Answer first = api.get("/api/v1/incidents?q=" + marker + "&limit=2");
        assertThat(ids(first)).isEqualTo(newestFirst.subList(0, 2));
        String next = first.header("Link");
        assertThat(next).matches("</api/v1/incidents\\?q=" + marker + "&limit=2&cursor=[A-Za-z0-9_-]+>; rel=\"next\"");
        // an incident opened meanwhile is newer than every cursor: the pages neither repeat nor skip
        trigger(KEY, marker + "-late", "P2");
        List<String> all = new ArrayList<>(ids(first));
        while (next != null) {
            Answer page = api.get(next.substring(1, next.indexOf('>')));
            all.addAll(ids(page));
            next = page.header("Link");
        }
        assertThat(all).isEqualTo(newestFirst);

        // the audit log and the dead letters page the same way
        Answer audit = api.get("/api/v1/audit?limit=1");
        assertThat(audit.status()).isEqualTo(200);
        assertThat(audit.json()).hasSize(1);
        String auditNext = audit.header("Link");
        assertThat(auditNext).contains("cursor=");
        Answer older = api.get(auditNext.substring(1, auditNext.indexOf('>')));
        assertThat(older.json().get(0).path("id").asLong()).isLessThan(audit.json().get(0).path("id").asLong());
        assertThat(errors(api.get("/api/v1/dlq?limit=5000&cursor=x")).keySet()).containsExactly("limit", "cursor");

        // the CLI prints a page and says how to read the next
        String server = "http://localhost:" + port;
        CliRun list = CliRun.run("incident", "list", "--search", marker, "--status", "triggered", "--limit", "2", "--server", server,
                "--token", TOKEN);
        assertThat(list.exitCode()).as(list.err()).isEqualTo(0);
        assertThat(list.out()).contains("more: add --cursor ");
        String cursor = list.out().replaceAll("(?s).*more: add --cursor (\\S+).*", "$1").trim();
        CliRun rest = CliRun.run("incident", "list", "--search", marker, "--status", "triggered", "--limit", "10", "--cursor", cursor,
                "--server", server, "--token", TOKEN);
        assertThat(rest.exitCode()).as(rest.err()).isEqualTo(0);
        assertThat(rest.out()).contains(newestFirst.get(2) + " ").contains(newestFirst.get(4) + " ").doesNotContain("more:");
        CliRun typo = CliRun.run("incident", "list", "--team", "bakend", "--server", server, "--token", TOKEN);
        assertThat(typo.exitCode()).isEqualTo(1);
        assertThat(typo.err()).contains("did you mean \"backend\"");
    }
}
