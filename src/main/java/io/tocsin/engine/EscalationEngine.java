package io.tocsin.engine;

import io.tocsin.engine.TimelineEntry.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The escalation rules as a pure function: (incident state, command or alert, now) → (new state,
 * timeline entries, messages to send, next wake-up). No clock, no I/O: the server and the simulator
 * call the same code with their own {@code now}. {@link Commands}, {@link Triggers} and {@link Timing}
 * hold the rules; {@link Messages} says what a step sends.
 */
public final class EscalationEngine {
    private final EscalationRules rules;
    private final Directory directory;

    public EscalationEngine(EscalationRules rules, Directory directory) {
        this.rules = rules;
        this.directory = directory;
    }

    public EscalationRules rules() {
        return rules;
    }

    /**
     * The postmortem an incident just resolved asks for, by its severity's rule: a
     * {@code POSTMORTEM_DUE} entry at its resolution saying by when, or empty when none is required.
     * {@code earlierResolutions}: when other incidents of its service were resolved (for
     * {@code when_repeated}). The server (at the resolving transaction) and the simulator both ask here.
     */
    public Optional<PostmortemRule.Decision> postmortem(IncidentState resolved, java.util.List<Instant> earlierResolutions) {
        if (resolved.resolvedAt() == null) {
            return Optional.empty();
        }
        Severity severity = rules.severities().get(resolved.severity());
        if (severity == null) {
            return Optional.empty();
        }
        return severity.postmortem().decide(resolved.resolvedAt(), earlierResolutions, rules.calendar());
    }

    /**
     * What a monitoring source's alert does to the incident open for its dedup key ({@code open},
     * empty when none is): opens one (asking {@code newId} for its id only then), counts a repeat,
     * acknowledges or resolves it, or nothing.
     */
    public Intake receive(Optional<IncidentState> open, Alert alert, Supplier<String> newId, Instant now) {
        return switch (alert.action()) {
            case ACKNOWLEDGE -> open.map(s -> new Intake(Intake.Result.ACKNOWLEDGED,
                            Optional.of(apply(s, new Command.Acknowledge(alert.by()), now))))
                    .orElse(new Intake(Intake.Result.NO_OPEN_INCIDENT, Optional.empty()));
            case RESOLVE -> open.map(s -> new Intake(Intake.Result.RESOLVED, Optional.of(apply(s, new Command.Resolve(alert.by()), now))))
                    .orElse(new Intake(Intake.Result.NO_OPEN_INCIDENT, Optional.empty()));
            case TRIGGER -> open.filter(IncidentState::isOpen)
                    .map(s -> new Intake(Intake.Result.DEDUPLICATED, Optional.of(apply(s, new Command.Retrigger(), now))))
                    .orElseGet(() -> new Intake(Intake.Result.OPENED, Optional.of(open(newId.get(), alert.opening(), now))));
        };
    }

    /**
     * Opens an incident and runs everything due at once. A paging incident starts the path of its
     * severity; with {@code sustainedFor} (seed 002: "page if sustained > 5 min") nobody is paged and
     * no trigger acts until the source has kept firing that long, and a clear before then resolves it
     * quietly. A chat-only or recorded incident pages nobody until it is raised or escalated.
     */
    public Outcome open(String id, Opening o, Instant now) {
        String policyId = rules.servicePolicies().get(o.service());
        if (policyId == null) {
            throw new IllegalArgumentException("unknown service " + o.service());
        }
        boolean waits = o.paging() == Paging.PAGE && o.sustainedFor() != null;
        EscalationPolicy policy = rules.policy(policyId).orElse(EscalationPolicy.NONE);
        EscalationPath first = o.paging() == Paging.PAGE && !waits ? policy.pathFor(o.severity()) : null;
        IncidentState initial = new IncidentState(id, o.service(), policyId, o.severity(), IncidentStatus.TRIGGERED,
                o.paging() == Paging.PAGE && !waits ? Set.of() : o.tags(), Set.of(o.service()), now, now, null, null, null, null,
                first == null ? List.of() : List.of(PathRun.start(first.id(), now)), Set.of(), Set.of(), Set.of(),
                waits ? now.plus(o.sustainedFor()) : null, o.paging(), o.chatChannel(), Set.of(), 1, first == null ? null : now, null, Set.of(), null, null, null, o.summary(), java.util.Map.of(), null,
                checklist(o.severity(), List.of()));
        Step step = new Step(rules, directory, initial, now, null);
        String opened = "opened as " + o.severity() + " on service " + o.service();
        if (o.paging() == Paging.CHAT) {
            Set<String> channels = directory.chatChannels(initial);
            step.note(Kind.OPENED, opened + ": chat notification only" + (channels.isEmpty() ? "" : " in " + String.join(", ", channels))
                    + ", nobody is paged");
            return step.outcome();
        }
        if (o.paging() == Paging.RECORD) {
            step.note(Kind.OPENED, opened + ": recorded only, nobody is paged");
            return step.outcome();
        }
        if (waits) {
            step.note(Kind.OPENED, opened + ": waiting, pages only if still firing after " + human(o.sustainedFor()));
            return step.outcome();
        }
        step.entry(new TimelineEntry(now, Kind.OPENED, first == null ? null : first.id(), null, null, List.of(),
                opened + (first == null ? ": no escalation policy applies, nobody is paged" : ", path " + first.id())));
        Commands.addTags(step, o.tags(), null);
        Timing.advance(step);
        return step.outcome();
    }

    public Outcome apply(IncidentState state, Command command, Instant now) {
        Step step = new Step(rules, directory, state, now, command.by());
        if (!state.isOpen() && !(command instanceof Command.Note)) {
            return step.outcome();
        }
        Commands.apply(step, command);
        Timing.advance(step);
        return step.outcome();
    }

    /**
     * What happens to an open incident under these rules when its policy (or a path it runs) no longer
     * exists, in words; empty when it carries on as it is. Activation lists this for every open incident.
     */
    public Optional<String> whenPolicyChanges(IncidentState state, Instant now) {
        Step step = new Step(rules, directory, state, now, null);
        return step.entries.stream().filter(e -> e.kind() == Kind.POLICY_CHANGED).map(TimelineEntry::text).findFirst();
    }

    /**
     * When this engine's rules would next wake the incident, without advancing it: a configuration
     * that shortens a delay, adds a timed trigger or moves the incident wakes it sooner than the timer
     * its old rules set. Read-only, like {@link #whenPolicyChanges}.
     */
    public Optional<Instant> nextWake(IncidentState state, Instant now) {
        return Timing.nextWake(new Step(rules, directory, state, now, null));
    }

    /** {@code current} with the severity's items it lacks appended (a severity change adds the new severity's actions). */
    List<ChecklistItem> checklist(String severity, List<ChecklistItem> current) {
        return Commands.checklist(rules, severity, current);
    }

    static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    public static String human(Duration d) {
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
