package io.tocsin.api;

import io.tocsin.config.LiveSchedules;
import io.tocsin.schedule.Schedule;
import io.tocsin.store.HandoffStore;
import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The handoffs that were announced, as recorded when their notices were created: unlike the
 * shifts, which are recomputed from today's configuration, this says who was actually told.
 */
@RestController
@RequestMapping("/api/v1/schedules")
class HandoffsController {
    static final int LIMIT = 1000;

    record HandoffView(String schedule, String layer, Instant at, String outgoing, String incoming, int openIncidents,
                       int shiftIncidents, Instant noticedAt) {
        static HandoffView of(HandoffStore.AnnouncedHandoff h) {
            return new HandoffView(h.scheduleId(), h.layerId(), h.at(), h.outgoingPerson(), h.incomingPerson(), h.openIncidents(),
                    h.shiftIncidents(), h.noticedAt());
        }
    }

    private final LiveSchedules schedules;
    private final HandoffStore handoffs;

    HandoffsController(LiveSchedules schedules, HandoffStore handoffs) {
        this.schedules = schedules;
        this.handoffs = handoffs;
    }

    @GetMapping("/{id}/handoffs")
    List<HandoffView> handoffs(@PathVariable String id, @RequestParam String from, @RequestParam String to) {
        Schedule s = schedules.schedule(id).orElseThrow(() -> new NotFoundException("no schedule \"" + id + "\""));
        Instant start = RequestValues.instantOrDate("from", from, s.zone());
        Instant end = RequestValues.instantOrDate("to", to, s.zone());
        if (!end.isAfter(start)) {
            throw new BadRequestException("to", "must be after from");
        }
        if (java.time.Duration.between(start, end).compareTo(ScheduleController.MAX_RANGE) > 0) {
            throw new BadRequestException("to", "range longer than " + ScheduleController.MAX_RANGE.toDays() + " days");
        }
        return handoffs.between(s.id(), start, end, LIMIT).stream().map(HandoffView::of).toList();
    }
}
