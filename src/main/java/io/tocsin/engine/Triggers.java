package io.tocsin.engine;

import io.tocsin.engine.TimelineEntry.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * When a trigger acts, and what it does. Event triggers (a tag added, the severity raised, a number
 * of services affected) act at the moment of their event; timed triggers (unacknowledged, unresolved,
 * no update, a response target breached) come due through {@link Timing}. Each acts at most once per
 * incident, except that a re-armable condition (no update since the last update, unacknowledged since
 * the last re-trigger) acts once per base instant.
 */
final class Triggers {
    private Triggers() {
    }

    /** The policy's triggers and those of every path running. */
    static List<Trigger> active(Step s) {
        List<Trigger> out = new ArrayList<>(s.policy.triggers());
        for (PathRun run : s.b.paths) {
            s.policy.path(run.path()).ifPresent(p -> out.addAll(p.triggers()));
        }
        // A quiet incident runs no path yet; the triggers of the path its severity would start on still listen.
        if (s.b.paths.isEmpty() && s.isQuiet()) {
            EscalationPath first = s.policy.pathFor(s.b.severity);
            if (first != null) {
                out.addAll(first.triggers());
            }
        }
        return out;
    }

    static boolean isEvent(Trigger.Condition c) {
        return c.tagAdded() != null || c.severityRaised() || c.servicesAffected() != null;
    }

    static boolean filtersHold(Step s, Trigger.Condition c) {
        return (c.severities().isEmpty() || c.severities().contains(s.b.severity)) && s.b.tags.containsAll(c.tags());
    }

    static boolean timedPartHolds(Step s, Trigger.Condition c) {
        if (!c.isTimed()) {
            return true;
        }
        Instant due = timedDue(s, c);
        return due != null && !due.isAfter(s.now);
    }

    /** When all time-based conditions of {@code c} hold, or null if they cannot (e.g. acknowledged). */
    static Instant timedDue(Step s, Trigger.Condition c) {
        IncidentState.Builder b = s.b;
        Instant due = Instant.MIN;
        if (c.unacknowledgedFor() != null) {
            if (b.status != IncidentStatus.TRIGGERED) {
                return null;
            }
            due = EscalationEngine.max(due, b.unacknowledgedSince.plus(c.unacknowledgedFor()));
        }
        if (c.unresolvedFor() != null) {
            due = EscalationEngine.max(due, b.openedAt.plus(c.unresolvedFor()));
        }
        if (c.noUpdateFor() != null) {
            due = EscalationEngine.max(due, s.progressSince().plus(c.noUpdateFor()));
        }
        if (c.targetBreached() != null) {
            Instant breach = Timing.targetDue(s, c.targetBreached());
            if (breach == null) {
                return null;
            }
            due = EscalationEngine.max(due, breach);
        }
        return due;
    }

    /** Re-armable conditions get a key per base instant: a second stall after an update escalates again. */
    static String key(Step s, Trigger t) {
        Trigger.Condition c = t.on();
        String base = "";
        if (c.noUpdateFor() != null) {
            base += "@update:" + s.progressSince();
        }
        if (c.unacknowledgedFor() != null || c.targetBreached() == ResponseTarget.ACKNOWLEDGE) {
            base += "@unack:" + s.b.unacknowledgedSince;
        }
        return t.id() + base;
    }

    static void tagAdded(Step s, String tag) {
        for (Trigger t : active(s)) {
            if (tag.equals(t.on().tagAdded()) && filtersHold(s, t.on()) && timedPartHolds(s, t.on())) {
                fireEvent(s, t, "tag " + tag + " added");
            }
        }
    }

    static void severityRaised(Step s, String severity) {
        for (Trigger t : active(s)) {
            if (t.on().severityRaised() && filtersHold(s, t.on()) && timedPartHolds(s, t.on())) {
                fireEvent(s, t, "severity raised to " + severity);
            }
        }
    }

    static void servicesAffected(Step s, int count) {
        for (Trigger t : active(s)) {
            Integer n = t.on().servicesAffected();
            if (n != null && count == n && filtersHold(s, t.on()) && timedPartHolds(s, t.on())) {
                fireEvent(s, t, count + " services affected");
            }
        }
    }

    private static void fireEvent(Step s, Trigger t, String why) {
        if (s.isWaiting()) {
            return; // nothing acts before the signal is sustained; tag triggers run at promotion
        }
        s.b.firedTriggers.add(t.id() + "@" + s.now + ":" + why);
        act(s, t, why);
    }

    /** A timed trigger came due. */
    static void fireTimed(Step s, Trigger t) {
        s.b.firedTriggers.add(key(s, t));
        act(s, t, describe(s, t.on()));
    }

    private static void act(Step s, Trigger t, String why) {
        s.entry(new TimelineEntry(s.now, Kind.TRIGGER_FIRED, null, null, t.id(), List.of(), "trigger " + t.id() + ": " + why));
        Trigger.Action action = t.action();
        if (action instanceof Trigger.Action.Escalate e) {
            s.escalate(e.levels(), t.id());
        } else if (action instanceof Trigger.Action.GoToLevel g) {
            s.goToLevel(g.level(), t.id());
        } else if (action instanceof Trigger.Action.SwitchPath sp) {
            s.switchPath(sp.path(), t.id());
        } else if (action instanceof Trigger.Action.AddPath a) {
            s.addPath(a.path(), t.id());
        } else if (action instanceof Trigger.Action.Notify n) {
            s.notifyTargets(n.targets(), t.id());
        }
    }

    private static String describe(Step s, Trigger.Condition c) {
        List<String> parts = new ArrayList<>();
        if (c.unacknowledgedFor() != null) {
            parts.add("unacknowledged for " + Step.human(c.unacknowledgedFor()));
        }
        if (c.unresolvedFor() != null) {
            parts.add("unresolved for " + Step.human(c.unresolvedFor()));
        }
        if (c.noUpdateFor() != null) {
            parts.add("no status update for " + Step.human(c.noUpdateFor()));
        }
        if (c.targetBreached() != null) {
            Deadline target = s.rules.severities().get(s.b.severity).target(c.targetBreached());
            parts.add(c.targetBreached().name().toLowerCase().replace('_', ' ') + " target of " + s.b.severity + " ("
                    + target.describe() + ") breached");
        }
        return String.join(" and ", parts);
    }
}
