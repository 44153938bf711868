package io.tocsin.notify;

import io.micrometer.core.instrument.MeterRegistry;
import io.tocsin.store.IncidentRow;
import io.tocsin.store.IncidentStore;
import io.tocsin.store.KillSwitchStore;
import io.tocsin.store.NamedLocks;
import io.tocsin.store.NotificationStore;
import io.tocsin.store.NotificationStore.Delivery;
import io.tocsin.store.NotificationStore.Destination;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers what the engine queued. Outbox rows are expanded into deliveries ({@link OutboxExpansion});
 * each delivery is leased ({@link DeliveryLeases}: a node that dies mid-send is replaced within the provider
 * timeout plus a margin, and the timeline says so), sent outside any transaction
 * with a timeout, and its result recorded on the incident's timeline. Failures retry with
 * exponential backoff and jitter for the channel's retry budget ({@link RetryPolicy}; a provider's
 * Retry-After wins); a failing method brings the person's next contact method forward at once
 * ({@link Fallback}); what cannot be delivered lands in the dead letters with the provider's answer,
 * and goes out again by itself when its destination answers again ({@link DeadLetterRedrive}).
 * Pages still waiting when the incident is acknowledged or resolved are cancelled, never sent. A
 * number over its per-minute limit waits, and what waits for it goes out as one message. A node
 * sends to one destination with at most {@code tocsin.notify.per-destination} senders, each working
 * through a batch of its deliveries, so a destination that hangs or has a long backlog holds those
 * senders, never the pages to everyone else.
 */
