package io.tocsin.simulation;

import java.util.List;
import java.util.Map;

/**
 * A "what would happen if" script: events at offsets from a start instant, replayed by the
 * simulator on a virtual clock through the same routing and engine code as the server.
 */
public record Scenario(String name, String description, String start, String runFor, List<ScenarioEvent> events) {
    public Scenario {
        events = events == null ? List.of() : events;
    }

    /**
     * Exactly one action per event, at an offset such as {@code 15m} from the start. {@code clear}
     * means the monitoring source resolved the alert (it stopped firing).
     */
    public record ScenarioEvent(String at, Alert alert, Boolean clear, String acknowledge, String unacknowledge, String resolve,
                                Update update, String severity, String tag, String service, String escalate,
                                Deescalate deescalate, Reassign reassign, String note, EscalationRequest escalationRequest,
                                Role role, String releaseRole, String warRoom, String join, Tick tick,
                                @com.fasterxml.jackson.annotation.JsonProperty("switch") Switch killSwitch) {
    }

    /**
     * {@code by} sets the organisation-wide kill switches, as {@code PUT /api/v1/switches} does:
     * {@code automation} and {@code safe_mode}, each on or off (or true or false); one left out stays as it is.
     */
    public record Switch(String by, String automation, String safeMode) {
    }

    /** Seed 003's escalation request, escalating to the next level (or {@code level}). */
    public record EscalationRequest(String by, String level, String impact, String tried, String why, String ask) {
    }

    /** {@code by} did checklist item {@code item} (1 for the first). */
    public record Tick(String by, Integer item) {
    }

    /** {@code person} takes an incident role. */
    public record Role(String by, String role, String person) {
    }

    /**
     * An alert as a monitoring system sends it. Give {@code severity} (a severity of the organisation)
     * to open directly, or {@code source_severity} and {@code labels} to go through the routing rules.
     */
    public record Alert(String service, String severity, String sourceSeverity, String integration, String summary,
                        Map<String, String> labels) {
        public Alert {
            labels = labels == null ? Map.of() : labels;
        }
    }

    /** A status update; {@code next_update} (like {@code 30m}) promises when the next one comes. */
    public record Update(String by, String status, String message, String impact, String nextUpdate) {
    }

    /** Hand the incident to other people; {@code to} is written like a level's {@code notify} list. */
    public record Reassign(String by, List<io.tocsin.config.OrganisationConfig.Target> to, String reason) {
    }

    public record Deescalate(String by, List<String> keep, String reason) {
        public Deescalate {
            keep = keep == null ? List.of() : keep;
        }
    }
}
