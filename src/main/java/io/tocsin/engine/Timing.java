package io.tocsin.engine;

import io.tocsin.engine.TimelineEntry.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What the passing of time makes happen, and when: a sustained signal is promoted, an acknowledgement
 * runs out, a timed trigger acts, a path's next level comes due, a ladder repeats or is exhausted. It
 * is written once, as a list of {@link Due} items: advancing fires the items due by now, in the order
 * they came due, and the next wake-up is the earliest item still ahead. So the engine is woken exactly
 * when something will happen, and waking it more often changes nothing.
 */
final class Timing {
    /** Bound on work in one step, so a configuration mistake can never spin a node. */
    static final int MAX_STEPS = 1_000;

    /** Something that happens at {@code at}; {@code order} breaks ties between items due at one instant. */
    record Due(Instant at, int order, Runnable act) {
    }

    private Timing() {
    }

    static void advance(Step s) {
        for (int guard = 0; guard < MAX_STEPS; guard++) {
            Due next = pending(s).stream().filter(d -> !d.at().isAfter(s.now))
                    .min(Comparator.comparing(Due::at).thenComparingInt(Due::order)).orElse(null);
            if (next == null) {
                return;
            }
            next.act().run();
        }
    }

    static java.util.Optional<Instant> nextWake(Step s) {
        Instant next = pending(s).stream().map(Due::at).min(Comparator.naturalOrder()).orElse(null);
        if (next != null && next.isBefore(s.now)) {
            next = s.now;
        }
        return java.util.Optional.ofNullable(next);
    }

    static List<Due> pending(Step s) {
        IncidentState.Builder b = s.b;
        List<Due> out = new ArrayList<>();
        if (b.status == IncidentStatus.RESOLVED) {
            return out;
        }
        if (b.pendingUntil != null) {
            out.add(new Due(b.pendingUntil, 0, () -> promoteSustained(s)));
            return out;
        }
        // The severity's response targets run on every incident anyone is expected to act on, paging or not.
        if (b.paging != Paging.RECORD) {
            for (ResponseTarget target : ResponseTarget.values()) {
                Instant due = targetDue(s, target);
                if (due != null && !b.breached.contains(breachKey(s, target))) {
                    out.add(new Due(due, 2, () -> breach(s, target)));
                }
            }
        }
        if (s.isQuiet()) {
            return out;
        }
        Instant update = updateDue(s);
        if (update != null) {
            out.add(new Due(update, 2, () -> remindUpdate(s)));
        }
        java.time.Duration warRoomAfter = s.rules.warRoom().afterBySeverity().get(b.severity);
        if (warRoomAfter != null && b.warRoom == null) {
            out.add(new Due(b.openedAt.plus(warRoomAfter), 2,
                    () -> s.declareWarRoom(b.severity + " open for " + Step.human(warRoomAfter))));
        }
        Instant expiry = acknowledgementExpiry(s);
        if (expiry != null) {
            out.add(new Due(expiry, 1, () -> expireAcknowledgement(s)));
        }
        for (Trigger t : Triggers.active(s)) {
            Trigger.Condition c = t.on();
            if (c.isTimed() && !Triggers.isEvent(c) && Triggers.filtersHold(s, c) && !b.firedTriggers.contains(Triggers.key(s, t))) {
                Instant due = Triggers.timedDue(s, c);
                if (due != null) {
                    out.add(new Due(due, 3, () -> Triggers.fireTimed(s, t)));
                }
            }
        }
        for (int i = 0; i < b.paths.size(); i++) {
            Due due = pathDue(s, i);
            if (due != null) {
                out.add(due);
            }
        }
        return out;
    }

