package io.tocsin.incident;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.HttpCalls.Answer;
import io.tocsin.testing.MutableClock;
import io.tocsin.testing.TestClockConfig;
import io.tocsin.testing.VirtualTime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.JsonNode;

/**
 * The paging rules a pager must never get wrong, each through the server's real interfaces: alerts
 * through the PagerDuty Events API, actions and configuration through the REST API, and the messages
 * the server queued read back from {@code GET /api/v1/incidents/{id}/messages}. Timers fire when the
 * virtual clock passes them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + PagingRulesContract.TOKEN,
        "tocsin.config.path=src/test/resources/orgs/paging",
        "tocsin.admin-token-file=target/test-admin-token-paging",
        "tocsin.timers.enabled=false",
        "tocsin.notify.enabled=false",
        "tocsin.handoff.enabled=false"})
@Import(TestClockConfig.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
abstract class PagingRulesContract {
    static final String TOKEN = "paging-rules-token-0123456789";
    static final String API_KEY = "d4444444444444444444444444444444";
    static final String LEGACY_KEY = "e5555555555555555555555555555555";
    /** A Wednesday, 13:00 in Bucharest. */
    static final Instant T = Instant.parse("2026-04-15T10:00:00Z");

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    TimerWorker timers;

    HttpCalls api;
    VirtualTime time;

    @BeforeEach
    void setUp() throws IOException {
        api = new HttpCalls("http://localhost:" + port, TOKEN);
        time = new VirtualTime(clock, timers);
        api.resolveAllOpen();
        time.settle();
        apply(Files.readString(Path.of("src/test/resources/orgs/paging/organisation.yaml")));
    }

    @Test
    void aChatOnlyIncidentRaisedToAPagingSeverityPagesItsPath() {
        time.reset(T);
        long id = trigger(API_KEY, "chat-" + System.nanoTime(), "warning");
        assertThat(incident(id).path("paging").asString()).isEqualTo("CHAT");
        assertThat(pages(id)).isEmpty();
        assertThat(messages(id)).contains("+0 CHAT #low OPENED", "+0 CHAT #api OPENED");

        time.step(Duration.ofMinutes(5));
        Answer raised = api.postJson("/api/v1/incidents/" + id + "/severity", Map.of("severity", "P1"));
        assertThat(raised.status()).isEqualTo(200);
        assertThat(kinds(id)).contains("PAGING_STARTED");
        assertThat(incident(id).path("paging").asString()).isEqualTo("PAGE");
        time.step(Duration.ofMinutes(10));
        assertThat(pages(id)).containsExactly("+5 PAGE alice NOTIFIED standard/on-call", "+15 PAGE bob NOTIFIED standard/backup");
    }

    @Test
    void theLadderRepeatsAndIsExhaustedAlthoughItsLastLevelWaitsForATag() {
        time.reset(T);
        long id = trigger(API_KEY, "repeat-" + System.nanoTime(), "critical");
        time.step(Duration.ofMinutes(90));
        assertThat(pages(id)).containsExactly(
                "+0 PAGE alice NOTIFIED standard/on-call", "+10 PAGE bob NOTIFIED standard/backup", "+20 PAGE carol NOTIFIED standard/lead",
                "+35 PAGE alice NOTIFIED standard/on-call", "+45 PAGE bob NOTIFIED standard/backup", "+55 PAGE carol NOTIFIED standard/lead");
        assertThat(timeline(id)).contains("+35 LADDER_REPEATED", "+70 LADDER_EXHAUSTED");
        assertThat(messages(id)).contains("+70 CHAT #api LADDER_EXHAUSTED");
    }

    @Test
    void nobodyIsPagedTwiceForOneCycleAndTheAcknowledgerIsNotPagedAgain() {
        time.reset(T);
        long id = trigger(API_KEY, "twice-" + System.nanoTime(), "critical");
        time.step(Duration.ofMinutes(2));
        assertThat(api.postJson("/api/v1/incidents/" + id + "/tags", Map.of("tags", List.of("needs-lead"))).status()).isEqualTo(200);
        time.step(Duration.ofMinutes(23));
        // carol was paged by the trigger at 2: the lead level at 20 names her again and pages nobody.
        assertThat(pages(id)).containsExactly("+0 PAGE alice NOTIFIED standard/on-call", "+2 PAGE carol NOTIFIED trigger:lead-now",
                "+10 PAGE bob NOTIFIED standard/backup");
        assertThat(timeline(id)).contains("+20 LEVEL_SKIPPED");

        assertThat(api.asPerson("alice").postJson("/api/v1/incidents/" + id + "/acknowledge", "{}").status()).isEqualTo(200);
        time.step(Duration.ofMinutes(5));
        assertThat(api.postJson("/api/v1/incidents/" + id + "/tags", Map.of("tags", List.of("war-room"))).status()).isEqualTo(200);
        // The war room names the whole team and leadership: only erin, who was never paged, is paged now.
        assertThat(pages(id)).containsExactly("+0 PAGE alice NOTIFIED standard/on-call", "+2 PAGE carol NOTIFIED trigger:lead-now",
                "+10 PAGE bob NOTIFIED standard/backup", "+30 PAGE erin NOTIFIED standard/war-room");
    }

    @Test
    void anIncidentWhosePolicyDisappearsFollowsItsServicesPolicyAndStillAcknowledges() throws IOException {
        time.reset(T);
        long id = trigger(LEGACY_KEY, "legacy-" + System.nanoTime(), "critical");
        assertThat(pages(id)).containsExactly("+0 PAGE bob NOTIFIED old/first");

        time.step(Duration.ofMinutes(3));
        String base = Files.readString(Path.of("src/test/resources/orgs/paging/organisation.yaml"));
        String withoutLegacyPolicy = base.substring(0, base.indexOf("  - id: legacy\n    name: Legacy\n")) + base.substring(base.indexOf("services:"));
        String moved = withoutLegacyPolicy.replace("escalation_policy: legacy,", "escalation_policy: paging,");
        Answer applied = apply(moved);
        assertThat(applied.json().path("open_incidents").toString()).contains("INC-" + id)
                .contains("escalation policy legacy no longer exists: now follows paging");

        time.settle();
        assertThat(kinds(id)).contains("POLICY_CHANGED");
        // It moved to the paging policy's path: its first level pages alice; bob, already paged, is not paged again.
        assertThat(pages(id)).containsExactly("+0 PAGE bob NOTIFIED old/first", "+3 PAGE alice NOTIFIED standard/on-call");

        Answer ack = api.asPerson("alice").postJson("/api/v1/incidents/" + id + "/acknowledge", "{}");
        assertThat(ack.json().path("changed").asBoolean()).isTrue();
        assertThat(incident(id).path("status").asString()).isEqualTo("ACKNOWLEDGED");
        assertThat(api.postJson("/api/v1/incidents/" + id + "/resolve", "{}").json().path("changed").asBoolean()).isTrue();
        assertThat(incident(id).path("status").asString()).isEqualTo("RESOLVED");
    }

    @Test
    void anIncidentWhoseServiceAndPolicyBothDisappearStopsEscalatingButStillAcknowledgesAndResolves() throws IOException {
        time.reset(T);
        long id = trigger(LEGACY_KEY, "gone-" + System.nanoTime(), "critical");
        String base = Files.readString(Path.of("src/test/resources/orgs/paging/organisation.yaml"));
        String gone = base.substring(0, base.indexOf("  - id: legacy\n    name: Legacy\n")) + base.substring(base.indexOf("services:"),
                base.indexOf("  - { id: legacy,"));
        // Through the command line, as a team applies its files: the answer names the incident and its fate.
        Path dir = Files.createTempDirectory("tocsin-paging-gone");
        Files.writeString(dir.resolve("organisation.yaml"), gone);
        io.tocsin.cli.CliRun cli = io.tocsin.cli.CliRun.run("apply", dir.toString(), "--yes", "--server", "http://localhost:" + port,
                "--token", TOKEN);
        assertThat(cli.exitCode()).as(cli.err()).isZero();
        assertThat(cli.out()).contains("open incidents whose escalation policy this version no longer has:")
                .contains("INC-" + id + " (service legacy, policy legacy): escalation policy legacy no longer exists and service legacy "
                        + "follows none: nothing escalates any more");
        time.step(Duration.ofHours(2));
        // Without the policy, carol's level at 30 minutes never comes; the incident is still there to be worked.
        assertThat(pages(id)).containsExactly("+0 PAGE bob NOTIFIED old/first");
        assertThat(kinds(id)).contains("POLICY_CHANGED");
        Answer note = api.postJson("/api/v1/incidents/" + id + "/notes", Map.of("text", "service retired; closing by hand"));
        assertThat(note.json().path("changed").asBoolean()).isTrue();
        assertThat(api.asPerson("bob").postJson("/api/v1/incidents/" + id + "/acknowledge", "{}").json().path("changed")
                .asBoolean()).isTrue();
        assertThat(api.postJson("/api/v1/incidents/" + id + "/resolve", "{}").json().path("changed").asBoolean()).isTrue();
        assertThat(incident(id).path("status").asString()).isEqualTo("RESOLVED");
    }

    @Test
    void aResolveTargetInBusinessDaysCountsOnlyWorkingHours() {
        // Thursday 24 December 2026, 16:00 in Bucharest: one working hour left that day, Friday is Christmas,
        // so one business day (8 working hours) runs out on Monday 28 December at 16:00 (14:00Z).
        time.reset(Instant.parse("2026-12-24T14:00:00Z"));
        long id = trigger(API_KEY, "bd-" + System.nanoTime(), "error");
        assertThat(incident(id).path("severity").asString()).isEqualTo("P2");
        assertThat(api.asPerson("alice").postJson("/api/v1/incidents/" + id + "/acknowledge", "{}").status()).isEqualTo(200);
        time.stepTo(Instant.parse("2026-12-28T13:59:00Z"));
        assertThat(pages(id)).noneMatch(p -> p.contains("erin"));
        // The clock the API shows runs on the same calendar: one minute left.
        JsonNode resolveClock = api.get("/api/v1/incidents/" + id).json().path("targets").get(0);
        assertThat(resolveClock.path("target").asString()).isEqualTo("resolve");
        assertThat(resolveClock.path("deadline").asString()).isEqualTo("1 business day");
        assertThat(resolveClock.path("due").asString()).isEqualTo("2026-12-28T14:00:00Z");
        assertThat(resolveClock.path("state").asString()).isEqualTo("RUNNING");
        assertThat(resolveClock.path("seconds_left").asLong()).isEqualTo(60);
        time.stepTo(Instant.parse("2026-12-28T14:00:00Z"));
        assertThat(pages(id)).contains("+5760 PAGE erin NOTIFIED trigger:resolve-target");
        assertThat(timelineTexts(id)).anyMatch(t -> t.contains("resolve target of P2 (1 business day) breached"));
        assertThat(kinds(id)).contains("TARGET_BREACHED");
        time.step(Duration.ofMinutes(30));
        JsonNode overdue = api.get("/api/v1/incidents/" + id).json().path("targets").get(0);
        assertThat(overdue.path("state").asString()).isEqualTo("OVERDUE");
        assertThat(overdue.path("seconds_left").asLong()).isEqualTo(-30 * 60);
    }

    /**
     * A new configuration removes the "backup" level of the path an open incident runs. The lead level
     * (10m after the level before) was due at +20 and still is by the new policy. Before, the run's
     * "done" set held level indexes only, so index 1 (backup, done) then named "lead" and lead counted as
     * done: carol was not paged until the ladder repeated, 15 minutes late.
     */
    @Test
    void removingALevelUnderAnOpenIncidentDoesNotSkipTheLevelAfterIt() {
        time.reset(T);
        long id = trigger(API_KEY, "remove-level-" + System.nanoTime(), "critical");
        time.step(Duration.ofMinutes(12));
        assertThat(pages(id)).containsExactly("+0 PAGE alice NOTIFIED standard/on-call", "+10 PAGE bob NOTIFIED standard/backup");

        String withoutBackup = base().replace("          - { id: backup, start: { after: 10m }, notify: [{ person: bob }] }\n", "");
        assertThat(withoutBackup).isNotEqualTo(base());
        apply(withoutBackup);
        time.settle();
        time.step(Duration.ofMinutes(28)); // to +40
        // carol's first page must be the lead level at +20 (10m after bob's), not the repeat's lead at +35.
        assertThat(pages(id)).as(String.join("\n", timeline(id)))
                .filteredOn(p -> p.contains("carol")).first().isEqualTo("+20 PAGE carol NOTIFIED standard/lead");
    }

    /**
     * A new configuration removes both levels already notified (on-call and backup). Lead (10m after
     * the level before) is still due at +20, counted from bob's page: not at once, as if nothing had
     * been notified in this cycle.
     */
    @Test
    void removingEveryLevelNotifiedLeavesTheNextDueAtItsTime() {
        time.reset(T);
        long id = trigger(API_KEY, "remove-all-" + System.nanoTime(), "critical");
        time.step(Duration.ofMinutes(12));
        assertThat(pages(id)).containsExactly("+0 PAGE alice NOTIFIED standard/on-call", "+10 PAGE bob NOTIFIED standard/backup");
        String leadFirst = base().replace("          - { id: on-call, start: { after: 0m }, notify: [{ schedule: primary }] }\n", "")
                .replace("          - { id: backup, start: { after: 10m }, notify: [{ person: bob }] }\n", "");
        assertThat(leadFirst).doesNotContain("id: backup,").doesNotContain("id: on-call,");
        apply(leadFirst);
        time.settle();
        time.step(Duration.ofMinutes(7)); // to +19
        assertThat(pages(id)).as(String.join("\n", timeline(id))).noneMatch(p -> p.contains("carol"));
        time.step(Duration.ofMinutes(2)); // to +21
        assertThat(pages(id)).as(String.join("\n", timeline(id))).filteredOn(p -> p.contains("carol")).first()
                .isEqualTo("+20 PAGE carol NOTIFIED standard/lead");
    }

    /**
     * Levels: on-call (after 0m), manager (unresolved_for 30m, a schedule with nobody on call at 13:00),
     * backup (after 10m). Alice acknowledges at +2, which pauses the "after" levels. At +30 the manager
     * level finds nobody and is skipped; the skip must not page bob's "after" level while acknowledged
     * (before, a skip brought the next level forward even when the acknowledgement paused it).
     */
    @Test
    void anEmptyUnresolvedLevelDoesNotPageAPausedLevelWhileAcknowledged() {
        apply(base().replace("escalation_policies:\n", """
                  - id: nights
                    name: Nights
                    layers:
                      - { id: nights, participants: [carol], shift: 1w, handoff: { day: mon, time: "09:00" }, start: 2026-01-05,
                          restrictions: [{ from: "22:00", to: "06:00" }] }

                escalation_policies:
                """).replace("""
                          - { id: backup, start: { after: 10m }, notify: [{ person: bob }] }
                          - { id: lead, start: { after: 10m }, notify: [{ person: carol }] }
                """, """
                          - { id: manager, start: { unresolved_for: 30m }, notify: [{ schedule: nights }] }
                          - { id: backup, start: { after: 10m }, notify: [{ person: bob }] }
                """));
        time.reset(T);
        long id = trigger(API_KEY, "ack-then-gap-" + System.nanoTime(), "critical");
        time.step(Duration.ofMinutes(2));
        assertThat(api.asPerson("alice").postJson("/api/v1/incidents/" + id + "/acknowledge", "{}").status()).isEqualTo(200);
        time.step(Duration.ofMinutes(40)); // to +42
        assertThat(incident(id).path("status").asString()).isEqualTo("ACKNOWLEDGED");
        assertThat(pages(id)).as(String.join("\n", timeline(id)))
                .containsExactly("+0 PAGE alice NOTIFIED standard/on-call");
    }

    /**
     * Levels: on-call, war-room (when_tagged: war-room), backup (after 10m). Escalating by hand "to the
     * next level" at +2 must reach backup (bob): the tag level "stands apart from the ladder's order".
     * Before, the untagged war-room level was notified (erin, leadership) and counted as done, so
     * tagging war-room later would have paged nobody of the team.
     */
    @Test
    void escalatingByHandSkipsALevelThatWaitsForATagNotThere() {
        apply(base().replace("""
                          - { id: backup, start: { after: 10m }, notify: [{ person: bob }] }
                          - { id: lead, start: { after: 10m }, notify: [{ person: carol }] }
                          - { id: war-room, start: { when_tagged: war-room }, notify: [{ team: ops, members: all }, { role: leadership }] }
                """, """
                          - { id: war-room, start: { when_tagged: war-room }, notify: [{ team: ops, members: all }, { role: leadership }] }
                          - { id: backup, start: { after: 10m }, notify: [{ person: bob }] }
                """));
        time.reset(T);
        long id = trigger(API_KEY, "escalate-tag-" + System.nanoTime(), "critical");
        time.step(Duration.ofMinutes(2));
        Answer up = api.postJson("/api/v1/incidents/" + id + "/escalate", "{}");
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        time.settle();
        assertThat(pages(id)).as(String.join("\n", timeline(id)))
                .containsExactly("+0 PAGE alice NOTIFIED standard/on-call", "+2 PAGE bob NOTIFIED standard/backup");
    }

    /**
     * At +12 (bob paged at +10) a configuration shortens lead from 10m to 2m after the level before:
     * lead is due at +12 by the policy now written. Before, the incident's timer stayed where the old
     * policy put it (+20), and carol's page went out 8 minutes late.
     */
    @Test
    void shorteningALevelsDelayUnderAnOpenIncidentActsAtOnce() {
        time.reset(T);
        long id = trigger(API_KEY, "shorten-" + System.nanoTime(), "critical");
        time.step(Duration.ofMinutes(12));
        assertThat(pages(id)).containsExactly("+0 PAGE alice NOTIFIED standard/on-call", "+10 PAGE bob NOTIFIED standard/backup");
        String shorter = base().replace("{ id: lead, start: { after: 10m }", "{ id: lead, start: { after: 2m }");
        assertThat(shorter).isNotEqualTo(base());
        apply(shorter);
        time.settle();
        time.step(Duration.ofMinutes(1)); // to +13: well beyond a timer poll
        assertThat(pages(id)).as(String.join("\n", timeline(id)))
                .contains("+12 PAGE carol NOTIFIED standard/lead");
    }

    /** The test organisation as the test starts it. */
    static String base() {
        try {
            return Files.readString(Path.of("src/test/resources/orgs/paging/organisation.yaml"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---- through the API ----

    Answer apply(String organisation) {
        Answer a = api.postJson("/api/v1/config", Map.of("files", List.of(Map.of("name", "organisation.yaml", "text", organisation)),
                "confirm", true));
        assertThat(a.status()).as(a.body()).isIn(200, 201);
        return a;
    }

    long trigger(String key, String dedup, String severity) {
        Answer a = api.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", key, "event_action", "trigger", "dedup_key", dedup,
                "payload", Map.of("summary", "paging rules " + dedup, "source", "test", "severity", severity)));
        assertThat(a.status()).as(a.body()).isEqualTo(202);
        time.settle();
        for (JsonNode i : api.get("/api/v1/incidents?limit=50").json()) {
            if (i.path("dedup_key").asString().equals(dedup)) {
                return i.path("number").asLong();
            }
        }
        throw new AssertionError("no incident for " + dedup);
    }

    JsonNode incident(long id) {
        return api.get("/api/v1/incidents/" + id).json().path("incident");
    }

    /** Every message as "+minutes KIND recipient CAUSE path/level" (or trigger:id), minutes from the incident's opening. */
    List<String> messages(long id) {
        Instant opened = Instant.parse(incident(id).path("opened_at").asString());
        List<String> out = new ArrayList<>();
        for (JsonNode m : api.get("/api/v1/incidents/" + id + "/messages").json()) {
            String step = m.path("level").isString() ? m.path("path").asString() + "/" + m.path("level").asString()
                    : m.path("trigger").isString() ? "trigger:" + m.path("trigger").asString() : "";
            out.add(("+" + Duration.between(opened, Instant.parse(m.path("at").asString())).toMinutes() + " " + m.path("kind").asString()
                    + " " + m.path("recipient").asString() + " " + m.path("cause").asString() + " " + step).strip());
        }
        return out;
    }

    List<String> pages(long id) {
        return messages(id).stream().filter(m -> m.contains(" PAGE ")).toList();
    }

    List<String> timeline(long id) {
        Instant opened = Instant.parse(incident(id).path("opened_at").asString());
        List<String> out = new ArrayList<>();
        for (JsonNode e : api.get("/api/v1/incidents/" + id).json().path("timeline")) {
            out.add("+" + Duration.between(opened, Instant.parse(e.path("at").asString())).toMinutes() + " " + e.path("kind").asString());
        }
        return out;
    }

    List<String> kinds(long id) {
        return timeline(id).stream().map(l -> l.substring(l.indexOf(' ') + 1)).toList();
    }

    List<String> timelineTexts(long id) {
        List<String> out = new ArrayList<>();
        api.get("/api/v1/incidents/" + id).json().path("timeline").forEach(e -> out.add(e.path("text").asString()));
        return out;
    }
}
