package io.tocsin.notify;

import io.tocsin.store.IncidentRow;
import io.tocsin.store.IncidentStore;
import io.tocsin.store.NotificationStore;
import io.tocsin.store.NotificationStore.Delivery;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * A destination that answers again gets what died on it while it was down: when a delivery to a
 * channel and address succeeds, the dead letters to that same destination that still matter go out
 * again at once, under their original idempotency key (a receiver that got one after all drops the
 * repeat). What still matters: a page while its incident is triggered (an acknowledged or resolved
 * incident needs nobody woken), a notice or chat post while its incident is open. Dead letters of
 * no incident (hand-off notices, test pages) are stale by then and stay for a person to replay, as
 * does one already re-driven {@link #MAX_REDRIVES} times.
 */
@Component
class DeadLetterRedrive {
    /**
     * A dead letter goes out again by itself at most this often: one the destination keeps refusing
     * while it accepts others (a payload it rejects) must not come back with every delivery there.
     */
    static final int MAX_REDRIVES = 3;

    private final NotificationStore deliveries;
    private final IncidentStore incidents;
    private final DeliveryTimeline timeline;

    DeadLetterRedrive(NotificationStore deliveries, IncidentStore incidents, DeliveryTimeline timeline) {
        this.deliveries = deliveries;
        this.incidents = incidents;
        this.timeline = timeline;
    }

    /** Runs inside the transaction that records {@code delivered}; returns how many went out again. */
    int after(Delivery delivered, Instant now) {
        int count = 0;
        for (Delivery dead : deliveries.deadTo(delivered.destination())) {
            if (dead.redriven() >= MAX_REDRIVES || !stillMatters(dead) || !deliveries.redrive(dead.id(), now)) {
                continue;
            }
            count++;
            timeline.say(dead.incidentId(), "DELIVERY_REDRIVEN", List.of(dead.personId()), dead.channel() + " to " + dead.personId()
                    + " by " + dead.contactMethod() + " sent again from the dead letters (delivery " + dead.id() + "): "
                    + delivered.address() + " answered again (delivery " + delivered.id() + " delivered)");
        }
        return count;
    }

    private boolean stillMatters(Delivery dead) {
        if (dead.incidentId() == null) {
            return false;
        }
        Optional<String> status = incidents.find(dead.incidentId()).map(IncidentRow::status);
        if (status.isEmpty()) {
            return false;
        }
        return "PAGE".equals(dead.kind()) ? "TRIGGERED".equals(status.get()) : !"RESOLVED".equals(status.get());
    }
}
