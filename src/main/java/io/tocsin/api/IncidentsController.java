package io.tocsin.api;

import io.tocsin.engine.Command;
import io.tocsin.incident.Incidents;
import io.tocsin.store.EntryRow;
import io.tocsin.store.IncidentRow;
import java.security.Principal;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Incidents and every action on them; the CLI and UI go through the same engine path. */
@RestController
@RequestMapping("/api/v1/incidents")
class IncidentsController {
    record IncidentView(String id, long number, String service, String dedupKey, String summary, String severity, String status, String paging,
                        long eventCount, Instant openedAt, Instant acknowledgedAt, Instant resolvedAt) {
        static IncidentView of(IncidentRow r) {
            return new IncidentView(r.number(), r.id(), r.serviceId(), r.dedupKey(), r.summary(), r.severity(), r.status(), r.paging(),
                    r.eventCount(), r.openedAt(), r.acknowledgedAt(), r.resolvedAt());
        }
    }

    record EntryView(Instant at, String kind, String actor, String via, String path, String level, String trigger,
                     List<String> people, String text) {
        static EntryView of(EntryRow e) {
            return new EntryView(e.at(), e.kind(), e.actor(), e.via(), e.path(), e.level(), e.trigger(), e.people(), e.text());
        }
    }

    record Detail(IncidentView incident, List<EntryView> timeline) {
    }

    record ActionAnswer(IncidentView incident, boolean changed, String message) {
    }

    record EscalateBody(String level) {
    }

    record NoteBody(String text) {
    }

    record UpdateBody(String status, String message) {
    }

    record SeverityBody(String severity) {
    }

    record TagsBody(List<String> tags) {
    }

    record DeescalateBody(List<String> keep, String reason) {
    }

    static final Set<String> UPDATE_STATUSES = Set.of("investigating", "identified", "monitoring", "resolved");

    private final Incidents incidents;
    private final io.tocsin.incident.IncidentEngine engine;

    IncidentsController(Incidents incidents, io.tocsin.incident.IncidentEngine engine) {
        this.incidents = incidents;
        this.engine = engine;
    }

    @GetMapping
    List<IncidentView> list(@RequestParam(defaultValue = "false") boolean open, @RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > 1000) {
            throw new BadRequestException("limit", "must be between 1 and 1000");
        }
        return incidents.list(open, limit).stream().map(IncidentView::of).toList();
    }

    @GetMapping("/{id}")
    Detail get(@PathVariable String id) {
        long n = number(id);
        IncidentRow row = incidents.find(n).orElseThrow(() -> new NotFoundException("no incident " + id));
        return new Detail(IncidentView.of(row), incidents.timeline(n).stream().map(EntryView::of).toList());
    }

    @PostMapping("/{id}/acknowledge")
    ActionAnswer acknowledge(@PathVariable String id, Principal who) {
        return run(id, new Command.Acknowledge(who.getName()), who);
    }

    @PostMapping("/{id}/unacknowledge")
    ActionAnswer unacknowledge(@PathVariable String id, Principal who) {
        return run(id, new Command.Unacknowledge(who.getName()), who);
    }

    @PostMapping("/{id}/resolve")
    ActionAnswer resolve(@PathVariable String id, Principal who) {
        return run(id, new Command.Resolve(who.getName()), who);
    }

    @PostMapping("/{id}/escalate")
    ActionAnswer escalate(@PathVariable String id, @RequestBody(required = false) EscalateBody body, Principal who) {
        return run(id, new Command.Escalate(who.getName(), body == null ? null : body.level()), who);
    }

    @PostMapping("/{id}/notes")
    ActionAnswer note(@PathVariable String id, @RequestBody NoteBody body, Principal who) {
        String text = RequestValues.required("text", body == null ? null : body.text());
        return run(id, new Command.Note(who.getName(), text), who);
    }

    @PostMapping("/{id}/updates")
    ActionAnswer update(@PathVariable String id, @RequestBody UpdateBody body, Principal who) {
        String message = RequestValues.required("message", body == null ? null : body.message());
        if (body.status() != null && !UPDATE_STATUSES.contains(body.status())) {
            throw new BadRequestException("status", "must be one of " + String.join(", ", UPDATE_STATUSES));
        }
        return run(id, new Command.PostUpdate(who.getName(), body.status(), message), who);
    }

    @PostMapping("/{id}/severity")
    ActionAnswer severity(@PathVariable String id, @RequestBody SeverityBody body, Principal who) {
        String severity = RequestValues.required("severity", body == null ? null : body.severity());
        if (engine.organisation().config().severities().stream().noneMatch(s -> s.id().equals(severity))) {
            throw new BadRequestException("severity", "unknown severity \"" + severity + "\"");
        }
        return run(id, new Command.ChangeSeverity(who.getName(), severity), who);
    }

    @PostMapping("/{id}/tags")
    ActionAnswer tags(@PathVariable String id, @RequestBody TagsBody body, Principal who) {
        if (body == null || body.tags() == null || body.tags().isEmpty() || body.tags().stream().anyMatch(t -> t == null || t.isBlank())) {
            throw new BadRequestException("tags", "a non-empty list of tags is required");
        }
        return run(id, new Command.AddTags(who.getName(), new LinkedHashSet<>(body.tags())), who);
    }

    @PostMapping("/{id}/deescalate")
    ActionAnswer deescalate(@PathVariable String id, @RequestBody(required = false) DeescalateBody body, Principal who) {
        Set<String> keep = body == null || body.keep() == null ? Set.of() : Set.copyOf(body.keep());
        return run(id, new Command.Deescalate(who.getName(), keep, body == null ? null : body.reason()), who);
    }

    private ActionAnswer run(String id, Command command, Principal who) {
        Incidents.CommandResult r = incidents.command(number(id), command, who.getName(), "api")
                .orElseThrow(() -> new NotFoundException("no incident " + id));
        return new ActionAnswer(IncidentView.of(r.incident()), r.changed(), r.message());
    }

    static long number(String id) {
        String digits = id.regionMatches(true, 0, "INC-", 0, 4) ? id.substring(4) : id;
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new BadRequestException("id", "an incident id looks like INC-42 or 42");
        }
    }
}
