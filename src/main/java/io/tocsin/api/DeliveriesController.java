package io.tocsin.api;

import io.tocsin.store.NotificationStore;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Dead letters (deliveries that failed for good), their replay, per-incident deliveries, and test pages. */
@RestController
class DeliveriesController {
    private final NotificationStore deliveries;
    private final io.tocsin.incident.DeadLetters deadLetters;
    private final io.tocsin.incident.TestPaging testPaging;

    DeliveriesController(NotificationStore deliveries, io.tocsin.incident.DeadLetters deadLetters, io.tocsin.incident.TestPaging testPaging) {
        this.deliveries = deliveries;
        this.deadLetters = deadLetters;
        this.testPaging = testPaging;
    }

    @GetMapping("/api/v1/dlq")
    List<NotificationStore.Delivery> dead(@RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > 1000) {
            throw new BadRequestException("limit", "must be between 1 and 1000");
        }
        return deadLetters.list(limit);
    }

    @PostMapping("/api/v1/dlq/{id}/replay")
    Map<String, Object> replay(@PathVariable long id, Principal who) {
        try {
            deadLetters.replay(id, who.getName(), "api").orElseThrow(() -> new NotFoundException("no delivery " + id));
        } catch (io.tocsin.incident.DeadLetters.Refused refused) {
            throw refused.gone() ? new ConflictException(refused.getMessage()) : new BadRequestException("id", refused.getMessage());
        }
        return Map.of("id", id, "status", "PENDING", "message", "queued again with the same idempotency key");
    }

    @GetMapping("/api/v1/incidents/{id}/deliveries")
    List<NotificationStore.Delivery> byIncident(@PathVariable String id) {
        return deliveries.byIncident(IncidentsController.number(id));
    }

    @PostMapping("/api/v1/people/{id}/test-page")
    Map<String, Object> testPage(@PathVariable String id, Principal who) {
        io.tocsin.incident.TestPaging.Result r = testPaging.send(id, who.getName(), "api")
                .orElseThrow(() -> new NotFoundException("no person " + id));
        return Map.of("person", id, "all_sent", r.allSent(), "results", r.results());
    }
}
