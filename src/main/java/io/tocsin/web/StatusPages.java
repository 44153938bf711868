package io.tocsin.web;

import io.tocsin.config.OrganisationConfig;
import io.tocsin.config.PublicUrl;
import io.tocsin.engine.IncidentState;
import io.tocsin.engine.Severity;
import io.tocsin.incident.IncidentEngine;
import io.tocsin.incident.Incidents;
import io.tocsin.incident.PublicStatus;
import io.tocsin.store.IncidentRow;
import io.tocsin.store.StatusPageStore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The public status page, for anyone without signing in: the organisation's services and their state,
 * the open incidents of severities with {@code status_page: true}, the last 90 days of resolved ones,
 * scheduled maintenance, and an Atom feed of the same. It shows only what is written for the public:
 * the severity's name, the services' names, and the structured status updates (status, message,
 * impact, next update). No alert summary, no timeline, no note, no person's name.
 */
@Controller
@RequestMapping("/status")
class StatusPages {
    static final Duration HISTORY = Duration.ofDays(90);
    static final int MAX_INCIDENTS = 500;
    /** Enough to tell a mistyped address; the confirmation e-mail is the real check. */
    static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");
    static final int MAX_EMAIL = 320;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm zzz", Locale.ENGLISH);

    /** A service's state: operational, or the worst public incident or maintenance on it. */
    enum State {
        OPERATIONAL("Operational"), MAINTENANCE("Under maintenance"), DEGRADED("Degraded performance"), PARTIAL("Partial outage"),
        MAJOR("Major outage");

        final String label;

