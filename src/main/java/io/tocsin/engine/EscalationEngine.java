package io.tocsin.engine;

import io.tocsin.engine.TimelineEntry.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The escalation rules as a pure function: (incident state, command, now) → (new state, timeline
 * entries with the notifications to send, next wake-up). No clock, no I/O: the server and the
 * simulator call the same code with their own {@code now}.
 */
public final class EscalationEngine {
    /** Bound on work in one step, so a configuration mistake can never spin a node. */
    static final int MAX_STEPS = 1_000;

    private final Map<String, EscalationPolicy> policies;
    private final Map<String, Severity> severities;
    private final Directory directory;

    public EscalationEngine(Map<String, EscalationPolicy> policies, Map<String, Severity> severities, Directory directory) {
        this.policies = Map.copyOf(policies);
        this.severities = Map.copyOf(severities);
        this.directory = directory;
    }

    /** Opens an incident and runs everything due at once (the first level, triggers on its tags). */
    public Outcome open(String id, String service, String policyId, String severity, Set<String> tags, Instant now) {
        return open(id, service, policyId, severity, tags, null, now);
    }

    /**
     * Opens an incident; with {@code sustainedFor} (seed 002: "page if sustained > 5 min") nobody is
     * paged and no trigger acts until the source has kept firing that long, and a clear before then
     * resolves it quietly.
     */
    public Outcome open(String id, String service, String policyId, String severity, Set<String> tags, Duration sustainedFor,
                        Instant now) {
        EscalationPolicy policy = policy(policyId);
        EscalationPath first = policy.pathFor(severity);
        boolean waits = sustainedFor != null && !sustainedFor.isZero() && !sustainedFor.isNegative();
        IncidentState initial = new IncidentState(id, service, policyId, severity, IncidentStatus.TRIGGERED, waits ? tags : Set.of(),
                Set.of(service), now, now, null, null, null, null, waits ? List.of() : List.of(PathRun.start(first.id(), now)),
                Set.of(), Set.of(), Set.of(), waits ? now.plus(sustainedFor) : null);
        Step step = new Step(initial, policy, now);
        if (waits) {
            step.entry(new TimelineEntry(now, Kind.OPENED, null, null, null, List.of(), "opened as " + severity + " on service "
                    + service + ": waiting, pages only if still firing after " + human(sustainedFor)));
            return step.outcome();
        }
        step.entry(new TimelineEntry(now, Kind.OPENED, first.id(), null, null, List.of(),
                "opened as " + severity + " on service " + service + ", path " + first.id()));
        step.addTags(tags, null);
        step.advance();
        return step.outcome();
    }

    public Outcome apply(IncidentState state, Command command, Instant now) {
        Step step = new Step(state, policy(state.policy()), now);
        if (!state.isOpen() && !(command instanceof Command.Note)) {
            return step.outcome();
        }
        if (command instanceof Command.Acknowledge a) {
            step.acknowledge(a.by());
        } else if (command instanceof Command.Unacknowledge u) {
            step.unacknowledge(u.by());
        } else if (command instanceof Command.Resolve r) {
            step.resolve(r.by());
        } else if (command instanceof Command.Retrigger) {
            step.entry(TimelineEntry.of(now, Kind.RETRIGGERED, "the source fired again"));
        } else if (command instanceof Command.PostUpdate u) {
            step.postUpdate(u);
        } else if (command instanceof Command.ChangeSeverity c) {
            step.changeSeverity(c);
        } else if (command instanceof Command.AddTags t) {
            step.addTags(t.tags(), t.by());
        } else if (command instanceof Command.AddService s) {
            step.addService(s);
        } else if (command instanceof Command.Escalate e) {
            step.manualEscalate(e);
        } else if (command instanceof Command.Deescalate d) {
            step.deescalate(d);
        } else if (command instanceof Command.Reassign r) {
            step.reassign(r);
        } else if (command instanceof Command.Note n) {
            step.entry(new TimelineEntry(now, Kind.NOTE, null, null, null, List.of(), by(n.by()) + n.text()));
        }
        step.advance();
        return step.outcome();
    }

    private EscalationPolicy policy(String id) {
        EscalationPolicy p = policies.get(id);
        if (p == null) {
            throw new IllegalArgumentException("unknown escalation policy " + id);
        }
        return p;
    }

