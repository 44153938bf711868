package io.tocsin.api;

import io.tocsin.config.LiveSchedules;
import io.tocsin.store.IncidentStore;
import io.tocsin.store.ServiceChange;
import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A service's change events (PagerDuty's {@code /v2/change/enqueue}): what was deployed or changed
 * just before an incident is the first thing a responder asks, and these never page.
 */
@RestController
class ServiceChangesController {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** {@code event} is the change event as the sender posted it, so its links and custom details survive. */
    record ChangeView(long id, String service, Instant at, String summary, String source, JsonNode event) {
        static ChangeView of(ServiceChange c) {
            JsonNode event;
            try {
                event = c.details() == null ? null : JSON.readTree(c.details());
            } catch (RuntimeException notJson) {
                event = null;
            }
            return new ChangeView(c.id(), c.serviceId(), c.at(), c.summary(), c.source(), event);
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
        return store.changes(id, limit).stream().map(ChangeView::of).toList();
    }
}
