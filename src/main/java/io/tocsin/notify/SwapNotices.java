package io.tocsin.notify;

import io.tocsin.config.LiveSchedules;
import io.tocsin.config.OrganisationConfig;
import io.tocsin.config.Rotas;
import io.tocsin.store.NotificationStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Tells people about shift swaps: the counterpart when asked, the one who asked when it is decided.
 * One delivery, by the person's first contact method for notices (like a hand-off notice), queued in
 * the transaction that stores the request or the decision; its idempotency key makes a repeat a no-op.
 */
@Component
class SwapNotices implements Rotas.Notifier {
    private static final Logger LOG = LoggerFactory.getLogger(SwapNotices.class);
    static final String KIND = "SWAP";

    private final LiveSchedules schedules;
    private final NotificationStore deliveries;
    private final Clock clock;

    SwapNotices(LiveSchedules schedules, NotificationStore deliveries, Clock clock) {
        this.schedules = schedules;
        this.deliveries = deliveries;
        this.clock = clock;
    }

    @java.lang.Override
    public void tell(String personId, String key, String text) {
        Optional<OrganisationConfig.Person> person = schedules.organisation().person(personId);
        Optional<PlannedDelivery> plan = person.flatMap(NotificationRulesPlan::forNotice);
        if (plan.isEmpty()) {
            LOG.warn("cannot tell {} about a shift swap: no contact method", personId);
            return;
        }
        PlannedDelivery p = plan.get();
        Instant now = clock.instant();
        deliveries.create(new NotificationStore.NewDelivery(null, null, personId, KIND, 0, p.contactMethod(), p.channel(), p.address(),
                key, text, now), now);
    }
}