    private int rank(String severity) {
        Severity s = severities.get(severity);
        return s == null ? Integer.MAX_VALUE : s.rank();
    }

    private static String by(String who) {
        return who == null ? "" : who + ": ";
    }

    /** One engine step over a mutable copy of the state. */
    private final class Step {
        final IncidentState.Builder b;
        final EscalationPolicy policy;
        final Instant now;
        final List<TimelineEntry> entries = new ArrayList<>();
        /** People paged in this step: a second target naming them at the same instant does not page them twice. */
        final Set<String> pagedNow = new LinkedHashSet<>();

        Step(IncidentState state, EscalationPolicy policy, Instant now) {
            this.b = state.toBuilder();
            this.policy = policy;
            this.now = now;
        }

        IncidentState state() {
            return b.build();
        }

        void entry(TimelineEntry e) {
            entries.add(e);
        }

        Outcome outcome() {
            return new Outcome(state(), entries, nextWake());
        }

        // ---- commands ----

        void acknowledge(String by) {
            if (b.status == IncidentStatus.ACKNOWLEDGED) {
                return;
            }
            b.status = IncidentStatus.ACKNOWLEDGED;
            b.acknowledgedAt = now;
            b.acknowledgedBy = by;
            entry(TimelineEntry.of(now, Kind.ACKNOWLEDGED, "acknowledged by " + by));
        }

        void unacknowledge(String by) {
            if (b.status != IncidentStatus.ACKNOWLEDGED) {
                return;
            }
            b.status = IncidentStatus.TRIGGERED;
            b.unacknowledgedSince = now;
            b.acknowledgedAt = null;
            b.acknowledgedBy = null;
            entry(TimelineEntry.of(now, Kind.UNACKNOWLEDGED, "un-acknowledged" + (by == null ? "" : " by " + by)));
        }

        void resolve(String by) {
            b.status = IncidentStatus.RESOLVED;
            b.resolvedAt = now;
            String quiet = "";
            if (b.pendingUntil != null) {
                quiet = ", before it had been firing for " + human(Duration.between(b.openedAt, b.pendingUntil))
                        + ": not sustained, nobody was paged";
                b.pendingUntil = null;
            }
            entry(TimelineEntry.of(now, Kind.RESOLVED, "resolved" + (by == null ? "" : " by " + by) + quiet));
        }

        /** Still firing when the wait is over: the policy starts now, as if the incident had opened now. */
        boolean promoteSustained() {
            if (b.pendingUntil == null || b.pendingUntil.isAfter(now)) {
                return false;
            }
            Duration waited = Duration.between(b.openedAt, b.pendingUntil);
            b.pendingUntil = null;
            EscalationPath first = policy.pathFor(b.severity);
            // An acknowledgement given while waiting holds: the path counts as seen by it.
            Instant started = b.status == IncidentStatus.ACKNOWLEDGED ? b.acknowledgedAt : now;
            b.paths.clear();
            b.paths.add(PathRun.start(first.id(), started));
            if (b.status == IncidentStatus.TRIGGERED) {
                b.unacknowledgedSince = now;
            }
            entry(new TimelineEntry(now, Kind.SUSTAINED, first.id(), null, null, List.of(),
                    "still firing after " + human(waited) + ": sustained, paging by path " + first.id()));
            for (String tag : List.copyOf(b.tags)) {
                tagTriggers(tag);
            }
            return true;
        }

        void postUpdate(Command.PostUpdate u) {
            b.lastUpdateAt = now;
            entry(TimelineEntry.of(now, Kind.STATUS_UPDATE, by(u.by()) + (u.status() == null ? "" : "[" + u.status() + "] ")
                    + (u.message() == null ? "" : u.message())));
        }

        void changeSeverity(Command.ChangeSeverity c) {
            String old = b.severity;
            if (old.equals(c.severity())) {
                return;
            }
            boolean raised = rank(c.severity()) < rank(old);
            b.severity = c.severity();
            entry(TimelineEntry.of(now, Kind.SEVERITY_CHANGED, by(c.by()) + "severity " + old + " -> " + c.severity()
                    + (raised ? " (raised)" : " (lowered)")));
            followSeverityLadder(c.severity());
            if (raised) {
                for (Trigger t : activeTriggers()) {
                    if (t.on().severityRaised() && filtersHold(t.on()) && timedPartHolds(t.on())) {
                        fire(t, "severity raised to " + c.severity());
                    }
                }
            }
        }

