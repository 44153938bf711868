package io.tocsin.cli;

import static io.tocsin.cli.ImportChecks.onCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.tocsin.config.ConfigLoader;
import io.tocsin.config.LoadedConfig;
import io.tocsin.config.Organisation;
import io.tocsin.config.OrganisationConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code tocsin import opsgenie} through the real command line, on an export built from Opsgenie's
 * documented API schemas by src/test/resources/import/make_opsgenie_export.py, whose schedule
 * timelines were rendered there by Opsgenie's rules, independently of Tocsin.
 */
class ImportOpsgenieTest {
    static final Path EXPORT = Path.of("src/test/resources/import/opsgenie");
    static final String SEARCH = "5c4ed001-0002-4000-8000-0000000000b2";

    @TempDir
    Path tmp;

    static CliRun importDir(Path export, Path out) {
        return ImportChecks.importDir("opsgenie", export, out, "globex", "Globex");
    }

    @Test
    void theExportBecomesAValidConfigurationWhoseSchedulesAnswerAsOpsgenieDoesForEightWeeks() throws IOException {
        Path out = tmp.resolve("globex");
        CliRun r = importDir(EXPORT, out);
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains(
                "| payments_schedule | Payments_schedule | 2026-12-07T00:00:00Z | 2027-02-01T00:00:00Z | same on-call throughout |",
                "| search_schedule | Search_schedule | 2026-12-07T00:00:00Z | 2027-02-01T00:00:00Z | same on-call throughout |",
                "| sre_schedule | SRE_schedule | 2026-12-07T00:00:00Z | 2027-02-01T00:00:00Z | same on-call throughout |");
        CliRun validate = CliRun.run("validate", out.toString());
        assertThat(validate.exitCode()).as(validate.err()).isZero();
        assertThat(validate.out()).contains("valid: organisation globex (9 people, 3 schedules, 3 escalation policies, 3 services)");

        // Rotations answer together, as in Opsgenie; spot checks against the exported timelines.
        assertThat(onCall(out, "payments_schedule", "2026-12-08T10:00:00Z")).containsExactly("chloe");
        assertThat(onCall(out, "payments_schedule", "2026-12-25T12:00:00Z")).containsExactly("amara", "ben"); // override of one rotation
        assertThat(onCall(out, "search_schedule", "2026-12-16T23:00:00+01:00")).containsExactly("femi"); // night across midnight
        assertThat(onCall(out, "search_schedule", "2026-12-19T12:00:00+01:00")).containsExactly("eva", "femi"); // day and weekend
        assertThat(onCall(out, "sre_schedule", "2027-01-05T10:00:00Z")).containsExactly("ben", "greta"); // a rotation that began 2027-01-04
        assertThat(onCall(out, "sre_schedule", "2026-12-10T03:00:00Z")).containsExactly("hiro");

        LoadedConfig loaded = ConfigLoader.load(List.of(out));
        Organisation org = loaded.organisationOrNull();
        OrganisationConfig c = org.config();
        OrganisationConfig.Person amara = org.person("amara").orElseThrow();
        assertThat(amara.contactMethods()).extracting(OrganisationConfig.ContactMethod::type, OrganisationConfig.ContactMethod::address)
                .containsExactly(tuple("email", "amara@globex.example"), tuple("sms", "+447700900001"), tuple("voice", "+447700900001"));
        assertThat(amara.notificationRules().highUrgency()).extracting(OrganisationConfig.NotificationStep::after, OrganisationConfig.NotificationStep::via)
                .containsExactly(tuple("0m", "email"), tuple("1m", "sms"), tuple("5m", "voice"));
        assertThat(c.teams()).extracting(OrganisationConfig.Team::id, OrganisationConfig.Team::leads)
                .containsExactly(tuple("payments", List.of("amara")), tuple("search", List.of("diego")), tuple("sre", List.of("greta")));

        // Opsgenie's delays count from the alert's creation; if-not-closed keeps running after an acknowledgement.
        OrganisationConfig.Path payments = c.escalationPolicies().get(0).paths().get(0);
        assertThat(payments.repeat()).isEqualTo(2);
        assertThat(payments.levels()).extracting(l -> l.start().after(), l -> l.start().unacknowledgedFor(), l -> l.start().unresolvedFor())
                .containsExactly(tuple("0m", null, null), tuple(null, "10m", null), tuple(null, null, "1h"));
        assertThat(payments.levels().get(0).targets()).extracting(OrganisationConfig.Target::schedule)
                .containsOnly("payments_schedule").hasSize(2);

        // Each team that receives alerts is a service with the team's keys and heartbeats.
        assertThat(c.services()).extracting(OrganisationConfig.Service::id, OrganisationConfig.Service::escalationPolicy)
                .containsExactly(tuple("payments", "payments_escalation"), tuple("search", "search_escalation"), tuple("sre", "sre_escalation"));
        assertThat(c.services().get(0).integrations()).extracting(OrganisationConfig.Integration::type, OrganisationConfig.Integration::key,
                        OrganisationConfig.Integration::interval)
                .containsExactly(tuple("generic", "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f", null), tuple("heartbeat", "heartbeat-payments-batch", "1d"));
        assertThat(c.services().get(1).integrations()).extracting(OrganisationConfig.Integration::type)
                .containsExactly("alertmanager", "heartbeat");
    }

