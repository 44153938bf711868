package io.tocsin.engine;

import io.tocsin.engine.TimelineEntry.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What each {@link Command} does to an incident, from any interface. */
final class Commands {
    private Commands() {
    }

    static void apply(Step s, Command command) {
        if (command instanceof Command.Acknowledge a) {
            acknowledge(s, a.by());
        } else if (command instanceof Command.Unacknowledge u) {
            unacknowledge(s, u.by());
        } else if (command instanceof Command.Resolve r) {
            resolve(s, r.by());
        } else if (command instanceof Command.Retrigger) {
            retrigger(s);
        } else if (command instanceof Command.PostUpdate u) {
            postUpdate(s, u);
        } else if (command instanceof Command.ChangeSeverity c) {
            changeSeverity(s, c);
        } else if (command instanceof Command.AddTags t) {
            addTags(s, t.tags(), t.by());
        } else if (command instanceof Command.AddService a) {
            addService(s, a);
        } else if (command instanceof Command.Escalate e) {
            escalate(s, e);
        } else if (command instanceof Command.Deescalate d) {
            deescalate(s, d);
        } else if (command instanceof Command.Reassign r) {
            reassign(s, r);
        } else if (command instanceof Command.Note n) {
            s.note(Kind.NOTE, Step.by(n.by()) + n.text());
        } else if (command instanceof Command.AssignRole a) {
            assignRole(s, a);
        } else if (command instanceof Command.ReleaseRole r) {
            releaseRole(s, r);
        } else if (command instanceof Command.DeclareWarRoom w) {
            s.declareWarRoom(Step.by(w.by()) + "declared by hand" + (w.reason() == null || w.reason().isBlank() ? "" : ": " + w.reason()));
        } else if (command instanceof Command.JoinWarRoom j) {
            joinWarRoom(s, j.by());
        } else if (command instanceof Command.TickChecklist t) {
            tick(s, t);
        }
    }

    static void acknowledge(Step s, String by) {
        IncidentState.Builder b = s.b;
        if (b.status == IncidentStatus.ACKNOWLEDGED) {
            return;
        }
        b.status = IncidentStatus.ACKNOWLEDGED;
        b.acknowledgedAt = s.now;
        b.acknowledgedBy = by;
        s.note(Kind.ACKNOWLEDGED, "acknowledged by " + by);
    }

    static void unacknowledge(Step s, String by) {
        IncidentState.Builder b = s.b;
        if (b.status != IncidentStatus.ACKNOWLEDGED) {
            return;
        }
        b.status = IncidentStatus.TRIGGERED;
        b.unacknowledgedSince = s.now;
        b.acknowledgedAt = null;
        b.acknowledgedBy = null;
        s.newCycle();
        s.note(Kind.UNACKNOWLEDGED, "un-acknowledged" + (by == null ? "" : " by " + by));
    }

    static void resolve(Step s, String by) {
        IncidentState.Builder b = s.b;
        b.status = IncidentStatus.RESOLVED;
        b.resolvedAt = s.now;
        String quiet = "";
        if (b.pendingUntil != null) {
            quiet = ", before it had been firing for " + Step.human(Duration.between(b.openedAt, b.pendingUntil))
                    + ": not sustained, nobody was paged";
            b.pendingUntil = null;
            // It never became more than a record: nobody was paged and no channel heard of it.
            b.paging = Paging.RECORD;
        }
        s.note(Kind.RESOLVED, "resolved" + (by == null ? "" : " by " + by) + quiet);
    }

    /**
     * The source fired again for the same dedup key. A duplicate storm costs a counter: the timeline
     * records events 2, 3, 5, 9, 17... only.
     */
    static void retrigger(Step s) {
        long count = ++s.b.eventCount;
        if (Long.bitCount(count - 1) == 1) {
            s.note(Kind.RETRIGGERED, "the source fired again (" + count + " events so far)");
        }
    }

    static void postUpdate(Step s, Command.PostUpdate u) {
        s.b.lastUpdateAt = s.now;
        if (s.b.firstUpdateAt == null) {
            s.b.firstUpdateAt = s.now;
        }
        if (u.status() != null) {
            s.b.updateStatus = UpdateCadence.Status.of(u.status()).text();
        }
        s.b.nextUpdatePromised = u.nextIn() == null ? null : s.now.plus(u.nextIn());
        s.note(Kind.STATUS_UPDATE, Step.by(u.by()) + (u.status() == null ? "" : "[" + u.status() + "] ")
                + (u.message() == null ? "" : u.message())
                + (u.impact() == null || u.impact().isBlank() ? "" : "; impact: " + u.impact())
                + (u.nextIn() == null ? "" : "; next update in " + Step.human(u.nextIn())));
    }