        /**
         * An incident on a severity ladder moves to the ladder of its new severity; levels already
         * notified (same level id) stay done, so nobody is paged twice for the change itself.
         */
        void followSeverityLadder(String severity) {
            if (b.paths.isEmpty()) {
                return;
            }
            PathRun current = b.paths.get(0);
            EscalationPath from = policy.path(current.path()).orElseThrow();
            EscalationPath to = policy.pathFor(severity);
            if (from.severities().isEmpty() || from.severities().contains(severity) || to.id().equals(from.id())
                    || to.severities().isEmpty()) {
                return;
            }
            java.util.Set<Integer> done = new java.util.TreeSet<>();
            for (int i = 0; i < to.levels().size(); i++) {
                int old = from.indexOf(to.levels().get(i).id());
                if (old >= 0 && current.done().contains(old)) {
                    done.add(i);
                }
            }
            b.paths.set(0, new PathRun(to.id(), 0, current.startedAt(), current.lastNotifiedAt(), done, false));
            entry(new TimelineEntry(now, Kind.PATH_SWITCHED, to.id(), null, null, List.of(),
                    "path " + from.id() + " -> " + to.id() + " (the ladder for " + severity + ")"));
        }

        void addTags(Set<String> tags, String by) {
            for (String tag : tags) {
                if (b.tags.add(tag)) {
                    entry(TimelineEntry.of(now, Kind.TAG_ADDED, by(by) + "tagged " + tag));
                    if (b.pendingUntil == null) {
                        tagTriggers(tag);
                    }
                }
            }
        }

        void tagTriggers(String tag) {
            for (Trigger t : activeTriggers()) {
                if (tag.equals(t.on().tagAdded()) && filtersHold(t.on()) && timedPartHolds(t.on())) {
                    fire(t, "tag " + tag + " added");
                }
            }
        }

        void addService(Command.AddService s) {
            if (!b.services.add(s.service())) {
                return;
            }
            entry(TimelineEntry.of(now, Kind.SERVICE_ADDED, by(s.by()) + "service " + s.service() + " affected ("
                    + b.services.size() + " services)"));
            for (Trigger t : activeTriggers()) {
                Integer n = t.on().servicesAffected();
                if (n != null && b.services.size() == n && filtersHold(t.on()) && timedPartHolds(t.on())) {
                    fire(t, b.services.size() + " services affected");
                }
            }
        }

        void manualEscalate(Command.Escalate e) {
            if (b.pendingUntil != null) {
                // A person who escalates a signal still waiting to be sustained wants it paged now.
                entry(TimelineEntry.of(now, Kind.ESCALATED, by(e.by()) + "escalated by hand before the signal was sustained"));
                b.pendingUntil = now;
                promoteSustained();
                return;
            }
            entry(TimelineEntry.of(now, Kind.ESCALATED, by(e.by()) + "escalated by hand"
                    + (e.level() == null ? " to the next level" : " to level " + e.level())));
            if (e.level() == null) {
                escalate(1, null);
            } else {
                goToLevel(e.level(), null);
            }
        }

        void deescalate(Command.Deescalate d) {
            Set<String> released = new LinkedHashSet<>(b.engaged);
            released.removeAll(d.keep());
            b.engaged.retainAll(d.keep());
            b.paths.clear();
            entry(new TimelineEntry(now, Kind.DEESCALATED, null, null, null, List.copyOf(released),
                    by(d.by()) + "de-escalated" + (d.reason() == null ? "" : " (" + d.reason() + ")")
                            + "; released " + (released.isEmpty() ? "nobody" : String.join(", ", released))
                            + "; remaining " + (b.engaged.isEmpty() ? "nobody" : String.join(", ", b.engaged))));
        }

