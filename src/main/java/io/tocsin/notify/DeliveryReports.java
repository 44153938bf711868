package io.tocsin.notify;

import io.tocsin.store.EntryRow;
import io.tocsin.store.IncidentStore;
import io.tocsin.store.NotificationStore;
import io.tocsin.store.NotificationStore.Delivery;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a provider reports after it accepted a delivery. Twilio's 201 only means "queued": the SMS
 * may still come back undelivered, the call busy or unanswered. Such a late failure puts the
 * delivery in the dead letters and brings the person's next contact method forward, exactly as a
 * refused request would.
 */
@Component
public class DeliveryReports {
    /** Twilio's final failure statuses: for messages failed and undelivered; for calls busy, no-answer and failed. */
    private static final Set<String> FAILURES = Set.of("failed", "undelivered", "busy", "no-answer");
    /** Worth a line on the timeline; the in-between statuses (queued, sending, ringing...) are kept on the delivery only. */
    private static final Set<String> FINAL = Set.of("delivered", "read", "completed", "canceled");

    public record Report(long deliveryId, boolean failure, String text) {
    }

    private final NotificationStore deliveries;
    private final IncidentStore incidents;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final Fallback fallback;

    DeliveryReports(NotificationStore deliveries, IncidentStore incidents, Clock clock, TransactionTemplate tx, Fallback fallback) {
        this.fallback = fallback;
        this.deliveries = deliveries;
        this.incidents = incidents;
        this.clock = clock;
        this.tx = tx;
    }

    /** Empty when no delivery has this provider id (another server's, or long gone). */
    public Optional<Report> report(String providerRef, String status, String errorCode) {
        if (providerRef == null || providerRef.isBlank() || status == null || status.isBlank()) {
            return Optional.empty();
        }
        String s = status.trim().toLowerCase();
        String providerStatus = s + (errorCode == null || errorCode.isBlank() ? "" : " error " + errorCode.trim()) + " " + providerRef;
        return tx.execute(x -> deliveries.findByProviderRef(providerRef).map(d -> apply(d, s, providerStatus, errorCode)));
    }

    private Report apply(Delivery d, String status, String providerStatus, String errorCode) {
        Instant now = clock.instant();
        String what = d.channel() + " to " + d.personId() + " by " + d.contactMethod();
        if (!FAILURES.contains(status)) {
            deliveries.reportProviderStatus(d.id(), providerStatus);
            String text = what + " " + status + " (" + providerStatus + ")";
            if (FINAL.contains(status)) {
                timeline(d, "DELIVERY_STATUS", text);
            }
            return new Report(d.id(), false, text);
        }
        String text = what + " not delivered: " + providerStatus;
        String error = "Twilio reported " + status + (errorCode == null || errorCode.isBlank() ? "" : " (error " + errorCode.trim() + ")");
        if (!deliveries.markUndelivered(d.id(), providerStatus, error)) {
            // Twilio repeats callbacks it thinks were lost; the first one already fell back.
            return new Report(d.id(), true, text);
        }
        timeline(d, "DELIVERY_STATUS", text + "; in the dead letters as delivery " + d.id());
        fallback.after(d, now, "twilio");
        return new Report(d.id(), true, text);
    }

    private void timeline(Delivery d, String kind, String text) {
        if (d.incidentId() == null) {
            return;
        }
        incidents.append(d.incidentId(), new EntryRow(0, d.incidentId(), clock.instant(), kind, "tocsin", "twilio", null, null, null,
                List.of(d.personId()), text));
    }
}
