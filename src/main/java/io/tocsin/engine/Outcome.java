package io.tocsin.engine;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The result of one engine step: the new state, what happened (timeline entries), the messages it
 * sends (pages, notices, chat posts, each with its idempotency key) and when the incident must be
 * woken next. The server commits all of it in one transaction (invariant 2); the simulator prints it.
 */
public record Outcome(IncidentState state, List<TimelineEntry> entries, List<Outgoing> messages, Optional<Instant> nextWake) {
    public Outcome {
        entries = List.copyOf(entries);
        messages = List.copyOf(messages);
    }
}