        void reassign(Command.Reassign r) {
            List<String> people = new ArrayList<>();
            List<String> described = new ArrayList<>();
            for (Target target : r.to()) {
                Directory.Resolution res = directory.resolve(target, state(), now);
                described.add(res.description() + (res.people().isEmpty() ? ": nobody" : ": " + String.join(", ", res.people())));
                res.people().stream().filter(p -> !people.contains(p)).forEach(people::add);
            }
            String text = by(r.by()) + "reassigned to " + String.join("; ", described) + (r.reason() == null ? "" : " (" + r.reason() + ")");
            if (people.isEmpty()) {
                // Reassigning to an empty schedule would leave nobody holding the incident: refuse, loudly.
                entry(TimelineEntry.of(now, Kind.NOTE, text + "; nobody to hand it to, so it stays where it was"));
                return;
            }
            b.status = IncidentStatus.TRIGGERED;
            b.unacknowledgedSince = now;
            b.acknowledgedAt = null;
            b.acknowledgedBy = null;
            b.assignees = new LinkedHashSet<>(people);
            b.engaged.addAll(people);
            pagedNow.addAll(people);
            entry(new TimelineEntry(now, Kind.REASSIGNED, null, null, null, people, text));
        }

        // ---- the ladder and timed triggers ----

        /** When an acknowledgement runs out, or null when it cannot (not acknowledged, or no timeout). */
        Instant acknowledgementExpiry() {
            Duration timeout = policy.acknowledgementTimeout();
            if (timeout == null || b.status != IncidentStatus.ACKNOWLEDGED || b.acknowledgedAt == null) {
                return null;
            }
            return b.acknowledgedAt.plus(timeout);
        }

        /** The acknowledgement ran out: back to triggered, and the person who acknowledged is paged again. */
        boolean expireAcknowledgement() {
            Instant expiry = acknowledgementExpiry();
            if (expiry == null || expiry.isAfter(now)) {
                return false;
            }
            String who = b.acknowledgedBy;
            b.status = IncidentStatus.TRIGGERED;
            b.unacknowledgedSince = now;
            b.acknowledgedAt = null;
            b.acknowledgedBy = null;
            // Only someone Tocsin paged is a person it can page again (an acknowledgement may come from an API token).
            List<String> again = who != null && b.engaged.contains(who) && !pagedNow.contains(who) ? List.of(who) : List.of();
            pagedNow.addAll(again);
            entry(new TimelineEntry(now, Kind.ACKNOWLEDGEMENT_TIMED_OUT, null, null, null, again,
                    "acknowledgement" + (who == null ? "" : " by " + who) + " timed out after "
                            + human(policy.acknowledgementTimeout()) + " without resolution: back to triggered"
                            + (again.isEmpty() ? "" : ", paging " + who + " again")));
            return true;
        }

        void advance() {
            for (int guard = 0; guard < MAX_STEPS && b.status != IncidentStatus.RESOLVED; guard++) {
                boolean progress = promoteSustained();
                if (b.pendingUntil != null) {
                    return;
                }
                progress |= expireAcknowledgement();
                for (Trigger t : activeTriggers()) {
                    if (t.on().isTimed() && !isEventTrigger(t.on()) && filtersHold(t.on())) {
                        Instant due = timedDue(t.on());
                        if (due != null && !due.isAfter(now) && b.firedTriggers.add(key(t, t.on()))) {
                            fireAction(t, describe(t.on()));
                            progress = true;
                        }
                    }
                }
                for (int i = 0; i < b.paths.size() && b.status != IncidentStatus.RESOLVED; i++) {
                    progress |= stepPath(i);
                }
                if (!progress) {
                    return;
                }
            }
        }

        boolean stepPath(int i) {
            PathRun run = b.paths.get(i);
            EscalationPath path = policy.path(run.path()).orElseThrow();
            int size = path.levels().size();
            if (run.exhausted(size)) {
                if (b.status == IncidentStatus.TRIGGERED && run.cycle() < path.repeat()) {
                    Instant due = run.lastNotifiedAt().plus(path.repeatAfter());
                    if (!due.isAfter(now)) {
                        b.paths.set(i, run.repeated(now));
                        entry(new TimelineEntry(now, Kind.LADDER_REPEATED, path.id(), null, null, List.of(),
                                "nobody acknowledged: path " + path.id() + " starts again (repeat " + (run.cycle() + 1)
                                        + " of " + path.repeat() + ")"));
                        return true;
                    }
                }
                return false;
            }
            int index = nextEligible(run, path);
            if (index >= size) {
                return false;
            }
            Level level = path.levels().get(index);
            Instant due = run.promoteNext() ? now : levelDue(level, run);
            if (due == null || due.isAfter(now)) {
                return false;
            }
            notifyLevel(i, path, index, null);
            return true;
        }

