package io.tocsin.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The next wake-up the engine reports is exact: for random policies (every start condition, trigger
 * and action, repeats, acknowledgement timeouts, business-day targets) and random event sequences,
 * waking the engine only when it asks gives the same timeline and the same messages as waking it
 * every minute. A wake-up reported too late would show as a page that comes late; one never reported
 * as a page that never comes.
 */
class WakeUpProperties {
    static final Instant T0 = Instant.parse("2026-04-13T06:00:00Z");
    static final List<String> PEOPLE = List.of("ana", "ben", "cleo", "dev", "erin");
    static final List<String> TAGS = List.of("x", "y", "z");

    /** People resolve to themselves; the schedule hands over every hour, so who is paged depends on when. */
    static final Directory DIRECTORY = new Directory() {
        @Override
        public Resolution resolve(Target target, IncidentState incident, Instant at) {
            if (target instanceof Target.Person p) {
                return new Resolution(List.of(p.id()), "person " + p.id());
            }
            if (target instanceof Target.OnCall o) {
                long hour = Duration.between(T0, at).toHours();
                // One hour in four nobody is on call, so skipped levels are exercised too.
                return new Resolution(hour % 4 == 3 ? List.of() : List.of(PEOPLE.get((int) (hour % 3))), "on call in " + o.schedule());
            }
            if (target instanceof Target.Role r) {
                return new Resolution(List.of("erin"), "role " + r.role());
            }
            return new Resolution(List.of("ana", "ben", "cleo"), "team");
        }

        @Override
        public Set<String> chatChannels(IncidentState incident) {
            return Set.of("#ops");
        }
    };

    @Property(tries = 400)
    void wakingOnlyWhenAskedEqualsWakingEveryMinute(@ForAll long seed) {
        Random r = new Random(seed);
        EscalationEngine engine = new EscalationEngine(rules(r), DIRECTORY);
        Opening opening = new Opening("api", pick(r, List.of("P1", "P2", "P2", "P3")), r.nextInt(4) == 0 ? Set.of(pick(r, TAGS)) : Set.of(),
                r.nextInt(5) == 0 ? Paging.CHAT : Paging.PAGE, r.nextInt(5) == 0 ? Duration.ofMinutes(1 + r.nextInt(10)) : null, null);
        List<Simulation.Event> events = new ArrayList<>();
        events.add(new Simulation.Signal(T0, Alert.trigger(opening)));
        int n = r.nextInt(9);
        for (int i = 0; i < n; i++) {
            events.add(randomEvent(r));
        }
        events.sort(java.util.Comparator.comparing(Simulation.Event::at));
        Instant until = T0.plus(Duration.ofHours(30));

        Simulation.Result asked = Simulation.run(engine, events, until, "INC-");
        Observed everyMinute = everyMinute(engine, events, until);

        assertThat(everyMinute.timeline()).as("seed %d", seed).containsExactlyElementsOf(asked.timeline());
        assertThat(everyMinute.messages()).as("seed %d", seed).containsExactlyElementsOf(asked.messages());
    }

    record Observed(List<TimelineEntry> timeline, List<Outgoing> messages) {
    }

    /** Wakes the engine at every minute (before that minute's events, as a timer due then fires first), never at its own request. */
    static Observed everyMinute(EscalationEngine engine, List<Simulation.Event> events, Instant until) {
        List<TimelineEntry> timeline = new ArrayList<>();
        List<Outgoing> messages = new ArrayList<>();
        IncidentState state = null;
        int next = 0;
        int opened = 0;
        for (Instant t = T0; !t.isAfter(until); t = t.plus(Duration.ofMinutes(1))) {
            if (state != null) {
                Outcome o = engine.apply(state, new Command.Wake(), t);
                timeline.addAll(o.entries());
                messages.addAll(o.messages());
                state = o.state();
            }
            while (next < events.size() && events.get(next).at().equals(t)) {
                Simulation.Event e = events.get(next++);
                Optional<Outcome> step;
                if (e instanceof Simulation.Signal s) {
                    int number = opened + 1;
                    Intake in = engine.receive(Optional.ofNullable(state).filter(IncidentState::isOpen), s.alert(), () -> "INC-" + number, t);
                    if (in.result() == Intake.Result.OPENED) {
                        opened++;
                    }
                    step = in.outcome();
                } else if (state == null) {
                    continue;
                } else {
                    step = Optional.of(engine.apply(state, ((Simulation.Apply) e).command(), t));
                }
                if (step.isPresent()) {
                    timeline.addAll(step.get().entries());
                    messages.addAll(step.get().messages());
                    state = step.get().state();
                }
            }
        }
        return new Observed(timeline, messages);
    }