@Component
public class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** One per component, not per class: what it said last is this server's, not another context's in the same JVM. */
    private final io.tocsin.store.OutageLog outage = new io.tocsin.store.OutageLog(LOG);

    private final NotificationStore deliveries;
    private final IncidentStore incidents;
    private final Channels channels;
    private final OutboxExpansion expansion;
    private final MessageComposer composer;
    private final DeliveryTimeline timeline;
    private final Fallback fallback;
    private final DeadLetterRedrive redrive;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final DestinationLimits limits;
    private final NamedLocks locks;
    private final RetryPolicy retry;
    private final MeterRegistry meters;
    private final DeliveryLeases leases;
    private final KillSwitchStore switches;
    private final boolean enabled;
    private final int senderThreads;
    private final ExecutorService senders;
    private final AtomicInteger busySenders = new AtomicInteger();
    private final AtomicBoolean limitedLaneBusy = new AtomicBoolean();
    /**
     * The deliveries this node is sending to each destination right now, each with when it started
     * (System.nanoTime). A destination at its limit is not leased from: a hanging destination holds at
     * most that many senders, never all of them. Entries are added only under {@link #leasing}, so leasing
     * and reserving are one step; a sender notes each send's start and removes itself without that lock
     * (a removal only makes room), so no sender waits for another's lease, a database transaction: the
     * timer benchmark's profile had senders waiting 38.7 s in 20 s on the one lock that guarded both.
     */
    private final java.util.concurrent.ConcurrentHashMap<Destination, java.util.Map<Long, Long>> inFlight =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** Held while leasing and reserving; guards {@link #wideSearchEvery} and {@link #lastWideSearch}. */
    private final Object leasing = new Object();
    /**
     * How long a destination's oldest send may be in flight before the destination counts as stuck
     * and its backlog is left out of the search for the next delivery (a provider answers in well
     * under this; one that hangs is cut off only by tocsin.notify.timeout).
     */
    static final Duration STUCK = Duration.ofSeconds(1);
    /**
     * How many deliveries due to one destination a sender leases in one transaction and sends one
     * after the other: in a storm to one person or one webhook, the cost of leasing is shared.
     */
    static final int BATCH = 16;
    /** A delivery whose number's lock another sender holds is leased again this much later. */
    static final Duration LOCK_HELD_RETRY = Duration.ofSeconds(1);
    /** A number full only because of messages going out right now is looked at again this much later. */
    static final Duration GOING_RECHECK = Duration.ofSeconds(5);
    /**
     * How long a sender may hold the answers of quick sends before writing them together ({@link Records}):
     * long enough for a batch of sends to a provider answering in a few milliseconds to be written in one
     * commit with the next lease, short enough that a timeline says "delivered" at once to a person.
     */
    static final Duration RECORD_WITHIN = Duration.ofMillis(50);
    /**
     * How often, at most, a sender that found only destinations without room reads past their backlog
     * for a delivery to anyone else: the longest a page to another destination waits behind a busy one.
     */
    static final Duration WIDE_SEARCH_EVERY = Duration.ofMillis(200);
    /** ... and at least this often, however long it has found nothing. */
    static final Duration WIDE_SEARCH_AT_LEAST = Duration.ofSeconds(1);
    /** How often now (nanoseconds); guarded by {@code leasing}. */
    private long wideSearchEvery = WIDE_SEARCH_EVERY.toNanos();
    /** When that read was last made (System.nanoTime); guarded by {@code leasing}. */
    private long lastWideSearch = System.nanoTime() - WIDE_SEARCH_EVERY.toNanos();
    private final int perDestination;

    Dispatcher(NotificationStore deliveries, IncidentStore incidents, Channels channels, OutboxExpansion expansion,
               MessageComposer composer, DeliveryTimeline timeline, Fallback fallback, DeadLetterRedrive redrive, Clock clock,
               TransactionTemplate tx, RetryPolicy retry, DeliveryLeases leases, KillSwitchStore switches, NamedLocks locks,
               @Value("${tocsin.notify.enabled:true}") boolean enabled,
               @Value("${tocsin.notify.threads:8}") int senderThreads,
               @Value("${tocsin.notify.per-destination:3}") int perDestination,
               @Value("${tocsin.notify.rate-limits:sms=3,voice=2}") String rateLimits,
               @Value("${tocsin.notify.max-attempts:}") String maxAttempts,
               MeterRegistry meters) {
        // A count of attempts was replaced by a budget of time; a server still saying how many
        // attempts it wants must not start believing it is obeyed.
        if (!maxAttempts.isBlank()) {
            throw new IllegalStateException("tocsin.notify.max-attempts is no longer used: failing deliveries retry for a time, "
                    + "tocsin.notify.retry.budget (default 1h); remove it");
        }
        this.deliveries = deliveries;
        this.incidents = incidents;
        this.channels = channels;
        this.expansion = expansion;
        this.composer = composer;
        this.timeline = timeline;
        this.fallback = fallback;
        this.redrive = redrive;
        this.clock = clock;
        this.tx = tx;
        this.retry = retry;
        this.leases = leases;
        this.switches = switches;
        this.locks = locks;
        this.enabled = enabled;
        this.senderThreads = Math.max(2, senderThreads);
        // Always fewer than the senders, so other destinations keep at least one sender however many hang.
        this.perDestination = Math.max(1, Math.min(perDestination, this.senderThreads - 2));
        this.limits = DestinationLimits.parse(rateLimits);
        this.meters = meters;
        this.senders = Executors.newFixedThreadPool(this.senderThreads, r -> {
            Thread t = new Thread(r, "tocsin-notify");
            t.setDaemon(true);
            return t;
        });
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        senders.shutdownNow();
    }

    /** Set while a run asked for by a commit is waiting; more commits meanwhile are served by that one run. */
    private final AtomicBoolean woken = new AtomicBoolean();

    /**
     * Messages were committed: deliver them now rather than at the next poll (which stays, for other
     * nodes' messages and for retries that come due).
     */
    @org.springframework.transaction.event.TransactionalEventListener(fallbackExecution = true)
    void onQueued(io.tocsin.incident.MessagesQueued queued) {
        if (enabled && woken.compareAndSet(false, true)) {
            submit(() -> {
                woken.set(false);
                expandAll();
                // In a storm to one destination every commit queues more for it; a sender more finds
                // only that it has no room, so none is started until a send ends (its sender carries on).
                if (!waitingForRoom.get()) {
                    startSenders();
                }
            });
        }
    }

    /**
     * Set when the last lease found deliveries due but each for a destination this node already sends
     * to as much as it may; cleared when a send ends and makes room.
     */
    private final AtomicBoolean waitingForRoom = new AtomicBoolean();

    @Scheduled(fixedDelayString = "${tocsin.notify.poll-interval:200ms}")
    void run() {
        if (!enabled) {
            return;
        }
        expandAll();
        startSenders();
    }

    private void startSenders() {
        // Sending happens on its own threads, several side by side: a provider that hangs until its
        // timeout holds up one sender, not every page behind it, and never the scheduler.
        // Rate-limited channels (SMS, voice) go through one lane: two senders working on one number at
        // once would each see room under its limit and bundle half of what waits.
        if (!limits.perMinute().isEmpty() && limitedLaneBusy.compareAndSet(false, true)) {
            if (!submit(() -> drain(true))) {
                limitedLaneBusy.set(false);
            }
        }
        while (busySenders.get() < senderThreads - 1) {
            busySenders.incrementAndGet();
            if (!submit(() -> drain(false))) {
                busySenders.decrementAndGet();
                return;
            }
        }
    }

    /**
     * Runs {@code work} on a sender; false when the node is stopping (its senders shut down): what is
     * due stays in the database for the next start or another node, and the commit or poll that asked
     * for it does not fail for that.
     */
    private boolean submit(Runnable work) {
        try {
            senders.execute(work);
            return true;
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            return false;
        }
    }

    /**
     * One step, on the calling thread, as of {@code now}: expands what was queued and sends every
     * delivery due by then (retries, fallbacks, re-driven dead letters included). Returns how many
     * deliveries it handled. For tests that step time; the scheduled poller does the same on its threads.
     */
    public int runOnce(Instant now) {
        expandAll();
        int handled = 0;
        for (boolean limitedLane : new boolean[] {true, false}) {
            Records records = new Records();
            try {
                while (deliverOne(limitedLane, () -> now, records)) {
                    handled++;
                }
            } finally {
                records.flush();
            }
        }
        return handled;
    }

    private void expandAll() {
        try {
            // A hundred rows a transaction: a storm's outbox is expanded in few commits.
            for (int i = 0; i < 50; i++) {
                Integer expanded;
                try {
                    expanded = tx.execute(s -> expansion.expand(100, null));
                } catch (RuntimeException batchFailed) {
                    // Some row of them cannot be expanded (or the database went away): again, each row under a
                    // savepoint, so the others go out and that one waits alone. Only then, as a savepoint is two
                    // more round trips a row on PostgreSQL. With the database gone this fails too, as it should.
                    expanded = tx.execute(s -> expansion.expand(100, s));
                }
                if (expanded == null || expanded < 100) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            if (!outage.quietly("expanding notifications", e)) {
                LOG.error("notification expansion failed; retrying on the next poll", io.tocsin.store.OutageLog.explained(e));
            }
        }
    }

    private void drain(boolean limitedLane) {
        Records records = new Records();
        try {
            try {
                while (deliverOne(limitedLane, clock::instant, records)) {
                    // keep delivering while anything is due
                }
            } finally {
                // a lease that found nothing wrote them; after a failure they are written here
                records.flush();
            }
        } catch (RuntimeException e) {
            if (!outage.quietly("delivering notifications", e)) {
                LOG.error("notification delivery failed; retrying on the next poll", io.tocsin.store.OutageLog.explained(e));
            }
        } finally {
            if (limitedLane) {
                limitedLaneBusy.set(false);
            } else {
                busySenders.decrementAndGet();
            }
        }
    }

    // ---- delivery ----

    /**
     * Leases the next due delivery to a destination with room (fewer than {@code perDestination} sends
     * from this node in flight), and reserves that destination. Among the first few due deliveries, not
     * the whole backlog: in a storm to one destination (every page to one person, one webhook) a sender
     * with no room finds that out from a handful of rows instead of reading every waiting one, which
     * made each lease cost as much as the backlog was long. A destination whose oldest send has been in
     * flight longer than {@link #STUCK} is left out of the read altogether, so a hanging one holds up the
     * pages behind it for that long at most; one that is busy but answering is read past at most every
     * {@link #WIDE_SEARCH_EVERY}.
     */
    private List<Delivery> leaseNext(boolean limitedLane, Instant now, Records records) {
        synchronized (leasing) {
            long stuckSince = System.nanoTime() - STUCK.toNanos();
            Set<Destination> stuck = inFlight.entrySet().stream()
                    .filter(e -> e.getValue().size() >= perDestination
                            // a sender may finish meanwhile (its entry goes without this lock): an empty map is not stuck
                            && e.getValue().values().stream().anyMatch(started -> started - stuckSince < 0))
                    .map(java.util.Map.Entry::getKey).collect(java.util.stream.Collectors.toUnmodifiableSet());
            boolean[] noRoom = {false};
            List<Delivery> leased = leaseLeavingOut(stuck, limitedLane, now, noRoom, records);
            if (leased.isEmpty() && noRoom[0] && System.nanoTime() - lastWideSearch >= wideSearchEvery) {
                // Everything read was for destinations without room, and a page to anyone else may be waiting
                // behind their backlog: look past it, leaving out every destination at its limit. That read
                // walks their waiting rows, so it is made at most every 200 ms, and less often (down to once
                // a second) while it keeps finding nothing: a storm to one destination only.
                lastWideSearch = System.nanoTime();
                Set<Destination> full = inFlight.entrySet().stream().filter(e -> e.getValue().size() >= perDestination)
                        .map(java.util.Map.Entry::getKey).collect(java.util.stream.Collectors.toUnmodifiableSet());
                leased = leaseLeavingOut(full, limitedLane, now, noRoom, records);
                wideSearchEvery = leased.isEmpty() ? Math.min(2 * wideSearchEvery, WIDE_SEARCH_AT_LEAST.toNanos()) : WIDE_SEARCH_EVERY.toNanos();
            }
            if (leased.isEmpty() && noRoom[0]) {
                waitingForRoom.set(true);
            }
            if (!leased.isEmpty()) {
                // one sender, however many deliveries it carries: the per-destination limit counts senders
                long started = System.nanoTime();
                long carrier = leased.get(0).id();
                inFlight.compute(leased.get(0).destination(), (k, sending) -> {
                    java.util.Map<Long, Long> m = sending == null ? new java.util.concurrent.ConcurrentHashMap<>() : sending;
                    m.put(carrier, started);
                    return m;
                });
            }
            return leased;
        }
    }

    /**
     * Called holding {@code leasing}: leases from the first due deliveries, {@code leftOut} not read at
     * all, in the transaction that writes the answers {@code records} holds of this sender's last
     * deliveries: one commit where there were two, and a commit of the embedded database is most of
     * what a delivery costs it (a storm's profile: the lease's commit and the answers' commit were a
     * third of the senders' time).
     */
    private List<Delivery> leaseLeavingOut(Set<Destination> leftOut, boolean limitedLane, Instant now, boolean[] noRoom,
                                           Records records) {
        // The rate-limited lane bundles what waits for a number itself, one delivery at a time.
        int batch = limitedLane ? 1 : BATCH;
        List<Delivery> leased = records.writtenWith(() -> deliveries.lease(now, leases.until(now), leases.node(), limits.perMinute().keySet(),
                limitedLane, leftOut, leases.inFlight(), Math.max(senderThreads, 2 * batch), d -> {
                    boolean room = hasRoom(d);
                    noRoom[0] |= !room;
                    return room;
                }, batch).stream().map(l -> {
                    leases.took(l, "attempt " + l.delivery().attempts());
                    return l.delivery();
                }).toList());
        return leased;
    }

    /** Called holding {@code leasing} (a sender finishing meanwhile only makes room). */
    private boolean hasRoom(Destination destination) {
        java.util.Map<Long, Long> sending = inFlight.get(destination);
        return sending == null || sending.size() < perDestination;
    }

    /**
     * Leases and sends the next deliveries due to one destination, one after the other. When one of
     * them does not go through, the rest are handed back at once (their leases released) rather than
     * sent after it to a destination that just failed: they go out by the next lease, on any node.
     */
    private boolean deliverOne(boolean limitedLane, Supplier<Instant> time, Records records) {
        List<Delivery> leased = leaseNext(limitedLane, time.get(), records);
        if (leased.isEmpty()) {
            return false;
        }
        Delivery first = leased.get(0);
        int done = 0;
        try {
            for (Delivery d : leased) {
                records.beforeSend();
                // when this send began, so a destination is judged stuck by its send, not by the batch
                long began = System.nanoTime();
                inFlight.computeIfPresent(first.destination(), (k, sending) -> {
                    sending.put(first.id(), began);
                    return sending;
                });
                boolean wentThrough = deliver(d, time, records);
                if (!records.holds(d.id())) {
                    // settled without a send (cancelled, suppressed, held back), or its answer already written
                    leases.release(d.id());
                }
                done++;
                if (!wentThrough) {
                    break;
                }
            }
        } finally {
            // The answers are not written here but with this sender's next lease (or, when it stops, by
            // drain), unless a send took long or did not go through (Records.add wrote them already).
            try {
                List<Delivery> rest = leased.subList(done, leased.size());
                // One that was sent and whose answer could not be written is not handed back as if untried:
                // it would go out again at once, on every poll while writing its answer fails. Its lease
                // runs out unrenewed instead, and it goes out again (same key) after that, said so on its timeline.
                List<Delivery> untried = rest.stream().filter(d -> d.id() != records.lastSent()).toList();
                if (!rest.isEmpty()) {
                    try {
                        if (!untried.isEmpty()) {
                            tx.executeWithoutResult(s -> untried.forEach(d -> deliveries.unlease(d.id())));
                        }
                    } finally {
                        // Even when handing them back failed (the database went away mid-send): their leases
                        // then run out unrenewed and they go out by a later lease, on this node or another.
                        rest.forEach(d -> leases.release(d.id()));
                    }
                }
            } finally {
                inFlight.computeIfPresent(first.destination(), (k, sending) -> {
                    sending.remove(first.id());
                    return sending.isEmpty() ? null : sending;
                });
                // After the room is made, and under the lease's lock: a lease that found no room a moment
                // ago must not set "waiting for room" after this clears it (onQueued would then start no sender).
                synchronized (leasing) {
                    waitingForRoom.set(false);
                }
            }
        }
        return true;
    }

    /**
     * The answers of one sender's deliveries, written to the database together: a commit writes a
     * chunk of every page it changed (H2 with no write delay), and at a few milliseconds a send one
     * commit each was most of what a storm of pages cost. Held only while sends are quick: the
     * answers go in before the next send once {@link #RECORD_WITHIN} has passed since the first of
     * them, right after any send that took that long itself, after a send that did not go through,
     * and otherwise in the transaction of the sender's next lease ({@link #writtenWith}), which follows at
     * once. A node killed before its answers are written sends those deliveries again under the same keys,
     * as it would have one; the window is that short. A delivery's lease is held (renewed) until its
     * answer is written.
     */
    private final class Records {
        private final List<Runnable> pending = new java.util.ArrayList<>();
        private final List<Long> ids = new java.util.ArrayList<>();
        private long firstAt;
        private long lastSent = -1;

        void add(long deliveryId, long sendMillis, boolean wentThrough, Runnable record) {
            lastSent = deliveryId;
            if (pending.isEmpty()) {
                firstAt = System.nanoTime();
            }
            pending.add(record);
            ids.add(deliveryId);
            // (no more than a batch is ever held: the next lease writes them)
            if (!wentThrough || sendMillis >= RECORD_WITHIN.toMillis()) {
                flush();
            }
        }

        boolean holds(long deliveryId) {
            return ids.contains(deliveryId);
        }

        /** The delivery whose send was the last one answered (recorded or not): it is not untried. */
        long lastSent() {
            return lastSent;
        }

        void beforeSend() {
            if (!pending.isEmpty() && System.nanoTime() - firstAt >= RECORD_WITHIN.toNanos()) {
                flush();
            }
        }

        void flush() {
            if (pending.isEmpty()) {
                return;
            }
            writtenWith(() -> null);
        }

        /** Runs {@code work} in one transaction after writing the answers held; they are written (or failed) when it returns. */
        <T> T writtenWith(Supplier<T> work) {
            try {
                return tx.execute(s -> {
                    pending.forEach(Runnable::run);
                    return work.get();
                });
            } finally {
                ids.forEach(leases::release);
                pending.clear();
                ids.clear();
            }
        }
    }

    /** Sends {@code d} or settles why not; false when it was sent and did not go through. */
    private boolean deliver(Delivery d, Supplier<Instant> time, Records records) {
        Instant now = time.get();
        Optional<IncidentRow> incident = d.incidentId() == null ? Optional.empty() : incidents.find(d.incidentId());
        if ("PAGE".equals(d.kind()) && incident.isPresent() && !"TRIGGERED".equals(incident.get().status())) {
            cancelPage(d, incident.get());
            return true;
        }
        if (AutomatedActions.effect(d.channel(), d.personId(), switches::isOn) == AutomatedActions.Effect.SUPPRESS) {
            // Read from the database at the moment of sending: a switch set on any node holds here too.
            // Suppressed, not held: an automated action released later would act on a stale picture.
            String why = AutomatedActions.SUPPRESSED_BECAUSE;
            tx.executeWithoutResult(s -> {
                deliveries.cancel(d.id(), why);
                timeline.say(d.incidentId(), "DELIVERY_SUPPRESSED", List.of(d.personId()), d.channel() + " to " + d.personId()
                        + " by " + d.contactMethod() + " not sent: " + why);
            });
            return true;
        }
        Integer limit = limits.perMinute(d.channel());
        if (limit != null) {
            List<Delivery> carried = underLimit(d, limit, now);
            if (carried == null) {
                return true;
            }
            try {
                return send(d, incident, carried, time, records);
            } finally {
                carried.forEach(w -> leases.release(w.id()));
            }
        }
        return send(d, incident, List.of(), time, records);
    }

    /**
     * Whether {@code d} goes out now under its number's per-minute limit, decided under that number's
     * lock, which every sender of every node takes for it: two senders each reading "two sent this
     * minute" and each sending rang a phone four times a minute whose limit was three. Null when it is
     * not sent now: held back (said on its timeline), or handed back for a moment because another
     * sender holds the number's lock (a node never waits for another, which may have stalled holding
     * it). Otherwise what else goes out inside its message: everything waiting for the number when one
     * message each would go past the limit, nothing when there is room. A message another sender is
     * sending right now counts as sent.
     */
    private List<Delivery> underLimit(Delivery d, int limit, Instant now) {
        while (true) {
            String lock = "destination " + d.channel() + " " + d.address();
            Decision decided = tx.execute(s -> switch (locks.tryLock(lock)) {
                case NOT_MADE -> null;
                case HELD_ELSEWHERE -> {
                    deliveries.unlease(d.id(), now.plus(LOCK_HELD_RETRY));
                    yield Decision.NOT_NOW;
                }
                case TAKEN -> decideLocked(d, limit, now);
            });
            if (decided != null) {
                return decided.carried();
            }
            locks.make(lock);
        }
    }

    /** What {@link #underLimit} decided: {@code carried} is null when nothing goes out now. */
    private record Decision(List<Delivery> carried) {
        static final Decision NOT_NOW = new Decision(null);
    }

    /** Called holding the number's lock, in its transaction. */
    private Decision decideLocked(Delivery d, int limit, Instant now) {
        List<Instant> sent = deliveries.sentTo(d.channel(), d.address(), now.minus(DestinationLimits.WINDOW));
        int going = deliveries.sendingTo(d.channel(), d.address(), d.id(), now).size();
        if (sent.size() + going >= limit) {
            // The number has room again when the oldest message sent leaves the window. When the messages
            // going out right now are what fills it, it is looked at again shortly instead: one of them
            // may not go through, and a page must not wait a minute for a message that never left.
            Instant until = sent.size() >= limit ? sent.get(sent.size() - limit).plus(DestinationLimits.WINDOW)
                    : now.plus(GOING_RECHECK);
            deliveries.throttle(d.id(), until);
            timeline.say(d.incidentId(), "DELIVERY_THROTTLED", List.of(d.personId()), d.channel() + " to " + d.personId() + " by "
                    + d.contactMethod() + " held back: " + sent.size() + " sent to " + d.address() + " in the last minute"
                    + (going == 0 ? "" : " and " + going + " going out now") + " (limit " + limit + "); "
                    + (sent.size() >= limit ? "it goes out at " + until + " with anything else waiting for that number"
                            : "looked at again at " + until + ", when what is going out has been answered"));
            return Decision.NOT_NOW;
        }
        deliveries.markSending(d.id(), now);
        // When one message each would go past the limit, one message carries everything waiting for
        // the number: nothing is dropped and the phone does not ring ten times.
        List<Delivery> waiting = bundleable(d, now);
        if (sent.size() + going + 1 + waiting.size() > limit) {
            return new Decision(waiting);
        }
        waiting.forEach(w -> {
            deliveries.releaseLease(w.id());
            leases.release(w.id());
        });
        return new Decision(List.of());
    }

    /** Sends {@code d}, carrying {@code bundle} inside the same message, and records the answer for all of them; true when it went through. */
    private boolean send(Delivery d, Optional<IncidentRow> incident, List<Delivery> bundle, Supplier<Instant> time, Records records) {
        Message message = bundle.isEmpty() ? composer.of(d, incident) : composer.bundled(d, bundle);
        if (AutomatedActions.effect(d.channel(), d.personId(), switches::isOn) == AutomatedActions.Effect.SAFE_MODE) {
            message = message.inSafeMode();
        }
        long started = System.nanoTime();
        SendResult result = channels.send(d.channel(), message);
        long millis = (System.nanoTime() - started) / 1_000_000;
        List<Delivery> carried = bundle;
        Instant answered = time.get();
        boolean wentThrough = result.outcome() == SendResult.Outcome.SENT;
        records.add(d.id(), millis, wentThrough, () -> {
            record(d, result, millis, answered);
            for (Delivery b : carried) {
                if (wentThrough) {
                    deliveries.markBundled(b.id(), d.id(), answered);
                    timeline.say(b.incidentId(), "DELIVERED", List.of(b.personId()), b.channel() + " to " + b.personId() + " by "
                            + b.contactMethod() + " delivered inside one message with " + (carried.size()) + " other(s) (delivery "
                            + d.id() + ", " + result.providerStatus() + ")");
                } else {
                    deliveries.releaseLease(b.id());
                }
            }
        });
        return wentThrough;
    }

    /** A page of an incident no longer triggered is not sent: cancelled, and said so on its timeline. */
    private void cancelPage(Delivery d, IncidentRow incident) {
        String why = incident.status().toLowerCase() + " before this page went out";
        tx.executeWithoutResult(s -> {
            deliveries.cancel(d.id(), why);
            timeline.say(d.incidentId(), "DELIVERY_CANCELLED", List.of(d.personId()), d.channel() + " to " + d.personId()
                    + " by " + d.contactMethod() + " not sent: " + why);
        });
    }

    /** Other deliveries due for the same number; pages of incidents no longer triggered are cancelled, not bundled. */
    private List<Delivery> bundleable(Delivery carrier, Instant now) {
        List<Delivery> leased = tx.execute(s -> deliveries.leaseSameDestination(carrier, now, leases.until(now), leases.node()).stream()
                .map(l -> {
                    leases.took(l, "to go out inside one message with delivery " + carrier.id());
                    return l.delivery();
                }).toList());
        List<Delivery> out = new java.util.ArrayList<>();
        List<Delivery> taken = leased == null ? List.of() : leased;
        try {
            for (Delivery b : taken) {
                Optional<IncidentRow> i = b.incidentId() == null ? Optional.empty() : incidents.find(b.incidentId());
                if ("PAGE".equals(b.kind()) && i.isPresent() && !"TRIGGERED".equals(i.get().status())) {
                    cancelPage(b, i.get());
                    leases.release(b.id());
                } else {
                    out.add(b);
                }
            }
        } catch (RuntimeException e) {
            // The database went away while sorting them: none is this sender's any more; their leases run
            // out unrenewed and they go out by a later lease.
            taken.forEach(b -> leases.release(b.id()));
            throw e;
        }
        return out;
    }

    private void record(Delivery d, SendResult r, long millis, Instant now) {
        // What an operator watches: attempts per channel and outcome, and how long providers take.
        io.micrometer.core.instrument.Counter.builder("tocsin.notifications.attempts")
                .description("Delivery attempts by channel, kind (page, notice, chat, handoff, test) and outcome (sent, retry, permanent)")
                .tags("channel", d.channel(), "kind", d.kind().toLowerCase(), "outcome", r.outcome().name().toLowerCase())
                .register(meters).increment();
        io.micrometer.core.instrument.Timer.builder("tocsin.notifications.latency")
                .description("How long one delivery attempt took the provider to answer, by channel")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .tags("channel", d.channel()).register(meters).record(Duration.ofMillis(millis));
        if (r.outcome() == SendResult.Outcome.SENT && "PAGE".equalsIgnoreCase(d.kind()) && d.dueAt() != null) {
            // Event (or due level, or a notification rule's delay) to page: what the person on call waits for.
            io.micrometer.core.instrument.Timer.builder("tocsin.pages.latency")
                    .description("From the moment a page was due (the event that opened the incident, a level coming due, a "
                            + "notification rule's delay) to its provider accepting it, retries included")
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10))
                    .tags("channel", d.channel()).register(meters)
                    .record(d.dueAt().isAfter(now) ? Duration.ZERO : Duration.between(d.dueAt(), now));
        }
        String what = d.channel() + " to " + d.personId() + " by " + d.contactMethod();
        // Names the delivery, as an abandoned attempt's entry does, so each retry can be told apart.
        String attempt = "delivery " + d.id() + ", attempt " + d.attempts();
        switch (r.outcome()) {
            case SENT -> {
                deliveries.markSent(d.id(), now, r.providerStatus());
                timeline.say(d.incidentId(), "DELIVERED", List.of(d.personId()), what + " delivered (" + r.providerStatus() + ", "
                        + millis + " ms, " + attempt + ")");
                redrive.after(d, now);
            }
            case RETRY -> {
                RetryPolicy.Decision next = retry.afterFailure(d.channel(), d.attempts(), d.firstAttemptAt(), now, r.retryAfter());
                if (next.giveUp()) {
                    dead(d, r, now, what + " failed " + d.attempts() + " times in " + seconds(next.spent()) + " (retry budget "
                            + seconds(retry.budget(d.channel())) + "); last answer " + r.providerStatus() + detail(r));
                } else {
                    deliveries.retryAt(d.id(), now.plus(next.retryIn()), r.providerStatus(), r.detail());
                    timeline.say(d.incidentId(), "DELIVERY_FAILED", List.of(d.personId()), what + " failed (" + r.providerStatus()
                            + detail(r) + ", " + millis + " ms, " + attempt + "); retrying in " + next.retryIn().toMillis() / 1000.0 + " s");
                    // Once per failing delivery: its own later attempts keep retrying while the next method goes out.
                    if (d.attempts() == 1) {
                        fallback.after(d, now, "notify");
                    }
                }
            }
            case PERMANENT -> dead(d, r, now, what + " failed for good (" + r.providerStatus() + detail(r) + ")");
        }
    }

    private void dead(Delivery d, SendResult r, Instant now, String text) {
        io.micrometer.core.instrument.Counter.builder("tocsin.notifications.dead")
                .description("Deliveries given up (retry budget spent or a permanent failure), by channel; each is in the dead letters")
                .tags("channel", d.channel()).register(meters).increment();
        deliveries.markDead(d.id(), r.providerStatus(), r.detail());
        timeline.say(d.incidentId(), "DELIVERY_DEAD", List.of(d.personId()), text + "; in the dead letters as delivery " + d.id());
        fallback.after(d, now, "notify");
    }

    private static String seconds(Duration d) {
        return d.toSeconds() + " s";
    }

    private static String detail(SendResult r) {
        return r.detail() == null || r.detail().isBlank() ? "" : ": " + r.detail().lines().findFirst().orElse("");
    }
}
