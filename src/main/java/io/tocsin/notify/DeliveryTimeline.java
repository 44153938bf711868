package io.tocsin.notify;

import io.tocsin.store.EntryRow;
import io.tocsin.store.IncidentStore;
import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Component;

/** What happened to a notification, on its incident's timeline: every attempt is visible where people look. */
@Component
class DeliveryTimeline {
    private final IncidentStore incidents;
    private final Clock clock;

    DeliveryTimeline(IncidentStore incidents, Clock clock) {
        this.incidents = incidents;
        this.clock = clock;
    }

    /** Nothing for a notification without an incident (a hand-off notice, a test page). */
    void say(Long incidentId, String kind, List<String> people, String text) {
        say(incidentId, kind, people, "notify", text);
    }

    /** {@code via}: the interface that told Tocsin (notify for its own sends, twilio for a provider's callback). */
    void say(Long incidentId, String kind, List<String> people, String via, String text) {
        if (incidentId == null) {
            return;
        }
        incidents.append(incidentId, new EntryRow(0, incidentId, clock.instant(), kind, "tocsin", via, null, null, null,
                people, text));
    }
}