        /**
         * The level the ladder waits on: the first not done, passing over acknowledgement-driven levels
         * while the incident is acknowledged (they stay available to "+1 level" escalations).
         */
        int nextEligible(PathRun run, EscalationPath path) {
            int size = path.levels().size();
            for (int i = run.firstPending(size); i < size; i++) {
                if (run.done().contains(i)) {
                    continue;
                }
                // An acknowledgement pauses the paths it saw; a path a trigger starts afterwards runs (security...).
                boolean paused = b.status == IncidentStatus.ACKNOWLEDGED && path.levels().get(i).start().stoppedByAcknowledgement()
                        && !run.startedAt().isAfter(b.acknowledgedAt);
                if (!paused || run.promoteNext()) {
                    return i;
                }
            }
            return size;
        }

        Instant levelDue(Level level, PathRun run) {
            StartCondition start = level.start();
            if (start instanceof StartCondition.After a) {
                // After an un-acknowledgement the delay counts again from then.
                Instant base = run.done().isEmpty() ? run.startedAt() : run.lastNotifiedAt();
                return max(base, b.unacknowledgedSince).plus(a.delay());
            }
            if (start instanceof StartCondition.UnacknowledgedFor u) {
                return b.status == IncidentStatus.TRIGGERED ? b.unacknowledgedSince.plus(u.duration()) : null;
            }
            if (start instanceof StartCondition.UnresolvedFor u) {
                return b.openedAt.plus(u.duration());
            }
            if (start instanceof StartCondition.NoUpdateFor n) {
                return progressSince().plus(n.duration());
            }
            StartCondition.WhenTagged w = (StartCondition.WhenTagged) start;
            return b.tags.contains(w.tag()) ? now : null;
        }

        /** Notifies a level now; a level that reaches nobody is skipped and the next one is due at once. */
        void notifyLevel(int runIndex, EscalationPath path, int index, String trigger) {
            PathRun run = b.paths.get(runIndex);
            Level level = path.levels().get(index);
            List<String> people = new ArrayList<>();
            List<String> reached = new ArrayList<>();
            List<String> unreachable = new ArrayList<>();
            for (Target target : level.targets()) {
                Directory.Resolution r = directory.resolve(target, state(), now);
                if (r.people().isEmpty()) {
                    unreachable.add(r.description());
                } else {
                    reached.add(r.description() + ": " + String.join(", ", r.people()));
                    r.people().stream().filter(p -> !people.contains(p) && !pagedNow.contains(p)).forEach(people::add);
                }
            }
            String where = "path " + path.id() + ", level " + level.id() + (run.cycle() > 0 ? " (repeat " + run.cycle() + ")" : "");
            if (people.isEmpty() && !reached.isEmpty()) {
                b.paths.set(runIndex, run.notified(index, now));
                entry(new TimelineEntry(now, Kind.LEVEL_SKIPPED, path.id(), level.id(), trigger, List.of(),
                        where + ": " + String.join("; ", reached) + " (already paged just now)"));
                return;
            }
            if (people.isEmpty()) {
                b.paths.set(runIndex, run.skipped(index));
                entry(new TimelineEntry(now, Kind.LEVEL_SKIPPED, path.id(), level.id(), trigger, List.of(),
                        where + ": nobody to notify (" + String.join("; ", unreachable) + "), moving on at once"));
                return;
            }
            b.paths.set(runIndex, run.notified(index, now));
            b.engaged.addAll(people);
            pagedNow.addAll(people);
            entry(new TimelineEntry(now, Kind.NOTIFIED, path.id(), level.id(), trigger, people,
                    where + ": " + String.join("; ", reached)
                            + (unreachable.isEmpty() ? "" : " (nobody for " + String.join("; ", unreachable) + ")")));
        }

        // ---- triggers ----

        List<Trigger> activeTriggers() {
            List<Trigger> out = new ArrayList<>(policy.triggers());
            for (PathRun run : b.paths) {
                policy.path(run.path()).ifPresent(p -> out.addAll(p.triggers()));
            }
            return out;
        }

        boolean isEventTrigger(Trigger.Condition c) {
            return c.tagAdded() != null || c.severityRaised() || c.servicesAffected() != null;
        }

        boolean filtersHold(Trigger.Condition c) {
            return (c.severities().isEmpty() || c.severities().contains(b.severity)) && b.tags.containsAll(c.tags());
        }

        boolean timedPartHolds(Trigger.Condition c) {
            if (!c.isTimed()) {
                return true;
            }
            Instant due = timedDue(c);
            return due != null && !due.isAfter(now);
        }

