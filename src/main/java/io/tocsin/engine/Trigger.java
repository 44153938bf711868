package io.tocsin.engine;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A rule that acts at any time, outside the ladder's order: all set conditions must hold (AND).
 * Each trigger fires at most once per incident.
 */
public record Trigger(String id, Condition on, Action action) {
    public record Condition(String tagAdded, boolean severityRaised, ResponseTarget targetBreached, Duration unacknowledgedFor,
                            Duration unresolvedFor, Duration noUpdateFor, Integer servicesAffected,
                            Set<String> severities, Set<String> tags) {
        public Condition {
            severities = severities == null ? Set.of() : Set.copyOf(severities);
            tags = tags == null ? Set.of() : Set.copyOf(tags);
        }

        /** Conditions that only change with the passing of time, so a timer must wake the incident. */
        boolean isTimed() {
            return targetBreached != null || unacknowledgedFor != null || unresolvedFor != null || noUpdateFor != null;
        }
    }

    public sealed interface Action {
        record SwitchPath(String path) implements Action {
        }

        record AddPath(String path) implements Action {
        }

        record Escalate(int levels) implements Action {
        }

        record GoToLevel(String level) implements Action {
        }

        record Notify(List<io.tocsin.engine.Target> targets) implements Action {
            public Notify {
                targets = List.copyOf(targets);
            }
        }
    }
}
