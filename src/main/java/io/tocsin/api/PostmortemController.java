package io.tocsin.api;

import io.tocsin.incident.IncidentEngine;
import io.tocsin.incident.Postmortems;
import io.tocsin.store.PostmortemStore;
import io.tocsin.store.PostmortemStore.Section;
import java.security.Principal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * An incident's postmortem: read it, draft it (when optional, or again after none was drafted), edit
 * its sections, owner, deadline and action items, publish it, export it as Markdown. Every change is
 * audited with before and after; the draft and the publication are on the incident's timeline.
 */
@RestController
class PostmortemController {
    static final int MAX_ACTIONS = 100;

    record ActionView(String text, String owner, LocalDate due, boolean done) {
    }

    record PostmortemView(String incident, boolean required, String status, String owner, Instant due, Map<String, String> sections,
                          List<ActionView> actionItems, Instant createdAt, Instant updatedAt, Instant publishedAt, String markdown) {
        static PostmortemView of(Postmortems.Document d) {
            PostmortemStore.Postmortem p = d.postmortem();
            Map<String, String> sections = new LinkedHashMap<>();
            for (Section s : Section.values()) {
                sections.put(s.key, p.section(s));
            }
            return new PostmortemView(d.incident().number(), p.required(), p.status().name().toLowerCase(java.util.Locale.ROOT), p.owner(),
                    p.dueAt(), sections, d.actions().stream().map(a -> new ActionView(a.text(), a.owner(), a.dueOn(), a.done())).toList(),
                    p.createdAt(), p.updatedAt(), p.publishedAt(), "/api/v1/incidents/" + d.incident().number() + "/postmortem.md");
        }
    }

    record ActionBody(String text, String owner, String due, Boolean done) {
    }

    /** Every field optional; {@code action_items}, when given, replaces the list. */
    record EditBody(Map<String, String> sections, String owner, String due, List<ActionBody> actionItems) {
    }

    private final Postmortems postmortems;
    private final IncidentEngine engine;
    private final RequestLimits limits;
    private final io.tocsin.incident.Incidents incidents;
    private final io.tocsin.incident.Permissions permissions;

    PostmortemController(Postmortems postmortems, IncidentEngine engine, RequestLimits limits, io.tocsin.incident.Incidents incidents,
                         io.tocsin.incident.Permissions permissions) {
        this.postmortems = postmortems;
        this.engine = engine;
        this.limits = limits;
        this.incidents = incidents;
        this.permissions = permissions;
    }

    @GetMapping("/api/v1/incidents/{id}/postmortem")
    PostmortemView get(@PathVariable String id) {
        return PostmortemView.of(document(id));
    }

    @GetMapping(value = "/api/v1/incidents/{id}/postmortem.md", produces = "text/markdown;charset=UTF-8")
    ResponseEntity<String> markdown(@PathVariable String id) {
        Postmortems.Document d = document(id);
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("text/markdown;charset=UTF-8"))
                .header("Content-Disposition", "inline; filename=\"" + d.incident().number() + "-postmortem.md\"")
                .body(postmortems.markdown(d));
    }

    @PostMapping("/api/v1/incidents/{id}/postmortem")
    ResponseEntity<PostmortemView> draft(@PathVariable String id, Principal who) {
        long n = IncidentsController.number(id);
        IncidentsController.requireToRespond(incidents, permissions, id, who);
        return ResponseEntity.status(HttpStatus.CREATED).body(PostmortemView.of(refusals(() ->
                postmortems.draft(n, FromHeader.actor(who), "api"))));
    }

    @PutMapping("/api/v1/incidents/{id}/postmortem")
    PostmortemView edit(@PathVariable String id, @RequestBody EditBody body, Principal who) {
        long n = IncidentsController.number(id);
        IncidentsController.requireToRespond(incidents, permissions, id, who);
        Postmortems.Edit edit = edit(body);
        return PostmortemView.of(refusals(() -> postmortems.edit(n, edit, FromHeader.actor(who), "api")));
    }

    @PostMapping("/api/v1/incidents/{id}/postmortem/publish")
    PostmortemView publish(@PathVariable String id, Principal who) {
        long n = IncidentsController.number(id);
        IncidentsController.requireToRespond(incidents, permissions, id, who);
        return PostmortemView.of(refusals(() -> postmortems.publish(n, FromHeader.actor(who), "api")));
    }

    /** The checks a change passes before anything is written, each naming its field. */
    Postmortems.Edit edit(EditBody body) {
        if (body == null) {
            throw new BadRequestException("body", "a JSON object with sections, owner, due or action_items");
        }
        Map<Section, String> sections = null;
        if (body.sections() != null) {
            sections = new EnumMap<>(Section.class);
            for (Map.Entry<String, String> e : body.sections().entrySet()) {
                String field = "sections." + e.getKey();
                Section s = Section.of(e.getKey()).orElseThrow(() -> new BadRequestException(field, "unknown section; the sections are "
                        + String.join(", ", java.util.Arrays.stream(Section.values()).map(x -> x.key).toList())));
                if (e.getValue() == null) {
                    throw new BadRequestException(field, "text required (an empty string clears it)");
                }
                sections.put(s, limits.text(field, e.getValue()));
            }
        }
        String owner = body.owner() == null ? null : person("owner", body.owner());
        Instant due = body.due() == null ? null : RequestValues.instantOrDate("due", body.due(), engine.organisation().zone());
        List<PostmortemStore.Action> actions = null;
        if (body.actionItems() != null) {
            if (body.actionItems().size() > MAX_ACTIONS) {
                throw new BadRequestException("action_items", "at most " + MAX_ACTIONS + " items, got " + body.actionItems().size());
            }
            actions = new ArrayList<>();
            for (int i = 0; i < body.actionItems().size(); i++) {
                ActionBody a = body.actionItems().get(i);
                String field = "action_items[" + i + "]";
                if (a == null) {
                    throw new BadRequestException(field, "an object with text, owner, due and done");
                }
                String text = RequestLimits.length(field + ".text", RequestValues.required(field + ".text", a.text()), 2000, null);
                String itemOwner = a.owner() == null ? null : person(field + ".owner", a.owner());
                LocalDate dueOn = null;
                if (a.due() != null) {
                    try {
                        dueOn = LocalDate.parse(a.due());
                    } catch (DateTimeParseException e) {
                        throw new BadRequestException(field + ".due", "bad date \"" + a.due() + "\": use YYYY-MM-DD");
                    }
                }
                actions.add(new PostmortemStore.Action(0, 0, i, text, itemOwner, dueOn, Boolean.TRUE.equals(a.done()), null));
            }
        }
        return new Postmortems.Edit(sections, owner, due, actions);
    }

    private String person(String field, String id) {
        if (!engine.organisation().people().containsKey(id)) {
            throw new BadRequestException(field, "no person \"" + id + "\" in the organisation"
                    + io.tocsin.config.DidYouMean.closest(id, engine.organisation().people().keySet())
                    .map(s -> " (did you mean \"" + s + "\"?)").orElse(""));
        }
        return id;
    }

    private Postmortems.Document document(String id) {
        long n = IncidentsController.number(id);
        return postmortems.find(n).orElseThrow(() -> new NotFoundException("no postmortem for incident " + id));
    }

    private static Postmortems.Document refusals(java.util.function.Supplier<Postmortems.Document> action) {
        try {
            return action.get();
        } catch (Postmortems.Refused r) {
            if (r.conflict()) {
                throw new ConflictException(r.getMessage());
            }
            throw new NotFoundException(r.getMessage());
        }
    }
}
