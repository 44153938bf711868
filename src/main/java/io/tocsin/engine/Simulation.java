package io.tocsin.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Replays events on a virtual clock through the same engine the server runs: timers fire exactly at
 * their instants, interleaved with the events in time order (a timer due at an event's instant fires
 * first, as on a server whose timer came due a moment before the request arrived). Alerts go through
 * {@link EscalationEngine#receive} as the server's ingestion does, so a second alert while an incident
 * is open is a repeat and one after it resolved opens the next incident.
 */
public final class Simulation {
    public sealed interface Event {
        Instant at();
    }

    /** A monitoring source's alert for the scenario's dedup key. */
    public record Signal(Instant at, Alert alert) implements Event {
    }

    /** A command on the current incident. */
    public record Apply(Instant at, Command command) implements Event {
    }

    /**
     * Something outside the incident that its timeline records while it is open, as the server writes it
     * on every open incident (a kill switch set organisation-wide); it changes nothing the engine decides.
     */
    public record Aside(Instant at, TimelineEntry entry) implements Event {
    }

    /** Everything that happened, and every message sent, in order. */
    public record Result(List<TimelineEntry> timeline, List<Outgoing> messages, Optional<IncidentState> finalState) {
    }

    private Simulation() {
    }

    /** {@code idPrefix}: incidents are numbered {@code idPrefix + 1}, {@code + 2}... in the order they open. */
    public static Result run(EscalationEngine engine, List<Event> events, Instant until, String idPrefix) {
        List<Event> ordered = new ArrayList<>(events);
        ordered.sort(Comparator.comparing(Event::at));
        List<TimelineEntry> timeline = new ArrayList<>();
        List<Outgoing> messages = new ArrayList<>();
        IncidentState state = null;
        Optional<Instant> wake = Optional.empty();
        int opened = 0;
        // Resolutions by service, counted for when_repeated as the server counts them.
        java.util.Map<String, List<Instant>> resolutions = new java.util.HashMap<>();
        for (Event event : ordered) {
            while (state != null && wake.isPresent() && !wake.get().isAfter(event.at())) {
                Instant at = wake.get();
                Outcome o = engine.apply(state, new Command.Wake(), at);
                timeline.addAll(o.entries());
                messages.addAll(o.messages());
                state = o.state();
                wake = next(o, at);
            }
            Optional<Outcome> step;
            if (event instanceof Aside aside) {
                if (state != null && state.isOpen()) {
                    timeline.add(aside.entry());
                }
                continue;
            } else if (event instanceof Signal signal) {
                int number = opened + 1;
                Intake intake = engine.receive(Optional.ofNullable(state).filter(IncidentState::isOpen), signal.alert(),
                        () -> idPrefix + number, signal.at());
                if (intake.result() == Intake.Result.OPENED) {
                    opened++;
                }
                step = intake.outcome();
            } else if (state == null) {
                continue;
            } else {
                step = Optional.of(engine.apply(state, ((Apply) event).command(), event.at()));
            }
            if (step.isPresent()) {
                Outcome o = step.get();
                timeline.addAll(o.entries());
                postmortem(engine, state, o.state(), resolutions, timeline);
                messages.addAll(o.messages());
                state = o.state();
                wake = o.nextWake();
            }
        }
        while (state != null && wake.isPresent() && !wake.get().isAfter(until)) {
            Instant at = wake.get();
            Outcome o = engine.apply(state, new Command.Wake(), at);
            timeline.addAll(o.entries());
            messages.addAll(o.messages());
            state = o.state();
            wake = next(o, at);
        }
        return new Result(timeline, messages, Optional.ofNullable(state));
    }

    /** As the server does in the resolving transaction: a resolution records the postmortem its severity asks for. */
    private static void postmortem(EscalationEngine engine, IncidentState before, IncidentState after,
                                   java.util.Map<String, List<Instant>> resolutions, List<TimelineEntry> timeline) {
        if (before == null || !before.isOpen() || after.isOpen() || after.resolvedAt() == null) {
            return;
        }
        List<Instant> earlier = resolutions.computeIfAbsent(after.service(), k -> new ArrayList<>());
        engine.postmortem(after, List.copyOf(earlier))
                .ifPresent(d -> timeline.add(TimelineEntry.of(after.resolvedAt(), TimelineEntry.Kind.POSTMORTEM_DUE, d.text())));
        earlier.add(after.resolvedAt());
    }

    /** A wake that changed nothing and asks to be woken at the same instant again would loop forever. */
    private static Optional<Instant> next(Outcome o, Instant at) {
        return o.nextWake().filter(w -> w.isAfter(at) || !o.entries().isEmpty());
    }
}
