package io.tocsin.engine;

import java.time.Duration;

/** When a level of a ladder starts, once the levels before it are done. */
public sealed interface StartCondition {
    /** This long after the previous level was notified (the first level: after the path started). */
    record After(Duration delay) implements StartCondition {
    }

    /** The incident has been unacknowledged this long since it (re)opened; acknowledgement cancels it. */
    record UnacknowledgedFor(Duration duration) implements StartCondition {
    }

    /** The incident has been open this long; acknowledgement does not cancel it, resolution does. */
    record UnresolvedFor(Duration duration) implements StartCondition {
    }

    /** No status update for this long (since opening or the last update): progress has stalled. */
    record NoUpdateFor(Duration duration) implements StartCondition {
    }

    /** The incident carries this tag (e.g. breach-confirmed). */
    record WhenTagged(String tag) implements StartCondition {
    }

    /** The condition in words, as the escalation pages show it: "unacknowledged for 15m". */
    default String describe() {
        if (this instanceof After a) {
            return a.delay().isZero() ? "at once" : EscalationEngine.human(a.delay()) + " after the level before";
        }
        if (this instanceof UnacknowledgedFor u) {
            return "unacknowledged for " + EscalationEngine.human(u.duration());
        }
        if (this instanceof UnresolvedFor u) {
            return "unresolved for " + EscalationEngine.human(u.duration());
        }
        if (this instanceof NoUpdateFor n) {
            return "no status update for " + EscalationEngine.human(n.duration());
        }
        return "when tagged " + ((WhenTagged) this).tag();
    }

    /** Whether acknowledging the incident makes this level unnecessary. */
    default boolean stoppedByAcknowledgement() {
        return this instanceof After || this instanceof UnacknowledgedFor;
    }
}
