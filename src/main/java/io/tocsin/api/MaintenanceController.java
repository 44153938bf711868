package io.tocsin.api;

import io.tocsin.incident.IncidentEngine;
import io.tocsin.store.AuditLog;
import io.tocsin.store.StatusPageStore;
import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Scheduled maintenance announced on the public status page: what, which services, from when to
 * when. Only shown, never acted on: routing's own maintenance windows (which hold pages back) are
 * configuration. Created and deleted through here, audited with before and after.
 */
@RestController
@RequestMapping("/api/v1/status/maintenance")
class MaintenanceController {
    static final int TITLE = 200;
    static final int DESCRIPTION = 4000;

    record MaintenanceBody(String title, String description, List<String> services, String start, String end)
            implements FieldErrors.Checked {
        @java.lang.Override
        public void check(FieldErrors errors) {
            errors.length("title", errors.required("title", title), TITLE);
            errors.length("description", description, DESCRIPTION);
            if (services == null || services.isEmpty()) {
                errors.add("services", "name at least one service of the organisation");
            }
            errors.ordered(errors.instant("start", start), errors.instant("end", end));
        }
    }

    record MaintenanceView(long id, String title, String description, List<String> services, Instant start, Instant end, String createdBy,
                           Instant createdAt) {
        static MaintenanceView of(StatusPageStore.Maintenance m) {
            return new MaintenanceView(m.id(), m.title(), m.description(), m.services(), m.startsAt(), m.endsAt(), m.createdBy(), m.createdAt());
        }
    }

    private final StatusPageStore store;
    private final IncidentEngine engine;
    private final AuditLog audit;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final io.tocsin.incident.Permissions permissions;

    MaintenanceController(StatusPageStore store, IncidentEngine engine, AuditLog audit, Clock clock, TransactionTemplate tx,
                          io.tocsin.incident.Permissions permissions) {
        this.permissions = permissions;
        this.store = store;
        this.engine = engine;
        this.audit = audit;
        this.clock = clock;
        this.tx = tx;
    }

    @GetMapping
    List<MaintenanceView> list() {
        return store.allMaintenance(500).stream().map(MaintenanceView::of).toList();
    }

    @PostMapping
    ResponseEntity<MaintenanceView> create(@RequestBody MaintenanceBody body, Principal who) {
        permissions.require(ApiSecurity.asking(who), io.tocsin.incident.Permissions.Action.OPERATE, java.util.Set.of());
        // the body's own fields were checked as it was read (RequestBodies); the services need the organisation
        String title = body.title();
        String description = body.description();
        List<String> known = engine.organisation().config().services().stream().map(io.tocsin.config.OrganisationConfig.Service::id).toList();
        FieldErrors errors = new FieldErrors();
        List<String> services = new ArrayList<>();
        for (int i = 0; i < body.services().size(); i++) {
            String s = body.services().get(i);
            if (s == null) {
                errors.add("services[" + i + "]", "a service's id is required");
            } else if (errors.known("services[" + i + "]", "service", s, known) && !services.contains(s)) {
                services.add(s);
            }
        }
        errors.throwIfAny();
        Instant start = RequestValues.instant("start", body.start());
        Instant end = RequestValues.instant("end", body.end());
        StatusPageStore.Maintenance created = tx.execute(status -> {
            long id = store.addMaintenance(title, description, services, start, end, who.getName(), clock.instant());
            StatusPageStore.Maintenance m = store.maintenance(id).orElseThrow();
            audit.record(who.getName(), "api", "status.maintenance.create", "status/maintenance/" + id, null, MaintenanceView.of(m), null);
            return m;
        });
        return ResponseEntity.status(HttpStatus.CREATED).body(MaintenanceView.of(created));
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable String id, Principal who) {
        permissions.require(ApiSecurity.asking(who), io.tocsin.incident.Permissions.Action.OPERATE, java.util.Set.of());
        long n;
        try {
            n = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new BadRequestException("id", "a maintenance window's number, like 3");
        }
        tx.executeWithoutResult(status -> {
            StatusPageStore.Maintenance m = store.maintenance(n).orElseThrow(() -> new NotFoundException("no maintenance window " + id));
            store.deleteMaintenance(n);
            audit.record(who.getName(), "api", "status.maintenance.delete", "status/maintenance/" + n, MaintenanceView.of(m), null, null);
        });
        return ResponseEntity.noContent().build();
    }
}
