package io.tocsin.incident;

import io.tocsin.engine.IncidentState;
import io.tocsin.engine.PostmortemRule;
import io.tocsin.engine.TimelineEntry;
import io.tocsin.store.AuditLog;
import io.tocsin.store.EntryRow;
import io.tocsin.store.IncidentRow;
import io.tocsin.store.IncidentStore;
import io.tocsin.store.NamedLocks;
import io.tocsin.store.PostmortemStore;
import io.tocsin.store.PostmortemStore.Action;
import io.tocsin.store.PostmortemStore.Postmortem;
import io.tocsin.store.PostmortemStore.Section;
import io.tocsin.store.StatusPageStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Postmortems over the engine's rule ({@link io.tocsin.engine.EscalationEngine#postmortem}): at the
 * resolving transaction a required one is put on the timeline with its deadline and drafted from the
 * template, filled from the incident; an optional one is drafted on request. Every change is audited
 * and the draft, the deadline and the publication are timeline entries.
 */
@Service
public class Postmortems {
    /** A postmortem with its action items. */
    public record Document(IncidentRow incident, Postmortem postmortem, List<Action> actions) {
    }

    /** What a change asks for; null fields stay as they are. {@code actions}, when given, replaces the list. */
    public record Edit(Map<Section, String> sections, String owner, Instant due, List<Action> actions) {
    }

    /** A request that cannot be done as asked, with the field it is about. */
    public static final class Refused extends RuntimeException {
        private final String field;
        private final boolean conflict;

        public Refused(String field, String message, boolean conflict) {
            super(message);
            this.field = field;
            this.conflict = conflict;
        }

        public String field() {
            return field;
        }

        public boolean conflict() {
            return conflict;
        }
    }

