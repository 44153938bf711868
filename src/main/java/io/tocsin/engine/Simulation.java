package io.tocsin.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Replays a scenario on a virtual clock through the same engine the server runs: timers fire exactly
 * at their instants, interleaved with the scenario's events in time order.
 */
public final class Simulation {
    public sealed interface Event {
        Instant at();
    }

    /** {@code sustainedFor} (null: page at once) as the router decided it. */
    public record Open(Instant at, String incidentId, String service, String policy, String severity, Set<String> tags,
                       java.time.Duration sustainedFor) implements Event {
        public Open(Instant at, String incidentId, String service, String policy, String severity, Set<String> tags) {
            this(at, incidentId, service, policy, severity, tags, null);
        }
    }

    public record Apply(Instant at, Command command) implements Event {
    }

    public record Result(List<TimelineEntry> timeline, Optional<IncidentState> finalState) {
    }

    private Simulation() {
    }

    public static Result run(EscalationEngine engine, List<Event> events, Instant until) {
        List<Event> ordered = new ArrayList<>(events);
        ordered.sort(Comparator.comparing(Event::at));
        List<TimelineEntry> timeline = new ArrayList<>();
        IncidentState state = null;
        Optional<Instant> wake = Optional.empty();
        for (Event event : ordered) {
            while (state != null && wake.isPresent() && !wake.get().isAfter(event.at())) {
                Instant at = wake.get();
                Outcome o = engine.apply(state, new Command.Wake(), at);
                timeline.addAll(o.entries());
                state = o.state();
                wake = next(o, at);
            }
            Outcome o;
            if (event instanceof Open open) {
                if (state != null && state.isOpen()) {
                    o = engine.apply(state, new Command.Retrigger(), open.at());
                } else {
                    o = engine.open(open.incidentId(), open.service(), open.policy(), open.severity(), open.tags(), open.sustainedFor(),
                            open.at());
                }
            } else if (state == null) {
                continue;
            } else {
                o = engine.apply(state, ((Apply) event).command(), event.at());
            }
            timeline.addAll(o.entries());
            state = o.state();
            wake = o.nextWake();
        }
        while (state != null && wake.isPresent() && !wake.get().isAfter(until)) {
            Instant at = wake.get();
            Outcome o = engine.apply(state, new Command.Wake(), at);
            timeline.addAll(o.entries());
            state = o.state();
            wake = next(o, at);
        }
        return new Result(timeline, Optional.ofNullable(state));
    }

    /** A wake that changed nothing and asks to be woken at the same instant again would loop forever. */
    private static Optional<Instant> next(Outcome o, Instant at) {
        return o.nextWake().filter(w -> w.isAfter(at) || !o.entries().isEmpty());
    }
}
