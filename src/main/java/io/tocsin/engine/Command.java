package io.tocsin.engine;

import java.util.List;
import java.util.Set;

/** What can happen to an open incident, from any interface; {@link Wake} is a timer coming due. */
public sealed interface Command {
    /** Who gives the command (a person, an integration); null for a timer or a source firing again. */
    default String by() {
        return null;
    }

    record Wake() implements Command {
    }

    record Acknowledge(String by) implements Command {
    }

    record Unacknowledge(String by) implements Command {
    }

    record Resolve(String by) implements Command {
    }

    /** The source fired again for the same dedup key while the incident is open. */
    record Retrigger() implements Command {
    }

    /**
     * A status update: its status (investigating, identified, monitoring, resolved), message, impact, and
     * when the next one will come ({@code nextIn}, null: the severity's cadence says).
     */
    record PostUpdate(String by, String status, String message, String impact, java.time.Duration nextIn) implements Command {
        public PostUpdate(String by, String status, String message) {
            this(by, status, message, null, null);
        }
    }

    record ChangeSeverity(String by, String severity) implements Command {
    }

    record AddTags(String by, Set<String> tags) implements Command {
    }

    record AddService(String by, String service) implements Command {
    }

    /** Manual escalation: to the next level, or to a named level. */
    record Escalate(String by, String level) implements Command {
    }

    /** Release everyone engaged except {@code keep}; the ladder stops where it is. */
    record Deescalate(String by, Set<String> keep, String reason) implements Command {
    }

    /**
     * Hand the incident to other people: they are paged now, the incident goes back to triggered
     * (the new assignees have not acknowledged it) and the ladder keeps running behind them.
     */
    record Reassign(String by, List<Target> to, String reason) implements Command {
        public Reassign {
            to = List.copyOf(to);
        }
    }

    record Note(String by, String text) implements Command {
    }
}