    static Simulation.Event randomEvent(Random r) {
        Instant at = T0.plus(Duration.ofMinutes(1 + r.nextInt(240)));
        String who = pick(r, PEOPLE);
        Command c = switch (r.nextInt(12)) {
            case 0, 1 -> new Command.Acknowledge(who);
            case 2 -> new Command.Unacknowledge(who);
            case 3 -> new Command.PostUpdate(who, pick(r, List.of("investigating", "identified", "monitoring")), "looking", "some users",
                    r.nextBoolean() ? Duration.ofMinutes(5 + r.nextInt(40)) : null);
            case 4 -> new Command.ChangeSeverity(who, pick(r, List.of("P1", "P2", "P3")));
            case 5, 6 -> new Command.AddTags(who, Set.of(pick(r, TAGS)));
            case 7 -> new Command.Escalate(who, null);
            case 8 -> new Command.AddService(who, pick(r, List.of("db", "cache")));
            case 9 -> new Command.Note(who, "note");
            case 10 -> new Command.Deescalate(who, Set.of(who), "contained");
            default -> r.nextInt(3) == 0 ? new Command.Resolve(who) : new Command.Note(who, "still here");
        };
        if (r.nextInt(6) == 0) {
            // The source fires again (a repeat) or resolves what it opened.
            return new Simulation.Signal(at, r.nextBoolean() ? Alert.trigger(Opening.paging("api", "P2", Set.of())) : Alert.resolve("monitoring"));
        }
        return new Simulation.Apply(at, c);
    }

