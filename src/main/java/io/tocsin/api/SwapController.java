package io.tocsin.api;

import io.tocsin.config.LiveSchedules;
import io.tocsin.schedule.Schedule;
import io.tocsin.store.AuditLog;
import io.tocsin.store.ScheduleOverrideStore;
import io.tocsin.store.StoredOverride;
import io.tocsin.store.SwapRequest;
import io.tocsin.store.SwapRequestStore;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Shift swaps: requested by one person, accepted (becomes an override) or declined by the other. */
@RestController
class SwapController {
    record SwapBody(String layer, String requester, String counterpart, String start, String end) implements FieldErrors.Checked {
        @java.lang.Override
        public void check(FieldErrors errors) {
            String from = errors.required("requester", requester);
            String to = errors.required("counterpart", counterpart);
            if (from != null && from.equals(to)) {
                errors.add("counterpart", "must be someone other than the requester");
            }
            errors.ordered(errors.instant("start", start), errors.instant("end", end));
        }
    }

    private final LiveSchedules schedules;
    private final SwapRequestStore swaps;
    private final ScheduleOverrideStore overrides;
    private final AuditLog audit;

    private final io.tocsin.incident.Permissions permissions;

    SwapController(LiveSchedules schedules, SwapRequestStore swaps, ScheduleOverrideStore overrides, AuditLog audit,
                   io.tocsin.incident.Permissions permissions) {
        this.permissions = permissions;
        this.schedules = schedules;
        this.swaps = swaps;
        this.overrides = overrides;
        this.audit = audit;
    }

    @PostMapping("/api/v1/schedules/{id}/swaps")
    @ResponseStatus(HttpStatus.CREATED)
    @Transactional
    SwapRequest request(@PathVariable String id, @RequestBody SwapBody body, Principal principal) {
        Schedule s = schedules.schedule(id).orElseThrow(() -> new NotFoundException("no schedule \"" + id + "\""));
        // the body's own fields were checked as it was read (RequestBodies); these need the organisation
        FieldErrors errors = new FieldErrors();
        ScheduleController.knownLayer(errors, s, body.layer());
        errors.known("requester", "person", body.requester(), schedules.organisation().people().keySet());
        errors.known("counterpart", "person", body.counterpart(), schedules.organisation().people().keySet());
        errors.throwIfAny();
        String layer = body.layer() == null ? s.layers().get(0).id() : body.layer();
        String requester = body.requester();
        String counterpart = body.counterpart();
        // asking for one's own shift to be covered is one's own change; asking for someone else's is a manager's
        permissions.requireToChangeShifts(ApiSecurity.asking(principal), id, java.util.Set.of(requester));
        Instant start = RequestValues.instant("start", body.start());
        Instant end = RequestValues.instant("end", body.end());
        SwapRequest created = swaps.request(id, layer, requester, counterpart, start, end);
        audit.record(principal.getName(), "api", "schedule.swap.request", "swap/" + created.id(), null, created,
                requester + " asks " + counterpart + " to cover " + layer + " " + start + " - " + end);
        return created;
    }

    @GetMapping("/api/v1/schedules/{id}/swaps")
    List<SwapRequest> list(@PathVariable String id) {
        return swaps.forSchedule(id);
    }

    @PostMapping("/api/v1/swaps/{swapId}/accept")
    @Transactional
    SwapRequest accept(@PathVariable long swapId, Principal principal) {
        SwapRequest swap = pending(swapId);
        // the one asked to cover answers for themselves; a manager of the schedule's team may answer for them
        permissions.requireToChangeShifts(ApiSecurity.asking(principal), swap.scheduleId(), java.util.Set.of(swap.counterpart()));
        StoredOverride o = overrides.add(swap.scheduleId(), swap.layerId(), swap.counterpart(), swap.start(), swap.end(),
                "swap " + swapId + " with " + swap.requester(), principal.getName());
        if (!swaps.decide(swapId, SwapRequest.Status.ACCEPTED, o.id(), principal.getName())) {
            throw new ConflictException("swap " + swapId + " was decided concurrently");
        }
        SwapRequest accepted = swaps.find(swapId).orElseThrow();
        audit.record(principal.getName(), "api", "schedule.swap.accept", "swap/" + swapId, swap, accepted, "override " + o.id());
        schedules.invalidate();
        return accepted;
    }

    @PostMapping("/api/v1/swaps/{swapId}/decline")
    @Transactional
    SwapRequest decline(@PathVariable long swapId, Principal principal) {
        SwapRequest swap = pending(swapId);
        permissions.requireToChangeShifts(ApiSecurity.asking(principal), swap.scheduleId(), java.util.Set.of(swap.counterpart()));
        if (!swaps.decide(swapId, SwapRequest.Status.DECLINED, null, principal.getName())) {
            throw new ConflictException("swap " + swapId + " was decided concurrently");
        }
        SwapRequest declined = swaps.find(swapId).orElseThrow();
        audit.record(principal.getName(), "api", "schedule.swap.decline", "swap/" + swapId, swap, declined, null);
        return declined;
    }

    private SwapRequest pending(long swapId) {
        SwapRequest swap = swaps.find(swapId).orElseThrow(() -> new NotFoundException("no swap request " + swapId));
        if (swap.status() != SwapRequest.Status.REQUESTED) {
            throw new ConflictException("swap " + swapId + " is already " + swap.status().name().toLowerCase());
        }
        return swap;
    }
}
