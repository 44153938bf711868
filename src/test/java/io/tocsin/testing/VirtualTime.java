package io.tocsin.testing;

import io.tocsin.incident.TimerWorker;
import java.time.Instant;
import java.util.Optional;

/**
 * Moves a server's virtual clock the way time passes: every timer due on the way fires at its own
 * instant, in order, as on a server whose timers came due one by one. Run with the scheduled timer
 * poll switched off ({@code tocsin.timers.enabled=false}) so nothing fires behind the test's back.
 */
public final class VirtualTime {
    private final MutableClock clock;
    private final TimerWorker timers;

    public VirtualTime(MutableClock clock, TimerWorker timers) {
        this.clock = clock;
        this.timers = timers;
    }

    public Instant now() {
        return clock.instant();
    }

    /** Fires what is due now (an action a moment ago may have made something due at once). */
    public void settle() {
        timers.runOnce();
    }

    public void stepTo(Instant until) {
        for (int guard = 0; guard < 100_000; guard++) {
            Optional<Instant> due = timers.nextDue();
            if (due.isEmpty() || due.get().isAfter(until)) {
                break;
            }
            if (due.get().isAfter(clock.instant())) {
                clock.set(due.get());
            }
            timers.runOnce();
        }
        clock.set(until);
    }

    public void step(java.time.Duration d) {
        stepTo(clock.instant().plus(d));
    }

    /** Starts over at {@code at}, which may be before now (each test picks its own day). */
    public void reset(Instant at) {
        clock.set(at);
    }
}