        State(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public String css() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    record Component(String id, String name, State state) {
    }

    record UpdateLine(long id, String at, String status, String message, String impact, String nextUpdate) {
    }

    record IncidentCard(String id, String title, String severity, String status, List<String> services, String started, String resolved,
                        List<UpdateLine> updates) {
    }

    record MaintenanceCard(long id, String title, String description, List<String> services, String start, String end, boolean inProgress) {
    }

    private final Incidents incidents;
    private final io.tocsin.store.IncidentStore incidentStore;
    private final StatusPageStore store;
    private final PublicStatus publicStatus;
    private final IncidentEngine engine;
    private final PublicUrl publicUrl;
    private final Clock clock;

    StatusPages(Incidents incidents, io.tocsin.store.IncidentStore incidentStore, StatusPageStore store, PublicStatus publicStatus,
                IncidentEngine engine, PublicUrl publicUrl, Clock clock) {
        this.incidents = incidents;
        this.incidentStore = incidentStore;
        this.store = store;
        this.publicStatus = publicStatus;
        this.engine = engine;
        this.publicUrl = publicUrl;
        this.clock = clock;
    }

    /** Everything the page and the feed show, read once. */
    record View(List<Component> components, List<IncidentCard> open, List<IncidentCard> resolved, List<MaintenanceCard> maintenance,
                List<StatusPageStore.Update> updates, Map<Long, IncidentCard> byIncident) {
    }

    View view() {
        Instant now = clock.instant();
        ZoneId zone = engine.organisation().zone();
        List<IncidentRow> openRows = incidents.list(true, MAX_INCIDENTS).stream().filter(r -> publicStatus.isPublic(r.severity())).toList();
        List<IncidentRow> resolvedRows = incidentStore.resolvedAfter(now.minus(HISTORY), MAX_INCIDENTS).stream()
                .filter(r -> publicStatus.isPublic(r.severity())).toList();
        List<Long> ids = new ArrayList<>();
        openRows.forEach(r -> ids.add(r.id()));
        resolvedRows.forEach(r -> ids.add(r.id()));
        List<StatusPageStore.Update> updates = store.updates(ids);
        Map<Long, IncidentCard> cards = new LinkedHashMap<>();
        Map<String, State> states = new LinkedHashMap<>();
        List<IncidentCard> open = new ArrayList<>();
        for (IncidentRow r : openRows) {
            IncidentCard card = card(r, updates, zone);
            open.add(card);
            cards.put(r.id(), card);
            State state = state(r.severity());
            for (String s : services(r)) {
                states.merge(s, state, (a, b) -> a.compareTo(b) >= 0 ? a : b);
            }
        }
        List<IncidentCard> resolved = new ArrayList<>();
        for (IncidentRow r : resolvedRows) {
            IncidentCard card = card(r, updates, zone);
            resolved.add(card);
            cards.put(r.id(), card);
        }
        List<MaintenanceCard> maintenance = new ArrayList<>();
        for (StatusPageStore.Maintenance m : store.maintenanceNotEnded(now)) {
            boolean inProgress = !m.startsAt().isAfter(now);
            maintenance.add(new MaintenanceCard(m.id(), m.title(), m.description(), m.services().stream().map(this::serviceName).toList(),
                    m.startsAt().atZone(zone).format(WHEN), m.endsAt().atZone(zone).format(WHEN), inProgress));
            if (inProgress) {
                m.services().forEach(s -> states.merge(s, State.MAINTENANCE, (a, b) -> a.compareTo(b) >= 0 ? a : b));
            }
        }
        List<Component> components = new ArrayList<>();
        for (OrganisationConfig.Service s : engine.organisation().config().services()) {
            if (Boolean.FALSE.equals(s.enabled())) {
                continue;
            }
            components.add(new Component(s.id(), s.name() == null ? s.id() : s.name(), states.getOrDefault(s.id(), State.OPERATIONAL)));
        }
        return new View(components, open, resolved, maintenance, updates, cards);
    }

    /** The service of the incident and every service added to it since. */
    private Set<String> services(IncidentRow r) {
        Set<String> out = new LinkedHashSet<>();
        out.add(r.serviceId());
        incidents.readableState(r).map(IncidentState::services).ifPresent(out::addAll);
        return out;
    }

    /** The most severe public severity is a major outage, the next a partial one, any other degraded performance. */
    private State state(String severity) {
        Severity s = engine.engine().rules().severities().get(severity);
        int rank = s == null ? Integer.MAX_VALUE : s.rank();
        return rank == 0 ? State.MAJOR : rank == 1 ? State.PARTIAL : State.DEGRADED;
    }

    private String serviceName(String id) {
        return engine.organisation().config().services().stream().filter(s -> s.id().equals(id)).findFirst()
                .map(s -> s.name() == null ? s.id() : s.name()).orElse(id);
    }

    private String severityName(String id) {
        return engine.organisation().config().severities().stream().filter(s -> s.id().equals(id)).findFirst()
                .map(s -> s.name() == null ? s.id() : s.name()).orElse(id);
    }

    private IncidentCard card(IncidentRow r, List<StatusPageStore.Update> all, ZoneId zone) {
        List<UpdateLine> lines = all.stream().filter(u -> u.incidentId() == r.id())
                .map(u -> new UpdateLine(u.id(), u.at().atZone(zone).format(WHEN), u.status() == null ? "update" : u.status(), u.message(),
                        u.impact(), u.nextUpdateAt() == null ? null : u.nextUpdateAt().atZone(zone).format(WHEN)))
                .toList();
        List<String> services = services(r).stream().map(this::serviceName).toList();
        String status = r.resolvedAt() != null ? "resolved" : lines.isEmpty() ? "investigating" : lines.get(0).status();
        String severity = severityName(r.severity());
        return new IncidentCard(r.number(), severity + ": " + String.join(", ", services), severity, status, services,
                r.openedAt().atZone(zone).format(WHEN), r.resolvedAt() == null ? null : r.resolvedAt().atZone(zone).format(WHEN), lines);
    }

    @GetMapping
    String page(Model model, @RequestParam(required = false) String subscribed) {
        View v = view();
        model.addAttribute("organisation", engine.organisation().name());
        model.addAttribute("components", v.components());
        model.addAttribute("open", v.open());
        model.addAttribute("resolved", v.resolved());
        model.addAttribute("maintenance", v.maintenance());
        model.addAttribute("allOperational", v.open().isEmpty());
        model.addAttribute("subscribed", subscribed != null);
        return "status/page";
    }

    /** A subscription refused for now, for a client that does not read HTML: RFC 9457 problem with Retry-After. */
    static final class Limited extends RuntimeException {
        final PublicStatus.Limited limit;

        Limited(PublicStatus.Limited limit) {
            super(limit.message());
            this.limit = limit;
        }
    }

    @PostMapping("/subscribe")
    String subscribe(@RequestParam(required = false) String email, Model model, HttpServletRequest request, HttpServletResponse response) {
        String address = email == null ? "" : email.strip();
        if (address.length() > MAX_EMAIL || !EMAIL.matcher(address).matches()) {
            response.setStatus(400);
            return message(model, "Not subscribed", "email: \"" + abbreviate(address) + "\" is not an e-mail address.", true);
        }
        // The client's address as the proxy in front reports it (server.forward-headers-strategy), else the peer's.
        java.util.Optional<PublicStatus.Limited> limited = publicStatus.subscribe(address, request.getRemoteAddr(), "status-page");
        if (limited.isPresent()) {
            String accept = request.getHeader("Accept");
            if (accept == null || !accept.contains("text/html")) {
                throw new Limited(limited.get());
            }
            // A person at the form reads the same answer as a page.
            response.setStatus(429);
            response.setHeader("Retry-After", String.valueOf(limited.get().retryAfterSeconds()));
            return message(model, "Not subscribed", limited.get().field() + ": " + limited.get().message()
                    + " (in " + limited.get().retryAfterSeconds() + " s).", true);
        }
        return message(model, "Check your e-mail", "We sent a confirmation link to " + address
                + ". Updates are e-mailed once you follow it.", false);
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    /** The link in the e-mail shows a button: mail scanners that follow links must not confirm on anyone's behalf. */
    @GetMapping("/confirm")
    String confirmPage(@RequestParam(required = false) String token, Model model) {
        model.addAttribute("token", token);
        return withOrganisation(model, "status/confirm");
    }

    @PostMapping("/confirm")
    String confirm(@RequestParam(required = false) String token, Model model, HttpServletResponse response) {
        if (token == null || !publicStatus.confirm(token, "status-page")) {
            response.setStatus(404);
            return message(model, "Not confirmed", "token: this link is not valid (it may be old, or already unsubscribed).", true);
        }
        return message(model, "Subscribed", "You will receive each public status update by e-mail.", false);
    }

    @GetMapping("/unsubscribe")
    String unsubscribePage(@RequestParam(required = false) String s, @RequestParam(required = false) String sig, Model model) {
        model.addAttribute("s", s);
        model.addAttribute("sig", sig);
        return withOrganisation(model, "status/unsubscribe");
    }

    @PostMapping("/unsubscribe")
    String unsubscribe(@RequestParam(required = false) String s, @RequestParam(required = false) String sig, Model model,
                       HttpServletResponse response) {
        long id;
        try {
            id = Long.parseLong(s == null ? "" : s);
        } catch (NumberFormatException e) {
            response.setStatus(400);
            return message(model, "Not unsubscribed", "s: this link is not valid.", true);
        }
        if (!publicStatus.unsubscribe(id, sig, "status-page")) {
            response.setStatus(404);
            return message(model, "Not unsubscribed", "sig: this link is not valid, or the address is already unsubscribed.", true);
        }
        return message(model, "Unsubscribed", "You will receive no more status e-mails.", false);
    }

    private String withOrganisation(Model model, String template) {
        model.addAttribute("organisation", engine.organisation().name());
        return template;
    }

    @ExceptionHandler(Limited.class)
    ResponseEntity<ProblemDetail> limited(Limited e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS, e.limit.field() + ": " + e.limit.message());
        p.setTitle("Too many subscriptions");
        p.setProperty("errors", List.of(Map.of("field", e.limit.field(), "message", e.limit.message())));
        p.setProperty("retry_after_seconds", e.limit.retryAfterSeconds());
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .header("Retry-After", String.valueOf(e.limit.retryAfterSeconds())).body(p);
    }

    private String message(Model model, String title, String text, boolean error) {
        model.addAttribute("organisation", engine.organisation().name());
        model.addAttribute("title", title);
        model.addAttribute("text", text);
        model.addAttribute("error", error);
        return "status/message";
    }

    /** Atom 1.0 (RFC 4287): one entry per public status update and per scheduled maintenance, newest first. */
    @GetMapping(value = "/feed.atom")
    ResponseEntity<String> feed() throws XMLStreamException {
        View v = view();
        String page = publicUrl.resolve("/status");
        record Entry(String id, String title, Instant updated, String text) {
        }
        List<Entry> entries = new ArrayList<>();
        ZoneId zone = engine.organisation().zone();
        for (StatusPageStore.Update u : v.updates()) {
            IncidentCard card = v.byIncident().get(u.incidentId());
            StringBuilder text = new StringBuilder(u.message());
            if (u.impact() != null && !u.impact().isBlank()) {
                text.append("\n\nImpact: ").append(u.impact());
            }
            if (u.nextUpdateAt() != null) {
                text.append("\n\nNext update by ").append(u.nextUpdateAt().atZone(zone).format(WHEN));
            }
            entries.add(new Entry(page + "#update-" + u.id(), card.title() + " — " + (u.status() == null ? "update" : u.status()), u.at(),
                    text.toString()));
        }
        for (StatusPageStore.Maintenance m : store.maintenanceNotEnded(clock.instant())) {
            entries.add(new Entry(page + "#maintenance-" + m.id(), "Scheduled maintenance: " + m.title(), m.createdAt(),
                    (m.description() == null ? "" : m.description() + "\n\n") + "From " + m.startsAt().atZone(zone).format(WHEN) + " to "
                            + m.endsAt().atZone(zone).format(WHEN) + " on " + String.join(", ",
                            m.services().stream().map(this::serviceName).toList())));
        }
        entries.sort(Comparator.comparing(Entry::updated).reversed());
        // A feed's updated is its newest entry's, so an unchanged feed reads the same on every request.
        Instant updated = entries.isEmpty() ? Instant.EPOCH : entries.get(0).updated();
        StringWriter out = new StringWriter();
        XMLStreamWriter x = XMLOutputFactory.newInstance().createXMLStreamWriter(out);
        x.writeStartDocument("UTF-8", "1.0");
        x.writeStartElement("feed");
        x.writeDefaultNamespace("http://www.w3.org/2005/Atom");
        element(x, "id", page);
        element(x, "title", engine.organisation().name() + " status");
        element(x, "updated", updated.toString());
        x.writeStartElement("author");
        element(x, "name", engine.organisation().name());
        x.writeEndElement();
        link(x, "alternate", page, "text/html");
        link(x, "self", publicUrl.resolve("/status/feed.atom"), "application/atom+xml");
        for (Entry e : entries) {
            x.writeStartElement("entry");
            element(x, "id", e.id());
            element(x, "title", e.title());
            element(x, "updated", e.updated().toString());
            link(x, "alternate", e.id(), "text/html");
            x.writeStartElement("content");
            x.writeAttribute("type", "text");
            x.writeCharacters(xml(e.text()));
            x.writeEndElement();
            x.writeEndElement();
        }
        x.writeEndElement();
        x.writeEndDocument();
        x.close();
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/atom+xml;charset=UTF-8")).body(out.toString());
    }

    private static void element(XMLStreamWriter x, String name, String text) throws XMLStreamException {
        x.writeStartElement(name);
        x.writeCharacters(xml(text));
        x.writeEndElement();
    }

    /** Characters XML 1.0 cannot carry at all (control characters other than tab and newlines) are dropped, not escaped. */
    static String xml(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().filter(c -> c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
                || c >= 0x10000 && c <= 0x10FFFF).forEach(b::appendCodePoint);
        return b.toString();
    }

    private static void link(XMLStreamWriter x, String rel, String href, String type) throws XMLStreamException {
        x.writeEmptyElement("link");
        x.writeAttribute("rel", rel);
        x.writeAttribute("href", href);
        x.writeAttribute("type", type);
    }
}
