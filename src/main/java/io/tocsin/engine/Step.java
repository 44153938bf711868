package io.tocsin.engine;

import io.tocsin.engine.TimelineEntry.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One engine step over a mutable copy of an incident's state: what commands, triggers and timers do
 * to it goes through here, and so does every page. {@link Commands} says what each command does,
 * {@link Triggers} when a trigger acts, {@link Timing} what comes due; this class holds the state and
 * the actions they share.
 */
final class Step {
    final EscalationRules rules;
    final Directory directory;
    final IncidentState.Builder b;
    final Instant now;
    /** Who caused this step (a person, an integration), or null for a timer. */
    final String actor;
    final List<TimelineEntry> entries = new ArrayList<>();
    /** People paged in this step: a second target naming them at the same instant does not page them twice. */
    final Set<String> pagedNow = new LinkedHashSet<>();
    EscalationPolicy policy;

    Step(EscalationRules rules, Directory directory, IncidentState state, Instant now, String actor) {
        this.rules = rules;
        this.directory = directory;
        this.b = state.toBuilder();
        this.now = now;
        this.actor = actor;
        this.policy = followPolicy();
        // What was done is found again by level id: a configuration may have added, removed or moved levels.
        b.paths.replaceAll(run -> run.alignedTo(path(run)));
    }

    IncidentState state() {
        return b.build();
    }

    void entry(TimelineEntry e) {
        entries.add(e);
    }

    void note(Kind kind, String text) {
        entry(TimelineEntry.of(now, kind, text));
    }

    Outcome outcome() {
        IncidentState s = state();
        return new Outcome(s, entries, Messages.of(s, entries, actor, directory.chatChannels(s)), Timing.nextWake(this));
    }

    boolean isQuiet() {
        return b.paging.quiet();
    }

    boolean isWaiting() {
        return b.pendingUntil != null;
    }

    Instant progressSince() {
        return b.lastUpdateAt == null ? b.openedAt : b.lastUpdateAt;
    }

    EscalationPath path(PathRun run) {
        return policy.path(run.path()).orElseThrow();
    }

    // ---- which policy the incident follows ----

    /**
     * The incident's policy, or where it goes when a later configuration removed it (or a path it is
     * on): it moves to the policy its service follows now, starting that policy's path for its
     * severity, with levels already due firing at once and people already paged not paged again.
     * When the service has no policy either, nothing escalates any more, and acknowledging,
     * resolving, notes and updates still work.
     */
    private EscalationPolicy followPolicy() {
        EscalationPolicy own = rules.policy(b.policy).orElse(null);
        if (own != null && b.paths.stream().allMatch(r -> own.path(r.path()).isPresent())) {
            return own;
        }
        EscalationPolicy next = own != null ? own : rules.policyOfService(b.service).orElse(null);
        if (next == null || next.paths().isEmpty()) {
            if (!EscalationPolicy.NONE.id().equals(b.policy)) {
                note(Kind.POLICY_CHANGED, "escalation policy " + b.policy + " no longer exists and service " + b.service
                        + " follows none: nothing escalates any more; acknowledge and resolve still work");
                b.paths.clear();
                b.policy = EscalationPolicy.NONE.id();
            }
            return EscalationPolicy.NONE;
        }
        boolean escalating = !b.paths.isEmpty();
        String from = b.policy;
        List<String> before = b.paths.stream().map(PathRun::path).toList();
        b.policy = next.id();
        if (escalating) {
            PathRun first = b.paths.get(0);
            List<PathRun> kept = b.paths.stream().filter(r -> next.path(r.path()).isPresent()).toList();
            b.paths.clear();
            if (kept.isEmpty()) {
                EscalationPath path = next.pathFor(b.severity);
                // The old start keeps an acknowledgement's pause; levels already due fire at once.
                b.paths.add(PathRun.movedFrom(first, path.id(), Set.of(), Set.of()));
            } else {
                b.paths.addAll(kept);
            }
        }
        String where = b.paths.isEmpty() ? "" : ", path " + String.join("+", b.paths.stream().map(PathRun::path).toList());
        note(Kind.POLICY_CHANGED, (own == null ? "escalation policy " + from + " no longer exists: now follows " + next.id()
                + ", the policy of service " + b.service : "path " + String.join("+", before) + " no longer exists in policy "
                + next.id()) + where + "; people already paged are not paged again");
        return next;
    }

    // ---- paging people ----

    /** Who of {@code people} is paged now: not someone paged in this cycle, nor whoever holds the acknowledgement. */
    List<String> pageable(List<String> people) {
        List<String> out = new ArrayList<>();
        for (String p : people) {
            boolean holds = b.status == IncidentStatus.ACKNOWLEDGED && p.equals(b.acknowledgedBy);
            if (!out.contains(p) && !pagedNow.contains(p) && !b.paged.contains(p) && !holds) {
                out.add(p);
            }
        }
        return out;
    }

