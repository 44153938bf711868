package io.tocsin.web;

import io.tocsin.engine.Command;
import io.tocsin.engine.IncidentState;
import io.tocsin.incident.EventDetails;
import io.tocsin.incident.IncidentEngine;
import io.tocsin.incident.Incidents;
import io.tocsin.store.EntryRow;
import io.tocsin.store.IncidentRow;
import jakarta.servlet.http.HttpServletResponse;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The open incidents and one incident with its actions. Every action goes through
 * {@link Incidents#command} like the API's and the CLI's, with the signed-in person as the actor and
 * "ui" as the interface, so the timeline says who pressed the button and where.
 */
@Controller
@RequestMapping("/ui")
class IncidentPages {
    record IncidentLine(long id, String number, String severity, String service, String summary, String status,
                        String opened, String ago, String acknowledgedBy) {
    }

    /**
     * One timeline entry. A delivery's report ({@code DELIVERED}, {@code DELIVERY_*}) is folded away by
     * default: a page to three people makes many of them and the decisions disappear between them.
     * {@code byPerson}: done by someone, not by Tocsin on its own (its entries' actor is "tocsin").
     */
    record EntryLine(String at, String kind, String actor, String via, String text) {
        boolean delivery() {
            return kind.startsWith("DELIVER");
        }

        boolean byPerson() {
            return actor != null && !actor.equals("tocsin");
        }
    }

    /** Which entries the timeline shows: everything (deliveries folded), what people did, or the deliveries alone. */
    enum TimelineView {
        ALL, PEOPLE, DELIVERIES;

        static TimelineView of(String show) {
            return show == null ? ALL : switch (show) {
                case "people" -> PEOPLE;
                case "deliveries" -> DELIVERIES;
                default -> ALL;
            };
        }

        boolean shows(EntryLine e) {
            return switch (this) {
                case ALL -> !e.delivery();
                case PEOPLE -> e.byPerson();
                case DELIVERIES -> e.delivery();
            };
        }
    }

    /** One detail of the event, like {@code customer.tier: gold}. */
    record DetailLine(String key, String value) {
    }

    /** What the event said beyond its summary, sensitive fields redacted; a link without href is shown as text. */
    record IncidentDetail(IncidentLine incident, boolean open, List<String> engaged, List<DetailLine> details,
                          List<EventDetails.Link> links, List<TargetLine> targets, List<EntryLine> timeline,
                          List<ReportPages.SwitchLine> switches, PostmortemLine postmortem) {
    }

    /** The postmortem in one line on the incident page: status, owner, deadline; null when there is none. */
    record PostmortemLine(String status, String owner, String due) {
    }

    /** One section of a postmortem on its page. */
    record SectionLine(String key, String heading, String text) {
    }

    record ActionLine(String text, String owner, String due, boolean done) {
    }

    /** A response target as a clock: "acknowledge 15m: 12m left (due Wed 10:15)". */
    record TargetLine(String name, String deadline, String state, String text) {
    }

    /** Times in the viewer's zone, named (PageModel.Viewer). */
    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm zzz", java.util.Locale.ENGLISH);
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss zzz", java.util.Locale.ENGLISH);
    private static final int LIST_LIMIT = 200;

    private final Incidents incidents;
    private final IncidentEngine engine;
    private final Clock clock;
    private final io.tocsin.incident.KillSwitches switches;
    private final io.tocsin.incident.Postmortems postmortems;
    private final io.tocsin.incident.Permissions permissions;
    private final io.tocsin.store.ApiTokenStore tokens;

    IncidentPages(Incidents incidents, IncidentEngine engine, Clock clock, io.tocsin.incident.KillSwitches switches,
                  io.tocsin.incident.Postmortems postmortems, io.tocsin.incident.Permissions permissions,
                  io.tocsin.store.ApiTokenStore tokens) {
        this.permissions = permissions;
        this.tokens = tokens;
        this.incidents = incidents;
        this.engine = engine;
        this.clock = clock;
        this.switches = switches;
        this.postmortems = postmortems;
    }

    /**
     * What the dashboard shows: every field blank means everything. {@code q} matches the number or the
     * summary as shown (sensitive values redacted, so a search cannot find what the page would hide).
     */
    record Filter(String status, String severity, String service, String team, String q) {
        Filter {
            status = trimmed(status);
            severity = trimmed(severity);
            service = trimmed(service);
            team = trimmed(team);
            q = trimmed(q);
        }

        private static String trimmed(String value) {
            return value == null || value.isBlank() ? null : value.strip();
        }

        public boolean any() {
            return status != null || severity != null || service != null || team != null || q != null;
        }
    }

    /** One open incident on the dashboard: its line, who is engaged, and its response-target clocks. */
    record BoardLine(IncidentLine incident, String engaged, List<TargetLine> targets) {
    }

    /** The open incidents of one severity, in the organisation's order of severities. */
    record SeverityGroup(String id, String name, List<BoardLine> incidents) {
    }

    /** How many resolved incidents matching the filter the history reads, and how many of them it shows. */
    static final int HISTORY_SCAN = 1000;
    static final int HISTORY_SHOWN = 100;

    @GetMapping({"", "/"})
    String list(Filter filter, Model model) {
        board(filter, model);
        model.addAttribute("choices", choices());
        return "ui/incidents";
    }

    /** The board alone, with the same filter, which the page fetches again every 15 seconds. */
    @GetMapping("/fragments/open-incidents")
    String listFragment(Filter filter, Model model) {
        board(filter, model);
        return "ui/incidents :: list";
    }

    /** Resolved incidents, newest first, searched like the dashboard. */
    @GetMapping("/history")
    String history(Filter filter, Model model) {
        ZoneId zone = zone();
        Instant now = clock.instant();
        List<String> sensitive = sensitiveFields();
        List<IncidentRow> resolved = incidents.search(query(new Filter("RESOLVED", filter.severity(), filter.service(), filter.team(),
                        filter.q()), HISTORY_SCAN)).stream()
                .filter(r -> EventDetails.matchesShown(r, filter.q(), sensitive))
                .limit(HISTORY_SHOWN).toList();
        model.addAttribute("filter", filter);
        model.addAttribute("choices", choices());
        model.addAttribute("incidents", resolved.stream().map(r -> line(r, zone, now)).toList());
        model.addAttribute("resolvedAt", resolved.stream().collect(java.util.stream.Collectors.toMap(IncidentRow::id,
                r -> r.resolvedAt() == null ? "" : MINUTES.format(r.resolvedAt().atZone(zone)))));
        model.addAttribute("scanned", HISTORY_SCAN);
        return "ui/history";
    }

    /** The values the filters offer, from the organisation's configuration. */
    private Map<String, List<String>> choices() {
        var c = engine.organisation().config();
        return Map.of("severities", c.severities().stream().map(io.tocsin.config.OrganisationConfig.Severity::id).toList(),
                "services", c.services().stream().map(io.tocsin.config.OrganisationConfig.Service::id).toList(),
                "teams", c.teams().stream().map(io.tocsin.config.OrganisationConfig.Team::id).toList(),
                "statuses", List.of("TRIGGERED", "ACKNOWLEDGED"));
    }

    private void board(Filter filter, Model model) {
        ZoneId zone = zone();
        Instant now = clock.instant();
        List<String> sensitive = sensitiveFields();
        Map<String, List<BoardLine>> bySeverity = new java.util.LinkedHashMap<>();
        int count = 0;
        for (IncidentRow r : incidents.search(query(filter, LIST_LIMIT))) {
            if (!EventDetails.matchesShown(r, filter.q(), sensitive)) {
                continue;
            }
            IncidentState state = incidents.state(r);
            List<TargetLine> targets = incidents.clocks(r).stream()
                    .map(c -> new TargetLine(c.name(), c.deadline(), c.state().name().toLowerCase(java.util.Locale.ROOT), c.describe(zone)))
                    .toList();
            bySeverity.computeIfAbsent(r.severity(), k -> new java.util.ArrayList<>())
                    .add(new BoardLine(line(r, zone, now), String.join(", ", state.engaged()), targets));
            count++;
        }
        List<SeverityGroup> groups = new java.util.ArrayList<>();
        for (var severity : engine.organisation().config().severities()) {
            List<BoardLine> lines = bySeverity.remove(severity.id());
            if (lines != null) {
                groups.add(new SeverityGroup(severity.id(), severity.name(), lines));
            }
        }
        // a severity a later configuration removed still shows, after the known ones
        bySeverity.forEach((id, lines) -> groups.add(new SeverityGroup(id, null, lines)));
        model.addAttribute("groups", groups);
        model.addAttribute("count", count);
        model.addAttribute("filter", filter);
    }

    /**
     * The dashboard's filter as the one incident query every list shares (IncidentQuery): open incidents
     * unless a status is chosen, newest first. A value no dropdown offers (a hand-made address) matches
     * nothing rather than everything.
     */
    private io.tocsin.store.IncidentQuery query(Filter f, int limit) {
        io.tocsin.store.IncidentQuery q = io.tocsin.store.IncidentQuery.newestFirst(limit).withStatuses(io.tocsin.store.IncidentQuery.OPEN);
        if (f.status() != null) {
            java.util.Optional<io.tocsin.engine.IncidentStatus> status = java.util.Arrays.stream(io.tocsin.engine.IncidentStatus.values())
                    .filter(st -> st.name().equalsIgnoreCase(f.status())).findFirst();
            q = status.isPresent() ? q.withStatuses(java.util.Set.of(status.get())) : q.withServices(List.of());
        }
        if (f.severity() != null) {
            q = q.withSeverities(List.of(f.severity()));
        }
        List<String> services = f.service() == null ? null : List.of(f.service());
        if (f.team() != null) {
            List<String> ofTeam = engine.organisation().config().servicesOfTeams(List.of(f.team()));
            services = services == null ? ofTeam : ofTeam.stream().filter(services::contains).toList();
        }
        if (services != null) {
            q = q.withServices(services);
        }
        return q.containing(f.q());
    }

    @GetMapping("/incidents/{id}")
    String show(@PathVariable String id, @org.springframework.web.bind.annotation.RequestParam(required = false) String show,
                Principal who, Model model, HttpServletResponse response) {
        TimelineView view = TimelineView.of(show);
        model.addAttribute("timelineView", view.name().toLowerCase(java.util.Locale.ROOT));
        Optional<IncidentRow> row = number(id).flatMap(incidents::find);
        if (row.isEmpty()) {
            return notFound(id, model, response);
        }
        IncidentDetail detail = detail(row.get());
        model.addAttribute("detail", detail);
        model.addAttribute("mayAct", mayAct(who, row.get()));
        model.addAttribute("shown", detail.timeline().stream().filter(view::shows).toList());
        model.addAttribute("folded", view == TimelineView.ALL ? detail.timeline().stream().filter(EntryLine::delivery).toList() : List.of());
        return "ui/incident";
    }

    /** The incident's postmortem: its sections to edit, its action items, publish, and its Markdown. */
    @GetMapping("/incidents/{id}/postmortem")
    String postmortem(@PathVariable String id, Principal who, Model model, HttpServletResponse response) {
        Optional<Long> n = number(id);
        Optional<IncidentRow> row = n.flatMap(incidents::find);
        if (row.isEmpty()) {
            return notFound(id, model, response);
        }
        model.addAttribute("mayAct", mayAct(who, row.get()));
        model.addAttribute("incident", line(row.get(), zone(), clock.instant()));
        Optional<io.tocsin.incident.Postmortems.Document> doc = postmortems.find(n.get());
        model.addAttribute("exists", doc.isPresent());
        model.addAttribute("resolved", !incidents.state(row.get()).isOpen());
        doc.ifPresent(d -> {
            ZoneId zone = zone();
            var p = d.postmortem();
            model.addAttribute("postmortem", new PostmortemLine(p.status().name().toLowerCase(java.util.Locale.ROOT), p.owner(),
                    p.dueAt() == null ? null : MINUTES.format(p.dueAt().atZone(zone))));
            model.addAttribute("published", p.status() == io.tocsin.store.PostmortemStore.Status.PUBLISHED);
            model.addAttribute("sections", java.util.Arrays.stream(io.tocsin.store.PostmortemStore.Section.values())
                    .map(s -> new SectionLine(s.key, s.heading, p.section(s))).toList());
            model.addAttribute("actions", d.actions().stream().map(a -> new ActionLine(a.text(), a.owner(),
                    a.dueOn() == null ? null : a.dueOn().toString(), a.done())).toList());
            model.addAttribute("markdown", postmortems.markdown(d));
        });
        return "ui/postmortem";
    }

    @PostMapping("/incidents/{id}/postmortem/draft")
    String draftPostmortem(@PathVariable String id, Principal who, Model model, HttpServletResponse response, RedirectAttributes redirect) {
        return postmortemChange(id, who, model, response, redirect, n -> postmortems.draft(n, who.getName(), "ui"), "postmortem drafted");
    }

    @PostMapping("/incidents/{id}/postmortem/publish")
    String publishPostmortem(@PathVariable String id, Principal who, Model model, HttpServletResponse response, RedirectAttributes redirect) {
        return postmortemChange(id, who, model, response, redirect, n -> postmortems.publish(n, who.getName(), "ui"), "postmortem published");
    }

    /** The sections as edited in the form; a field left out is left as it was. */
    @PostMapping("/incidents/{id}/postmortem")
    String editPostmortem(@PathVariable String id, @org.springframework.web.bind.annotation.RequestParam Map<String, String> form, Principal who,
                          Model model, HttpServletResponse response, RedirectAttributes redirect) {
        Map<io.tocsin.store.PostmortemStore.Section, String> sections = new java.util.EnumMap<>(io.tocsin.store.PostmortemStore.Section.class);
        for (io.tocsin.store.PostmortemStore.Section s : io.tocsin.store.PostmortemStore.Section.values()) {
            String text = form.get(s.key);
            if (text != null) {
                if (text.length() > TEXT_LIMIT) {
                    redirect.addFlashAttribute("error", s.heading + ": at most " + TEXT_LIMIT + " characters");
                    return "redirect:/ui/incidents/" + id + "/postmortem";
                }
                sections.put(s, text.replace("\r\n", "\n"));
            }
        }
        String owner = form.get("owner");
        if (owner != null && !owner.isBlank() && !engine.organisation().people().containsKey(owner.strip())) {
            redirect.addFlashAttribute("error", "owner: no person \"" + owner.strip() + "\" in the organisation");
            return "redirect:/ui/incidents/" + id + "/postmortem";
        }
        String newOwner = owner == null || owner.isBlank() ? null : owner.strip();
        return postmortemChange(id, who, model, response, redirect,
                n -> postmortems.edit(n, new io.tocsin.incident.Postmortems.Edit(sections, newOwner, null, null), who.getName(), "ui"),
                "postmortem saved");
    }

    /** The same bound as the API's for a note or a section ({@code tocsin.limits.text-length} default). */
    static final int TEXT_LIMIT = 10_000;

    private String postmortemChange(String id, Principal who, Model model, HttpServletResponse response, RedirectAttributes redirect,
                                    java.util.function.LongFunction<io.tocsin.incident.Postmortems.Document> change, String done) {
        Optional<Long> n = number(id);
        Optional<IncidentRow> row = n.flatMap(incidents::find);
        if (row.isEmpty()) {
            return notFound(id, model, response);
        }
        permissions.requireToRespond(Sessions.caller(tokens, who), row.get());
        try {
            change.apply(n.get());
            redirect.addFlashAttribute("message", done);
        } catch (io.tocsin.incident.Postmortems.Refused refused) {
            redirect.addFlashAttribute("error", refused.getMessage());
        }
        return "redirect:/ui/incidents/" + n.get() + "/postmortem";
    }

    @PostMapping("/incidents/{id}/{action}")
    String act(@PathVariable String id, @PathVariable String action, Principal who, Model model, HttpServletResponse response,
               @RequestHeader(value = "HX-Request", required = false) String htmx, RedirectAttributes redirect) {
        String actor = who.getName();
        Optional<Command> command = switch (action) {
            case "acknowledge" -> Optional.of(new Command.Acknowledge(actor));
            case "resolve" -> Optional.of(new Command.Resolve(actor));
            case "escalate" -> Optional.of(new Command.Escalate(actor, null));
            default -> Optional.empty();
        };
        Optional<Long> n = number(id);
        Optional<IncidentRow> row = n.flatMap(incidents::find);
        if (command.isEmpty() || row.isEmpty()) {
            return notFound(id, model, response);
        }
        // the page hides what the person may not do; a form posted anyway is refused the same way
        permissions.requireToRespond(Sessions.caller(tokens, who), row.get());
        Optional<Incidents.CommandResult> result = incidents.command(n.get(), command.get(), actor, "ui");
        if (result.isEmpty()) {
            return notFound(id, model, response);
        }
        Incidents.CommandResult r = result.get();
        String message = r.changed() ? past(action) + " by " + actor : "no change: " + r.message();
        if (htmx == null) {
            // Without JavaScript the button is a plain form post: answer with the whole page, not a fragment.
            redirect.addFlashAttribute("message", message);
            return "redirect:/ui/incidents/" + n.get();
        }
        IncidentDetail detail = detail(r.incident());
        model.addAttribute("detail", detail);
        model.addAttribute("mayAct", true);
        model.addAttribute("timelineView", "all");
        model.addAttribute("shown", detail.timeline().stream().filter(TimelineView.ALL::shows).toList());
        model.addAttribute("folded", detail.timeline().stream().filter(EntryLine::delivery).toList());
        model.addAttribute("message", message);
        return "ui/incident :: detail";
    }

    private boolean mayAct(Principal who, IncidentRow row) {
        return permissions.toRespond(Sessions.caller(tokens, who), row).isEmpty();
    }

    /** A change the signed-in person may not make: 403, saying which role it needs. */
    @org.springframework.web.bind.annotation.ExceptionHandler(io.tocsin.incident.Permissions.Refused.class)
    String refused(io.tocsin.incident.Permissions.Refused refused, Model model, HttpServletResponse response) {
        return forbidden(refused, model, response);
    }

    static String forbidden(io.tocsin.incident.Permissions.Refused refused, Model model, HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        model.addAttribute("reason", refused.getMessage());
        return "ui/forbidden";
    }

    /** Any other address under /ui: the same page as an unknown incident rather than the API's JSON 404. */
    @GetMapping("/**")
    String unknown(Model model, HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_NOT_FOUND);
        model.addAttribute("what", "This page");
        return "ui/not-found";
    }

    private static String notFound(String id, Model model, HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_NOT_FOUND);
        model.addAttribute("what", "Incident " + id);
        return "ui/not-found";
    }

    private static String past(String action) {
        return switch (action) {
            case "acknowledge" -> "acknowledged";
            case "resolve" -> "resolved";
            default -> "escalated";
        };
    }

    /** "INC-42" or "42", as the API and the CLI take it; anything else is simply not an incident. */
    static Optional<Long> number(String id) {
        String digits = id.regionMatches(true, 0, "INC-", 0, 4) ? id.substring(4) : id;
        try {
            return Optional.of(Long.parseLong(digits));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private IncidentDetail detail(IncidentRow row) {
        ZoneId zone = zone();
        IncidentState state = incidents.state(row);
        List<EntryLine> timeline = incidents.timeline(row.id()).stream()
                .map(e -> entry(e, zone)).toList();
        EventDetails details = EventDetails.of(row.details(), sensitiveFields());
        List<DetailLine> lines = details.entries().stream()
                .map(d -> new DetailLine(String.valueOf(d.get("key")), String.valueOf(d.get("value")))).toList();
        List<TargetLine> targets = incidents.clocks(row).stream()
                .map(c -> new TargetLine(c.name(), c.deadline(), c.state().name().toLowerCase(java.util.Locale.ROOT), c.describe(zone)))
                .toList();
        // The switches this incident's checklist names ("Set automation_enabled=false", "Set safe_mode=true"), as they stand now.
        java.util.Map<io.tocsin.store.KillSwitch, io.tocsin.store.KillSwitchStore.State> named = new java.util.EnumMap<>(io.tocsin.store.KillSwitch.class);
        java.util.Map<io.tocsin.store.KillSwitch, io.tocsin.store.KillSwitchStore.State> now = null;
        for (io.tocsin.store.KillSwitch k : io.tocsin.store.KillSwitch.values()) {
            if (state.checklist().stream().anyMatch(item -> k.namedIn(item.text()))) {
                now = now == null ? switches.current() : now;
                named.put(k, now.get(k));
            }
        }
        PostmortemLine postmortem = postmortems.find(row.id()).map(d -> new PostmortemLine(
                d.postmortem().status().name().toLowerCase(java.util.Locale.ROOT), d.postmortem().owner(),
                d.postmortem().dueAt() == null ? null : MINUTES.format(d.postmortem().dueAt().atZone(zone)))).orElse(null);
        return new IncidentDetail(line(row, zone, clock.instant()), state.isOpen(), List.copyOf(state.engaged()), lines,
                details.links(), targets, timeline, ReportPages.switchLines(named, zone), postmortem);
    }

    private IncidentLine line(IncidentRow r, ZoneId zone, Instant now) {
        return new IncidentLine(r.id(), r.number(), r.severity(), r.serviceId(),
                EventDetails.summary(r.summary(), r.details(), sensitiveFields()), r.status(),
                MINUTES.format(r.openedAt().atZone(zone)), ago(Duration.between(r.openedAt(), now)), incidents.state(r).acknowledgedBy());
    }

    private static EntryLine entry(EntryRow e, ZoneId zone) {
        return new EntryLine(SECONDS.format(e.at().atZone(zone)), e.kind(), e.actor(), e.via(), e.text());
    }

    private List<String> sensitiveFields() {
        return engine.organisation().config().notifications().sensitiveFields();
    }

    /** The signed-in viewer's zone (their own, else the organisation's): the one PageModel names on every page. */
    private ZoneId zone() {
        return PageModel.viewer(engine.organisation(),
                org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication()).zone();
    }

    /** Coarse on purpose: at 03:00 "2 h 5 min ago" reads faster than a timestamp. */
    static String ago(Duration d) {
        long minutes = Math.max(0, d.toMinutes());
        if (minutes < 1) {
            return "just now";
        }
        if (minutes < 60) {
            return minutes + " min ago";
        }
        if (minutes < 48 * 60) {
            return minutes / 60 + " h " + minutes % 60 + " min ago";
        }
        return minutes / (24 * 60) + " d ago";
    }
}