    @Test
    void everyFeatureWithoutAnEquivalentIsInTheReportWithItsReason() throws IOException {
        Path out = tmp.resolve("globex");
        assertThat(importDir(EXPORT, out).exitCode()).isZero();
        String report = Files.readString(out.resolve("import-report.md"));
        assertThat(report).contains(
                "| user Amara Nwosu | contact method mobile (Amara Nwosu's phone) | Opsgenie's mobile app push has no equivalent",
                "| user Amara Nwosu | step after 0 min by mobile | its contact method was not carried over",
                "| user Amara Nwosu | notification rule Acknowledged Alert (acknowledged-alert) |",
                "| user Greta Lind | role Owner |",
                "| team Payments | description | Tocsin teams have no description |",
                "| escalation Search_escalation, rule 2 | notify the next on-call of schedule Search_schedule | Tocsin notifies whoever is on call now",
                "| escalation Search_escalation | repeat 30 min after the last rule | Tocsin repeats a ladder 15m after its last level |",
                "| escalation Search_escalation | reset recipient states on repeat |",
                "| integration Payments API | Opsgenie's Alert API format | Tocsin does not speak it: the key is kept, the sender must post to https://TOCSIN-HOST/api/v1/events",
                "| integration Search Prometheus | Opsgenie's Alertmanager receiver (opsgenie_configs) format |",
                "| heartbeat payments-batch | ping URL and GenieKey | Tocsin's heartbeat is POST /api/v1/heartbeats/heartbeat-payments-batch",
                "| heartbeat payments-batch | alert message and priority P2 |",
                "- schedule Payments_schedule: rotation \"Old rotation\" ended 2026-11-02T09:00:00Z, before the import's start; it is history and was not imported",
                "- escalation Payments_escalation, rule 3: team payments is notified as its members; Opsgenie would follow the team's own routing",
                "- heartbeat legacy-cron: disabled in Opsgenie and not imported",
                "| search | Search Prometheus (Prometheus) | alertmanager | `8d2e3f4a-5b6c-4d7e-9f0a-1b2c3d4e5f60` |");
        assertThat(Files.readString(out.resolve("people.yaml"))).doesNotContain("phone\"", "mobile");
    }

