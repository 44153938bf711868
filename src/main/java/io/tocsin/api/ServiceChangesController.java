package io.tocsin.api;

import io.tocsin.config.LiveSchedules;
import io.tocsin.incident.Redaction;
import io.tocsin.store.IncidentStore;
import io.tocsin.store.ServiceChange;
import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * A service's change events (PagerDuty's {@code /v2/change/enqueue}): what was deployed or changed
 * just before an incident is the first thing a responder asks, and these never page.
 */
@RestController
class ServiceChangesController {
    /**
     * {@code event} is the change event as the sender posted it, so its links and custom details
     * survive, with the configured sensitive fields redacted like everywhere an event is shown.
     */
    record ChangeView(long id, String service, Instant at, String summary, String source, JsonNode event) {
        static ChangeView of(ServiceChange c, Redaction sensitive) {
            Redaction.Applied redacted = sensitive.apply(c.details());
            return new ChangeView(c.id(), c.serviceId(), c.at(), redacted.text(c.summary()), redacted.text(c.source()), redacted.event());
        }
    }

    private final IncidentStore store;
    private final LiveSchedules live;

    ServiceChangesController(IncidentStore store, LiveSchedules live) {
        this.store = store;
        this.live = live;
    }

    @GetMapping("/api/v1/services/{id}/changes")
    List<ChangeView> changes(@PathVariable String id, @RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > 1000) {
            throw new BadRequestException("limit", "must be between 1 and 1000");
        }
        if (live.organisation().config().services().stream().noneMatch(s -> s.id().equals(id))) {
            throw new NotFoundException("no service " + id);
        }
        Redaction sensitive = new Redaction(live.organisation().config().notifications().sensitiveFields());
        return store.changes(id, limit).stream().map(c -> ChangeView.of(c, sensitive)).toList();
    }
}