    void paged(List<String> people) {
        b.engaged.addAll(people);
        b.paged.addAll(people);
        pagedNow.addAll(people);
    }

    /** The incident (re)triggered: everyone may be paged again from here on. */
    void newCycle() {
        b.paged.clear();
    }

    /** Notifies a level now; a level that reaches nobody is skipped and the next one is due at once. */
    void notifyLevel(int runIndex, int index, String trigger) {
        PathRun run = b.paths.get(runIndex);
        EscalationPath path = path(run);
        Level level = path.levels().get(index);
        List<String> named = new ArrayList<>();
        List<String> reached = new ArrayList<>();
        List<String> unreachable = new ArrayList<>();
        for (Target target : level.targets()) {
            Directory.Resolution r = directory.resolve(target, state(), now);
            if (r.people().isEmpty()) {
                unreachable.add(r.description());
            } else {
                reached.add(r.description() + ": " + String.join(", ", r.people()));
                r.people().stream().filter(p -> !named.contains(p)).forEach(named::add);
            }
        }
        List<String> people = pageable(named);
        List<String> already = named.stream().filter(p -> !people.contains(p)).toList();
        String where = "path " + path.id() + ", level " + level.id() + (run.cycle() > 0 ? " (repeat " + run.cycle() + ")" : "");
        if (named.isEmpty()) {
            b.paths.set(runIndex, run.skipped(index, path));
            entry(new TimelineEntry(now, Kind.LEVEL_SKIPPED, path.id(), level.id(), trigger, List.of(),
                    where + ": nobody to notify (" + String.join("; ", unreachable) + "), moving on at once"));
            return;
        }
        b.paths.set(runIndex, run.notified(index, now, path));
        if (people.isEmpty()) {
            entry(new TimelineEntry(now, Kind.LEVEL_SKIPPED, path.id(), level.id(), trigger, List.of(),
                    where + ": " + String.join("; ", reached) + " (already paged: " + String.join(", ", already) + ")"));
            return;
        }
        paged(people);
        entry(new TimelineEntry(now, Kind.NOTIFIED, path.id(), level.id(), trigger, people,
                where + ": " + String.join("; ", reached)
                        + (already.isEmpty() ? "" : " (already paged: " + String.join(", ", already) + ")")
                        + (unreachable.isEmpty() ? "" : " (nobody for " + String.join("; ", unreachable) + ")")));
    }

    /** A trigger's own targets, outside any ladder. */
    void notifyTargets(List<Target> targets, String trigger) {
        List<String> named = new ArrayList<>();
        List<String> described = new ArrayList<>();
        for (Target target : targets) {
            Directory.Resolution r = directory.resolve(target, state(), now);
            described.add(r.description() + (r.people().isEmpty() ? ": nobody" : ": " + String.join(", ", r.people())));
            r.people().stream().filter(p -> !named.contains(p)).forEach(named::add);
        }
        List<String> people = pageable(named);
        List<String> already = named.stream().filter(p -> !people.contains(p)).toList();
        paged(people);
        entry(new TimelineEntry(now, people.isEmpty() ? Kind.LEVEL_SKIPPED : Kind.NOTIFIED, null, null, trigger, people,
                "trigger " + trigger + ": " + String.join("; ", described)
                        + (already.isEmpty() ? "" : " (already paged: " + String.join(", ", already) + ")")));
    }

    // ---- moving along the ladder ----

    /**
     * A quiet incident starts paging (raised to a paging severity, escalated by hand or by an event
     * trigger): the path of its severity starts now, as if it had opened now.
     */
    void startPaging(String why) {
        if (!isQuiet()) {
            return;
        }
        loud();
        EscalationPath first = policy.pathFor(b.severity);
        if (first == null) {
            note(Kind.PAGING_STARTED, why + ": paging, but no escalation policy applies, so nobody is paged");
            return;
        }
        b.paths.clear();
        b.paths.add(PathRun.start(first.id(), now));
        entry(new TimelineEntry(now, Kind.PAGING_STARTED, first.id(), null, null, List.of(), why + ": paging by path " + first.id()));
    }

