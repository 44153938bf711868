package io.tocsin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code tocsin coverage} over an organisation whose secondary layer is on call 08:00-20:00 only: the
 * report names every night in which a page starting with the secondary reaches nobody, in the
 * organisation's time zone, and exits 1; pages that start with the primary have no gap.
 */
class CoverageCommandTest {
    static final String NIGHTS = "src/test/resources/orgs/coverage-nights";
    /** Monday 2026-04-06 00:00 in Bucharest, one week. */
    static final String FROM = "2026-04-06T00:00:00+03:00";
    static final String SECONDARY_NOBODY = "level secondary reaches nobody (on call in web/secondary)";
    static final String LADDER_ENDS = "level secondary reaches nobody; the ladder ends without notifying anyone";

    @TempDir
    Path tmp;

    /** The nights of the week from Monday 00:00: the first from the horizon's start, the last to its end. */
    static List<String> nights() {
        List<String> out = new ArrayList<>();
        out.add("2026-04-06T00:00+03:00 2026-04-06T08:00+03:00");
        for (int d = 6; d < 12; d++) {
            out.add(String.format("2026-04-%02dT20:00+03:00 2026-04-%02dT08:00+03:00", d, d + 1));
        }
        out.add("2026-04-12T20:00+03:00 2026-04-13T00:00+03:00");
        return out;
    }

    @Test
    void aSecondaryLayerEmptyEveryNightIsNamedNightByNightAndExitsOne() {
        CliRun r = CliRun.run("coverage", "--config", NIGHTS, "--from", FROM, "--weeks", "1", "--json");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        JsonNode doc = Json.MAPPER.readTree(r.out());
        assertThat(doc.path("organisation").asString()).isEqualTo("coverage-nights");
        assertThat(doc.path("time_zone").asString()).isEqualTo("Europe/Bucharest");
        assertThat(doc.path("from").asString()).isEqualTo("2026-04-05T21:00:00Z");
        assertThat(doc.path("to").asString()).isEqualTo("2026-04-12T21:00:00Z");
        assertThat(doc.path("gaps").asBoolean()).isTrue();
        // Paging severities only (P3 answers in chat), for every service.
        assertThat(doc.path("checks")).extracting(c -> c.path("service").asString() + "/" + c.path("severity").asString())
                .containsExactly("web/P1", "web/P2", "reports/P1", "reports/P2");

        JsonNode webP1 = doc.path("checks").get(0);
        assertThat(webP1.path("path").asString()).isEqualTo("major");
        assertThat(webP1.path("first_level").asString()).isEqualTo("primary");
        assertThat(webP1.path("acknowledge_target").asString()).isEqualTo("5m");
        assertThat(webP1.path("first_level_gaps")).isEmpty();
        assertThat(webP1.path("acknowledge_gaps")).isEmpty();

        // P2 starts with the secondary: at night it reaches nobody, and the primary is paged at once instead.
        JsonNode webP2 = doc.path("checks").get(1);
        assertThat(webP2.path("first_level").asString()).isEqualTo("secondary");
        assertThat(periods(webP2.path("first_level_gaps"))).containsExactlyElementsOf(nights());
        assertThat(webP2.path("first_level_gaps")).allSatisfy(p -> assertThat(p.path("reason").asString()).isEqualTo(SECONDARY_NOBODY));
        assertThat(webP2.path("acknowledge_gaps")).isEmpty();

        // Reports page nobody but the secondary: at night nobody at all, within any acknowledge target.
        for (JsonNode reports : List.of(doc.path("checks").get(2), doc.path("checks").get(3))) {
            assertThat(periods(reports.path("first_level_gaps"))).containsExactlyElementsOf(nights());
            assertThat(periods(reports.path("acknowledge_gaps"))).containsExactlyElementsOf(nights());
            String target = reports.path("acknowledge_target").asString();
            assertThat(reports.path("acknowledge_gaps")).allSatisfy(p -> assertThat(p.path("reason").asString())
                    .isEqualTo("nobody is notified within " + target + ": " + LADDER_ENDS));
        }
        assertThat(doc.path("checks").get(2).path("first_level_gaps").get(1).path("start").asString()).isEqualTo("2026-04-06T17:00:00Z");
    }

