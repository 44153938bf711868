package io.tocsin.incident;

import io.tocsin.store.AuditLog;
import io.tocsin.store.NotificationStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Deliveries that failed for good, and a person's replay of one: the rule the API and the browser UI
 * share (only a dead letter is replayed, under its own idempotency key, audited with who and where).
 */
@Service
public class DeadLetters {
    /** Why a replay was refused: {@code gone} when the delivery left the dead letters meanwhile (409), else bad input (400). */
    public static final class Refused extends RuntimeException {
        private final boolean gone;

        Refused(String message, boolean gone) {
            super(message);
            this.gone = gone;
        }

        public boolean gone() {
            return gone;
        }
    }

    private final NotificationStore deliveries;
    private final AuditLog audit;
    private final Clock clock;

    public DeadLetters(NotificationStore deliveries, AuditLog audit, Clock clock) {
        this.deliveries = deliveries;
        this.audit = audit;
        this.clock = clock;
    }

    public List<NotificationStore.Delivery> list(int limit) {
        return deliveries.dead(limit);
    }

    public Optional<NotificationStore.Delivery> find(long id) {
        return deliveries.find(id);
    }

    /** Queues a dead letter again; empty when there is no such delivery. */
    @Transactional
    public Optional<NotificationStore.Delivery> replay(long id, String actor, String via) {
        Optional<NotificationStore.Delivery> found = deliveries.find(id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        NotificationStore.Delivery d = found.get();
        if (!"DEAD".equals(d.status())) {
            throw new Refused("delivery " + id + " is " + d.status().toLowerCase(java.util.Locale.ROOT) + ", not in the dead letters", false);
        }
        if (!deliveries.replay(id, clock.instant())) {
            throw new Refused("delivery " + id + " left the dead letters meanwhile (re-driven or replayed by someone else)", true);
        }
        NotificationStore.Delivery after = deliveries.find(id).orElseThrow();
        audit.record(actor, via, "delivery.replay", "delivery/" + id, audited(d), audited(after), d.channel() + " to " + d.personId()
                + " by " + d.contactMethod() + (d.incidentId() == null ? "" : " for INC-" + d.incidentId()));
        return Optional.of(after);
    }

    /** What the audit log keeps of a delivery: where it goes and how it stands, not its text. */
    private static Map<String, Object> audited(NotificationStore.Delivery d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", d.status());
        m.put("attempts", d.attempts());
        m.put("channel", d.channel());
        m.put("person", d.personId());
        m.put("contact_method", d.contactMethod());
        m.put("provider_status", d.providerStatus());
        return m;
    }
}
