package io.tocsin.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.engine.TimelineEntry.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EscalationEngineTest {
    static final Instant T0 = Instant.parse("2026-03-29T01:00:00Z");

    /** People are targets named after themselves; "gap" is a schedule with nobody on call. */
    static final Directory DIRECTORY = (target, incident, at) -> {
        if (target instanceof Target.Person p) {
            return new Directory.Resolution(List.of(p.id()), "person " + p.id());
        }
        if (target instanceof Target.OnCall o) {
            return new Directory.Resolution(o.schedule().equals("gap") ? List.of() : List.of(o.schedule() + "-oncall"), "on call in " + o.schedule());
        }
        if (target instanceof Target.Role r) {
            return new Directory.Resolution(List.of(r.role()), "role " + r.role());
        }
        return new Directory.Resolution(List.of(), "nobody");
    };

    static Level level(String id, StartCondition start, Target... targets) {
        return new Level(id, id, start, List.of(targets));
    }

    static StartCondition after(int minutes) {
        return new StartCondition.After(Duration.ofMinutes(minutes));
    }

    static StartCondition unresolved(int minutes) {
        return new StartCondition.UnresolvedFor(Duration.ofMinutes(minutes));
    }

    static Trigger.Condition on(String tag, boolean raised, Duration noUpdate, Integer services) {
        return new Trigger.Condition(tag, raised, null, null, null, noUpdate, services, Set.of(), Set.of());
    }

    /** The ladder tests run without response targets, so their timelines show only what the ladder does. */
    static final Severity P1 = new Severity("P1", 0, true, null, null, null);
    static final Severity P2 = new Severity("P2", 1, true, null, null, null);
    static final Severity P1_WITH_TARGETS = new Severity("P1", 0, true, fixed(Duration.ofMinutes(5)), fixed(Duration.ofMinutes(15)),
            fixed(Duration.ofHours(1)));

    static Deadline fixed(Duration d) {
        return new Deadline.Fixed(d);
    }

    static EscalationEngine engine(List<EscalationPath> paths, List<Trigger> triggers) {
        return engine(new EscalationPolicy("pol", "Policy", null, paths, triggers));
    }

    /** Service "api" follows {@code policy}. */
    static EscalationEngine engine(EscalationPolicy policy) {
        return new EscalationEngine(new EscalationRules(Map.of("pol", policy), Map.of("P1", P1, "P2", P2), Map.of("api", "pol"), null),
                DIRECTORY);
    }

    static EscalationPath path(String id, int repeat, Level... levels) {
        return new EscalationPath(id, id, Set.of(), repeat, Duration.ofMinutes(10), List.of(levels), List.of());
    }

    /** Drives the engine like the server: wake at each requested instant until {@code until}. */
    static List<String> run(EscalationEngine engine, Outcome opened, Instant until, Map<Instant, Command> commands) {
        List<Simulation.Event> events = new ArrayList<>();
        commands.forEach((at, c) -> events.add(new Simulation.Apply(at, c)));
        events.add(0, new Simulation.Signal(T0, Alert.trigger(Opening.paging("api", opened.state().severity(), opened.state().tags()))));
        List<String> out = new ArrayList<>();
        for (TimelineEntry e : Simulation.run(engine, events, until, "INC-").timeline()) {
            out.add(Duration.between(T0, e.at()).toMinutes() + " " + e.kind() + (e.people().isEmpty() ? "" : " " + String.join(",", e.people())));
        }
        return out;
    }

    static Instant at(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    @Test
    void aLadderNotifiesEachLevelAfterItsDelayUntilAcknowledged() {
        EscalationEngine engine = engine(List.of(path("tech", 0,
                level("l1", after(0), new Target.OnCall("primary", null)),
                level("l2", after(15), new Target.OnCall("secondary", null)),
                level("l3", after(15), new Target.Role("em")))), List.of());
        Outcome opened = engine.open("INC-1", Opening.paging("api", "P2", Set.of()), T0);
        assertThat(opened.nextWake()).contains(at(15));
        assertThat(run(engine, opened, at(120), Map.of(at(20), new Command.Acknowledge("secondary-oncall"))))
                .containsExactly("0 OPENED", "0 NOTIFIED primary-oncall", "15 NOTIFIED secondary-oncall", "20 ACKNOWLEDGED");
    }

    @Test
    void acknowledgementDoesNotStopAnUnresolvedLadder() {
        EscalationEngine engine = engine(List.of(path("sev", 0,
                level("oncall", after(0), new Target.OnCall("primary", null)),
                level("em", unresolved(15), new Target.Role("em")),
                level("vp", unresolved(30), new Target.Role("vp")),
                level("cto", unresolved(60), new Target.Role("cto")))), List.of());
        Outcome opened = engine.open("INC-1", Opening.paging("api", "P1", Set.of()), T0);
        assertThat(run(engine, opened, at(240), Map.of(at(3), new Command.Acknowledge("primary-oncall"), at(45), new Command.Resolve("x"))))
                .containsExactly("0 OPENED", "0 NOTIFIED primary-oncall", "3 ACKNOWLEDGED", "15 NOTIFIED em", "30 NOTIFIED vp", "45 RESOLVED");
    }

    @Test
    void aLevelWithNobodyOnCallIsSkippedAndTheNextIsNotifiedAtOnce() {
        EscalationEngine engine = engine(List.of(path("tech", 0,
                level("l1", after(0), new Target.OnCall("gap", null)),
                level("l2", after(15), new Target.Role("em")))), List.of());
        Outcome opened = engine.open("INC-1", Opening.paging("api", "P2", Set.of()), T0);
        assertThat(opened.entries()).extracting(TimelineEntry::kind)
                .containsExactly(Kind.OPENED, Kind.LEVEL_SKIPPED, Kind.NOTIFIED);
        assertThat(opened.entries().get(1).text()).contains("nobody to notify (on call in gap)");
        assertThat(opened.entries().get(2).people()).containsExactly("em");
    }

    @Test
    void theLadderRepeatsWhenNobodyAcknowledges() {
        EscalationEngine engine = engine(List.of(path("tech", 1,
                level("l1", after(0), new Target.Person("a")),
                level("l2", after(5), new Target.Person("b")))), List.of());
        Outcome opened = engine.open("INC-1", Opening.paging("api", "P2", Set.of()), T0);
        assertThat(run(engine, opened, at(120), Map.of()))
                .containsExactly("0 OPENED", "0 NOTIFIED a", "5 NOTIFIED b", "15 LADDER_REPEATED", "15 NOTIFIED a", "20 NOTIFIED b",
                        "30 LADDER_EXHAUSTED");
    }

    @Test
    void aSecurityTagSwitchesToTheSecurityPathAtOnce() {
        EscalationPath security = path("security", 0,
                level("sec-oncall", after(0), new Target.OnCall("security", null)),
                level("legal", after(0), new Target.Role("legal"), new Target.Role("vp")));
        EscalationEngine engine = engine(List.of(path("tech", 0, level("l1", after(0), new Target.Person("a")),
                level("l2", after(30), new Target.Person("b"))), security),
                List.of(new Trigger("security", on("security", false, null, null), new Trigger.Action.SwitchPath("security"))));
        Outcome opened = engine.open("INC-1", Opening.paging("api", "P2", Set.of()), T0);
        List<String> timeline = run(engine, opened, at(120), Map.of(at(10), new Command.AddTags("a", Set.of("security"))));
        assertThat(timeline).containsExactly("0 OPENED", "0 NOTIFIED a", "10 TAG_ADDED", "10 TRIGGER_FIRED", "10 PATH_SWITCHED",
                "10 NOTIFIED security-oncall", "10 NOTIFIED legal,vp", "20 LADDER_EXHAUSTED");

        Outcome taggedAtOpen = engine.open("INC-2", Opening.paging("api", "P2", Set.of("security")), T0);
        assertThat(taggedAtOpen.entries().stream().filter(e -> e.kind() == Kind.NOTIFIED).map(TimelineEntry::people).toList())
                .containsExactly(List.of("security-oncall"), List.of("legal", "vp"));
    }

    @Test
    void aPathSwitchedInAfterTheAcknowledgementStillRuns() {
        EscalationPath security = path("security", 0,
                level("sec-oncall", after(0), new Target.OnCall("security", null)),
                level("lead", after(10), new Target.Role("security-lead")));
        EscalationEngine engine = engine(List.of(path("tech", 0, level("l1", after(0), new Target.Person("a")),
                level("l2", after(30), new Target.Person("b"))), security),
                List.of(new Trigger("security", on("security", false, null, null), new Trigger.Action.SwitchPath("security"))));
        Outcome opened = engine.open("INC-1", Opening.paging("api", "P2", Set.of()), T0);
        assertThat(run(engine, opened, at(120), Map.of(at(2), new Command.Acknowledge("a"), at(5), new Command.AddTags("a", Set.of("security")))))
                .containsExactly("0 OPENED", "0 NOTIFIED a", "2 ACKNOWLEDGED", "5 TAG_ADDED", "5 TRIGGER_FIRED", "5 PATH_SWITCHED",
                        "5 NOTIFIED security-oncall", "15 NOTIFIED security-lead");
    }

    @Test
    void raisingTheSeverityEscalatesOneLevelAndLoweringItDoesNot() {
        EscalationEngine engine = engine(List.of(path("tech", 0,
                level("l1", after(0), new Target.Person("a")),
                level("l2", after(60), new Target.Person("b")),
                level("l3", after(60), new Target.Person("c")))),
                List.of(new Trigger("impact", on(null, true, null, null), new Trigger.Action.Escalate(1))));
        Outcome opened = engine.open("INC-1", Opening.paging("api", "P2", Set.of()), T0);
        assertThat(run(engine, opened, at(90), Map.of(at(10), new Command.ChangeSeverity("a", "P1"), at(20), new Command.ChangeSeverity("a", "P2"))))
                .containsExactly("0 OPENED", "0 NOTIFIED a", "10 SEVERITY_CHANGED", "10 TRIGGER_FIRED", "10 NOTIFIED b",
                        "20 SEVERITY_CHANGED", "70 NOTIFIED c", "80 LADDER_EXHAUSTED");
    }

    @Test
    void noProgressForThirtyMinutesEscalatesAndReArmsAfterEachUpdate() {
        EscalationEngine engine = engine(List.of(path("tech", 0,
                level("l1", after(0), new Target.Person("a")),
                level("l2", after(600), new Target.Person("b")),
                level("l3", after(600), new Target.Person("c")))),
                List.of(new Trigger("stalled", on(null, false, Duration.ofMinutes(30), null), new Trigger.Action.Escalate(1))));
        Outcome opened = engine.open("INC-1", Opening.paging("api", "P2", Set.of()), T0);
        assertThat(run(engine, opened, at(100), Map.of(at(1), new Command.Acknowledge("a"), at(40), new Command.PostUpdate("a", "identified", "found it"))))
                .containsExactly("0 OPENED", "0 NOTIFIED a", "1 ACKNOWLEDGED", "30 TRIGGER_FIRED", "30 NOTIFIED b",
                        "40 STATUS_UPDATE", "70 TRIGGER_FIRED", "70 NOTIFIED c");
    }

    @Test
    void aSecondServiceAffectedFiresItsTriggerOnce() {
        EscalationEngine engine = engine(List.of(path("tech", 0, level("l1", after(0), new Target.Person("a")))),
                List.of(new Trigger("multi", on(null, false, null, 2), new Trigger.Action.Notify(List.of(new Target.Role("vp"))))));
        Outcome opened = engine.open("INC-1", Opening.paging("api", "P2", Set.of()), T0);
        assertThat(run(engine, opened, at(60), Map.of(at(5), new Command.AddService(null, "db"), at(6), new Command.AddService(null, "cache"))))
                .containsExactly("0 OPENED", "0 NOTIFIED a", "5 SERVICE_ADDED", "5 TRIGGER_FIRED", "5 NOTIFIED vp", "6 SERVICE_ADDED",
                        "10 LADDER_EXHAUSTED");
    }

    @Test
    void deescalationReleasesPeopleAndStopsTheLadder() {
        EscalationEngine engine = engine(List.of(path("sev", 0,
                level("oncall", after(0), new Target.Person("a")),
                level("em", unresolved(15), new Target.Role("em")),
                level("vp", unresolved(30), new Target.Role("vp")))), List.of());
        Outcome opened = engine.open("INC-1", Opening.paging("api", "P1", Set.of()), T0);
        Outcome o = engine.apply(engine.apply(opened.state(), new Command.Wake(), at(15)).state(),
                new Command.Deescalate("em", Set.of("a"), "contained"), at(20));
        assertThat(o.entries()).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(Kind.DEESCALATED);
            assertThat(e.people()).containsExactly("em");
            // Seed 003's de-escalation notice: time, reason, who can stand down, who remains, the next update.
            assertThat(e.text()).contains("De-escalation notice: time 01:20 UTC").contains("reason: contained")
                    .contains("who can stand down: em").contains("remaining responders: a").contains("next update: none scheduled");
        });
        assertThat(o.nextWake()).isEmpty();
        assertThat(o.state().engaged()).containsExactly("a");
    }

    @Test
    void unacknowledgingRestartsTheAcknowledgementClock() {
        EscalationEngine engine = engine(List.of(path("tech", 0, level("l1", after(0), new Target.Person("a")),
                level("l2", new StartCondition.UnacknowledgedFor(Duration.ofMinutes(15)), new Target.Person("b")))), List.of());
        Outcome opened = engine.open("INC-1", Opening.paging("api", "P2", Set.of()), T0);
        assertThat(run(engine, opened, at(120), Map.of(at(5), new Command.Acknowledge("a"), at(30), new Command.Unacknowledge("a"))))
                .containsExactly("0 OPENED", "0 NOTIFIED a", "5 ACKNOWLEDGED", "30 UNACKNOWLEDGED", "45 NOTIFIED b", "55 LADDER_EXHAUSTED");
    }

    @Test
    void resolvingStopsEverythingAndLaterCommandsChangeNothing() {
        EscalationEngine engine = engine(List.of(path("tech", 0, level("l1", after(0), new Target.Person("a")),
                level("l2", after(15), new Target.Person("b")))), List.of());
        Outcome opened = engine.open("INC-1", Opening.paging("api", "P2", Set.of()), T0);
        Outcome resolved = engine.apply(opened.state(), new Command.Resolve("a"), at(5));
        assertThat(resolved.nextWake()).isEmpty();
        Outcome again = engine.apply(resolved.state(), new Command.Acknowledge("a"), at(6));
        assertThat(again.entries()).isEmpty();
        assertThat(engine.apply(resolved.state(), new Command.Wake(), at(20)).entries()).isEmpty();
    }

    @Test
    void manualEscalationGoesToTheNextOrANamedLevel() {
        EscalationEngine engine = engine(List.of(path("tech", 0, level("l1", after(0), new Target.Person("a")),
                level("l2", after(30), new Target.Person("b")), level("l3", after(30), new Target.Person("c")))), List.of());
        Outcome opened = engine.open("INC-1", Opening.paging("api", "P2", Set.of()), T0);
        Outcome next = engine.apply(opened.state(), new Command.Escalate("a", null), at(2));
        assertThat(next.entries()).extracting(TimelineEntry::kind).containsExactly(Kind.ESCALATED, Kind.NOTIFIED);
        assertThat(next.entries().get(1).people()).containsExactly("b");
        assertThat(next.nextWake()).contains(at(32));
        Outcome named = engine.apply(opened.state(), new Command.Escalate("a", "l3"), at(2));
        assertThat(named.entries().get(1).people()).containsExactly("c");
    }

    @Test
    void anAcknowledgementThatTimesOutReturnsTheIncidentToTriggeredAndPagesTheAcknowledgerAgain() {
        EscalationPolicy policy = new EscalationPolicy("pol", "Policy", null, List.of(path("tech", 0,
                level("l1", after(0), new Target.OnCall("primary", null)),
                level("l2", new StartCondition.UnacknowledgedFor(Duration.ofMinutes(15)), new Target.Role("em")))),
                List.of(), Duration.ofMinutes(30));
        EscalationEngine engine = engine(policy);
        Outcome opened = engine.open("INC-1", Opening.paging("api", "P2", Set.of()), T0);
        // Acknowledged at 5 and then slept on: at 35 it is triggered again, at 50 the next level is due.
        assertThat(run(engine, opened, at(120), Map.of(at(5), new Command.Acknowledge("primary-oncall"))))
                .containsExactly("0 OPENED", "0 NOTIFIED primary-oncall", "5 ACKNOWLEDGED",
                        "35 ACKNOWLEDGEMENT_TIMED_OUT primary-oncall", "50 NOTIFIED em", "60 LADDER_EXHAUSTED");
    }

    @Test
    void resolvingBeforeTheAcknowledgementTimeoutEndsEverything() {
        EscalationPolicy policy = new EscalationPolicy("pol", "Policy", null, List.of(path("tech", 0,
                level("l1", after(0), new Target.OnCall("primary", null)))), List.of(), Duration.ofMinutes(30));
        EscalationEngine engine = engine(policy);
        Outcome opened = engine.open("INC-1", Opening.paging("api", "P2", Set.of()), T0);
        assertThat(run(engine, opened, at(120), Map.of(at(5), new Command.Acknowledge("primary-oncall"), at(20), new Command.Resolve("x"))))
                .containsExactly("0 OPENED", "0 NOTIFIED primary-oncall", "5 ACKNOWLEDGED", "20 RESOLVED");
    }

    @Test
    void reassignmentPagesTheNewPersonClearsTheAcknowledgementAndKeepsTheLadderBehindThem() {
        EscalationEngine engine = engine(List.of(path("tech", 0,
                level("l1", after(0), new Target.OnCall("primary", null)),
                level("l2", new StartCondition.UnacknowledgedFor(Duration.ofMinutes(15)), new Target.Role("em")))), List.of());
        Outcome opened = engine.open("INC-1", Opening.paging("api", "P2", Set.of()), T0);
        List<String> timeline = run(engine, opened, at(120), Map.of(
                at(5), new Command.Acknowledge("primary-oncall"),
                at(10), new Command.Reassign("primary-oncall", List.of(new Target.Person("dba")), "database expertise")));
        assertThat(timeline).containsExactly("0 OPENED", "0 NOTIFIED primary-oncall", "5 ACKNOWLEDGED",
                "10 REASSIGNED dba", "25 NOTIFIED em", "35 LADDER_EXHAUSTED");
    }

    @Test
    void reassigningToNobodyLeavesTheIncidentWhereItWas() {
        EscalationEngine engine = engine(List.of(path("tech", 0, level("l1", after(0), new Target.OnCall("primary", null)))), List.of());
        Outcome opened = engine.open("INC-1", Opening.paging("api", "P2", Set.of()), T0);
        Outcome acked = engine.apply(opened.state(), new Command.Acknowledge("primary-oncall"), at(1));
        Outcome r = engine.apply(acked.state(), new Command.Reassign("x", List.of(new Target.OnCall("gap", null)), null), at(2));
        assertThat(r.state().status()).isEqualTo(IncidentStatus.ACKNOWLEDGED);
        assertThat(r.entries()).singleElement().satisfies(e -> assertThat(e.text()).contains("nobody to hand it to"));
    }

    @Test
    void aSignalWaitingToBeSustainedPagesNobodyUntilItsTimeAndAnEarlyAcknowledgementHolds() {
        EscalationEngine engine = engine(List.of(path("tech", 0,
                level("l1", after(0), new Target.OnCall("primary", null)),
                level("mgr", unresolved(30), new Target.Role("em")))), List.of());
        Outcome opened = engine.open("INC-1", new Opening("api", "P2", Set.of(), Paging.PAGE, Duration.ofMinutes(5), null), T0);
        assertThat(opened.entries()).extracting(TimelineEntry::kind).containsExactly(Kind.OPENED);
        assertThat(opened.nextWake()).contains(at(5));
        Outcome acked = engine.apply(opened.state(), new Command.Acknowledge("primary-oncall"), at(2));
        Outcome promoted = engine.apply(acked.state(), new Command.Wake(), at(5));
        // Acknowledged while waiting: the on-call is not paged, but the unresolved ladder still runs.
        assertThat(promoted.entries()).extracting(TimelineEntry::kind).containsExactly(Kind.SUSTAINED);
        assertThat(promoted.nextWake()).contains(at(30));
    }

    @Test
    void escalatingASignalThatIsStillWaitingPagesAtOnce() {
        EscalationEngine engine = engine(List.of(path("tech", 0, level("l1", after(0), new Target.OnCall("primary", null)))), List.of());
        Outcome opened = engine.open("INC-1", new Opening("api", "P2", Set.of("security"), Paging.PAGE, Duration.ofMinutes(5), null), T0);
        Outcome escalated = engine.apply(opened.state(), new Command.Escalate("someone", null), at(1));
        assertThat(escalated.entries()).extracting(TimelineEntry::kind)
                .containsExactly(Kind.ESCALATED, Kind.SUSTAINED, Kind.NOTIFIED);
        assertThat(escalated.entries().get(2).people()).containsExactly("primary-oncall");
    }

    @Test
    void responseTargetsRunAsClocksAndEachBreachIsOnTheTimeline() {
        EscalationPolicy policy = new EscalationPolicy("pol", "Policy", null, List.of(path("tech", 0, level("l1", after(0),
                new Target.Person("a")))), List.of());
        EscalationEngine engine = new EscalationEngine(new EscalationRules(Map.of("pol", policy), Map.of("P1", P1_WITH_TARGETS),
                Map.of("api", "pol"), null), DIRECTORY);
        Outcome opened = engine.open("INC-1", Opening.paging("api", "P1", Set.of()), T0);
        Outcome acked = engine.apply(opened.state(), new Command.Acknowledge("a"), at(3));
        Outcome breached = engine.apply(acked.state(), new Command.Wake(), at(15));
        assertThat(breached.entries()).extracting(TimelineEntry::text).containsExactly("first update target of P1 (15m) breached");
        Outcome updated = engine.apply(breached.state(), new Command.PostUpdate("a", "identified", "found"), at(20));
        List<ResponseClocks.Clock> clocks = ResponseClocks.of(updated.state(), engine.rules(), at(30));
        assertThat(clocks).extracting(ResponseClocks.Clock::state)
                .containsExactly(ResponseClocks.State.MET, ResponseClocks.State.LATE, ResponseClocks.State.RUNNING);
        assertThat(clocks.get(1).left()).isEqualTo(Duration.ofMinutes(-5));
        assertThat(clocks.get(2).left()).isEqualTo(Duration.ofMinutes(30));
        assertThat(updated.nextWake()).contains(at(60));
        Outcome late = engine.apply(updated.state(), new Command.Wake(), at(60));
        assertThat(late.entries()).extracting(TimelineEntry::kind).containsExactly(Kind.TARGET_BREACHED);
        assertThat(ResponseClocks.of(late.state(), engine.rules(), at(75)).get(2).state()).isEqualTo(ResponseClocks.State.OVERDUE);
    }

    @Test
    void aBusinessDayTargetCountsOnlyWorkingHoursAndSkipsHolidays() {
        BusinessCalendar calendar = new BusinessCalendar(java.time.ZoneId.of("Europe/Bucharest"),
                java.util.EnumSet.range(java.time.DayOfWeek.MONDAY, java.time.DayOfWeek.FRIDAY), 9 * 60, 17 * 60,
                Set.of(java.time.LocalDate.parse("2026-12-28")));
        // Friday 16:00 local: one hour that day, Monday a holiday, seven hours on Tuesday.
        assertThat(calendar.plusBusinessDays(Instant.parse("2026-12-25T14:00:00Z"), 1)).isEqualTo(Instant.parse("2026-12-29T14:00:00Z"));
        // Saturday: the whole of the next working day.
        assertThat(calendar.plusBusinessDays(Instant.parse("2026-12-26T10:00:00Z"), 1)).isEqualTo(Instant.parse("2026-12-29T15:00:00Z"));
        // Two business days from Wednesday 10:00: Friday 10:00.
        assertThat(calendar.plusBusinessDays(Instant.parse("2026-12-23T08:00:00Z"), 2)).isEqualTo(Instant.parse("2026-12-25T08:00:00Z"));
    }
}