    /** The next thing path {@code i} does: notify its next level, repeat, or say it is exhausted. */
    private static Due pathDue(Step s, int i) {
        PathRun run = s.b.paths.get(i);
        EscalationPath path = s.path(run);
        int size = path.levels().size();
        int index = nextEligible(s, run, path);
        if (index < size) {
            Instant due = run.promoteNext() ? s.now : levelDue(s, path.levels().get(index), run);
            return due == null ? null : new Due(due, 4 + i, () -> s.notifyLevel(i, index, null));
        }
        // Levels waiting for a tag stand apart: every other level has fired, and nobody acknowledged.
        if (s.b.status != IncidentStatus.TRIGGERED) {
            return null;
        }
        Instant due = run.lastNotifiedAt().plus(path.repeatAfter());
        if (run.cycle() < path.repeat()) {
            return new Due(due, 4 + i, () -> repeat(s, i));
        }
        return run.exhausted() ? null : new Due(due, 4 + i, () -> exhausted(s, i));
    }

    /**
     * The level the ladder waits on: the first not done, passing over acknowledgement-driven levels
     * while the incident is acknowledged (they stay available to "+1 level" escalations) and levels
     * waiting for a tag that is not there (they fire whenever it comes, and hold nothing back). A level
     * skipped for reaching nobody brings the next one forward ({@code promoteNext}), never one the
     * acknowledgement paused: that would page someone while a person is on it.
     */
    static int nextEligible(Step s, PathRun run, EscalationPath path) {
        return next(s, run, path, true);
    }

    /**
     * The level a "+1 level" escalation (by hand, or a trigger's {@code escalate}) notifies: the first
     * not done, including one an acknowledgement paused, passing over a level waiting for a tag that is
     * not there while a level of the ladder's own order is left (the tag level stands apart from that
     * order, and would otherwise count as done and not fire when its tag comes). When only such levels
     * are left, the first of them: escalating by hand then reaches the "all hands, if needed" level a
     * policy keeps for it (seed 001's war room) rather than nobody.
     */
    static int nextToEscalate(Step s, PathRun run, EscalationPath path) {
        int size = path.levels().size();
        int inOrder = next(s, run, path, false);
        return inOrder < size ? inOrder : run.firstPending(size);
    }

    private static int next(Step s, PathRun run, EscalationPath path, boolean honourPause) {
        IncidentState.Builder b = s.b;
        int size = path.levels().size();
        for (int i = run.firstPending(size); i < size; i++) {
            if (run.done().contains(i)) {
                continue;
            }
            StartCondition start = path.levels().get(i).start();
            if (start instanceof StartCondition.WhenTagged w && !b.tags.contains(w.tag())) {
                continue;
            }
            // An acknowledgement pauses the paths it saw; a path a trigger starts afterwards runs (security...).
            boolean paused = honourPause && b.status == IncidentStatus.ACKNOWLEDGED && start.stoppedByAcknowledgement()
                    && !run.startedAt().isAfter(b.acknowledgedAt);
            if (!paused) {
                return i;
            }
        }
        return size;
    }

    /** When a level is due, once the levels before it are done; null when it cannot come due now. */
    static Instant levelDue(Step s, Level level, PathRun run) {
        IncidentState.Builder b = s.b;
        StartCondition start = level.start();
        if (start instanceof StartCondition.After a) {
            // After an un-acknowledgement the delay counts again from then. From the path's start until a
            // level of this run is done: one a newer configuration removed still counts (its ids are kept),
            // so removing every level notified does not bring the next one forward.
            Instant base = run.done().isEmpty() && run.doneLevels().isEmpty() ? run.startedAt() : run.lastNotifiedAt();
            return EscalationEngine.max(base, b.unacknowledgedSince).plus(a.delay());
        }
        if (start instanceof StartCondition.UnacknowledgedFor u) {
            return b.status == IncidentStatus.TRIGGERED ? b.unacknowledgedSince.plus(u.duration()) : null;
        }
        if (start instanceof StartCondition.UnresolvedFor u) {
            return b.openedAt.plus(u.duration());
        }
        if (start instanceof StartCondition.NoUpdateFor n) {
            return s.progressSince().plus(n.duration());
        }
        StartCondition.WhenTagged w = (StartCondition.WhenTagged) start;
        return b.tags.contains(w.tag()) ? s.now : null;
    }