    @Test
    void aScheduleThatAnswersDifferentlyIsListedWithItsStretchesAndExitsOne() throws IOException {
        Path export = ExportApiServer.copy(EXPORT, tmp.resolve("export"));
        Path timeline = export.resolve("schedules/" + SEARCH + "/timeline.json");
        ObjectNode doc = (ObjectNode) ExportApiServer.JSON.readTree(Files.readString(timeline));
        // Opsgenie says the night of 2026-12-16 is Diego's, not Femi's.
        ObjectNode changed = null;
        for (JsonNode rotation : doc.path("data").path("finalTimeline").path("rotations")) {
            for (JsonNode p : rotation.path("periods")) {
                if (p.path("startDate").asString().equals("2026-12-16T19:00:00Z") && rotation.path("name").asString().equals("Night")) {
                    changed = (ObjectNode) p.path("recipient");
                }
            }
        }
        assertThat(changed).isNotNull();
        assertThat(changed.path("name").asString()).isEqualTo("femi@globex.example");
        changed.put("id", "b1a1c2d3-0004-4000-8000-000000000004");
        Files.writeString(timeline, ExportApiServer.JSON.writeValueAsString(doc));
        CliRun r = importDir(export, tmp.resolve("globex"));
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("| search_schedule | Search_schedule | 2026-12-07T00:00:00Z | 2027-02-01T00:00:00Z | 1 mismatch(es) |",
                "- 2026-12-16T19:00:00Z to 2026-12-17T07:00:00Z: Opsgenie diego, Tocsin femi");
    }

    @Test
    void fromTheApiWithItsKeyAndPaginationTheResultIsTheSameAsFromTheExport() throws IOException {
        try (ExportApiServer server = new ExportApiServer(EXPORT, "/v2/", Map.of("Authorization", "GenieKey 0f1e2d3c-key"), ImportOpsgenieTest::page)) {
            Path key = tmp.resolve("key");
            Files.writeString(key, "0f1e2d3c-key\n");
            Path fromApi = tmp.resolve("from-api");
            CliRun r = ImportChecks.importApi("opsgenie", server.base(), key, fromApi, "globex", "Globex");
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            Path fromDir = tmp.resolve("from-dir");
            assertThat(importDir(EXPORT, fromDir).exitCode()).isZero();
            ImportChecks.assertSameConfiguration(fromApi, fromDir);
            assertThat(server.requests).contains("/v2/users?limit=100&offset=0", "/v2/users?limit=100&offset=8",
                    "/v2/schedules?expand=rotation&limit=100&offset=2",
                    "/v2/schedules/" + SEARCH + "/timeline?date=2026-12-07T00%3A00%3A00Z&interval=8&intervalUnit=weeks");

            Path wrong = tmp.resolve("wrong");
            Files.writeString(wrong, "nope");
            CliRun refused = CliRun.run("import", "opsgenie", "--from-api", "--base-url", server.base(), "--token-file", wrong.toString(),
                    "--output", tmp.resolve("refused").toString());
            assertThat(refused.exitCode()).isEqualTo(2);
            assertThat(refused.err()).contains("import failed: GET /v2/users answered HTTP 401");
        }
    }

    /** Opsgenie's pagination: {@code offset} and {@code limit}, {@code paging.next} while more follow. */
    private static String page(JsonNode doc, Map<String, String> query) {
        if (!doc.has("paging")) {
            return ExportApiServer.JSON.writeValueAsString(doc);
        }
        int offset = Integer.parseInt(query.getOrDefault("offset", "0"));
        int limit = Math.min(ExportApiServer.PAGE, Integer.parseInt(query.getOrDefault("limit", "20")));
        ArrayNode all = (ArrayNode) doc.path("data");
        ObjectNode out = ExportApiServer.JSON.createObjectNode();
        out.put("totalCount", all.size());
        ArrayNode items = out.putArray("data");
        for (int i = offset; i < Math.min(all.size(), offset + limit); i++) {
            items.add(all.get(i));
        }
        ObjectNode paging = out.putObject("paging");
        if (offset + limit < all.size()) {
            paging.put("next", "https://api.opsgenie.com/v2/x?limit=" + limit + "&offset=" + (offset + limit));
        }
        paging.put("first", "https://api.opsgenie.com/v2/x?limit=" + limit + "&offset=0");
        out.put("took", 0.01);
        out.put("requestId", "page");
        return ExportApiServer.JSON.writeValueAsString(out);
    }
}