    @Test
    void theTextReportListsEachNightInTheOrganisationsTimeZone() {
        CliRun r = CliRun.run("coverage", "--config", NIGHTS, "--from", FROM, "--weeks", "1");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).startsWith("Coverage of coverage-nights from Mon 2026-04-06 00:00 +03:00 to Mon 2026-04-13 00:00 +03:00"
                        + " (Europe/Bucharest)")
                .contains("service web, severity P1 (path major, first level primary)\n  first level primary: no gap\n"
                        + "  reached within the acknowledge target (5m): no gap\n")
                .contains("service web, severity P2 (path support, first level secondary)\n  first level secondary: 8 gap(s)\n"
                        + "    Mon 2026-04-06 00:00 +03:00 to Mon 2026-04-06 08:00 +03:00  " + SECONDARY_NOBODY + "\n"
                        + "    Mon 2026-04-06 20:00 +03:00 to Tue 2026-04-07 08:00 +03:00  " + SECONDARY_NOBODY + "\n")
                .contains("  reached within the acknowledge target (5m): 8 gap(s)\n"
                        + "    Mon 2026-04-06 00:00 +03:00 to Mon 2026-04-06 08:00 +03:00  nobody is notified within 5m: " + LADDER_ENDS)
                .contains("    Sun 2026-04-12 20:00 +03:00 to Mon 2026-04-13 00:00 +03:00  " + SECONDARY_NOBODY + "\n")
                .endsWith("40 gap period(s) in 3 of 4 service/severity pair(s).\n");
    }

    /**
     * When a level fires is the engine's business: with the reports' only level starting 10 minutes
     * after the opening, a page opened at 19:50 already meets the empty night, and one opened at
     * 07:50 meets the morning's person; a 5-minute acknowledge target can never be met.
     */
    @Test
    void periodsFollowWhenTheEngineNotifiesTheLevelNotWhenTheIncidentOpens() throws IOException {
        Path org = copy(NIGHTS, "- { id: secondary, start: { after: 0m }, notify: [{ schedule: web, layer: secondary }] }\n\nservices",
                "- { id: secondary, start: { after: 10m }, notify: [{ schedule: web, layer: secondary }] }\n\nservices");
        JsonNode doc = Json.MAPPER.readTree(CliRun.run("coverage", "--config", org.toString(), "--from", FROM, "--weeks", "1", "--json").out());
        JsonNode reportsP1 = doc.path("checks").get(2);
        assertThat(reportsP1.path("service").asString() + "/" + reportsP1.path("severity").asString()).isEqualTo("reports/P1");
        List<String> shifted = new ArrayList<>();
        shifted.add("2026-04-06T00:00+03:00 2026-04-06T07:50+03:00");
        for (int d = 6; d < 12; d++) {
            shifted.add(String.format("2026-04-%02dT19:50+03:00 2026-04-%02dT07:50+03:00", d, d + 1));
        }
        shifted.add("2026-04-12T19:50+03:00 2026-04-13T00:00+03:00");
        assertThat(periods(reportsP1.path("first_level_gaps"))).containsExactlyElementsOf(shifted);
        // Day and night alike, nobody is notified within 5 minutes; by day the reason names who comes after 10.
        JsonNode ack = reportsP1.path("acknowledge_gaps");
        assertThat(ack.get(0).path("start").asString()).isEqualTo("2026-04-05T21:00:00Z");
        assertThat(ack.get(ack.size() - 1).path("end").asString()).isEqualTo("2026-04-12T21:00:00Z");
        for (int i = 1; i < ack.size(); i++) {
            assertThat(ack.get(i).path("start").asString()).isEqualTo(ack.get(i - 1).path("end").asString());
        }
        assertThat(ack).anySatisfy(p -> assertThat(p.path("local_start").asString() + " " + p.path("local_end").asString() + " "
                + p.path("reason").asString()).isEqualTo("2026-04-06T07:50+03:00 2026-04-06T19:50+03:00 nobody is notified within 5m:"
                + " first notified after 10m (level secondary: dan)"));
    }

    @Test
    void anOrganisationWithoutGapsExitsZeroAndBadInputExitsTwo() throws IOException {
        CliRun none = CliRun.run("coverage", "--config", "src/test/resources/orgs/acme", "--from", FROM, "--weeks", "2");
        assertThat(none.exitCode()).as(none.out() + none.err()).isZero();
        assertThat(none.out()).contains("service legacy-billing, severity P1: disabled, not checked")
                .endsWith("No gap: every page of the 4 checked has someone to reach.\n");

        CliRun weeks = CliRun.run("coverage", "--config", NIGHTS, "--weeks", "53");
        assertThat(weeks.exitCode()).isEqualTo(2);
        assertThat(weeks.err()).contains("--weeks: between 1 and 52");
        CliRun from = CliRun.run("coverage", "--config", NIGHTS, "--from", "monday");
        assertThat(from.exitCode()).isEqualTo(2);
        assertThat(from.err()).contains("--from: bad instant \"monday\"");
        Path broken = copy(NIGHTS, "escalation_policy: reports", "escalation_policy: reprts");
        CliRun invalid = CliRun.run("coverage", "--config", broken.toString());
        assertThat(invalid.exitCode()).isEqualTo(2);
        assertThat(invalid.err()).contains("unknown escalation policy \"reprts\" (did you mean \"reports\"?)");
    }

    Path copy(String dir, String from, String to) throws IOException {
        Path copy = Files.createDirectories(tmp.resolve("org-" + System.nanoTime()));
        Path source = Path.of(dir, "organisation.yaml");
        String text = Files.readString(source);
        assertThat(text).contains(from);
        Files.writeString(copy.resolve("organisation.yaml"), text.replace(from, to));
        return copy;
    }

    static List<String> periods(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(p -> out.add(p.path("local_start").asString() + " " + p.path("local_end").asString()));
        return out;
    }
}
