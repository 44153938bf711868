package io.tocsin.incident;

import io.tocsin.store.IncidentStore;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Fires due incident timers. Each timer is claimed with FOR UPDATE SKIP LOCKED and processed in the
 * transaction that claimed it, so with any number of nodes exactly one fires it; a node killed
 * mid-way rolls back and another node claims the timer on its next poll.
 */
@Component
class TimerWorker {
    private static final Logger LOG = LoggerFactory.getLogger(TimerWorker.class);

    private final IncidentStore store;
    private final Incidents incidents;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final boolean enabled;

    TimerWorker(IncidentStore store, Incidents incidents, Clock clock, TransactionTemplate tx,
                @Value("${tocsin.timers.enabled:true}") boolean enabled) {
        this.store = store;
        this.incidents = incidents;
        this.clock = clock;
        this.tx = tx;
        this.enabled = enabled;
    }

    @Scheduled(fixedDelayString = "${tocsin.timers.poll-interval:200ms}")
    void fireDue() {
        if (!enabled) {
            return;
        }
        for (int i = 0; i < 500; i++) {
            Boolean fired;
            try {
                fired = tx.execute(status -> {
                    List<Long> due = store.claimDue(clock.instant(), 1);
                    if (due.isEmpty()) {
                        return false;
                    }
                    incidents.wakeLocked(due.get(0));
                    return true;
                });
            } catch (RuntimeException e) {
                LOG.error("firing a timer failed; it stays due and will be retried", e);
                return;
            }
            if (!Boolean.TRUE.equals(fired)) {
                return;
            }
        }
    }
}
