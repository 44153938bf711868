package io.tocsin.engine;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The result of one engine step: the new state, what happened (timeline entries, including the
 * notifications to send), and when the incident must be woken next. The caller commits all three
 * in one transaction (invariant 2).
 */
public record Outcome(IncidentState state, List<TimelineEntry> entries, Optional<Instant> nextWake) {
    public Outcome {
        entries = List.copyOf(entries);
    }
}
