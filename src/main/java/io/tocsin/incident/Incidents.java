package io.tocsin.incident;

import io.tocsin.config.Organisation;
import io.tocsin.config.OrganisationConfig;
import io.tocsin.engine.Command;
import io.tocsin.engine.IncidentState;
import io.tocsin.engine.IncidentStatus;
import io.tocsin.engine.Outcome;
import io.tocsin.engine.TimelineEntry;
import io.tocsin.store.EntryRow;
import io.tocsin.store.IncidentRow;
import io.tocsin.store.IncidentStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Incidents over the engine: every change runs the engine on the locked incident row and writes the
 * new state, its timeline entries, its next wake-up and its notifications in one transaction
 * (invariant 2).
 */
@Service
public class Incidents {
    /** Kinds the engine produces on its own account, not the actor's. */
    private static final Set<TimelineEntry.Kind> AUTOMATIC = Set.of(TimelineEntry.Kind.NOTIFIED, TimelineEntry.Kind.LEVEL_SKIPPED,
            TimelineEntry.Kind.TRIGGER_FIRED, TimelineEntry.Kind.LADDER_REPEATED, TimelineEntry.Kind.LADDER_EXHAUSTED,
            TimelineEntry.Kind.PATH_SWITCHED, TimelineEntry.Kind.PATH_ADDED, TimelineEntry.Kind.ACKNOWLEDGEMENT_TIMED_OUT);
    /** Entries whose people are paged (a de-escalation names people too, but releases them). */
    private static final Map<TimelineEntry.Kind, String> PAGES = Map.of(TimelineEntry.Kind.NOTIFIED, "",
            TimelineEntry.Kind.REASSIGNED, "reassigned", TimelineEntry.Kind.ACKNOWLEDGEMENT_TIMED_OUT, "acknowledgement-timeout");

    /** The result of a command: the incident after it, and whether anything changed (a second ack changes nothing). */
    public record CommandResult(IncidentRow incident, boolean changed, String message) {
    }

    private final IncidentStore store;
    private final IncidentEngine engine;
    private final Clock clock;
    private final TransactionTemplate tx;

    public Incidents(IncidentStore store, IncidentEngine engine, Clock clock, TransactionTemplate tx) {
        this.store = store;
        this.engine = engine;
        this.clock = clock;
        this.tx = tx;
    }

    /** Opens, deduplicates, acknowledges or resolves by dedup key; committed before it returns (invariant 1). */
    public SignalResult accept(Signal signal, String via) {
        try {
            return tx.execute(status -> acceptLocked(signal, via));
        } catch (DuplicateKeyException race) {
            // Another node opened the same (service, dedup key) a moment ago: now it is a repeat.
            return tx.execute(status -> acceptLocked(signal, via));
        }
    }

    /** Several signals (an Alertmanager group) in one transaction: all are committed or none. */
    public List<SignalResult> acceptAll(List<Signal> signals, String via) {
        try {
            return tx.execute(status -> signals.stream().map(s -> acceptLocked(s, via)).toList());
        } catch (DuplicateKeyException race) {
            return tx.execute(status -> signals.stream().map(s -> acceptLocked(s, via)).toList());
        }
    }

    private SignalResult acceptLocked(Signal s, String via) {
        Instant now = clock.instant();
        Optional<IncidentRow> open = store.findOpenForUpdate(s.serviceId(), s.integrationKey(), s.dedupKey());
        switch (s.action()) {
            case ACKNOWLEDGE -> {
                if (open.isEmpty()) {
                    return new SignalResult(SignalResult.Outcome.NO_OPEN_INCIDENT, null, s.dedupKey());
                }
                apply(open.get(), new Command.Acknowledge(s.actor()), s.actor(), via, now);
                return new SignalResult(SignalResult.Outcome.ACKNOWLEDGED, open.get().id(), s.dedupKey());
            }
            case RESOLVE -> {
                if (open.isEmpty()) {
                    return new SignalResult(SignalResult.Outcome.NO_OPEN_INCIDENT, null, s.dedupKey());
                }
                apply(open.get(), new Command.Resolve(s.actor()), s.actor(), via, now);
                return new SignalResult(SignalResult.Outcome.RESOLVED, open.get().id(), s.dedupKey());
            }
            default -> {
                if (open.isPresent()) {
                    long count = store.countRepeat(open.get().id(), now);
                    // A duplicate storm costs a counter; the timeline records repeats 2, 3, 5, 9, 17... only.
                    if (Long.bitCount(count - 1) == 1) {
                        store.append(open.get().id(), new EntryRow(0, open.get().id(), now, TimelineEntry.Kind.RETRIGGERED.name(),
                                s.source(), via, null, null, null, List.of(), "the source fired again (" + count + " events so far)"));
                    }
                    return new SignalResult(SignalResult.Outcome.DEDUPLICATED, open.get().id(), s.dedupKey());
                }
                return new SignalResult(SignalResult.Outcome.OPENED, open(s, via, now), s.dedupKey());
            }
        }
    }

