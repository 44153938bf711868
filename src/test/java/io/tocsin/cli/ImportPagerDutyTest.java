package io.tocsin.cli;

import static io.tocsin.cli.ImportChecks.FROM;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code tocsin import pagerduty} through the real command line, on an export built from PagerDuty's
 * documented API schemas by src/test/resources/import/make_pagerduty_export.py, whose final schedules
 * were rendered there by PagerDuty's rules, independently of Tocsin.
 */
class ImportPagerDutyTest {
    static final Path EXPORT = Path.of("src/test/resources/import/pagerduty");
    static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path tmp;

    static CliRun importDir(Path export, Path out) {
        return ImportChecks.importDir("pagerduty", export, out, "acme", "Acme");
    }

    static Organisation load(Path dir) {
        LoadedConfig loaded = ConfigLoader.load(List.of(dir));
        assertThat(loaded.problems()).isEmpty();
        return loaded.organisationOrNull();
    }

    @Test
    void theExportBecomesAValidConfigurationWhoseSchedulesAnswerAsPagerDutyDoesForEightWeeks() throws IOException {
        Path out = tmp.resolve("acme");
        CliRun r = importDir(EXPORT, out);
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("| backend-primary | Backend Primary | 2026-12-07T00:00:00Z | 2027-02-01T00:00:00Z | same on-call throughout |",
                "| frontend | Frontend | 2026-12-07T00:00:00Z | 2027-02-01T00:00:00Z | same on-call throughout |",
                "| platform | Platform | 2026-12-07T00:00:00Z | 2027-02-01T00:00:00Z | same on-call throughout |");
        assertThat(Files.readString(out.resolve("import-report.md"))).isEqualTo(r.out().substring(0, r.out().indexOf("Wrote ")));

        CliRun validate = CliRun.run("validate", out.toString());
        assertThat(validate.exitCode()).as(validate.err()).isZero();
        assertThat(validate.out()).contains("valid: organisation acme (10 people, 3 schedules, 3 escalation policies, 5 services)");

        // Spot checks through the offline on-call command, against the export's rendered final schedule.
        assertThat(onCall(out, "backend-primary", "2026-12-08T10:00:00-05:00")).isEqualTo(List.of("dan")); // business hours layer
        assertThat(onCall(out, "backend-primary", "2026-12-08T20:00:00-05:00")).isEqualTo(List.of("bob")); // weekly layer shows through
        assertThat(onCall(out, "backend-primary", "2026-12-25T12:00:00-05:00")).isEqualTo(List.of("bob")); // Christmas override (the rotation says carol)
        assertThat(onCall(out, "frontend", "2026-12-19T12:00:00+01:00")).isEqualTo(List.of("grace")); // weekend layer over the half days
        assertThat(onCall(out, "platform", "2027-01-09T11:00:00Z")).isEqualTo(List.of("hugo")); // layer that began 2027-01-04
        assertThat(onCall(out, "platform", "2026-12-12T11:00:00Z")).isEqualTo(List.of("ines"));

        Organisation org = load(out);
        OrganisationConfig c = org.config();
        OrganisationConfig.Person alice = org.person("alice").orElseThrow();
        assertThat(alice.timeZone()).isEqualTo("America/New_York");
        assertThat(alice.contactMethods()).extracting(OrganisationConfig.ContactMethod::type, OrganisationConfig.ContactMethod::address)
                .containsExactly(tuple("email", "alice@acme.example"),
                        tuple("sms", "+12125550101"), tuple("voice", "+12125550101"));
        assertThat(c.teams()).extracting(OrganisationConfig.Team::id).containsExactly("backend", "frontend", "platform", "frontend-ep-rule-1-round-robin");
        OrganisationConfig.Team backend = c.teams().get(0);
        assertThat(backend.members()).containsExactly("alice", "bob", "carol", "dan");
        assertThat(backend.leads()).containsExactly("dan");

        // Multi-level policy with loops: levels after the previous rule's delay, schedule targets on every layer.
        OrganisationConfig.EscalationPolicy policy = c.escalationPolicies().get(0);
        assertThat(policy.id()).isEqualTo("backend-ep");
        assertThat(policy.acknowledgementTimeout()).isEqualTo("30m");
        OrganisationConfig.Path path = policy.paths().get(0);
        assertThat(path.repeat()).isEqualTo(2);
        assertThat(path.levels()).extracting(l -> l.start().after()).containsExactly("0m", "15m", "10m");
        assertThat(path.levels().get(0).targets()).extracting(OrganisationConfig.Target::schedule, OrganisationConfig.Target::layer)
                .containsExactly(tuple("backend-primary", "business-hours"),
                        tuple("backend-primary", "weekly"));
        OrganisationConfig.Target roundRobin = c.escalationPolicies().get(1).paths().get(0).levels().get(0).targets().get(0);
        assertThat(roundRobin.team()).isEqualTo("frontend-ep-rule-1-round-robin");
        assertThat(roundRobin.members()).isEqualTo("round_robin");

        // Integration keys carry over as pagerduty keys: the routing key finds the same service.
        Map<String, List<String>> keys = new TreeMap<>();
        for (OrganisationConfig.Service s : c.services()) {
            keys.put(s.id(), s.integrations().stream().map(i -> i.type() + ":" + i.key()).toList());
        }
        assertThat(keys).containsExactlyInAnyOrderEntriesOf(Map.of(
                "checkout-api", List.of("pagerduty:0a1b2c3d4e5f60718293a4b5c6d7e8f9"),
                "auth-service", List.of("pagerduty:1b2c3d4e5f60718293a4b5c6d7e8f90a"),
                "web-frontend", List.of("pagerduty:2c3d4e5f60718293a4b5c6d7e8f90a1b"),
                "kubernetes-platform", List.of("pagerduty:3d4e5f60718293a4b5c6d7e8f90a1b2c", "pagerduty:4e5f60718293a4b5c6d7e8f90a1b2c3d"),
                "legacy-batch", List.of("pagerduty:5f60718293a4b5c6d7e8f90a1b2c3d4e")));
        OrganisationConfig.Service batch = c.services().stream().filter(s -> s.id().equals("legacy-batch")).findFirst().orElseThrow();
        assertThat(batch.team()).isEqualTo("platform");
        assertThat(batch.enabled()).isFalse();
    }

