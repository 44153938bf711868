package io.tocsin.ingest;

import io.tocsin.engine.Paging;
import io.tocsin.incident.IncidentEngine;
import io.tocsin.incident.Incidents;
import io.tocsin.incident.Signal;
import io.tocsin.store.HeartbeatStore;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** Opens an incident when a heartbeat monitor misses its interval; claimed like timers, so one node does it. */
@Component
class HeartbeatMonitor {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HeartbeatMonitor.class);
    /** One per component, not per class: what it said last is this server's, not another context's in the same JVM. */
    private final io.tocsin.store.OutageLog outage = new io.tocsin.store.OutageLog(LOG);

    private final HeartbeatStore heartbeats;
    private final Incidents incidents;
    private final IncidentEngine engine;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final boolean enabled;

    HeartbeatMonitor(HeartbeatStore heartbeats, Incidents incidents, IncidentEngine engine, Clock clock, TransactionTemplate tx,
                     @Value("${tocsin.timers.enabled:true}") boolean enabled) {
        this.heartbeats = heartbeats;
        this.incidents = incidents;
        this.engine = engine;
        this.clock = clock;
        this.tx = tx;
        this.enabled = enabled;
    }

    static String dedupKey(String key) {
        return "heartbeat:" + Integer.toHexString(key.hashCode());
    }

    @Scheduled(fixedDelayString = "${tocsin.timers.poll-interval:200ms}")
    void checkOverdue() {
        if (!enabled) {
            return;
        }
        for (int i = 0; i < 100; i++) {
            String[] claimed = {null, null};
            Boolean found;
            try {
                found = tx.execute(status -> checkOne(claimed));
            } catch (RuntimeException e) {
                if (outage.quietly("checking heartbeats", e)) {
                    return;
                }
                if (claimed[0] == null) {
                    throw e;
                }
                // The oldest overdue monitor is claimed first: one whose incident cannot be opened would
                // otherwise be claimed again on every poll and no other missed heartbeat would ever page.
                java.time.Instant now = clock.instant();
                java.time.Instant retry = now.plus(RETRY_AFTER);
                LOG.error("heartbeat monitor of service {} missed its beat, but opening its incident failed; trying again at {}",
                        claimed[1], retry, io.tocsin.store.OutageLog.explained(e));
                tx.executeWithoutResult(status -> heartbeats.postpone(claimed[0], now, retry));
                continue;
            }
            if (!Boolean.TRUE.equals(found)) {
                return;
            }
        }
    }

    /** How long a monitor whose incident could not be opened waits before it is tried again. */
    static final java.time.Duration RETRY_AFTER = java.time.Duration.ofSeconds(10);

    /** Claims the oldest overdue monitor ({@code claimed}: its key and service) and opens its incident; false when none is. */
    private boolean checkOne(String[] claimed) {
        Optional<HeartbeatStore.Beat> overdue = heartbeats.claimOverdue(clock.instant());
        if (overdue.isEmpty()) {
            return false;
        }
        HeartbeatStore.Beat beat = overdue.get();
        claimed[0] = beat.key();
        claimed[1] = beat.serviceId();
        heartbeats.markMissed(beat.key());
        Optional<Integrations.Match> still = Integrations.byKey(engine.organisation(), beat.key())
                .filter(m -> "heartbeat".equals(m.integration().type()) && m.service().enabled());
        if (still.isEmpty()) {
            // The monitor was removed (or its service disabled) by a later configuration: stop watching it.
            heartbeats.forget(beat.key());
            return true;
        }
        String severity = EventRouter.mapSeverity(engine.organisation(), "heartbeat", "critical");
        incidents.accept(new Signal(still.get().service().id(), dedupKey(beat.key()), Signal.Action.TRIGGER,
                "heartbeat missed for service " + beat.serviceId(), "heartbeat", severity, Set.of(), Paging.PAGE, null)
                        .from(still.get().origin()),
                "heartbeat");
        return true;
    }
}