    private long open(Signal s, String via, Instant now) {
        Organisation org = engine.organisation();
        OrganisationConfig.Service service = org.config().services().stream().filter(x -> x.id().equals(s.serviceId()))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("unknown service " + s.serviceId()));
        long id = store.insert(s.serviceId(), s.dedupKey(), s.summary(), s.source(), s.severity(), IncidentStatus.TRIGGERED.name(),
                s.paging().name(), "{}", s.details(), now, s.chatChannel(), s.integrationKey());
        Outcome outcome;
        if (s.paging() == Signal.Paging.PAGE) {
            outcome = engine.engine().open("INC-" + id, s.serviceId(), service.escalationPolicy(), s.severity(), s.tags(),
                    s.sustainedFor(), now);
        } else {
            IncidentState quiet = new IncidentState("INC-" + id, s.serviceId(), service.escalationPolicy(), s.severity(),
                    IncidentStatus.TRIGGERED, s.tags(), Set.of(s.serviceId()), now, now, null, null, null, null, List.of(), Set.of(), Set.of(), Set.of(), null);
            Set<String> channels = ChatChannels.of(org.config(), s.severity(), s.serviceId(), s.chatChannel());
            String text = s.paging() == Signal.Paging.CHAT
                    ? "opened as " + s.severity() + " on service " + s.serviceId() + ": chat notification only"
                    + (channels.isEmpty() ? "" : " in " + String.join(", ", channels)) + ", nobody is paged"
                    : "opened as " + s.severity() + " on service " + s.serviceId() + ": recorded only, nobody is paged";
            outcome = new Outcome(quiet, List.of(new TimelineEntry(now, TimelineEntry.Kind.OPENED, null, null, null, List.of(), text)),
                    Optional.empty());
        }
        persist(id, outcome, s.source(), via, now);
        return id;
    }

    /** Runs a command on an incident; a command that changes nothing (second acknowledgement) is a no-op, not an error. */
    public Optional<CommandResult> command(long id, Command command, String actor, String via) {
        return tx.execute(status -> {
            Optional<IncidentRow> row = store.findForUpdate(id);
            if (row.isEmpty()) {
                return Optional.empty();
            }
            IncidentState state = StateCodec.read(row.get().state());
            if (command instanceof Command.Acknowledge && state.status() != IncidentStatus.TRIGGERED) {
                return Optional.of(new CommandResult(row.get(), false, state.isOpen()
                        ? "already acknowledged by " + state.acknowledgedBy() : "already resolved"));
            }
            if (command instanceof Command.Resolve && !state.isOpen()) {
                return Optional.of(new CommandResult(row.get(), false, "already resolved"));
            }
            if (!state.isOpen() && !(command instanceof Command.Note)) {
                return Optional.of(new CommandResult(row.get(), false, "the incident is resolved"));
            }
            IncidentState before = StateCodec.read(row.get().state());
            Outcome o = apply(row.get(), command, actor, via, clock.instant());
            return Optional.of(new CommandResult(store.find(id).orElseThrow(), !o.entries().isEmpty(),
                    o.entries().isEmpty() ? unchanged(before, command) : "done"));
        });
    }

    /**
     * Everyone paged for an incident hears when it is acknowledged (and by whom), escalated or
     * resolved; people released by a de-escalation hear that they can stand down. Not the person who
     * did it, and not someone paged by this same step (their page says it already).
     */
    private static List<String> noticeRecipients(TimelineEntry e, IncidentState s, String actor, Outcome o) {
        if (e.kind() == TimelineEntry.Kind.DEESCALATED) {
            return e.people();
        }
        // A level paged after the incident opened is an escalation too, whether a timer or a person did it.
        boolean escalatedByLadder = e.kind() == TimelineEntry.Kind.NOTIFIED && e.at().isAfter(s.openedAt());
        if (e.kind() != TimelineEntry.Kind.ACKNOWLEDGED && e.kind() != TimelineEntry.Kind.RESOLVED
                && e.kind() != TimelineEntry.Kind.ESCALATED && !escalatedByLadder) {
            return List.of();
        }
        Set<String> pagedNow = new java.util.HashSet<>();
        o.entries().stream().filter(x -> PAGES.containsKey(x.kind())).forEach(x -> pagedNow.addAll(x.people()));
        return s.engaged().stream().filter(p -> !p.equals(actor) && !pagedNow.contains(p)).toList();
    }

    /** Why a command changed nothing, in words for the person who sent it (a second acknowledgement is not an error). */
    private static String unchanged(IncidentState s, Command command) {
        if (command instanceof Command.Acknowledge && s.isAcknowledged()) {
            return "already acknowledged by " + s.acknowledgedBy() + " at " + s.acknowledgedAt();
        }
        if (command instanceof Command.Unacknowledge) {
            return "not acknowledged";
        }
        return "nothing to do";
    }

    /** A timer came due; called by the timer worker inside the transaction that claimed it. */
    void wakeLocked(long id) {
        Optional<IncidentRow> row = store.findForUpdate(id);
        if (row.isEmpty()) {
            store.setTimer(id, null);
            return;
        }
        apply(row.get(), new Command.Wake(), null, "timer", clock.instant());
    }

    /** A change event (deploy, config change): recorded on the service's timeline, never pages. */
    public void recordChange(String serviceId, String summary, String source, String details) {
        tx.executeWithoutResult(status -> store.recordChange(serviceId, clock.instant(), summary, source, details));
    }

    public Optional<IncidentRow> find(long id) {
        return store.find(id);
    }

    public List<IncidentRow> list(boolean openOnly, int limit) {
        return store.list(openOnly, limit);
    }

    public List<EntryRow> timeline(long id) {
        return store.timeline(id);
    }

    /** The engine's view of a stored incident: who is engaged and who acknowledged live only there, not in columns. */
    public IncidentState state(IncidentRow row) {
        return StateCodec.read(row.state());
    }

    private Outcome apply(IncidentRow row, Command command, String actor, String via, Instant now) {
        IncidentState state = StateCodec.read(row.state());
        Outcome o;
        try {
            o = engine.engine().apply(state, command, now);
        } catch (IllegalArgumentException policyGone) {
            // The policy was removed by a later configuration: keep the incident, stop its timer, say why.
            o = new Outcome(state, List.of(new TimelineEntry(now, TimelineEntry.Kind.NOTE, null, null, null, List.of(),
                    "cannot escalate: " + policyGone.getMessage())), Optional.empty());
        }
        persist(row.id(), o, actor, via, now);
        return o;
    }

    private void persist(long id, Outcome o, String actor, String via, Instant now) {
        IncidentState s = o.state();
        store.update(id, s.severity(), s.status().name(), StateCodec.write(s), s.acknowledgedAt(), s.resolvedAt(), now);
        for (TimelineEntry e : o.entries()) {
            boolean automatic = AUTOMATIC.contains(e.kind());
            store.append(id, new EntryRow(0, id, e.at(), e.kind().name(), automatic ? "tocsin" : actor, automatic ? "engine" : via,
                    e.path(), e.level(), e.trigger(), e.people(), e.text()));
            if (ChatChannels.announces(e, s)) {
                for (String channel : ChatChannels.of(engine.organisation().config(), s.severity(), s.service(),
                        store.chatChannel(id).orElse(null))) {
                    store.enqueue(id, "INC-" + id + "|chat:" + e.kind().name().toLowerCase() + "|" + e.at().toEpochMilli() + "|"
                            + e.level() + "|" + channel, channel, e.text(), "CHAT", now);
                }
            }
            String notice = e.kind() == TimelineEntry.Kind.NOTIFIED ? "escalated: " + e.text() : e.text();
            noticeRecipients(e, s, actor, o).forEach(person -> store.enqueue(id, "INC-" + id + "|notice:" + e.kind().name().toLowerCase()
                    + "|" + e.at().toEpochMilli() + "|" + e.level() + "|" + person, person, notice, "NOTICE", now));
            if (PAGES.containsKey(e.kind())) {
                String step = e.kind() != TimelineEntry.Kind.NOTIFIED ? PAGES.get(e.kind())
                        : e.trigger() != null && e.level() == null ? "trigger:" + e.trigger() : e.path() + "/" + e.level();
                for (String person : e.people()) {
                    store.enqueue(id, "INC-" + id + "|" + step + "|" + e.at().toEpochMilli() + "|" + person, person, e.text(), now);
                }
            }
        }
        store.setTimer(id, o.nextWake().orElse(null));
    }
}