    static EscalationRules rules(Random r) {
        List<EscalationPath> paths = new ArrayList<>();
        int pathCount = 1 + r.nextInt(2);
        for (int p = 0; p < pathCount; p++) {
            List<Level> levels = new ArrayList<>();
            int levelCount = 1 + r.nextInt(4);
            for (int l = 0; l < levelCount; l++) {
                levels.add(new Level("p" + p + "l" + l, "level " + l, start(r), targets(r)));
            }
            List<Trigger> triggers = r.nextInt(3) == 0 ? List.of(trigger(r, "path" + p + "-t", pathCount, levels)) : List.of();
            paths.add(new EscalationPath("path" + p, "path " + p, p == 0 ? Set.of("P1", "P2", "P3") : Set.of(), r.nextInt(3),
                    Duration.ofMinutes(5 + r.nextInt(20)), levels, triggers));
        }
        List<Trigger> triggers = new ArrayList<>();
        int triggerCount = r.nextInt(4);
        for (int i = 0; i < triggerCount; i++) {
            triggers.add(trigger(r, "t" + i, pathCount, paths.get(0).levels()));
        }
        EscalationPolicy policy = new EscalationPolicy("pol", "policy", "path0", paths, triggers,
                r.nextInt(3) == 0 ? Duration.ofMinutes(20 + r.nextInt(60)) : null);
        Map<String, Severity> severities = Map.of(
                "P1", new Severity("P1", 0, true, new Deadline.Fixed(Duration.ofMinutes(5)), new Deadline.Fixed(Duration.ofMinutes(15)),
                        new Deadline.Fixed(Duration.ofHours(1)), new UpdateCadence(List.of(
                                new UpdateCadence.Band(Duration.ofMinutes(15), UpdateCadence.Status.MONITORING),
                                new UpdateCadence.Band(Duration.ofMinutes(40), UpdateCadence.Status.RESOLVED)))),
                "P2", new Severity("P2", 1, true, new Deadline.Fixed(Duration.ofMinutes(15)), null, new Deadline.BusinessDays(1),
                        new UpdateCadence(List.of(new UpdateCadence.Band(Duration.ofMinutes(30), UpdateCadence.Status.RESOLVED)))),
                "P3", new Severity("P3", 2, false, null, null, null));
        BusinessCalendar calendar = new BusinessCalendar(ZoneOffset.UTC, EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), 9 * 60, 17 * 60,
                Set.of());
        return new EscalationRules(Map.of("pol", policy), severities, Map.of("api", "pol"), calendar);
    }

    static StartCondition start(Random r) {
        Duration d = Duration.ofMinutes(r.nextInt(6) * 5 + (r.nextBoolean() ? 0 : 3));
        return switch (r.nextInt(6)) {
            case 0, 1 -> new StartCondition.After(d);
            case 2 -> new StartCondition.UnacknowledgedFor(d.plusMinutes(1));
            case 3 -> new StartCondition.UnresolvedFor(d.plusMinutes(1));
            case 4 -> new StartCondition.NoUpdateFor(d.plusMinutes(1));
            default -> new StartCondition.WhenTagged(pick(r, TAGS));
        };
    }

    static List<Target> targets(Random r) {
        List<Target> out = new ArrayList<>();
        int n = 1 + r.nextInt(2);
        for (int i = 0; i < n; i++) {
            out.add(switch (r.nextInt(4)) {
                case 0 -> new Target.OnCall("primary", null);
                case 1 -> new Target.Role("lead");
                case 2 -> new Target.Team("ops", Target.TeamMembers.ALL);
                default -> new Target.Person(pick(r, PEOPLE));
            });
        }
        return out;
    }

    static Trigger trigger(Random r, String id, int paths, List<Level> levels) {
        Duration d = Duration.ofMinutes(5 + r.nextInt(60));
        Trigger.Condition on = switch (r.nextInt(8)) {
            case 0 -> new Trigger.Condition(pick(r, TAGS), false, null, null, null, null, null, Set.of(), Set.of());
            case 1 -> new Trigger.Condition(null, true, null, null, null, null, null, Set.of(), Set.of());
            case 2 -> new Trigger.Condition(null, false, null, d, null, null, null, Set.of(), Set.of());
            case 3 -> new Trigger.Condition(null, false, null, null, d, null, null, Set.of("P1"), Set.of());
            case 4 -> new Trigger.Condition(null, false, null, null, null, d, null, Set.of(), Set.of());
            case 5 -> new Trigger.Condition(null, false, pick(r, List.of(ResponseTarget.values())), null, null, null, null, Set.of(), Set.of());
            case 6 -> new Trigger.Condition(null, false, null, null, null, null, 2, Set.of(), Set.of());
            default -> new Trigger.Condition(null, false, null, d, null, null, null, Set.of(), Set.of(pick(r, TAGS)));
        };
        Trigger.Action action = switch (r.nextInt(5)) {
            case 0 -> new Trigger.Action.Escalate(1);
            case 1 -> new Trigger.Action.Notify(targets(r));
            case 2 -> paths > 1 ? new Trigger.Action.SwitchPath("path1") : new Trigger.Action.Escalate(1);
            case 3 -> paths > 1 ? new Trigger.Action.AddPath("path1") : new Trigger.Action.Notify(targets(r));
            default -> new Trigger.Action.GoToLevel(levels.get(r.nextInt(levels.size())).id());
        };
        return new Trigger(id, on, action);
    }

    static <T> T pick(Random r, List<T> from) {
        return from.get(r.nextInt(from.size()));
    }
}