        /** When all time-based conditions of {@code c} hold, or null if they cannot (e.g. acknowledged). */
        Instant timedDue(Trigger.Condition c) {
            Instant due = Instant.MIN;
            if (c.unacknowledgedFor() != null) {
                if (b.status != IncidentStatus.TRIGGERED) {
                    return null;
                }
                due = max(due, b.unacknowledgedSince.plus(c.unacknowledgedFor()));
            }
            if (c.unresolvedFor() != null) {
                due = max(due, b.openedAt.plus(c.unresolvedFor()));
            }
            if (c.noUpdateFor() != null) {
                due = max(due, progressSince().plus(c.noUpdateFor()));
            }
            if (c.targetBreached() != null) {
                Severity sev = severities.get(b.severity);
                Duration target = sev == null ? null : sev.target(c.targetBreached());
                if (target == null) {
                    return null;
                }
                switch (c.targetBreached()) {
                    case ACKNOWLEDGE -> {
                        if (b.status != IncidentStatus.TRIGGERED) {
                            return null;
                        }
                        due = max(due, b.unacknowledgedSince.plus(target));
                    }
                    case FIRST_UPDATE -> {
                        if (b.lastUpdateAt != null) {
                            return null;
                        }
                        due = max(due, b.openedAt.plus(target));
                    }
                    case RESOLVE -> due = max(due, b.openedAt.plus(target));
                }
            }
            return due;
        }

        /** Re-armable conditions get a key per base instant: a second stall after an update escalates again. */
        String key(Trigger t, Trigger.Condition c) {
            String base = "";
            if (c.noUpdateFor() != null) {
                base += "@update:" + progressSince();
            }
            if (c.unacknowledgedFor() != null || c.targetBreached() == ResponseTarget.ACKNOWLEDGE) {
                base += "@unack:" + b.unacknowledgedSince;
            }
            return t.id() + base;
        }

        void fire(Trigger t, String why) {
            if (b.pendingUntil != null) {
                return; // nothing acts before the signal is sustained; tag triggers run at promotion
            }
            b.firedTriggers.add(t.id() + "@" + now + ":" + why);
            fireAction(t, why);
        }

        void fireAction(Trigger t, String why) {
            entry(new TimelineEntry(now, Kind.TRIGGER_FIRED, null, null, t.id(), List.of(), "trigger " + t.id() + ": " + why));
            Trigger.Action action = t.action();
            if (action instanceof Trigger.Action.Escalate e) {
                escalate(e.levels(), t.id());
            } else if (action instanceof Trigger.Action.GoToLevel g) {
                goToLevel(g.level(), t.id());
            } else if (action instanceof Trigger.Action.SwitchPath sp) {
                switchPath(sp.path(), t.id());
            } else if (action instanceof Trigger.Action.AddPath a) {
                addPath(a.path(), t.id());
            } else if (action instanceof Trigger.Action.Notify n) {
                notifyTargets(n.targets(), t.id());
            }
        }

        void escalate(int levels, String trigger) {
            if (b.paths.isEmpty()) {
                entry(TimelineEntry.of(now, Kind.LADDER_EXHAUSTED, "no escalation path is running; nothing to escalate"));
                return;
            }
            for (int k = 0; k < levels; k++) {
                PathRun run = b.paths.get(0);
                EscalationPath path = policy.path(run.path()).orElseThrow();
                int index = run.firstPending(path.levels().size());
                if (index >= path.levels().size()) {
                    entry(new TimelineEntry(now, Kind.LADDER_EXHAUSTED, path.id(), null, trigger, List.of(),
                            "path " + path.id() + " has no further level"));
                    return;
                }
                notifyLevel(0, path, index, trigger);
            }
        }

        void goToLevel(String levelId, String trigger) {
            for (int i = 0; i < b.paths.size(); i++) {
                EscalationPath path = policy.path(b.paths.get(i).path()).orElseThrow();
                int idx = path.indexOf(levelId);
                if (idx >= 0) {
                    notifyLevel(i, path, idx, trigger);
                    return;
                }
            }
            for (EscalationPath path : policy.paths()) {
                int idx = path.indexOf(levelId);
                if (idx >= 0) {
                    b.paths.add(PathRun.start(path.id(), now));
                    entry(new TimelineEntry(now, Kind.PATH_ADDED, path.id(), null, trigger, List.of(),
                            "path " + path.id() + " joins at level " + levelId));
                    notifyLevel(b.paths.size() - 1, path, idx, trigger);
                    return;
                }
            }
        }

