package io.tocsin.incident;

import io.tocsin.store.IncidentStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Fires due incident timers. Timers are claimed with FOR UPDATE SKIP LOCKED, a few dozen at a time,
 * and fired in the transaction that claimed them, so with any number of nodes exactly one fires each;
 * a node killed mid-way rolls back and another node claims the timers on its next poll.
 */
@Component
public class TimerWorker {
    private static final Logger LOG = LoggerFactory.getLogger(TimerWorker.class);
    /** One per component, not per class: what it said last is this server's, not another context's in the same JVM. */
    private final io.tocsin.store.OutageLog outage = new io.tocsin.store.OutageLog(LOG);

    private final IncidentStore store;
    private final io.micrometer.core.instrument.Timer lag;
    private final Incidents incidents;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final boolean enabled;

    private final int threads;
    private final java.util.concurrent.ExecutorService pool;

    TimerWorker(IncidentStore store, Incidents incidents, Clock clock, TransactionTemplate tx,
                @Value("${tocsin.timers.enabled:true}") boolean enabled, @Value("${tocsin.timers.threads:4}") int threads,
                io.micrometer.core.instrument.MeterRegistry meters) {
        this.lag = io.micrometer.core.instrument.Timer.builder("tocsin.timers.lag")
                .description("How late each incident timer (escalation level, target, reminder) fired after it came due")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10))
                .register(meters);
        this.store = store;
        this.incidents = incidents;
        this.clock = clock;
        this.tx = tx;
        this.enabled = enabled;
        this.threads = Math.max(1, threads);
        this.pool = java.util.concurrent.Executors.newFixedThreadPool(this.threads, r -> {
            Thread t = new Thread(r, "tocsin-timers");
            t.setDaemon(true);
            return t;
        });
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        pool.shutdownNow();
    }

    /**
     * Several claimers work side by side: SKIP LOCKED hands each a different incident, so when many
     * timers come due at once (a schedule hand-off, a burst of alerts 15 minutes ago) they drain in
     * parallel instead of queueing behind one thread.
     */
    @Scheduled(fixedDelayString = "${tocsin.timers.poll-interval:200ms}")
    void fireDue() {
        if (!enabled) {
            return;
        }
        List<java.util.concurrent.Future<?>> running = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            running.add(pool.submit(this::drain));
        }
        for (java.util.concurrent.Future<?> f : running) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.error("a timer claimer stopped", e.getCause());
            }
        }
    }

    /**
     * Fires every timer due now on the calling thread and returns how many fired. The scheduled poll
     * does the same on its pool; tests step a virtual clock with this instead of sleeping.
     */
    public int runOnce() {
        int fired = 0;
        // Bounded like a poll, so a timer that keeps coming due at once can never hang the caller.
        for (int n = fireBatch(BATCH); n > 0 && fired < 10_000; n = fireBatch(BATCH)) {
            fired += n;
        }
        return fired;
    }

    /** When the earliest timer comes due, whichever node will fire it. */
    public java.util.Optional<java.time.Instant> nextDue() {
        return store.nextDue();
    }

    private void drain() {
        for (int i = 0; i < 50 && fireBatch(BATCH) > 0; i++) {
            // keep firing while timers are due
        }
    }

    /**
     * How many due timers one transaction fires. A commit is most of what firing a timer costs (a write
     * to disk, a round trip), so when many come due together (a storm's second levels, a schedule
     * hand-off) they share commits; small enough that the incidents it holds are not held long.
     */
    static final int BATCH = 32;

    /**
     * Claims up to {@code limit} due timers and fires them in one transaction; returns how many fired.
     * When one of several fails, the batch rolls back and its timers are fired one by one, each
     * incident under a savepoint, so the one that fails is postponed alone while the others commit.
     * Not a savepoint per incident from the start: that is two more round trips an incident on
     * PostgreSQL, for a failure that hardly ever comes. An incident another transaction holds (an alert
     * or a command on it right now) is left for the next poll rather than waited for: its timer stays
     * due, and this transaction never waits for a lock while holding others, so it cannot deadlock with
     * intake, which locks incidents first and their timers after.
     */
    private int fireBatch(int limit) {
        List<Long> claimed = new java.util.ArrayList<>();
        List<Duration> lags = new java.util.ArrayList<>();
        try {
            Integer fired = tx.execute(status -> {
                Instant now = clock.instant();
                List<IncidentStore.DueTimer> timers = store.claimDue(now, limit);
                timers.forEach(t -> claimed.add(t.incidentId()));
                if (timers.isEmpty()) {
                    return 0;
                }
                java.util.Map<Long, io.tocsin.store.IncidentRow> free = store.lockFree(timers.stream().map(IncidentStore.DueTimer::incidentId).toList());
                int woken = 0;
                for (IncidentStore.DueTimer timer : timers) {
                    io.tocsin.store.IncidentRow row = free.get(timer.incidentId());
                    if (row == null) {
                        continue;
                    }
                    lags.add(timer.dueAt().isAfter(now) ? Duration.ZERO : Duration.between(timer.dueAt(), now));
                    if (limit > 1) {
                        incidents.wakeLocked(row);
                        woken++;
                        continue;
                    }
                    // Alone: a savepoint lets a failure be postponed while this transaction still holds the
                    // timer's lock, so no other claimer can try the broken incident again before its backoff.
                    Object savepoint = status.createSavepoint();
                    try {
                        incidents.wakeLocked(row);
                        status.releaseSavepoint(savepoint);
                    } catch (RuntimeException e) {
                        status.rollbackToSavepoint(savepoint);
                        postponeLocked(row.id(), e);
                    }
                    woken++;
                }
                return woken;
            });
            // counted once they committed: a batch fired again one by one is not counted twice
            lags.forEach(lag::record);
            return fired == null ? 0 : fired;
        } catch (RuntimeException e) {
            boolean unreachable = outage.quietly("firing due timers", e);
            if (claimed.isEmpty()) {
                if (!unreachable) {
                    LOG.error("claiming due timers failed; retrying on the next poll", io.tocsin.store.OutageLog.explained(e));
                }
                return 0;
            }
            if (claimed.size() == 1) {
                if (unreachable) {
                    // Nothing is wrong with the incident: its timer stays due and fires once the database is
                    // back, not postponed by a backoff or noted on its timeline as a failure.
                    return 0;
                }
                // One incident that cannot be processed must not hold back every timer queued behind it.
                postpone(claimed.get(0), e);
                return 1;
            }
            // The batch rolled back as a whole (one incident that failed, or the commit itself):
            // its timers are due again; each on its own now, so one bad incident fails alone.
            LOG.debug("a batch of {} timers failed ({}); firing them one by one", claimed.size(), e.toString());
            int fired = 0;
            for (int i = 0; i < claimed.size(); i++) {
                fired += fireBatch(1);
            }
            return fired;
        }
    }

    /** 1 s, 2 s, 4 s ... capped at 5 minutes, and said on the incident's timeline so it is never silent. */
    private void postpone(long incidentId, RuntimeException cause) {
        try {
            tx.executeWithoutResult(status -> postponeLocked(incidentId, cause));
        } catch (RuntimeException e) {
            if (!outage.quietly("postponing a failed timer", e)) {
                LOG.error("timer of incident {} failed and could not be postponed", incidentId, io.tocsin.store.OutageLog.explained(e));
            }
        }
    }

    /** Inside a transaction: moves the timer by its backoff and says so on the incident's timeline. */
    private void postponeLocked(long incidentId, RuntimeException cause) {
        int failures = store.timerFailures(incidentId);
        Duration wait = backoff(failures);
        store.postponeTimer(incidentId, clock.instant().plus(wait));
        store.append(incidentId, new io.tocsin.store.EntryRow(0, incidentId, clock.instant(), "NOTE", "tocsin", "timer", null,
                null, null, List.of(), "processing a due timer failed (the server log has the details); retrying in "
                + wait.toSeconds() + "s"));
        LOG.error("timer of incident {} failed; postponed", incidentId, cause);
    }

    static Duration backoff(int failures) {
        long seconds = 1L << Math.min(failures, 9);
        return Duration.ofSeconds(Math.min(seconds, 300));
    }
}
