package io.tocsin.api;

import io.tocsin.config.OrganisationConfig;
import io.tocsin.incident.IncidentEngine;
import io.tocsin.notify.TestPages;
import io.tocsin.store.NotificationStore;
import java.time.Clock;
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
    private final TestPages testPages;
    private final IncidentEngine engine;
    private final Clock clock;

    DeliveriesController(NotificationStore deliveries, TestPages testPages, IncidentEngine engine, Clock clock) {
        this.deliveries = deliveries;
        this.testPages = testPages;
        this.engine = engine;
        this.clock = clock;
    }

    @GetMapping("/api/v1/dlq")
    List<NotificationStore.Delivery> dead(@RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > 1000) {
            throw new BadRequestException("limit", "must be between 1 and 1000");
        }
        return deliveries.dead(limit);
    }

    @PostMapping("/api/v1/dlq/{id}/replay")
    Map<String, Object> replay(@PathVariable long id) {
        NotificationStore.Delivery d = deliveries.find(id).orElseThrow(() -> new NotFoundException("no delivery " + id));
        if (!"DEAD".equals(d.status())) {
            throw new BadRequestException("id", "delivery " + id + " is " + d.status().toLowerCase() + ", not in the dead letters");
        }
        deliveries.replay(id, clock.instant());
        return Map.of("id", id, "status", "PENDING", "message", "queued again with the same idempotency key");
    }

    @GetMapping("/api/v1/incidents/{id}/deliveries")
    List<NotificationStore.Delivery> byIncident(@PathVariable String id) {
        return deliveries.byIncident(IncidentsController.number(id));
    }

    @PostMapping("/api/v1/people/{id}/test-page")
    Map<String, Object> testPage(@PathVariable String id) {
        OrganisationConfig.Person person = engine.organisation().person(id)
                .orElseThrow(() -> new NotFoundException("no person " + id));
        List<Map<String, Object>> results = testPages.send(person);
        boolean allSent = results.stream().allMatch(r -> "sent".equals(r.get("outcome")));
        return Map.of("person", id, "all_sent", allSent, "results", results);
    }
}