    static void changeSeverity(Step s, Command.ChangeSeverity c) {
        IncidentState.Builder b = s.b;
        String old = b.severity;
        if (old.equals(c.severity())) {
            return;
        }
        boolean raised = s.rules.rank(c.severity()) < s.rules.rank(old);
        b.severity = c.severity();
        s.note(Kind.SEVERITY_CHANGED, new SeverityChange(old, c.severity()).text(c.by(), raised));
        b.checklist = new ArrayList<>(checklist(s.rules, c.severity(), b.checklist));
        if (raised && s.isQuiet() && s.rules.pages(c.severity()) && !s.isWaiting()) {
            // Chat-only or recorded, and now a severity that pages: start its path, as an incident opened at it would.
            s.startPaging("raised to " + c.severity());
        } else {
            followSeverityLadder(s, c.severity());
        }
        if (raised) {
            Triggers.severityRaised(s, c.severity());
        }
    }

    /**
     * An incident on a severity ladder moves to the ladder of its new severity; levels already
     * notified (same level id) stay done, so nobody is paged twice for the change itself.
     */
    static void followSeverityLadder(Step s, String severity) {
        IncidentState.Builder b = s.b;
        if (b.paths.isEmpty()) {
            return;
        }
        PathRun current = b.paths.get(0);
        EscalationPath from = s.path(current);
        EscalationPath to = s.policy.pathFor(severity);
        if (from.severities().isEmpty() || from.severities().contains(severity) || to.id().equals(from.id())
                || to.severities().isEmpty()) {
            return;
        }
        // the levels done that the new path has too, by id
        Set<Integer> done = PathRun.indexesOf(current.alignedTo(from).doneLevels(), to);
        Set<String> doneLevels = new java.util.TreeSet<>();
        done.forEach(i -> doneLevels.add(to.levels().get(i).id()));
        b.paths.set(0, PathRun.movedFrom(current, to.id(), done, doneLevels));
        s.entry(new TimelineEntry(s.now, Kind.PATH_SWITCHED, to.id(), null, null, List.of(),
                "path " + from.id() + " -> " + to.id() + " (the ladder for " + severity + ")"));
    }

    static void addTags(Step s, Set<String> tags, String by) {
        for (String tag : tags) {
            if (s.b.tags.add(tag)) {
                s.note(Kind.TAG_ADDED, Step.by(by) + "tagged " + tag);
                Triggers.tagAdded(s, tag);
                if (s.rules.warRoom().tags().contains(tag)) {
                    s.declareWarRoom("tagged " + tag);
                }
            }
        }
    }

    static void addService(Step s, Command.AddService a) {
        IncidentState.Builder b = s.b;
        if (!b.services.add(a.service())) {
            return;
        }
        s.note(Kind.SERVICE_ADDED, Step.by(a.by()) + "service " + a.service() + " affected (" + b.services.size() + " services)");
        Triggers.servicesAffected(s, b.services.size());
        Integer threshold = s.rules.warRoom().servicesAffected();
        if (threshold != null && b.services.size() >= threshold) {
            s.declareWarRoom(b.services.size() + " services affected");
        }
    }

    static void escalate(Step s, Command.Escalate e) {
        if (s.isWaiting()) {
            // A person who escalates a signal still waiting to be sustained wants it paged now.
            s.note(Kind.ESCALATED, Step.by(e.by()) + "escalated by hand before the signal was sustained");
            s.b.pendingUntil = s.now;
            return;
        }
        s.note(Kind.ESCALATED, Step.by(e.by()) + "escalated by hand" + (e.level() == null ? " to the next level" : " to level " + e.level())
                + (e.request() == null ? "" : ". " + request(s, e.request())));
        if (e.level() != null) {
            s.goToLevel(e.level(), null);
        } else if (s.isQuiet()) {
            s.startPaging("escalated by hand");
        } else {
            s.escalate(1, null);
        }
    }

    /** Seed 003's escalation request, filled with what the incident knows (severity, duration, channel). */
    static String request(Step s, Command.EscalationRequest r) {
        IncidentState.Builder b = s.b;
        List<String> parts = new ArrayList<>();
        parts.add("incident: " + b.id + (b.summary == null ? "" : " " + b.summary));
        parts.add("current severity: " + b.severity);
        parts.add("duration: " + Step.human(Duration.between(b.openedAt, s.now)));
        parts.add("current impact: " + blank(r.impact()));
        parts.add("what's been tried: " + blank(r.tried()));
        parts.add("why escalating: " + blank(r.why()));
        parts.add("specific ask: " + blank(r.ask()));
        if (b.warRoom != null) {
            parts.add("incident channel: " + b.warRoom.channel());
        }
        return "Escalation request: " + String.join("; ", parts);
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? "(not given)" : s.strip();
    }

