package io.tocsin.incident;

import io.tocsin.engine.Command;
import io.tocsin.engine.IncidentState;
import io.tocsin.engine.Outcome;
import io.tocsin.engine.TimelineEntry;
import io.tocsin.store.AuditLog;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * The audit log's record of what a person or an integration did to an incident, from whichever
 * interface: the action, the incident as it was and as it is after (status, severity, who acknowledged,
 * who is engaged and assigned, tags, services) and, as detail, what the timeline says happened. Runs in
 * the transaction of the change, so an action is never committed without it.
 */
@Component
public class IncidentAudit {
    private final AuditLog audit;

    public IncidentAudit(AuditLog audit) {
        this.audit = audit;
    }

    void command(long id, Command command, String actor, String via, IncidentState before, Outcome outcome) {
        record(id, action(command), actor, via, before, outcome);
    }

    /** An acknowledge or resolve from a monitoring integration (Events API, Alertmanager, Grafana, a heartbeat). */
    void signal(long id, Signal.Action action, String actor, String via, IncidentState before, Outcome outcome) {
        if (outcome.entries().isEmpty()) {
            return;
        }
        record(id, action == Signal.Action.RESOLVE ? "incident.resolve" : "incident.acknowledge", actor, via, before, outcome);
    }

    private void record(long id, String action, String actor, String via, IncidentState before, Outcome outcome) {
        String detail = outcome.entries().stream().map(TimelineEntry::text).collect(Collectors.joining("\n"));
        audit.record(actor, via, action, "incident/INC-" + id, snapshot(before), snapshot(outcome.state()), detail);
    }

    /** The incident as the audit log keeps it: what an action can change, not the engine's bookkeeping. */
    static Map<String, Object> snapshot(IncidentState s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", s.status().name());
        m.put("severity", s.severity());
        m.put("acknowledged_by", s.acknowledgedBy());
        m.put("engaged", List.copyOf(s.engaged()));
        m.put("assignees", List.copyOf(s.assignees()));
        m.put("tags", List.copyOf(s.tags()));
        m.put("services", List.copyOf(s.services()));
        return m;
    }

    /** incident.acknowledge, incident.note...: the command's name as the API and the CLI spell it. */
    static String action(Command command) {
        String name = command.getClass().getSimpleName();
        return "incident." + switch (name) {
            case "PostUpdate" -> "update";
            case "ChangeSeverity" -> "severity";
            case "AddTags" -> "tag";
            case "AddService" -> "service";
            default -> name.toLowerCase(java.util.Locale.ROOT);
        };
    }
}
