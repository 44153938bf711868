package io.tocsin.incident;

import io.tocsin.engine.Command;
import io.tocsin.engine.EscalationEngine;
import io.tocsin.engine.IncidentState;
import io.tocsin.engine.IncidentStatus;
import io.tocsin.engine.Intake;
import io.tocsin.engine.Outcome;
import io.tocsin.engine.Outgoing;
import io.tocsin.engine.TimelineEntry;
import io.tocsin.store.EntryRow;
import io.tocsin.store.IncidentRow;
import io.tocsin.store.IncidentStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Incidents over the engine: every change runs the engine on the locked incident row and writes what
 * it decided — the new state, its timeline entries, its messages and its next wake-up — in one
 * transaction (invariant 2). Nothing here decides anything: this class only loads and stores.
 */
@Service
public class Incidents {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Incidents.class);
    /** Kinds the engine produces on its own account, not the actor's. */
    private static final Set<TimelineEntry.Kind> AUTOMATIC = Set.of(TimelineEntry.Kind.NOTIFIED, TimelineEntry.Kind.LEVEL_SKIPPED,
            TimelineEntry.Kind.TRIGGER_FIRED, TimelineEntry.Kind.LADDER_REPEATED, TimelineEntry.Kind.LADDER_EXHAUSTED,
            TimelineEntry.Kind.PATH_SWITCHED, TimelineEntry.Kind.PATH_ADDED, TimelineEntry.Kind.ACKNOWLEDGEMENT_TIMED_OUT,
            TimelineEntry.Kind.PAGING_STARTED, TimelineEntry.Kind.POLICY_CHANGED, TimelineEntry.Kind.SUSTAINED);

    /** The result of a command: the incident after it, and whether anything changed (a second ack changes nothing). */
    public record CommandResult(IncidentRow incident, boolean changed, String message) {
    }

    /** An open incident whose escalation policy a new configuration removes, and what happens to it. */
    public record PolicyChange(String incident, String service, String policy, String effect) {
    }

    private final IncidentStore store;
    private final IncidentEngine engine;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final org.springframework.context.ApplicationEventPublisher events;
    /**
     * Null when switched off ({@code tocsin.ingest.group-commit.writers=0}): every request commits alone.
     * One writer by default: an opening holds the incident counter until its transaction commits, so a
     * second writer's openings only waited for the first's, and on H2 could wait past the lock timeout
     * while the first writer took the counter again and again (the timer benchmark saw 503s for whole
     * Alertmanager groups). Requests queue in memory instead, where waiting is fair and has no timeout.
     */
    private final GroupCommit<Request, List<SignalResult>> groupCommit;

    private final IncidentAudit audit;
    private final io.micrometer.core.instrument.MeterRegistry meters;
    private final Postmortems postmortems;
    private final PublicStatus publicStatus;

    public Incidents(IncidentStore store, IncidentEngine engine, Clock clock, TransactionTemplate tx, IncidentAudit audit,
                     Postmortems postmortems, PublicStatus publicStatus, org.springframework.context.ApplicationEventPublisher events,
                     io.micrometer.core.instrument.MeterRegistry meters,
                     @org.springframework.beans.factory.annotation.Value("${tocsin.ingest.group-commit.writers:1}") int writers,
                     @org.springframework.beans.factory.annotation.Value("${tocsin.ingest.group-commit.max-batch:200}") int maxBatch) {
        this.store = store;
        this.engine = engine;
        this.clock = clock;
        this.tx = tx;
        this.audit = audit;
        this.postmortems = postmortems;
        this.publicStatus = publicStatus;
        this.events = events;
        this.meters = meters;
        this.groupCommit = writers <= 0 ? null : new GroupCommit<>("tocsin-intake", writers, Math.max(1, maxBatch), this::acceptBatch,
                this::acceptAllDirect, r -> r.signals().size());
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        if (groupCommit != null) {
            groupCommit.stop();
        }
    }

    /** Opens, deduplicates, acknowledges or resolves by dedup key; committed before it returns (invariant 1). */
    public SignalResult accept(Signal signal, String via) {
        return acceptAll(List.of(signal), via).get(0);
    }

    /**
     * Several signals (an Alertmanager group) in one transaction: all are committed or none. Requests
     * arriving together share a transaction ({@link GroupCommit}); inside a caller's own transaction
     * (a heartbeat's beat and its resolution commit together) they join it instead.
     */
    public List<SignalResult> acceptAll(List<Signal> signals, String via) {
        List<SignalResult> results;
        if (groupCommit == null || org.springframework.transaction.support.TransactionSynchronizationManager.isActualTransactionActive()) {
            results = acceptAllDirect(new Request(signals, via));
        } else {
            results = groupCommit.submit(new Request(signals, via));
        }
        EventCounts.committed(meters, via, results);
        return results;
    }

    /** One request's signals and the interface they came through. */
    private record Request(List<Signal> signals, String via) {
    }

    private List<SignalResult> acceptAllDirect(Request intake) {
        try {
            return tx.execute(status -> acceptAllLocked(intake.signals(), intake.via()));
        } catch (DuplicateKeyException race) {
            // Another node opened the same (service, dedup key) a moment ago: now it is a repeat.
            return tx.execute(status -> acceptAllLocked(intake.signals(), intake.via()));
        }
    }

    /** Several requests in one transaction, each answered with its own results, in order. */
    private List<List<SignalResult>> acceptBatch(List<Request> batch) {
        return tx.execute(status -> {
            Map<String, Optional<IncidentRow>> locked = lockInOrder(batch.stream().flatMap(i -> i.signals().stream()).toList());
            return batch.stream().map(i -> i.signals().stream().map(s -> acceptLocked(s, i.via(), locked)).toList()).toList();
        });
    }

    private List<SignalResult> acceptAllLocked(List<Signal> signals, String via) {
        Map<String, Optional<IncidentRow>> locked = lockInOrder(signals);
        return signals.stream().map(s -> acceptLocked(s, via, locked)).toList();
    }

    private static String openKey(Signal s) {
        return IncidentStore.openKey(s.serviceId(), s.integrationKey(), s.dedupKey());
    }

    /**
     * Every open incident of the signals is locked before any new one takes a number (openings hold the
     * incident counter to their commit, so taking it before an incident row another transaction holds
     * could deadlock with it), and in one order (their ids), so two transactions naming the same alerts
     * in different orders do not deadlock either. What was read is handed to the first signal of each key,
     * so the row is not read twice; a later signal of the same key reads it again, as the first left it.
     */
    private Map<String, Optional<IncidentRow>> lockInOrder(List<Signal> signals) {
        Map<String, IncidentStore.OpenKey> byKey = new HashMap<>();
        signals.forEach(s -> byKey.putIfAbsent(openKey(s), new IncidentStore.OpenKey(s.serviceId(), s.integrationKey(), s.dedupKey())));
        return new HashMap<>(store.findOpenForUpdate(byKey.values()));
    }

    private SignalResult acceptLocked(Signal s, String via, Map<String, Optional<IncidentRow>> locked) {
        Instant now = clock.instant();
        Optional<IncidentRow> read = locked.remove(openKey(s));
        Optional<IncidentRow> open = read != null ? read : store.findOpenForUpdate(s.serviceId(), s.integrationKey(), s.dedupKey());
        Optional<IncidentState> before = open.map(r -> StateCodec.read(r.state()));
        long[] number = {-1};
        Intake intake = engine.engine().receive(before, s.alert(s.actor()), () -> {
            number[0] = store.nextNumber();
            return "INC-" + number[0];
        }, now);
        boolean opened = number[0] >= 0;
        Long id = opened ? Long.valueOf(number[0]) : open.map(IncidentRow::id).orElse(null);
        if (intake.outcome().isPresent()) {
            Outcome o = intake.outcome().get();
            String actor = s.action() == Signal.Action.TRIGGER ? s.source() : s.actor();
            if (opened) {
                persistOpened(id, s, o, actor, via, now);
            } else {
                persist(id, before.orElse(null), o, actor, via, now);
            }
            if (s.action() != Signal.Action.TRIGGER && before.isPresent()) {
                audit.signal(id, s.action(), s.actor(), via, before.get(), o);
            }
        }
        return new SignalResult(SignalResult.Outcome.valueOf(intake.result().name()),
                intake.result() == Intake.Result.NO_OPEN_INCIDENT ? null : id, s.dedupKey());
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
            Outcome o = engine.engine().apply(state, command, clock.instant());
            persist(id, state, o, actor, via, clock.instant());
            boolean changed = o.entries().stream().anyMatch(e -> e.kind() != TimelineEntry.Kind.POLICY_CHANGED);
            if (changed) {
                audit.command(id, command, actor, via, state, o);
                if (command instanceof Command.PostUpdate update) {
                    publicStatus.onUpdate(row.get(), o.state(), update, clock.instant());
                }
            }
            return Optional.of(new CommandResult(store.find(id).orElseThrow(), changed, changed ? "done" : unchanged(state, command)));
        });
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

    /** A timer came due; called by the timer worker inside the transaction that claimed it and locked {@code row}. */
    void wakeLocked(IncidentRow row) {
        Instant now = clock.instant();
        IncidentState before = StateCodec.read(row.state());
        persist(row.id(), before, engine.engine().apply(before, new Command.Wake(), now), null, "timer", now);
    }

    /**
     * The open incidents whose escalation policy (or a path they run) {@code next} no longer has, and what
     * happens to each; the same engine rule that moves them decides the words. Read-only.
     */
    public List<PolicyChange> policyChanges(EscalationEngine next) {
        Instant now = clock.instant();
        List<PolicyChange> out = new ArrayList<>();
        for (IncidentRow row : store.list(true, 10_000)) {
            IncidentState s = StateCodec.read(row.state());
            next.whenPolicyChanges(s, now).ifPresent(effect -> out.add(new PolicyChange(row.number(), s.service(), s.policy(), effect)));
        }
        return out;
    }

    /**
     * The open incidents that {@code next}'s rules wake sooner than their timer says (a delay shortened,
     * a timed trigger added, a policy moved): their timers were set by the rules before, and would page
     * that much late. Read-only; {@link #wakeNow} wakes them.
     */
    public List<String> dueSooner(EscalationEngine next) {
        Instant now = clock.instant();
        List<String> out = new ArrayList<>();
        for (IncidentRow row : store.list(true, 10_000)) {
            Optional<IncidentState> s = readableState(row);
            Optional<Instant> wake = s.isEmpty() ? Optional.empty() : next.nextWake(s.get(), now);
            if (wake.isPresent() && store.timer(row.id()).map(due -> wake.get().isBefore(due)).orElse(true)) {
                out.add(row.number());
            }
        }
        return out;
    }

    /**
     * Wakes these incidents now, so a change of policy shows on their timelines at once rather than at
     * their next step. Each in a transaction of its own, its timer moved under its lock, as every other
     * writer of an incident's timer does: without it, a command or the timer worker rewriting the same
     * timer at that moment collided with this (a duplicate key, a 500 for a configuration already
     * activated), and taking many incidents' locks in one transaction could deadlock with a command.
     * The lock is waited for with nothing else held, so it cannot deadlock. One that cannot be woken
     * (the database went away) is said in the log and moves at its next step.
     */
    public void wakeNow(List<String> changed) {
        Instant now = clock.instant();
        for (String incident : changed) {
            long id = Long.parseLong(incident.substring(4));
            try {
                tx.executeWithoutResult(status -> {
                    if (store.findForUpdate(id).isPresent() && store.timer(id).map(due -> due.isAfter(now)).orElse(true)) {
                        store.setTimer(id, now);
                    }
                });
            } catch (RuntimeException e) {
                LOG.warn("{}: not woken for its new policy now ({}); it moves at its next step", incident, e.toString());
            }
        }
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

    /** The incidents a list asks for (API, dashboard, bulk actions by filter). */
    public List<IncidentRow> search(io.tocsin.store.IncidentQuery query) {
        return store.search(query);
    }

    public List<EntryRow> timeline(long id) {
        return store.timeline(id);
    }

    /** The messages an incident sent (pages, notices, chat posts), oldest first. */
    public List<IncidentStore.MessageRow> messages(long id) {
        return store.messages(id);
    }

    /** The incident's response targets as clocks, now. */
    public List<io.tocsin.engine.ResponseClocks.Clock> clocks(IncidentRow row) {
        return readableState(row).map(s -> io.tocsin.engine.ResponseClocks.of(s, engine.engine().rules(), clock.instant()))
                .orElse(List.of());
    }

    /** The state, or empty for a damaged row: it must still show its timeline (the timer worker says on it what went wrong). */
    public Optional<IncidentState> readableState(IncidentRow row) {
        try {
            return Optional.of(StateCodec.read(row.state()));
        } catch (RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    /** The engine's view of a stored incident: who is engaged and who acknowledged live only there, not in columns. */
    public IncidentState state(IncidentRow row) {
        return StateCodec.read(row.state());
    }

    /** Stores what the engine decided: state, entries, messages (each once, by idempotency key) and the next wake-up. */
    private void persist(long id, IncidentState before, Outcome o, String actor, String via, Instant now) {
        IncidentState s = o.state();
        store.update(id, columns(s), now);
        store.appendAll(id, entries(id, o, actor, via));
        for (Outgoing m : o.messages()) {
            store.enqueue(id, m, now);
        }
        if (!o.messages().isEmpty()) {
            events.publishEvent(new MessagesQueued(o.messages().size()));
        }
        store.setTimer(id, o.nextWake().orElse(null));
        if (before != null && before.isOpen() && !s.isOpen() && s.resolvedAt() != null) {
            postmortems.onResolved(id, s, now);
        }
    }

    /**
     * Stores an incident the engine just opened under {@code id}: its row written once, as the engine
     * left it, and each of entries, messages and wake-up in one statement, for this is what every new
     * alert of a storm costs.
     */
    private void persistOpened(long id, Signal signal, Outcome o, String actor, String via, Instant now) {
        store.insert(id, new IncidentStore.Origin(signal.serviceId(), signal.dedupKey(), signal.summary(), signal.source(), signal.details(),
                signal.chatChannel(), signal.integrationKey()), columns(o.state()), now);
        store.appendAll(id, entries(id, o, actor, via));
        store.enqueueNew(id, o.messages(), now);
        if (!o.messages().isEmpty()) {
            events.publishEvent(new MessagesQueued(o.messages().size()));
        }
        store.addTimer(id, o.nextWake().orElse(null));
    }

    private static IncidentStore.StateColumns columns(IncidentState s) {
        return new IncidentStore.StateColumns(s.severity(), s.status().name(), s.paging().name(), StateCodec.write(s), s.eventCount(),
                s.acknowledgedAt(), s.resolvedAt());
    }

    private static List<EntryRow> entries(long id, Outcome o, String actor, String via) {
        return o.entries().stream().map(e -> {
            boolean automatic = AUTOMATIC.contains(e.kind());
            return new EntryRow(0, id, e.at(), e.kind().name(), automatic ? "tocsin" : actor, automatic ? "engine" : via,
                    e.path(), e.level(), e.trigger(), e.people(), e.text());
        }).toList();
    }
}