        void switchPath(String pathId, String trigger) {
            List<String> from = b.paths.stream().map(PathRun::path).toList();
            if (from.equals(List.of(pathId))) {
                return;
            }
            b.paths.clear();
            b.paths.add(PathRun.start(pathId, now));
            entry(new TimelineEntry(now, Kind.PATH_SWITCHED, pathId, null, trigger, List.of(),
                    "path " + String.join("+", from) + " -> " + pathId));
        }

        void addPath(String pathId, String trigger) {
            if (b.paths.stream().anyMatch(r -> r.path().equals(pathId))) {
                return;
            }
            b.paths.add(PathRun.start(pathId, now));
            entry(new TimelineEntry(now, Kind.PATH_ADDED, pathId, null, trigger, List.of(), "path " + pathId + " runs in parallel"));
        }

        void notifyTargets(List<Target> targets, String trigger) {
            List<String> people = new ArrayList<>();
            List<String> described = new ArrayList<>();
            for (Target target : targets) {
                Directory.Resolution r = directory.resolve(target, state(), now);
                described.add(r.description() + (r.people().isEmpty() ? ": nobody" : ": " + String.join(", ", r.people())));
                r.people().stream().filter(p -> !people.contains(p) && !pagedNow.contains(p)).forEach(people::add);
            }
            b.engaged.addAll(people);
            pagedNow.addAll(people);
            entry(new TimelineEntry(now, people.isEmpty() ? Kind.LEVEL_SKIPPED : Kind.NOTIFIED, null, null, trigger, people,
                    "trigger " + trigger + ": " + String.join("; ", described)));
        }

        String describe(Trigger.Condition c) {
            List<String> parts = new ArrayList<>();
            if (c.unacknowledgedFor() != null) {
                parts.add("unacknowledged for " + human(c.unacknowledgedFor()));
            }
            if (c.unresolvedFor() != null) {
                parts.add("unresolved for " + human(c.unresolvedFor()));
            }
            if (c.noUpdateFor() != null) {
                parts.add("no status update for " + human(c.noUpdateFor()));
            }
            if (c.targetBreached() != null) {
                parts.add(c.targetBreached().name().toLowerCase().replace('_', ' ') + " target of " + b.severity + " breached");
            }
            return String.join(" and ", parts);
        }

        // ---- the next wake-up ----

        Optional<Instant> nextWake() {
            if (b.status == IncidentStatus.RESOLVED) {
                return Optional.empty();
            }
            if (b.pendingUntil != null) {
                return Optional.of(b.pendingUntil.isBefore(now) ? now : b.pendingUntil);
            }
            Instant next = acknowledgementExpiry();
            for (PathRun run : b.paths) {
                EscalationPath path = policy.path(run.path()).orElseThrow();
                int size = path.levels().size();
                Instant due = null;
                if (run.exhausted(size)) {
                    if (b.status == IncidentStatus.TRIGGERED && run.cycle() < path.repeat()) {
                        due = run.lastNotifiedAt().plus(path.repeatAfter());
                    }
                } else {
                    int index = nextEligible(run, path);
                    if (index < size) {
                        due = run.promoteNext() ? now : levelDue(path.levels().get(index), run);
                    }
                }
                next = min(next, due);
            }
            for (Trigger t : activeTriggers()) {
                if (t.on().isTimed() && !isEventTrigger(t.on()) && filtersHold(t.on())
                        && !b.firedTriggers.contains(key(t, t.on()))) {
                    next = min(next, timedDue(t.on()));
                }
            }
            if (next != null && next.isBefore(now)) {
                next = now;
            }
            return Optional.ofNullable(next);
        }

        Instant progressSince() {
            return b.lastUpdateAt == null ? b.openedAt : b.lastUpdateAt;
        }
    }

    static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    static Instant min(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.isBefore(b) ? a : b;
    }

    static String human(Duration d) {
        long m = d.toMinutes();
        if (m % (24 * 60) == 0 && m > 0) {
            return (m / (24 * 60)) + "d";
        }
        if (m % 60 == 0 && m > 0) {
            return (m / 60) + "h";
        }
        return m + "m";
    }
}
