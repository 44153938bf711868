package io.tocsin.api;

import io.tocsin.config.OrganisationConfig;
import io.tocsin.incident.IncidentEngine;
import io.tocsin.incident.Permissions;
import io.tocsin.notify.TestPages;
import io.tocsin.store.ApiTokenStore;
import io.tocsin.store.AuditLog;
import io.tocsin.store.NotificationStore;
import java.security.Principal;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.transaction.annotation.Transactional;
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
    private final AuditLog audit;
    private final Permissions permissions;

    DeliveriesController(NotificationStore deliveries, TestPages testPages, IncidentEngine engine, Clock clock, AuditLog audit,
                         Permissions permissions) {
        this.permissions = permissions;
        this.deliveries = deliveries;
        this.testPages = testPages;
        this.engine = engine;
        this.clock = clock;
        this.audit = audit;
    }

    @GetMapping("/api/v1/dlq")
    org.springframework.http.ResponseEntity<List<NotificationStore.Delivery>> dead(@RequestParam(defaultValue = "100") int limit,
                                                                                 @RequestParam(required = false) String cursor,
                                                                                 jakarta.servlet.http.HttpServletRequest request) {
        Paging.Asked asked = Paging.asked(limit, cursor);
        return Paging.page(deliveries.dead(asked.before(), asked.readAhead()), asked.size(), NotificationStore.Delivery::id, request);
    }

    @PostMapping("/api/v1/dlq/{id}/replay")
    @Transactional
    Map<String, Object> replay(@PathVariable long id, Principal who) {
        permissions.require(ApiSecurity.asking(who), Permissions.Action.OPERATE, java.util.Set.of());
        NotificationStore.Delivery d = deliveries.find(id).orElseThrow(() -> new NotFoundException("no delivery " + id));
        if (!"DEAD".equals(d.status())) {
            throw new BadRequestException("id", "delivery " + id + " is " + d.status().toLowerCase() + ", not in the dead letters");
        }
        if (!deliveries.replay(id, clock.instant())) {
            throw new ConflictException("delivery " + id + " left the dead letters meanwhile (re-driven or replayed by someone else)");
        }
        audit.record(who.getName(), "api", "delivery.replay", "delivery/" + id, audited(d),
                audited(deliveries.find(id).orElseThrow()), d.channel() + " to " + d.personId() + " by " + d.contactMethod()
                        + (d.incidentId() == null ? "" : " for INC-" + d.incidentId()));
        return Map.of("id", id, "status", "PENDING", "message", "queued again with the same idempotency key");
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

    @GetMapping("/api/v1/incidents/{id}/deliveries")
    List<NotificationStore.Delivery> byIncident(@PathVariable String id) {
        return deliveries.byIncident(IncidentsController.number(id));
    }

    @PostMapping("/api/v1/people/{id}/test-page")
    Map<String, Object> testPage(@PathVariable String id, Principal who) {
        OrganisationConfig.Person person = engine.organisation().person(id)
                .orElseThrow(() -> new NotFoundException("no person " + id));
        ApiTokenStore.Issued caller = ApiSecurity.asking(who);
        boolean own = caller.kind() == ApiTokenStore.Kind.PERSON && person.id().equals(caller.person());
        // testing one's own phone is reading what one's rules do; paging someone else to test is an operation
        permissions.require(caller, own ? Permissions.Action.READ : Permissions.Action.OPERATE, java.util.Set.of());
        List<Map<String, Object>> results = testPages.send(person);
        boolean allSent = results.stream().allMatch(r -> "sent".equals(r.get("outcome")));
        // Sent outside any transaction (a provider can be slow); what went out is recorded afterwards.
        audit.record(who.getName(), "api", "person.test-page", "person/" + id, null, Map.of("results", results),
                allSent ? "every contact method answered" : "some contact methods failed");
        return Map.of("person", id, "all_sent", allSent, "results", results);
    }
}
