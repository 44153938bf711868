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

    /**
     * Manual escalation: to the next level, or to a named level; {@code request} (may be null) is seed
     * 003's escalation request, which the timeline and the notices carry.
     */
    record Escalate(String by, String level, EscalationRequest request) implements Command {
        public Escalate(String by, String level) {
            this(by, level, null);
        }
    }

    /** Seed 003's escalation message: the impact now, what has been tried, why escalate, and the specific ask. */
    record EscalationRequest(String impact, String tried, String why, String ask) {
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

    /** {@code person} takes incident role {@code role} (commander, ops lead...), handed over from whoever held it. */
    record AssignRole(String by, String role, String person) implements Command {
    }

    record ReleaseRole(String by, String role) implements Command {
    }

    /** A war room opened by hand, with why. */
    record DeclareWarRoom(String by, String reason) implements Command {
    }

    /** {@code by} joined the war room. */
    record JoinWarRoom(String by) implements Command {
    }

    /** {@code by} did checklist item {@code item} (1 for the first). */
    record TickChecklist(String by, int item) implements Command {
    }
}
