package io.tocsin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ScheduleCommandsTest {
    static final String ACME = "src/test/resources/orgs/acme";

    @Test
    void oncallPrintsEveryLayerAtAnInstant() {
        CliRun r = CliRun.run("oncall", "--config", ACME, "--schedule", "backend-primary", "--at", "2026-03-29T03:00:00+02:00");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("backend-primary (Europe/Bucharest) at Sun 2026-03-29 04:00 +03:00")
                .containsPattern("primary\\s+carol \\(Carol Radu\\)")
                .containsPattern("secondary\\s+alice \\(Alice Ionescu\\)")
                .containsPattern("business-hours\\s+nobody \\(gap\\)");
    }

    /**
     * An override written in the files: alice covers carol's primary shift over the weekend of 28-29 March.
     * Inside its interval it answers, with its reason, in the text and the JSON; a second after its end
     * the rotation (carol) answers again.
     */
    @Test
    void anOverrideInTheFilesAnswersForItsIntervalWithItsReason() {
        String dir = io.tocsin.testing.TestOrganisations.copy(ACME, "    name: Backend on-call\n", """
                    name: Backend on-call
                    overrides:
                      - { layer: primary, person: alice, start: "2026-03-28T00:00:00+02:00", end: "2026-03-30T00:00:00+03:00", reason: carol at a wedding }
                """).toString();
        CliRun inside = CliRun.run("oncall", "--config", dir, "--schedule", "backend-primary", "--at", "2026-03-29T03:00:00+02:00");
        assertThat(inside.exitCode()).as(inside.err()).isZero();
        assertThat(inside.out()).containsPattern("primary\\s+alice \\(Alice Ionescu\\)  \\[override: carol at a wedding\\]");
        JsonNode json = json(CliRun.run("oncall", "--config", dir, "--schedule", "backend-primary", "--layer", "primary",
                "--at", "2026-03-29T03:00:00+02:00", "--json"));
        assertThat(json.path("layers").get(0).path("override").asBoolean()).isTrue();
        assertThat(json.path("layers").get(0).path("override_reason").asString()).isEqualTo("carol at a wedding");
        JsonNode after = json(CliRun.run("oncall", "--config", dir, "--schedule", "backend-primary", "--layer", "primary",
                "--at", "2026-03-29T21:00:01Z", "--json"));
        assertThat(after.path("layers").get(0).path("person").asString()).isEqualTo("carol");
        assertThat(after.path("layers").get(0).path("override").asBoolean()).isFalse();
    }

    /**
     * A schedule's own time zone: follow-the-sun (keys test org, organisation in Bucharest) hands off daily
     * at 09:00 New York time. Counted from Wednesday 2026-04-01 09:00 New York, Tuesday 04-14 09:00 starts
     * day 13 (ben, cai: cai); at 08:59 day 12 (ben) is still on. In Bucharest's zone the hand-off would be
     * at 02:00 New York time and both instants would answer the same person.
     */
    @Test
    void aScheduleInItsOwnTimeZoneHandsOffAtNineThere() {
        String keys = "src/test/resources/orgs/keys";
        CliRun before = CliRun.run("oncall", "--config", keys, "--schedule", "follow-the-sun", "--at", "2026-04-14T08:59:00-04:00");
        CliRun after = CliRun.run("oncall", "--config", keys, "--schedule", "follow-the-sun", "--at", "2026-04-14T09:00:00-04:00");
        assertThat(before.exitCode()).as(before.err()).isZero();
        assertThat(before.out()).startsWith("follow-the-sun (America/New_York) at Tue 2026-04-14 08:59 -04:00").containsPattern("day\\s+ben ");
        assertThat(after.out()).containsPattern("day\\s+cai ");
    }

    @Test
    void oncallJsonForOneLayerAroundTheAutumnDstChange() {
        // Bucharest leaves summer time on Sunday 2026-10-25; the Monday hand-off after it is still 09:00 local (07:00Z).
        JsonNode before = json(CliRun.run("oncall", "--config", ACME, "--schedule", "backend-primary", "--layer", "primary",
                "--at", "2026-10-26T06:59:59Z", "--json"));
        JsonNode after = json(CliRun.run("oncall", "--config", ACME, "--schedule", "backend-primary", "--layer", "primary",
                "--at", "2026-10-26T07:00:00Z", "--json"));
        assertThat(before.path("layers").get(0).path("person").asString())
                .isNotEqualTo(after.path("layers").get(0).path("person").asString());
        assertThat(after.path("local_time").asString()).isEqualTo("2026-10-26T09:00+02:00");
    }

    @Test
    void shiftsListsHandoffsAtNineLocalAcrossTheSpringChange() {
        JsonNode doc = json(CliRun.run("shifts", "--config", ACME, "--schedule", "backend-primary", "--layer", "primary",
                "--from", "2026-03-23", "--to", "2026-04-07", "--json"));
        // bob until the Monday 09:00 hand-off, carol for the DST week (167 hours), alice, then bob again from 2026-04-06 09:00.
        assertThat(doc.path("shifts").size()).isEqualTo(4);
        assertThat(doc.path("shifts").get(3).path("local_start").asString()).isEqualTo("2026-04-06T09:00+03:00");
        assertThat(doc.path("shifts").get(1).path("local_start").asString()).isEqualTo("2026-03-23T09:00+02:00");
        assertThat(doc.path("shifts").get(1).path("local_end").asString()).isEqualTo("2026-03-30T09:00+03:00");
        assertThat(doc.path("gaps").size()).isZero();
        CliRun table = CliRun.run("shifts", "--config", ACME, "--schedule", "backend-primary", "--from", "2026-04-03", "--to", "2026-04-07");
        assertThat(table.out()).contains("nobody (gap)").contains("Mon 2026-04-06 09:00 +03:00");
    }

    /**
     * Lord Howe Island jumps from 02:00 to 02:30 on Sunday 2027-10-03. The rotation hands over at 02:15
     * and the layer is on call from 02:15: both mean 02:45 (+11:00) that night, so ben (Saturday's
     * person) does not cover 02:30-02:45 of ana's window; the layer is empty until ana starts.
     */
    @Test
    void aHandOffAndARestrictionWindowInTheLordHoweGapStartTogether() {
        String org = "src/test/resources/orgs/lord-howe";
        assertThat(person(org, "island", "2027-10-03T02:35:00+11:00")).isNull();
        assertThat(person(org, "island", "2027-10-03T02:44:59+11:00")).isNull();
        assertThat(person(org, "island", "2027-10-03T02:45:00+11:00")).isEqualTo("ana");
        assertThat(person(org, "island", "2027-10-02T07:59:00+10:30")).isEqualTo("ben");
        CliRun text = CliRun.run("oncall", "--config", org, "--schedule", "island", "--at", "2027-10-03T02:35:00+11:00");
        assertThat(text.out()).containsPattern("early\\s+nobody \\(gap\\)");
        JsonNode doc = json(CliRun.run("shifts", "--config", org, "--schedule", "island", "--from", "2027-10-02", "--to", "2027-10-05",
                "--json"));
        assertThat(doc.path("shifts")).extracting(x -> x.path("person").asString() + " " + x.path("local_start").asString() + " "
                + x.path("local_end").asString()).containsExactly(
                "ben 2027-10-02T02:15+10:30 2027-10-02T08:00+10:30",
                "ana 2027-10-03T02:45+11:00 2027-10-03T08:00+11:00",
                "ben 2027-10-04T02:15+11:00 2027-10-04T08:00+11:00");
    }

    static String person(String org, String schedule, String at) {
        JsonNode doc = json(CliRun.run("oncall", "--config", org, "--schedule", schedule, "--at", at, "--json"));
        JsonNode p = doc.path("layers").get(0).path("person");
        return p.isNull() ? null : p.asString();
    }

    @Test
    void unknownScheduleOrBadInstantExitOne() {
        CliRun r = CliRun.run("oncall", "--config", ACME, "--schedule", "nope");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("unknown schedule \"nope\"");
        CliRun at = CliRun.run("oncall", "--config", ACME, "--schedule", "backend-primary", "--at", "noon");
        assertThat(at.exitCode()).isEqualTo(1);
        assertThat(at.err()).contains("--at");
    }

    static JsonNode json(CliRun r) {
        assertThat(r.exitCode()).as(r.err()).isZero();
        return Json.MAPPER.readTree(r.out());
    }
}
