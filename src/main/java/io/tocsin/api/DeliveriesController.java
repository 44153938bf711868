package io.tocsin.api;

import io.tocsin.incident.Permissions;
import io.tocsin.store.ApiTokenStore;
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
    private final Permissions permissions;

    DeliveriesController(NotificationStore deliveries, io.tocsin.incident.DeadLetters deadLetters, io.tocsin.incident.TestPaging testPaging,
                         Permissions permissions) {
        this.permissions = permissions;
        this.deliveries = deliveries;
        this.deadLetters = deadLetters;
        this.testPaging = testPaging;
    }

    @GetMapping("/api/v1/dlq")
    org.springframework.http.ResponseEntity<List<NotificationStore.Delivery>> dead(@RequestParam(defaultValue = "100") int limit,
                                                                                 @RequestParam(required = false) String cursor,
                                                                                 jakarta.servlet.http.HttpServletRequest request) {
        Paging.Asked asked = Paging.asked(limit, cursor);
        return Paging.page(deliveries.dead(asked.before(), asked.readAhead()), asked.size(), NotificationStore.Delivery::id, request);
    }

    @PostMapping("/api/v1/dlq/{id}/replay")
    Map<String, Object> replay(@PathVariable long id, Principal who) {
        permissions.require(ApiSecurity.asking(who), Permissions.Action.OPERATE, java.util.Set.of());
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
        permissions.requireToTestPage(ApiSecurity.asking(who), id);
        io.tocsin.incident.TestPaging.Result r = testPaging.send(id, who.getName(), "api")
                .orElseThrow(() -> new NotFoundException("no person " + id));
        return Map.of("person", id, "all_sent", r.allSent(), "results", r.results());
    }
}
