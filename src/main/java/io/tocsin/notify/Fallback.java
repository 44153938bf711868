package io.tocsin.notify;

import io.tocsin.store.NotificationStore;
import io.tocsin.store.NotificationStore.Delivery;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * When one of a person's contact methods fails, the next one not yet tried goes out now instead of at
 * its rule's time. One rule for every failure: a refused or failing first attempt, and a provider
 * reporting later that what it accepted never arrived. Each method that fails brings the next one
 * forward in turn, so a person is reached on the first channel that works.
 */
@Component
class Fallback {
    private final NotificationStore deliveries;
    private final DeliveryTimeline timeline;

    Fallback(NotificationStore deliveries, DeliveryTimeline timeline) {
        this.deliveries = deliveries;
        this.timeline = timeline;
    }

    /** Runs inside the caller's transaction; {@code via} names who noticed (notify, twilio) on the timeline. */
    void after(Delivery failed, Instant now, String via) {
        if (failed.outboxId() == null) {
            return;
        }
        deliveries.advanceNextStep(failed.outboxId(), failed.step(), now).filter(next -> next.dueAt().isAfter(now))
                .ifPresent(next -> timeline.say(failed.incidentId(), "DELIVERY_FALLBACK", List.of(failed.personId()), via, "trying "
                        + failed.personId() + "'s next contact method now: " + next.channel() + " by " + next.contactMethod()));
    }
}