    /** When a response target of the incident's severity is breached, or null when it is not set or cannot be. */
    static Instant targetDue(Step s, ResponseTarget target) {
        IncidentState.Builder b = s.b;
        Severity severity = s.rules.severities().get(b.severity);
        Deadline deadline = severity == null ? null : severity.target(target);
        if (deadline == null) {
            return null;
        }
        return switch (target) {
            case ACKNOWLEDGE -> b.status == IncidentStatus.TRIGGERED ? deadline.from(b.unacknowledgedSince, s.rules.calendar()) : null;
            case FIRST_UPDATE -> b.lastUpdateAt != null ? null : deadline.from(b.openedAt, s.rules.calendar());
            case RESOLVE -> deadline.from(b.openedAt, s.rules.calendar());
        };
    }

    /**
     * When the next status update is due by the severity's cadence (or by the time its poster promised
     * the next one), counted from the last update or the opening; after a reminder, the next reminder
     * is one cadence later. Only while someone holds the incident: before that, the pages are the reminder.
     */
    static Instant updateDue(Step s) {
        IncidentState.Builder b = s.b;
        UpdateCadence.Band band = cadenceBand(s);
        if (band == null || b.status != IncidentStatus.ACKNOWLEDGED) {
            return null;
        }
        Instant base = b.lastUpdateAt != null ? b.lastUpdateAt : b.openedAt;
        Instant due = b.nextUpdatePromised != null ? b.nextUpdatePromised : base.plus(band.every());
        if (b.updateRemindedAt != null && !b.updateRemindedAt.isBefore(due)) {
            due = b.updateRemindedAt.plus(band.every());
        }
        return due;
    }

    /** When the next status update is due, whoever holds the incident (the de-escalation notice says it). */
    static Instant nextUpdateDue(Step s) {
        UpdateCadence.Band band = cadenceBand(s);
        if (s.b.nextUpdatePromised != null) {
            return s.b.nextUpdatePromised;
        }
        return band == null ? null : (s.b.lastUpdateAt != null ? s.b.lastUpdateAt : s.b.openedAt).plus(band.every());
    }

    static UpdateCadence.Band cadenceBand(Step s) {
        Severity severity = s.rules.severities().get(s.b.severity);
        return severity == null ? null : severity.cadence().current(UpdateCadence.Status.of(s.b.updateStatus));
    }

    /** Reminds whoever holds the incident that a status update is due (again, while none comes). */
    private static void remindUpdate(Step s) {
        IncidentState.Builder b = s.b;
        UpdateCadence.Band band = cadenceBand(s);
        Instant base = b.lastUpdateAt != null ? b.lastUpdateAt : b.openedAt;
        boolean again = b.updateRemindedAt != null && b.updateRemindedAt.isAfter(base);
        b.updateRemindedAt = s.now;
        // The incident commander, else the person holding the incident when Tocsin knows them as someone it can reach.
        String commander = b.roles.get(Step.COMMANDER);
        List<String> who = commander != null ? List.of(commander)
                : b.acknowledgedBy != null && b.engaged.contains(b.acknowledgedBy) ? List.of(b.acknowledgedBy) : List.of();
        s.entry(new TimelineEntry(s.now, Kind.UPDATE_DUE, null, null, null, who, "status update " + (again ? "overdue" : "due")
                + ": none for " + Step.human(java.time.Duration.between(base, s.now)) + " (" + b.severity + " wants one every "
                + Step.human(band.every()) + " until " + band.until().text() + ")"
                + (who.isEmpty() ? "" : "; reminding " + String.join(", ", who))));
    }

    /** The acknowledgement target counts again from each re-trigger; the others once per incident. */
    static String breachKey(Step s, ResponseTarget target) {
        return target == ResponseTarget.ACKNOWLEDGE ? target.name() + "@" + s.b.unacknowledgedSince : target.name();
    }