    /**
     * Releases everyone engaged except {@code keep} and stops the ladder, announced in seed 003's
     * de-escalation format: time (UTC), reason, who can stand down, who remains, the next update.
     */
    static void deescalate(Step s, Command.Deescalate d) {
        IncidentState.Builder b = s.b;
        Set<String> released = new LinkedHashSet<>(b.engaged);
        released.removeAll(d.keep());
        b.engaged.retainAll(d.keep());
        b.paths.clear();
        Instant next = Timing.nextUpdateDue(s);
        java.time.format.DateTimeFormatter hhmm = java.time.format.DateTimeFormatter.ofPattern("HH:mm 'UTC'")
                .withZone(java.time.ZoneOffset.UTC);
        s.entry(new TimelineEntry(s.now, Kind.DEESCALATED, null, null, null, List.copyOf(released),
                Step.by(d.by()) + "De-escalation notice: time " + hhmm.format(s.now)
                        + "; reason: " + (d.reason() == null || d.reason().isBlank() ? "(not given)" : d.reason())
                        + "; who can stand down: " + (released.isEmpty() ? "nobody" : String.join(", ", released))
                        + "; remaining responders: " + (b.engaged.isEmpty() ? "nobody" : String.join(", ", b.engaged))
                        + "; next update: " + (next == null ? "none scheduled" : hhmm.format(next))));
    }

    static void assignRole(Step s, Command.AssignRole a) {
        IncidentState.Builder b = s.b;
        String before = b.roles.put(a.role(), a.person());
        if (a.person().equals(before)) {
            return;
        }
        b.engaged.add(a.person());
        s.entry(new TimelineEntry(s.now, Kind.ROLE_ASSIGNED, null, null, null, List.of(a.person()),
                Step.by(a.by()) + a.role() + ": " + a.person() + (before == null ? "" : " (handed over from " + before + ")")));
    }

    static void releaseRole(Step s, Command.ReleaseRole r) {
        String before = s.b.roles.remove(r.role());
        if (before == null) {
            return;
        }
        s.note(Kind.ROLE_RELEASED, Step.by(r.by()) + r.role() + ": " + before + " released");
    }

    static List<ChecklistItem> checklist(EscalationRules rules, String severity, List<ChecklistItem> current) {
        List<ChecklistItem> out = new ArrayList<>(current);
        Severity sev = rules.severities().get(severity);
        for (String item : sev == null ? List.<String>of() : sev.checklist()) {
            if (out.stream().noneMatch(i -> i.text().equals(item))) {
                out.add(new ChecklistItem(item, null, null));
            }
        }
        return out;
    }

    static void tick(Step s, Command.TickChecklist t) {
        List<ChecklistItem> items = s.b.checklist;
        if (t.item() < 1 || t.item() > items.size() || items.get(t.item() - 1).ticked()) {
            return;
        }
        ChecklistItem item = items.get(t.item() - 1);
        items.set(t.item() - 1, new ChecklistItem(item.text(), t.by(), s.now));
        s.note(Kind.CHECKLIST_TICKED, Step.by(t.by()) + "done: " + t.item() + ". " + item.text());
    }

    static void joinWarRoom(Step s, String who) {
        IncidentState.Builder b = s.b;
        if (b.warRoom == null || who == null || b.warRoom.joined().contains(who)) {
            return;
        }
        b.warRoom = b.warRoom.join(who);
        s.note(Kind.WAR_ROOM_JOINED, who + " joined the war room " + b.warRoom.channel());
    }

    static void reassign(Step s, Command.Reassign r) {
        IncidentState.Builder b = s.b;
        List<String> people = new ArrayList<>();
        List<String> described = new ArrayList<>();
        for (Target target : r.to()) {
            Directory.Resolution res = s.directory.resolve(target, s.state(), s.now);
            described.add(res.description() + (res.people().isEmpty() ? ": nobody" : ": " + String.join(", ", res.people())));
            res.people().stream().filter(p -> !people.contains(p)).forEach(people::add);
        }
        String text = Step.by(r.by()) + "reassigned to " + String.join("; ", described) + (r.reason() == null ? "" : " (" + r.reason() + ")");
        if (people.isEmpty()) {
            // Reassigning to an empty schedule would leave nobody holding the incident: refuse, loudly.
            s.note(Kind.NOTE, text + "; nobody to hand it to, so it stays where it was");
            return;
        }
        b.status = IncidentStatus.TRIGGERED;
        b.unacknowledgedSince = s.now;
        b.acknowledgedAt = null;
        b.acknowledgedBy = null;
        b.assignees = new LinkedHashSet<>(people);
        // Handing the incident over starts a new cycle, and the new holders are paged now.
        s.newCycle();
        s.paged(people);
        s.entry(new TimelineEntry(s.now, Kind.REASSIGNED, null, null, null, people, text));
    }
}