    void escalate(int levels, String trigger) {
        if (isQuiet()) {
            startPaging(trigger == null ? "escalated" : "trigger " + trigger);
            return;
        }
        if (b.paths.isEmpty()) {
            note(Kind.LADDER_EXHAUSTED, "no escalation path is running; nothing to escalate");
            return;
        }
        for (int k = 0; k < levels; k++) {
            PathRun run = b.paths.get(0);
            EscalationPath path = path(run);
            int index = Timing.nextToEscalate(this, run, path);
            if (index >= path.levels().size()) {
                entry(new TimelineEntry(now, Kind.LADDER_EXHAUSTED, path.id(), null, trigger, List.of(),
                        "path " + path.id() + " has no further level"));
                return;
            }
            notifyLevel(0, index, trigger);
        }
    }

    void goToLevel(String levelId, String trigger) {
        loud();
        for (int i = 0; i < b.paths.size(); i++) {
            int idx = path(b.paths.get(i)).indexOf(levelId);
            if (idx >= 0) {
                notifyLevel(i, idx, trigger);
                return;
            }
        }
        for (EscalationPath path : policy.paths()) {
            int idx = path.indexOf(levelId);
            if (idx >= 0) {
                b.paths.add(PathRun.start(path.id(), now));
                entry(new TimelineEntry(now, Kind.PATH_ADDED, path.id(), null, trigger, List.of(),
                        "path " + path.id() + " joins at level " + levelId));
                notifyLevel(b.paths.size() - 1, idx, trigger);
                return;
            }
        }
    }

    /** A path started on a quiet incident makes it page, counting unacknowledged time from now. */
    private void loud() {
        if (isQuiet()) {
            b.paging = Paging.PAGE;
            b.pagingSince = now;
            if (b.status == IncidentStatus.TRIGGERED) {
                b.unacknowledgedSince = now;
            }
        }
    }

    void switchPath(String pathId, String trigger) {
        loud();
        List<String> from = b.paths.stream().map(PathRun::path).toList();
        if (from.equals(List.of(pathId))) {
            return;
        }
        b.paths.clear();
        b.paths.add(PathRun.start(pathId, now));
        entry(new TimelineEntry(now, Kind.PATH_SWITCHED, pathId, null, trigger, List.of(),
                "path " + (from.isEmpty() ? "(none)" : String.join("+", from)) + " -> " + pathId));
    }

    void addPath(String pathId, String trigger) {
        loud();
        if (b.paths.stream().anyMatch(r -> r.path().equals(pathId))) {
            return;
        }
        b.paths.add(PathRun.start(pathId, now));
        entry(new TimelineEntry(now, Kind.PATH_ADDED, pathId, null, trigger, List.of(), "path " + pathId + " runs in parallel"));
    }

    // ---- the war room ----

    /** The incident role that hears about status updates and leads a war room. */
    static final String COMMANDER = "incident-commander";

    /**
     * Opens the war room once: names its channel in seed 001's format and pages whoever holds the
     * organisation's war-room roles — the person given the role on this incident, else the holders of
     * the directory role of that name (one page per person per cycle, as ever).
     */
    void declareWarRoom(String why) {
        if (b.warRoom != null || b.status == IncidentStatus.RESOLVED) {
            return;
        }
        String channel = warRoomChannel();
        b.warRoom = new WarRoom(now, channel, why, Set.of());
        List<String> named = new ArrayList<>();
        List<String> described = new ArrayList<>();
        for (String role : rules.warRoom().roles()) {
            List<String> holders = b.roles.containsKey(role) ? List.of(b.roles.get(role))
                    : directory.resolve(new Target.Role(role), state(), now).people();
            described.add(role + ": " + (holders.isEmpty() ? "nobody" : String.join(", ", holders)));
            holders.stream().filter(p -> !named.contains(p)).forEach(named::add);
        }
        List<String> people = pageable(named);
        paged(people);
        entry(new TimelineEntry(now, Kind.WAR_ROOM_DECLARED, null, null, null, people, "war room " + channel + " declared ("
                + why + ")" + (described.isEmpty() ? "" : "; roles " + String.join("; ", described))
                + (people.isEmpty() ? "" : "; paging " + String.join(", ", people))));
    }

    /** {@code #incident-YYYYMMDD-short-description}: the opening date where the organisation is, and a few words of the summary. */
    String warRoomChannel() {
        String date = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd").format(b.openedAt.atZone(rules.calendar().zone()));
        String words = (b.summary == null || b.summary.isBlank() ? b.service : b.summary).toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        String[] parts = words.split("-");
        StringBuilder slug = new StringBuilder();
        for (String part : parts) {
            if (part.isEmpty() || slug.length() + part.length() + 1 > 40) {
                break;
            }
            slug.append(slug.length() == 0 ? "" : "-").append(part);
        }
        return "#incident-" + date + "-" + (slug.length() == 0 ? b.service : slug);
    }

    static String by(String who) {
        return who == null ? "" : who + ": ";
    }

    static String human(Duration d) {
        return EscalationEngine.human(d);
    }
}