    /** How far back resolutions are counted when the rule has no repeat window (it then does not count them). */
    private static final Duration NO_WINDOW = Duration.ZERO;
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm", Locale.ROOT);
    static final String TO_WRITE = "_To be written._";
    /** Kinds the drafted timeline leaves out: the delivery bookkeeping, not what happened. */
    private static final Set<String> TIMELINE_KINDS = java.util.Arrays.stream(TimelineEntry.Kind.values()).map(Enum::name)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    private final PostmortemStore store;
    private final IncidentStore incidents;
    private final StatusPageStore updates;
    private final IncidentEngine engine;
    private final AuditLog audit;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final TransactionTemplate alone;
    private final NamedLocks locks;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Postmortems.class);

    public Postmortems(PostmortemStore store, IncidentStore incidents, StatusPageStore updates, IncidentEngine engine, AuditLog audit,
                       Clock clock, TransactionTemplate tx, NamedLocks locks) {
        this.locks = locks;
        // for a decision made after the resolving transaction committed: Spring's afterCommit still has
        // that transaction's connection bound, and work there must not join it
        this.alone = new TransactionTemplate(java.util.Objects.requireNonNull(tx.getTransactionManager()));
        this.alone.setPropagationBehavior(org.springframework.transaction.TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.store = store;
        this.incidents = incidents;
        this.updates = updates;
        this.engine = engine;
        this.audit = audit;
        this.clock = clock;
        this.tx = tx;
    }

    /**
     * Called in the transaction that resolved the incident: asks the engine's rule whether a postmortem
     * is required, and if so records when it is due and drafts it. Counted for {@code when_repeated}:
     * the other incidents of the same service resolved within the rule's window. That count is made
     * under the service's lock ({@link NamedLocks}), one resolution at a time across every node: two
     * resolutions at once each counted only the ones before them, not each other, and neither required
     * the postmortem that the second one needs. The lock is not waited for here (this transaction
     * holds incidents' locks, and the one holding it may wait for them): when another transaction holds
     * it, the decision is made right after this one commits, waiting for it then with nothing else held.
     */
    void onResolved(long id, IncidentState resolved, Instant now) {
        String lock = "service resolutions " + resolved.service();
        if (locks.tryLock(lock) == NamedLocks.Outcome.TAKEN) {
            count(id, resolved, now);
            return;
        }
        Runnable afterwards = () -> {
            try {
                locks.make(lock);
                alone.executeWithoutResult(s -> {
                    locks.lock(lock);
                    count(id, resolved, now);
                });
            } catch (RuntimeException e) {
                LOG.error("INC-{}: whether its resolution requires a postmortem could not be decided; the database said: {}", id,
                        e.toString(), e);
            }
        };
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            afterwards.run();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                afterwards.run();
            }
        });
    }

    /**
     * Called holding the service's lock: counts this resolution towards the service's repeats (whatever
     * its severity's rule: another severity's rule counts it) and decides about its own postmortem.
     */
    private void count(long id, IncidentState resolved, Instant now) {
        incidents.countResolution(id);
        var severity = engine.engine().rules().severities().get(resolved.severity());
        if (severity == null) {
            return;
        }
        Duration window = severity.postmortem().repeatWithin() == null ? NO_WINDOW : severity.postmortem().repeatWithin();
        decide(id, resolved, now, window.isZero() ? List.of() : resolvedBefore(id, resolved, window));
    }

    /**
     * The service's other resolutions in the window counted before this one (under its lock): each
     * counts as earlier, even one stamped a moment later (resolved at the same time on
     * another node, or by a node whose clock is ahead), or two resolutions at once would each leave out
     * the other and neither would be the repeat.
     */
    private List<Instant> resolvedBefore(long id, IncidentState resolved, Duration window) {
        Instant at = resolved.resolvedAt();
        return incidents.resolvedSince(resolved.service(), at.minus(window), id).stream().map(t -> t.isAfter(at) ? at : t).toList();
    }

    /** Records the rule's decision about a resolution, given when the service's other resolutions in the window were. */
    private void decide(long id, IncidentState resolved, Instant now, List<Instant> earlier) {
        Optional<PostmortemRule.Decision> decision = engine.engine().postmortem(resolved, earlier);
        if (decision.isEmpty() || store.find(id).isPresent()) {
            return;
        }
        incidents.append(id, entry(id, resolved.resolvedAt(), TimelineEntry.Kind.POSTMORTEM_DUE, "tocsin", "engine", decision.get().text()));
        IncidentRow row = incidents.find(id).orElseThrow();
        String owner = owner(resolved);
        store.insert(id, true, decision.get().due(), owner, template(row, resolved), now);
        incidents.append(id, entry(id, now, TimelineEntry.Kind.POSTMORTEM_DRAFTED, "tocsin", "engine",
                "postmortem drafted from the template" + (owner == null ? ", no owner yet" : ", owner " + owner)));
        audit.record("tocsin", "engine", "postmortem.draft", subject(id), null, snapshot(store.find(id).orElseThrow(), List.of()),
                decision.get().text());
    }

    /** The person who owns the postmortem at first: the incident's commander, else whoever acknowledged it. */
    private String owner(IncidentState s) {
        for (Map.Entry<String, String> role : s.roles().entrySet()) {
            if (role.getKey().contains("commander")) {
                return role.getValue();
            }
        }
        String ack = s.acknowledgedBy();
        return ack != null && engine.organisation().people().containsKey(ack) ? ack : null;
    }

    public Optional<Document> find(long id) {
        return incidents.find(id).flatMap(row -> store.find(id).map(p -> new Document(row, p, store.actions(id))));
    }

    /** Drafts a postmortem on request (a severity where it is optional, or required and not yet drafted). */
    public Document draft(long id, String actor, String via) {
        return tx.execute(status -> {
            IncidentRow row = incidents.findForUpdate(id).orElseThrow(() -> new Refused("id", "no incident INC-" + id, false));
            IncidentState s = StateCodec.read(row.state());
            if (s.isOpen()) {
                throw new Refused("id", "INC-" + id + " is not resolved yet: a postmortem is drafted once it is", true);
            }
            if (store.find(id).isPresent()) {
                throw new Refused("id", "INC-" + id + " already has a postmortem", true);
            }
            var severity = engine.engine().rules().severities().get(s.severity());
            if (severity != null && severity.postmortem().required() == PostmortemRule.Requirement.NEVER) {
                throw new Refused("id", "severity " + s.severity() + " asks for no postmortem (postmortem.required: never)", true);
            }
            Instant now = clock.instant();
            Instant due = severity == null ? null : severity.postmortem().due(s.resolvedAt(), engine.engine().rules().calendar());
            boolean required = severity != null && severity.postmortem().required() == PostmortemRule.Requirement.ALWAYS;
            store.insert(id, required, due, owner(s), template(row, s), now);
            incidents.append(id, entry(id, now, TimelineEntry.Kind.POSTMORTEM_DRAFTED, actor, via, "postmortem drafted from the template"));
            Postmortem p = store.find(id).orElseThrow();
            audit.record(actor, via, "postmortem.draft", subject(id), null, snapshot(p, List.of()), null);
            return new Document(row, p, List.of());
        });
    }

    /** Changes sections, owner, deadline or action items; nothing is written when nothing changes. */
    public Document edit(long id, Edit edit, String actor, String via) {
        return tx.execute(status -> {
            IncidentRow row = incidents.find(id).orElseThrow(() -> new Refused("id", "no incident INC-" + id, false));
            Postmortem before = store.findForUpdate(id).orElseThrow(() -> new Refused("id", "INC-" + id + " has no postmortem", false));
            List<Action> actionsBefore = store.actions(id);
            Map<Section, String> sections = new EnumMap<>(before.sections());
            if (edit.sections() != null) {
                sections.putAll(edit.sections());
            }
            String owner = edit.owner() == null ? before.owner() : edit.owner();
            Instant due = edit.due() == null ? before.dueAt() : edit.due();
            Postmortem after = new Postmortem(id, before.required(), due, owner, before.status(), sections, before.createdAt(), clock.instant(),
                    before.publishedAt(), before.remindedDueAt());
            List<Action> actions = edit.actions() == null ? actionsBefore : keepReminders(actionsBefore, edit.actions());
            Map<String, Object> was = snapshot(before, actionsBefore);
            Map<String, Object> now = snapshot(after, actions);
            if (!was.equals(now)) {
                store.update(after, clock.instant());
                if (edit.actions() != null) {
                    store.replaceActions(id, actions);
                }
                audit.record(actor, via, "postmortem.edit", subject(id), was, now, null);
            }
            return new Document(row, store.find(id).orElseThrow(), store.actions(id));
        });
    }

    /** An item that keeps its due date keeps the fact that its owner was reminded of it: one reminder per due date. */
    private static List<Action> keepReminders(List<Action> before, List<Action> after) {
        List<Action> out = new ArrayList<>();
        for (Action a : after) {
            LocalDate reminded = before.stream().filter(b -> b.text().equals(a.text()) && java.util.Objects.equals(b.dueOn(), a.dueOn())
                    && java.util.Objects.equals(b.owner(), a.owner())).map(Action::remindedDue).filter(java.util.Objects::nonNull).findFirst()
                    .orElse(null);
            out.add(new Action(0, a.incidentId(), 0, a.text(), a.owner(), a.dueOn(), a.done(), reminded));
        }
        return out;
    }

    public Document publish(long id, String actor, String via) {
        return tx.execute(status -> {
            IncidentRow row = incidents.find(id).orElseThrow(() -> new Refused("id", "no incident INC-" + id, false));
            Postmortem before = store.findForUpdate(id).orElseThrow(() -> new Refused("id", "INC-" + id + " has no postmortem", false));
            if (before.status() == PostmortemStore.Status.PUBLISHED) {
                throw new Refused("id", "the postmortem of INC-" + id + " is already published", true);
            }
            Instant now = clock.instant();
            Postmortem after = new Postmortem(id, before.required(), before.dueAt(), before.owner(), PostmortemStore.Status.PUBLISHED,
                    before.sections(), before.createdAt(), now, now, before.remindedDueAt());
            store.update(after, now);
            List<Action> actions = store.actions(id);
            incidents.append(id, entry(id, now, TimelineEntry.Kind.POSTMORTEM_PUBLISHED, actor, via, "postmortem published"
                    + (before.dueAt() == null ? "" : before.dueAt().isBefore(now) ? " (after its deadline)" : " (before its deadline)")));
            audit.record(actor, via, "postmortem.publish", subject(id), snapshot(before, actions), snapshot(after, actions), null);
            return new Document(row, store.find(id).orElseThrow(), actions);
        });
    }

    static String subject(long id) {
        return "incident/INC-" + id + "/postmortem";
    }

    static EntryRow entry(long id, Instant at, TimelineEntry.Kind kind, String actor, String via, String text) {
        return new EntryRow(0, id, at, kind.name(), actor, via, null, null, null, List.of(), text);
    }

    private static Map<String, Object> snapshot(Postmortem p, List<Action> actions) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", p.status().name());
        m.put("owner", p.owner());
        m.put("due", p.dueAt() == null ? null : p.dueAt().toString());
        for (Section s : Section.values()) {
            m.put(s.key, p.section(s));
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (Action a : actions) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("text", a.text());
            item.put("owner", a.owner());
            item.put("due", a.dueOn() == null ? null : a.dueOn().toString());
            item.put("done", a.done());
            items.add(item);
        }
        m.put("action_items", items);
        return m;
    }

    /** The template, filled from the incident: what it was, how long, who responded, its public updates and its timeline. */
    Map<Section, String> template(IncidentRow row, IncidentState s) {
        ZoneId zone = engine.organisation().zone();
        Redaction.Applied redaction = Redaction.forIncident(engine.organisation(), row);
        Map<Section, String> out = new EnumMap<>(Section.class);
        Instant resolved = s.resolvedAt() == null ? row.resolvedAt() : s.resolvedAt();
        Duration lasted = resolved == null ? null : Duration.between(s.openedAt(), resolved);
        StringBuilder summary = new StringBuilder();
        summary.append(row.number()).append(" (").append(s.severity()).append(", ").append(s.service()).append("): ")
                .append(redaction.text(row.summary())).append("\n\n");
        summary.append("- Opened ").append(local(s.openedAt(), zone));
        if (resolved != null) {
            summary.append(", resolved ").append(local(resolved, zone)).append(" (").append(io.tocsin.engine.EscalationEngine.human(lasted))
                    .append(")");
        }
        summary.append('\n');
        List<String> responders = new ArrayList<>(s.engaged());
        if (s.acknowledgedBy() != null && !responders.contains(s.acknowledgedBy())) {
            responders.add(0, s.acknowledgedBy());
        }
        summary.append("- Responders: ").append(responders.isEmpty() ? "none recorded" : String.join(", ", responders)).append('\n');
        if (s.acknowledgedBy() != null) {
            summary.append("- Acknowledged by ").append(s.acknowledgedBy()).append('\n');
        }
        s.roles().forEach((role, person) -> summary.append("- ").append(role).append(": ").append(person).append('\n'));
        out.put(Section.SUMMARY, summary.toString().strip());
        List<StatusPageStore.Update> posted = updates.updates(List.of(row.id()));
        List<String> impacts = posted.stream().map(StatusPageStore.Update::impact).filter(i -> i != null && !i.isBlank()).distinct().toList();
        out.put(Section.IMPACT, impacts.isEmpty() ? TO_WRITE : String.join("\n\n", reversed(impacts)));
        StringBuilder timeline = new StringBuilder();
        for (EntryRow e : incidents.timeline(row.id())) {
            if (!TIMELINE_KINDS.contains(e.kind()) || e.kind().startsWith("POSTMORTEM")) {
                continue;
            }
            timeline.append("- ").append(local(e.at(), zone)).append(" ").append(e.kind()).append(": ")
                    .append(redaction.text(e.text()).replace('\n', ' ')).append('\n');
        }
        out.put(Section.TIMELINE, timeline.isEmpty() ? TO_WRITE : timeline.toString().strip());
        out.put(Section.ROOT_CAUSE, TO_WRITE);
        List<String> lastUpdate = posted.stream().filter(u -> "resolved".equals(u.status())).map(StatusPageStore.Update::message).toList();
        out.put(Section.RESOLUTION, lastUpdate.isEmpty() ? TO_WRITE : lastUpdate.get(0));
        out.put(Section.LESSONS, TO_WRITE);
        return out;
    }

    private static List<String> reversed(List<String> list) {
        List<String> out = new ArrayList<>(list);
        java.util.Collections.reverse(out);
        return out;
    }

    private static String local(Instant at, ZoneId zone) {
        return at.atZone(zone).format(LOCAL);
    }

    /** The postmortem as Markdown, with its action items as a table. */
    public String markdown(Document d) {
        ZoneId zone = engine.organisation().zone();
        Postmortem p = d.postmortem();
        IncidentRow row = d.incident();
        StringBuilder md = new StringBuilder();
        md.append("# Postmortem: ").append(row.number()).append(" — ")
                .append(Redaction.forIncident(engine.organisation(), row).text(row.summary()).replace('\n', ' ')).append("\n\n");
        md.append("- Severity: ").append(row.severity()).append('\n');
        md.append("- Service: ").append(row.serviceId()).append('\n');
        md.append("- Status: ").append(p.status().name().toLowerCase(Locale.ROOT)).append(p.required() ? " (required)" : " (optional)")
                .append('\n');
        md.append("- Owner: ").append(p.owner() == null ? "none" : p.owner()).append('\n');
        md.append("- Due: ").append(p.dueAt() == null ? "no deadline" : local(p.dueAt(), zone) + " " + zone.getId()).append('\n');
        for (Section s : Section.values()) {
            md.append("\n## ").append(s.heading).append("\n\n").append(p.section(s).strip()).append('\n');
        }
        md.append("\n## Action items\n\n");
        if (d.actions().isEmpty()) {
            md.append("None yet.\n");
        } else {
            md.append("| # | Action | Owner | Due | Done |\n|---|---|---|---|---|\n");
            int n = 1;
            for (Action a : d.actions()) {
                md.append("| ").append(n++).append(" | ").append(cell(a.text())).append(" | ").append(a.owner() == null ? "" : cell(a.owner()))
                        .append(" | ").append(a.dueOn() == null ? "" : a.dueOn().toString()).append(" | ").append(a.done() ? "yes" : "no")
                        .append(" |\n");
            }
        }
        return md.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace('\n', ' ');
    }
}
