package io.tocsin.api;

import io.tocsin.engine.Command;
import io.tocsin.incident.EventDetails;
import io.tocsin.incident.Incidents;
import io.tocsin.store.EntryRow;
import io.tocsin.store.IncidentRow;
import java.security.Principal;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
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
        /** {@code summary}: the stored one with the sensitive fields masked. */
        static IncidentView of(IncidentRow r, String summary) {
            return new IncidentView(r.number(), r.id(), r.serviceId(), r.dedupKey(), summary, r.severity(), r.status(), r.paging(),
                    r.eventCount(), r.openedAt(), r.acknowledgedAt(), r.resolvedAt());
        }
    }

    record EntryView(Instant at, String kind, String actor, String via, String path, String level, String trigger,
                     List<String> people, String text) {
        static EntryView of(EntryRow e) {
            return new EntryView(e.at(), e.kind(), e.actor(), e.via(), e.path(), e.level(), e.trigger(), e.people(), e.text());
        }
    }

    /** {@code details}: what the event said beyond its summary, structured, sensitive fields redacted (see EventDetails). */
    /** {@code targets}: the severity's response targets as clocks (due, met, state, seconds left or late). */
    record Detail(IncidentView incident, tools.jackson.databind.JsonNode details, List<TargetView> targets,
                  java.util.Map<String, String> roles, io.tocsin.engine.WarRoom warRoom, List<io.tocsin.engine.ChecklistItem> checklist,
                  List<EntryView> timeline) {
    }

    /** {@code text}: the clock in words, local times in the organisation's time zone. */
    record TargetView(String target, String deadline, Instant due, Instant metAt, String state, Long secondsLeft, String text) {
        static TargetView of(io.tocsin.engine.ResponseClocks.Clock c, java.time.ZoneId zone) {
            return new TargetView(c.name(), c.deadline(), c.due(), c.metAt(), c.state().name(),
                    c.left() == null ? null : c.left().getSeconds(), c.describe(zone));
        }
    }

    record ActionAnswer(IncidentView incident, boolean changed, String message) {
    }

    /** {@code impact}, {@code tried}, {@code why}, {@code ask}: seed 003's escalation request, all optional. */
    record EscalateBody(String level, String impact, String tried, String why, String ask) {
        Command.EscalationRequest request() {
            return impact == null && tried == null && why == null && ask == null ? null : new Command.EscalationRequest(impact, tried, why, ask);
        }
    }

    record RoleBody(String role, String person) implements FieldErrors.Checked {
        @java.lang.Override
        public void check(FieldErrors errors) {
            errors.required("role", role);
            errors.required("person", person);
        }
    }

    record WarRoomBody(String reason) {
    }

    record NoteBody(String text) implements FieldErrors.Checked {
        @java.lang.Override
        public void check(FieldErrors errors) {
            errors.required("text", text);
        }
    }

    /** {@code next_update}: when the next update will come, like {@code 30m} (default: the severity's cadence). */
    record UpdateBody(String status, String message, String impact, String nextUpdate) implements FieldErrors.Checked {
        @java.lang.Override
        public void check(FieldErrors errors) {
            errors.required("message", message);
            if (status != null && !UPDATE_STATUSES.contains(status)) {
                errors.add("status", "must be one of " + String.join(", ", new java.util.TreeSet<>(UPDATE_STATUSES))
                        + FieldErrors.suggestion(status, UPDATE_STATUSES));
            }
            if (nextUpdate != null) {
                try {
                    if (io.tocsin.config.Durations.parse(nextUpdate).isZero()) {
                        errors.add("next_update", "must be later than now, like 30m");
                    }
                } catch (IllegalArgumentException e) {
                    errors.add("next_update", e.getMessage());
                }
            }
        }
    }

    record SeverityBody(String severity) implements FieldErrors.Checked {
        @java.lang.Override
        public void check(FieldErrors errors) {
            errors.required("severity", severity);
        }
    }

    record TagsBody(List<String> tags) {
    }

    record DeescalateBody(List<String> keep, String reason) {
    }

    record ServiceBody(String service) implements FieldErrors.Checked {
        @java.lang.Override
        public void check(FieldErrors errors) {
            errors.required("service", service);
        }
    }

    /** {@code to} is written like a level's notify list: [{"person": "x"}], [{"schedule": "s", "layer": "secondary"}]. */
    record ReassignBody(List<io.tocsin.config.OrganisationConfig.Target> to, String reason) {
    }

    /** How many incidents one bulk request acts on at most; a filter matching more answers {@code more: true}. */
    static final int BULK = 500;

    /**
     * Which incidents a bulk acknowledgement or resolution acts on: {@code ids}, or a {@code filter} of
     * open incidents ({@code {}} for every one).
     */
    record BulkBody(List<String> ids, BulkFilter filter) implements FieldErrors.Checked {
        @java.lang.Override
        public void check(FieldErrors errors) {
            if ((ids == null) == (filter == null)) {
                errors.add("ids", "give either ids, like [\"INC-3\", \"INC-4\"], or a filter ({} for every open incident)");
            }
            if (ids != null) {
                if (ids.isEmpty() || ids.size() > BULK) {
                    errors.add("ids", "from 1 to " + BULK + " incident ids");
                }
                for (int i = 0; i < ids.size() && i < BULK; i++) {
                    try {
                        number(ids.get(i) == null ? "" : ids.get(i));
                    } catch (BadRequestException e) {
                        errors.add("ids[" + i + "]", e.getMessage());
                    }
                }
            }
            if (filter != null && filter.status() != null && !List.of("triggered", "acknowledged").contains(filter.status())) {
                errors.add("filter.status", "triggered or acknowledged" + FieldErrors.suggestion(filter.status(), List.of("triggered", "acknowledged")));
            }
        }
    }

    /** Each given field narrows the open incidents acted on, as the same query parameter narrows the list. */
    record BulkFilter(String service, String severity, String status, String team, String q) {
        IncidentFilters.Given given() {
            return new IncidentFilters.Given(one(status), one(severity), one(service), one(team), null, null, q);
        }

        private static List<String> one(String value) {
            return value == null ? null : List.of(value);
        }
    }

    /** {@code outcome}: changed, unchanged (already so; {@code message} says why), not_found or refused. */
    record BulkResult(String id, String outcome, String message) {
    }

    /** One result per incident, in the order acted on; {@code more}: the filter matched more than one request acts on. */
    record BulkAnswer(List<BulkResult> results, int changed, boolean more) {
    }

    static final Set<String> UPDATE_STATUSES = Set.of("investigating", "identified", "monitoring", "resolved");

    private final Incidents incidents;
    private final io.tocsin.incident.IncidentEngine engine;
    private final RequestLimits limits;
    private final io.tocsin.incident.Permissions permissions;

    IncidentsController(Incidents incidents, io.tocsin.incident.IncidentEngine engine, RequestLimits limits,
                        io.tocsin.incident.Permissions permissions) {
        this.incidents = incidents;
        this.engine = engine;
        this.limits = limits;
        this.permissions = permissions;
    }

    private IncidentView view(IncidentRow r) {
        return IncidentView.of(r, EventDetails.summary(r.summary(), r.details(), sensitiveFields()));
    }

    private List<String> sensitiveFields() {
        return engine.organisation().config().notifications().sensitiveFields();
    }

    /**
     * Newest first, filtered (every filter may be repeated or comma-separated: {@code status}
     * triggered, acknowledged, resolved or open; {@code severity}; {@code service}; {@code team};
     * {@code since} and {@code until}, opened in that range, an instant or a date in the organisation's
     * zone; {@code q}, text in the summary, dedup key or number) and paged by cursor
     * ({@code Link: rel="next"}). {@code open=true} is {@code status=open}.
     */
    @GetMapping
    org.springframework.http.ResponseEntity<List<IncidentView>> list(@RequestParam(defaultValue = "false") boolean open, @RequestParam(defaultValue = "100") int limit,
                                            @RequestParam(required = false) List<String> status,
                                            @RequestParam(required = false) List<String> severity,
                                            @RequestParam(required = false) List<String> service,
                                            @RequestParam(required = false) List<String> team,
                                            @RequestParam(required = false) String since, @RequestParam(required = false) String until,
                                            @RequestParam(required = false) String q, @RequestParam(required = false) String cursor,
                                            jakarta.servlet.http.HttpServletRequest request) {
        FieldErrors errors = new FieldErrors();
        int size = Paging.limit(errors, limit);
        Long before = Paging.after(errors, cursor);
        io.tocsin.store.IncidentQuery query = IncidentFilters.read(errors, "",
                new IncidentFilters.Given(open ? concat(status, "open") : status, severity, service, team, since, until, q),
                io.tocsin.store.IncidentQuery.newestFirst(size + 1).before(before), engine.organisation().config());
        errors.throwIfAny();
        List<IncidentRow> rows = incidents.search(query);
        List<String> sensitive = sensitiveFields();
        org.springframework.http.ResponseEntity<List<IncidentRow>> page = Paging.page(rows, size, IncidentRow::id,
                r -> EventDetails.matchesShown(r, q, sensitive), request);
        return org.springframework.http.ResponseEntity.status(page.getStatusCode()).headers(page.getHeaders())
                .body(page.getBody().stream().map(this::view).toList());
    }

    private static List<String> concat(List<String> values, String more) {
        List<String> all = new java.util.ArrayList<>(values == null ? List.of() : values);
        all.add(more);
        return all;
    }

    /**
     * Acknowledges many incidents at once (an alert storm): each goes through the same engine command as
     * {@code POST /{id}/acknowledge}, in its own transaction, and is reported on its own.
     */
    @PostMapping("/acknowledge")
    BulkAnswer acknowledgeMany(@RequestBody BulkBody body, Principal who) {
        return bulk(body, Command.Acknowledge::new, who);
    }

    /** Resolves many incidents at once, each as {@code POST /{id}/resolve} does. */
    @PostMapping("/resolve")
    BulkAnswer resolveMany(@RequestBody BulkBody body, Principal who) {
        return bulk(body, Command.Resolve::new, who);
    }

    private BulkAnswer bulk(BulkBody body, java.util.function.Function<String, Command> command, Principal who) {
        String actor = FromHeader.actor(who);
        List<String> ids;
        boolean more = false;
        if (body.ids() != null) {
            ids = List.copyOf(new LinkedHashSet<>(body.ids()));
        } else {
            BulkFilter f = body.filter();
            FieldErrors errors = new FieldErrors();
            // Only open incidents are acted on, oldest first: the storm's beginning is worked through first.
            io.tocsin.store.IncidentQuery query = IncidentFilters.read(errors, "filter.", f.given(),
                    io.tocsin.store.IncidentQuery.newestFirst(BULK + 1).withStatuses(io.tocsin.store.IncidentQuery.OPEN).fromOldest(),
                    engine.organisation().config());
            errors.throwIfAny();
            List<String> sensitive = sensitiveFields();
            List<IncidentRow> read = incidents.search(query);
            more = read.size() > BULK;
            List<IncidentRow> rows = read.stream().limit(BULK).filter(r -> EventDetails.matchesShown(r, f.q(), sensitive)).toList();
            ids = rows.stream().limit(BULK).map(IncidentRow::number).toList();
        }
        List<BulkResult> results = new java.util.ArrayList<>();
        int changed = 0;
        io.tocsin.store.ApiTokenStore.Issued caller = ApiSecurity.asking(who);
        for (String id : ids) {
            try {
                Optional<IncidentRow> row = incidents.find(number(id));
                Optional<io.tocsin.incident.Permissions.Refusal> refusal = row.flatMap(x -> permissions.toRespond(caller, x));
                if (refusal.isPresent()) {
                    // another team's incident among the ones asked for: refused alone, as the single endpoint would
                    results.add(new BulkResult(row.get().number(), "refused", refusal.get().message()));
                    continue;
                }
                Optional<Incidents.CommandResult> r = incidents.command(number(id), command.apply(actor), actor, "api");
                String number = r.map(x -> x.incident().number()).orElse(id);
                if (r.isEmpty()) {
                    results.add(new BulkResult(id, "not_found", "no incident " + id));
                } else if (r.get().changed()) {
                    changed++;
                    results.add(new BulkResult(number, "changed", r.get().message()));
                } else {
                    results.add(new BulkResult(number, "unchanged", r.get().message()));
                }
            } catch (BadRequestException | ConflictException | NotFoundException e) {
                // the same refusal the single endpoint would answer, for this incident alone
                results.add(new BulkResult(id, "refused", e.getMessage()));
            }
        }
        return new BulkAnswer(results, changed, more);
    }

    @GetMapping("/{id}")
    Detail get(@PathVariable String id) {
        long n = number(id);
        IncidentRow row = incidents.find(n).orElseThrow(() -> new NotFoundException("no incident " + id));
        EventDetails details = EventDetails.of(row.details(), sensitiveFields());
        java.time.ZoneId zone = engine.organisation().zone();
        List<TargetView> targets = incidents.clocks(row).stream().map(c -> TargetView.of(c, zone)).toList();
        io.tocsin.engine.IncidentState state = incidents.readableState(row).orElse(null);
        return new Detail(IncidentView.of(row, details.text(row.summary())), details.structured(), targets,
                state == null ? java.util.Map.of() : state.roles(), state == null ? null : state.warRoom(),
                state == null ? List.of() : state.checklist(), incidents.timeline(n).stream().map(EntryView::of).toList());
    }

    /** One message the incident sent: a page or notice to a person, or a chat post, and the step of the policy that sent it. */
    record MessageView(String kind, String recipient, Instant at, String cause, String path, String level, String trigger, String text,
                       String status) {
        static MessageView of(io.tocsin.store.IncidentStore.MessageRow m) {
            return new MessageView(m.kind(), m.recipient(), m.at(), m.cause(), m.path(), m.level(), m.trigger(), m.text(), m.status());
        }
    }

    /** Every page, notice and chat post the incident sent, oldest first; its deliveries say how each went out. */
    @GetMapping("/{id}/messages")
    List<MessageView> messages(@PathVariable String id) {
        long n = number(id);
        incidents.find(n).orElseThrow(() -> new NotFoundException("no incident " + id));
        return incidents.messages(n).stream().map(MessageView::of).toList();
    }

    @PostMapping("/{id}/acknowledge")
    ActionAnswer acknowledge(@PathVariable String id, Principal who) {
        return run(id, new Command.Acknowledge(FromHeader.actor(who)), who);
    }

    @PostMapping("/{id}/unacknowledge")
    ActionAnswer unacknowledge(@PathVariable String id, Principal who) {
        return run(id, new Command.Unacknowledge(FromHeader.actor(who)), who);
    }

    @PostMapping("/{id}/resolve")
    ActionAnswer resolve(@PathVariable String id, Principal who) {
        return run(id, new Command.Resolve(FromHeader.actor(who)), who);
    }

    @PostMapping("/{id}/escalate")
    ActionAnswer escalate(@PathVariable String id, @RequestBody(required = false) EscalateBody body, Principal who) {
        String level = body == null ? null : body.level();
        if (level != null) {
            requireLevel(number(id), level);
        }
        return run(id, new Command.Escalate(FromHeader.actor(who), level, body == null ? null : body.request()), who);
    }

    @PostMapping("/{id}/notes")
    ActionAnswer note(@PathVariable String id, @RequestBody NoteBody body, Principal who) {
        String text = limits.text("text", RequestValues.required("text", body == null ? null : body.text()));
        return run(id, new Command.Note(FromHeader.actor(who), text), who);
    }

    @PostMapping("/{id}/updates")
    ActionAnswer update(@PathVariable String id, @RequestBody UpdateBody body, Principal who) {
        // status, message and next_update were checked as the body was read (UpdateBody.check)
        String message = limits.text("message", body.message());
        java.time.Duration next = body.nextUpdate() == null ? null : io.tocsin.config.Durations.parse(body.nextUpdate());
        return run(id, new Command.PostUpdate(FromHeader.actor(who), body.status(), message, body.impact(), next), who);
    }

    @PostMapping("/{id}/severity")
    ActionAnswer severity(@PathVariable String id, @RequestBody SeverityBody body, Principal who) {
        String severity = RequestValues.required("severity", body == null ? null : body.severity());
        FieldErrors errors = new FieldErrors();
        errors.known("severity", "severity", severity, engine.organisation().config().severities().stream()
                .map(io.tocsin.config.OrganisationConfig.Severity::id).toList());
        errors.throwIfAny();
        return run(id, new Command.ChangeSeverity(FromHeader.actor(who), severity), who);
    }

    @PostMapping("/{id}/tags")
    ActionAnswer tags(@PathVariable String id, @RequestBody TagsBody body, Principal who) {
        if (body == null || body.tags() == null || body.tags().isEmpty() || body.tags().stream().anyMatch(t -> t == null || t.isBlank())) {
            throw new BadRequestException("tags", "a non-empty list of tags is required");
        }
        for (int i = 0; i < body.tags().size(); i++) {
            RequestLimits.length("tags[" + i + "]", body.tags().get(i), RequestLimits.TAG, null);
        }
        Set<String> tags = new LinkedHashSet<>(body.tags());
        // An incident's tags travel in its state and every timeline read: keep their number bounded.
        incidents.find(number(id)).map(incidents::state).ifPresent(s -> {
            Set<String> all = new LinkedHashSet<>(s.tags());
            all.addAll(tags);
            if (all.size() > limits.tags()) {
                throw new BadRequestException("tags", "an incident carries at most " + limits.tags() + " tags (tocsin.limits.tags); it has "
                        + s.tags().size() + " and these would make " + all.size());
            }
        });
        if (tags.size() > limits.tags()) {
            throw new BadRequestException("tags", "at most " + limits.tags() + " tags (tocsin.limits.tags), got " + tags.size());
        }
        return run(id, new Command.AddTags(FromHeader.actor(who), tags), who);
    }

    /** {@code person} takes an incident role (handed over from whoever held it). */
    @PostMapping("/{id}/roles")
    ActionAnswer assignRole(@PathVariable String id, @RequestBody(required = false) RoleBody body,
                            Principal who) {
        String role = knownRole(RequestValues.required("role", body == null ? null : body.role()));
        String person = RequestValues.required("person", body.person());
        if (!engine.organisation().people().containsKey(person)) {
            throw new BadRequestException("person", "no person \"" + person + "\" in the organisation"
                    + io.tocsin.config.DidYouMean.closest(person, engine.organisation().people().keySet())
                    .map(s -> " (did you mean \"" + s + "\"?)").orElse(""));
        }
        return run(id, new Command.AssignRole(FromHeader.actor(who), role, person), who);
    }

    @PostMapping("/{id}/roles/{role}/release")
    ActionAnswer releaseRole(@PathVariable String id, @PathVariable String role, Principal who) {
        return run(id, new Command.ReleaseRole(FromHeader.actor(who), knownRole(role)), who);
    }

    /** Opens the war room by hand; the organisation's war-room roles are paged. */
    @PostMapping("/{id}/war-room")
    ActionAnswer declareWarRoom(@PathVariable String id, @RequestBody(required = false) WarRoomBody body,
                                Principal who) {
        return run(id, new Command.DeclareWarRoom(FromHeader.actor(who), body == null ? null : body.reason()), who);
    }

    /** The person of a personal token (or a person's session) joined the war room. */
    @PostMapping("/{id}/war-room/join")
    ActionAnswer joinWarRoom(@PathVariable String id, Principal who) {
        if (ApiSecurity.asking(who).kind() != io.tocsin.store.ApiTokenStore.Kind.PERSON) {
            // only a person joins, and the caller is who acts: the admin or a service token has no person to record
            throw new ForbiddenException("Authorization", "a person joins the war room with their own personal token "
                    + "(tocsin token create NAME --person PERSON), not the admin or a service token");
        }
        return run(id, new Command.JoinWarRoom(FromHeader.actor(who)), who);
    }

    /** Item {@code n} (1 for the first) of the incident's checklist is done. */
    @PostMapping("/{id}/checklist/{n}/tick")
    ActionAnswer tick(@PathVariable String id, @PathVariable String n, Principal who) {
        long number = number(id);
        int item;
        try {
            item = Integer.parseInt(n);
        } catch (NumberFormatException e) {
            throw new BadRequestException("n", "an item number, 1 for the first");
        }
        IncidentRow row = incidents.find(number).orElseThrow(() -> new NotFoundException("no incident " + id));
        int size = incidents.readableState(row).map(s -> s.checklist().size()).orElse(0);
        if (item < 1 || item > size) {
            throw new BadRequestException("n", size == 0 ? "this incident has no checklist" : "an item from 1 to " + size);
        }
        return run(id, new Command.TickChecklist(FromHeader.actor(who), item), who);
    }

    private String knownRole(String role) {
        java.util.Set<String> roles = engine.organisation().incidentRoles();
        if (!roles.contains(role)) {
            throw new BadRequestException("role", "unknown incident role \"" + role + "\" (roles: " + String.join(", ", roles) + ")");
        }
        return role;
    }

    /** Another service is affected by the incident (seed 004: "multiple services affected simultaneously" can escalate). */
    @PostMapping("/{id}/services")
    ActionAnswer addService(@PathVariable String id, @RequestBody(required = false) ServiceBody body,
                            Principal who) {
        String service = RequestValues.required("service", body == null ? null : body.service());
        var services = engine.organisation().config().services().stream().map(io.tocsin.config.OrganisationConfig.Service::id).toList();
        if (!services.contains(service)) {
            throw new BadRequestException("service", "no service \"" + service + "\" in the organisation"
                    + io.tocsin.config.DidYouMean.closest(service, services).map(s -> " (did you mean \"" + s + "\"?)").orElse(""));
        }
        return run(id, new Command.AddService(FromHeader.actor(who), service), who);
    }

    @PostMapping("/{id}/reassign")
    ActionAnswer reassign(@PathVariable String id, @RequestBody(required = false) ReassignBody body,
                          Principal who) {
        if (body != null && body.to() != null && body.to().size() > RequestLimits.TARGETS) {
            throw new BadRequestException("to", "at most " + RequestLimits.TARGETS + " targets, got " + body.to().size());
        }
        String reason = limits.reason("reason", body == null ? null : body.reason());
        List<io.tocsin.engine.Target> to;
        try {
            to = io.tocsin.config.TargetSpecs.resolve(engine.organisation(), body == null ? null : body.to(), "to");
        } catch (io.tocsin.config.TargetSpecs.Invalid invalid) {
            throw new BadRequestException(invalid.field(), invalid.getMessage());
        }
        return run(id, new Command.Reassign(FromHeader.actor(who), to, reason), who);
    }

    @PostMapping("/{id}/deescalate")
    ActionAnswer deescalate(@PathVariable String id, @RequestBody(required = false) DeescalateBody body, Principal who) {
        Set<String> keep = body == null || body.keep() == null ? Set.of() : new LinkedHashSet<>(body.keep());
        // A misspelt name would silently release the person meant to stay.
        List<String> listed = body == null || body.keep() == null ? List.of() : body.keep();
        if (listed.size() > RequestLimits.KEEP) {
            throw new BadRequestException("keep", "at most " + RequestLimits.KEEP + " people, got " + listed.size());
        }
        String reason = limits.reason("reason", body == null ? null : body.reason());
        for (int i = 0; i < listed.size(); i++) {
            String p = listed.get(i);
            if (p == null || !engine.organisation().people().containsKey(p)) {
                throw new BadRequestException("keep[" + i + "]", "no person \"" + p + "\" in the organisation");
            }
        }
        return run(id, new Command.Deescalate(FromHeader.actor(who), keep, reason), who);
    }

    /**
     * The engine ignores a level its policy does not have, which would record an escalation that paged
     * nobody; refuse it instead. An unknown incident is left for {@link #run} to answer 404.
     */
    private void requireLevel(long n, String level) {
        IncidentRow row = incidents.find(n).orElse(null);
        if (row == null) {
            return;
        }
        var config = engine.organisation().config();
        String policy = config.services().stream().filter(s -> s.id().equals(row.serviceId())).findFirst()
                .map(io.tocsin.config.OrganisationConfig.Service::escalationPolicy).orElse(null);
        List<String> levels = config.escalationPolicies().stream().filter(p -> p.id().equals(policy))
                .flatMap(p -> p.paths().stream()).flatMap(p -> p.levels().stream())
                .map(io.tocsin.config.OrganisationConfig.Level::id).distinct().toList();
        if (!levels.contains(level)) {
            throw new BadRequestException("level", "no level \"" + level + "\" in escalation policy " + policy
                    + " (levels: " + String.join(", ", levels) + ")");
        }
    }

    /**
     * Every action on one incident ({@code POST /{id}/...}) is refused before its body is looked at when
     * the caller may not work the incident: a refusal says so, not what was wrong with the request.
     */
    @org.springframework.web.bind.annotation.ModelAttribute
    void mayWork(jakarta.servlet.http.HttpServletRequest request, @PathVariable(required = false) String id, Principal who) {
        if (id != null && "POST".equals(request.getMethod())) {
            requireToRespond(incidents, permissions, id, who);
        }
    }

    private ActionAnswer run(String id, Command command, Principal who) {
        Incidents.CommandResult r = incidents.command(number(id), command, FromHeader.actor(who), "api")
                .orElseThrow(() -> new NotFoundException("no incident " + id));
        return new ActionAnswer(view(r.incident()), r.changed(), r.message());
    }

    /** The incident exists (else 404) and the caller may work it ({@link io.tocsin.incident.Permissions}, else 403). */
    static void requireToRespond(Incidents incidents, io.tocsin.incident.Permissions permissions, String id, Principal who) {
        IncidentRow row = incidents.find(number(id)).orElseThrow(() -> new NotFoundException("no incident " + id));
        permissions.requireToRespond(ApiSecurity.asking(who), row);
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
