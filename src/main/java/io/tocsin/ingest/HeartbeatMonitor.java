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
            Boolean found = tx.execute(status -> {
                Optional<HeartbeatStore.Beat> overdue = heartbeats.claimOverdue(clock.instant());
                if (overdue.isEmpty()) {
                    return false;
                }
                HeartbeatStore.Beat beat = overdue.get();
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
            });
            if (!Boolean.TRUE.equals(found)) {
                return;
            }
        }
    }
}