    private static void breach(Step s, ResponseTarget target) {
        s.b.breached.add(breachKey(s, target));
        Deadline deadline = s.rules.severities().get(s.b.severity).target(target);
        s.note(Kind.TARGET_BREACHED, ResponseClocks.breachText(target, s.b.severity, deadline));
    }

    private static void repeat(Step s, int i) {
        PathRun run = s.b.paths.get(i);
        EscalationPath path = s.path(run);
        s.b.paths.set(i, run.repeated(s.now));
        // A repeat exists to page the ladder again: everyone on it may be paged once more.
        s.newCycle();
        s.entry(new TimelineEntry(s.now, Kind.LADDER_REPEATED, path.id(), null, null, List.of(),
                "nobody acknowledged: path " + path.id() + " starts again (repeat " + (run.cycle() + 1) + " of " + path.repeat() + ")"));
    }

    private static void exhausted(Step s, int i) {
        PathRun run = s.b.paths.get(i);
        EscalationPath path = s.path(run);
        s.b.paths.set(i, run.noteExhausted());
        s.entry(new TimelineEntry(s.now, Kind.LADDER_EXHAUSTED, path.id(), null, null, List.of(),
                "nobody acknowledged: path " + path.id() + " has paged every level" + (path.repeat() > 0
                        ? " and repeated " + path.repeat() + (path.repeat() == 1 ? " time" : " times") : "")
                        + "; nobody further to page"));
    }

    /** Still firing when the wait is over: the policy starts now, as if the incident had opened now. */
    private static void promoteSustained(Step s) {
        IncidentState.Builder b = s.b;
        java.time.Duration waited = java.time.Duration.between(b.openedAt, b.pendingUntil);
        b.pendingUntil = null;
        EscalationPath first = s.policy.pathFor(b.severity);
        if (first == null) {
            s.note(Kind.SUSTAINED, "still firing after " + Step.human(waited) + ": sustained, but no escalation policy applies");
            return;
        }
        // An acknowledgement given while waiting holds: the path counts as seen by it.
        Instant started = b.status == IncidentStatus.ACKNOWLEDGED ? b.acknowledgedAt : s.now;
        b.paths.clear();
        b.paths.add(PathRun.start(first.id(), started));
        b.pagingSince = s.now;
        if (b.status == IncidentStatus.TRIGGERED) {
            b.unacknowledgedSince = s.now;
        }
        s.entry(new TimelineEntry(s.now, Kind.SUSTAINED, first.id(), null, null, List.of(),
                "still firing after " + Step.human(waited) + ": sustained, paging by path " + first.id()));
        for (String tag : List.copyOf(b.tags)) {
            Triggers.tagAdded(s, tag);
        }
    }

    static Instant acknowledgementExpiry(Step s) {
        java.time.Duration timeout = s.policy.acknowledgementTimeout();
        IncidentState.Builder b = s.b;
        if (timeout == null || b.status != IncidentStatus.ACKNOWLEDGED || b.acknowledgedAt == null) {
            return null;
        }
        return b.acknowledgedAt.plus(timeout);
    }

    /** The acknowledgement ran out: back to triggered, and the person who acknowledged is paged again. */
    private static void expireAcknowledgement(Step s) {
        IncidentState.Builder b = s.b;
        String who = b.acknowledgedBy;
        b.status = IncidentStatus.TRIGGERED;
        b.unacknowledgedSince = s.now;
        b.acknowledgedAt = null;
        b.acknowledgedBy = null;
        s.newCycle();
        // Only someone Tocsin paged is a person it can page again (an acknowledgement may come from an API token).
        List<String> again = who != null && b.engaged.contains(who) && !s.pagedNow.contains(who) ? List.of(who) : List.of();
        s.paged(again);
        s.entry(new TimelineEntry(s.now, Kind.ACKNOWLEDGEMENT_TIMED_OUT, null, null, null, again,
                "acknowledgement" + (who == null ? "" : " by " + who) + " timed out after "
                        + Step.human(s.policy.acknowledgementTimeout()) + " without resolution: back to triggered"
                        + (again.isEmpty() ? "" : ", paging " + who + " again")));
    }
}
