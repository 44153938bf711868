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

    /** Whether acknowledging the incident makes this level unnecessary. */
    default boolean stoppedByAcknowledgement() {
        return this instanceof After || this instanceof UnacknowledgedFor;
    }
}
