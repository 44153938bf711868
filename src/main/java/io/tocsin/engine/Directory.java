package io.tocsin.engine;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Resolves targets to people at an instant (schedules, teams, roles...), and says which chat channels
 * hear about an incident. Implementations are pure data lookups, so the engine stays a function of its
 * inputs.
 */
public interface Directory {
    /**
     * @param people who to notify, empty when nobody can be reached (e.g. a gap in the schedule)
     * @param description the target in words, for the timeline ("on call in backend/primary")
     */
    record Resolution(List<String> people, String description) {
        public Resolution {
            people = List.copyOf(people);
        }
    }

    Resolution resolve(Target target, IncidentState incident, Instant at);

    /** The chat channels that hear about this incident's moments (its severity's or its routed channel, its service's). */
    default Set<String> chatChannels(IncidentState incident) {
        return Set.of();
    }
}
