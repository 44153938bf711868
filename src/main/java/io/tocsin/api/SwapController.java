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
    record SwapBody(String layer, String requester, String counterpart, String start, String end) {
    }

    private final LiveSchedules schedules;
    private final SwapRequestStore swaps;
    private final ScheduleOverrideStore overrides;
    private final AuditLog audit;

    SwapController(LiveSchedules schedules, SwapRequestStore swaps, ScheduleOverrideStore overrides, AuditLog audit) {
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
        if (body == null) {
            throw new BadRequestException("body", "required");
        }
        String layer = body.layer() == null ? s.layers().get(0).id() : ScheduleController.requireLayer(s, body.layer()).id();
        String requester = person("requester", body.requester());
        String counterpart = person("counterpart", body.counterpart());
        if (requester.equals(counterpart)) {
            throw new BadRequestException("counterpart", "must be someone other than the requester");
        }
        Instant start = RequestValues.instant("start", body.start());
        Instant end = RequestValues.instant("end", body.end());
        if (!end.isAfter(start)) {
            throw new BadRequestException("end", "must be after start");
        }
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

    private String person(String field, String id) {
        RequestValues.required(field, id);
        if (schedules.organisation().person(id).isEmpty()) {
            throw new BadRequestException(field, "unknown person \"" + id + "\"");
        }
        return id;
    }
}