    @Test
    void everyFeatureWithoutAnEquivalentIsInTheReportWithItsReason() throws IOException {
        Path out = tmp.resolve("acme");
        CliRun r = importDir(EXPORT, out);
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        String report = Files.readString(out.resolve("import-report.md"));
        assertThat(report).contains(
                "| user Alice Ionescu | contact method push_notification_contact_method (iPhone) | PagerDuty's mobile app push has no equivalent",
                "| user Alice Ionescu | high-urgency rule after 0 min by push_notification_contact_method_reference | its contact method was not carried over",
                "| user Jon Park | account role admin |",
                "| team Backend | description | Tocsin teams have no description |",
                "| schedule Backend Primary | description |",
                "| escalation policy Frontend EP | loop 30 min after the last rule | Tocsin repeats a ladder 15m after its last level |",
                "| escalation policy Platform EP, rule 2 | round robin assignment | Tocsin rotates only a team's members",
                "| escalation policy Platform EP | on-call hand-off notifications: always |",
                "| service Checkout API | auto-resolve after 4h |",
                "| service Web Frontend | e-mail integration Support mailbox (web@acme.pagerduty.com) |",
                "| service Web Frontend | incident urgency rule constant severity_based |",
                "| service Kubernetes Platform | Events API v1 format of Legacy Nagios |",
                "- schedule Backend Primary: layer \"Old weekly\" ended 2026-11-09T14:00:00Z, before the import's start; it is history and was not imported",
                "- schedule Backend Primary: 1 override(s) that ended before the import's start are history and were not imported",
                "- service Checkout API: acknowledgement timeout 30m is now on escalation policy backend-ep",
                "- escalation policy Frontend EP, rule 1: round robin became team `frontend-ep-rule-1-round-robin`",
                "| checkout-api | Prometheus | pagerduty | `0a1b2c3d4e5f60718293a4b5c6d7e8f9` | https://TOCSIN-HOST/v2/enqueue |");
        // The push rule is reported for both people who have one, and nothing is carried silently: a push
        // address appears nowhere in the configuration.
        assertThat(report).contains("| user Dan Okafor | contact method push_notification_contact_method (iPhone)");
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                assertThat(Files.readString(f)).doesNotContain("ios-device-7f3e", "web@acme.pagerduty.com");
            }
        }
    }

    @Test
    void aScheduleThatAnswersDifferentlyIsListedWithItsStretchesAndExitsOne() throws IOException {
        Path export = copyExport();
        // PagerDuty says Hugo covers one night that the rotation gives to Ines.
        Path platform = export.resolve("schedules/PS3PLAT.json");
        ObjectNode doc = (ObjectNode) JSON.readTree(Files.readString(platform));
        ArrayNode entries = (ArrayNode) doc.path("schedule").path("final_schedule").path("rendered_schedule_entries");
        ObjectNode changed = null;
        for (JsonNode e : entries) {
            if (e.path("start").asString().equals("2026-12-08T08:00:00+00:00")) {
                changed = (ObjectNode) e;
            }
        }
        assertThat(changed).isNotNull();
        assertThat(changed.path("user").path("id").asString()).isEqualTo("PINS009");
        ((ObjectNode) changed.path("user")).put("id", "PHUG008");
        Files.writeString(platform, JSON.writeValueAsString(doc));

        Path out = tmp.resolve("acme");
        CliRun r = importDir(export, out);
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("| platform | Platform | 2026-12-07T00:00:00Z | 2027-02-01T00:00:00Z | 1 mismatch(es) |",
                "- 2026-12-08T08:00:00Z to 2026-12-09T08:00:00Z: PagerDuty hugo, Tocsin ines",
                "| backend-primary | Backend Primary | 2026-12-07T00:00:00Z | 2027-02-01T00:00:00Z | same on-call throughout |");
        assertThat(CliRun.run("validate", out.toString()).exitCode()).isZero();
    }

    @Test
    void layersListedLowestPriorityFirstAreReadThatWayWhenOnlyThatMatchesTheFinalSchedule() throws IOException {
        Path export = copyExport();
        Path frontend = export.resolve("schedules/PS2FRNT.json");
        ObjectNode doc = (ObjectNode) JSON.readTree(Files.readString(frontend));
        ArrayNode layers = (ArrayNode) doc.path("schedule").path("schedule_layers");
        List<JsonNode> reversed = new ArrayList<>();
        layers.forEach(reversed::add);
        Collections.reverse(reversed);
        layers.removeAll();
        reversed.forEach(layers::add);
        Files.writeString(frontend, JSON.writeValueAsString(doc));

        Path out = tmp.resolve("acme");
        CliRun r = importDir(export, out);
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("- schedule Frontend: its layers were listed lowest priority first",
                "| frontend | Frontend | 2026-12-07T00:00:00Z | 2027-02-01T00:00:00Z | same on-call throughout |");
        assertThat(onCall(out, "frontend", "2026-12-19T12:00:00+01:00")).isEqualTo(List.of("grace"));
    }

    @Test
    void fromTheApiWithItsTokenAndPaginationTheResultIsTheSameAsFromTheExport() throws IOException {
        try (ExportApiServer server = new ExportApiServer(EXPORT, "/", Map.of("Authorization", "Token token=s3cret-token",
                "Accept", "application/vnd.pagerduty+json;version=2"), ImportPagerDutyTest::page)) {
            Path token = tmp.resolve("token");
            Files.writeString(token, "s3cret-token\n");
            Path fromApi = tmp.resolve("from-api");
            CliRun r = ImportChecks.importApi("pagerduty", server.base(), token, fromApi, "acme", "Acme");
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            Path fromDir = tmp.resolve("from-dir");
            assertThat(importDir(EXPORT, fromDir).exitCode()).isZero();
            ImportChecks.assertSameConfiguration(fromApi, fromDir);
            // Lists were read page by page (the server answers two items at a time), schedules for the compared range.
            assertThat(server.requests).contains("/users?include%5B%5D=contact_methods&include%5B%5D=notification_rules&limit=100&offset=0",
                    "/users?include%5B%5D=contact_methods&include%5B%5D=notification_rules&limit=100&offset=8",
                    "/schedules/PS1BKND?since=2026-12-07T00%3A00%3A00Z&until=2027-02-01T00%3A00%3A00Z",
                    "/services?include%5B%5D=integrations&limit=100&offset=4");

            Path wrong = tmp.resolve("wrong-token");
            Files.writeString(wrong, "not-the-token");
            CliRun refused = CliRun.run("import", "pagerduty", "--from-api", "--base-url", server.base(), "--token-file", wrong.toString(),
                    "--output", tmp.resolve("refused").toString(), "--from", FROM);
            assertThat(refused.exitCode()).isEqualTo(2);
            assertThat(refused.err()).contains("import failed: GET /users answered HTTP 401 (is the API key right, and may it read this?)");
            assertThat(tmp.resolve("refused")).doesNotExist();
        }
    }

    @Test
    void anOutputDirectoryThatAlreadyHoldsConfigurationIsRefused() throws IOException {
        Path out = tmp.resolve("existing");
        Files.createDirectories(out);
        Files.writeString(out.resolve("people.yaml"), "people: []\n");
        CliRun r = importDir(EXPORT, out);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("already holds configuration files");
        assertThat(Files.readString(out.resolve("people.yaml"))).isEqualTo("people: []\n");
    }

    /** PagerDuty's classic pagination: {@code limit}, {@code offset}, {@code more}. */
    private static String page(JsonNode doc, Map<String, String> query) {
        if (!doc.has("more")) {
            return JSON.writeValueAsString(doc);
        }
        String collection = doc.propertyNames().stream().filter(n -> doc.path(n).isArray()).findFirst().orElseThrow();
        int offset = Integer.parseInt(query.getOrDefault("offset", "0"));
        int limit = Math.min(ExportApiServer.PAGE, Integer.parseInt(query.getOrDefault("limit", "25")));
        ArrayNode all = (ArrayNode) doc.path(collection);
        ObjectNode out = JSON.createObjectNode();
        ArrayNode items = out.putArray(collection);
        for (int i = offset; i < Math.min(all.size(), offset + limit); i++) {
            items.add(all.get(i));
        }
        out.put("limit", limit);
        out.put("offset", offset);
        out.put("more", offset + limit < all.size());
        out.putNull("total");
        return JSON.writeValueAsString(out);
    }

    private Path copyExport() throws IOException {
        return ExportApiServer.copy(EXPORT, tmp.resolve("export"));
    }
}
