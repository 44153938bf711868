package io.tocsin.api;

import io.tocsin.config.LiveSchedules;
import io.tocsin.config.Organisation;
import io.tocsin.config.Rotas;
import io.tocsin.schedule.Schedule;
import io.tocsin.schedule.Shift;
import io.tocsin.store.FeedTokenStore;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * iCal feeds per schedule and per person. Calendar apps cannot authenticate, so each feed URL carries
 * an unguessable token (only its hash is stored); a wrong token answers 404, revealing nothing.
 */
@RestController
class FeedController {
    static final Duration PAST = Duration.ofDays(30);
    static final Duration AHEAD = Duration.ofDays(180);
    static final String CALENDAR = "text/calendar; charset=utf-8";

    private final LiveSchedules schedules;
    private final FeedTokenStore tokens;
    private final Rotas rotas;
    private final Clock clock;

    FeedController(LiveSchedules schedules, FeedTokenStore tokens, Rotas rotas, Clock clock) {
        this.schedules = schedules;
        this.tokens = tokens;
        this.rotas = rotas;
        this.clock = clock;
    }

    @PostMapping("/api/v1/schedules/{id}/feed")
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, String> scheduleFeed(@PathVariable String id, Principal principal) {
        return Map.of("url", rotas.issueScheduleFeed(id, principal.getName(), "api"));
    }

    @PostMapping("/api/v1/people/{id}/feed")
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, String> personFeed(@PathVariable String id, Principal principal) {
        return Map.of("url", rotas.issuePersonFeed(id, principal.getName(), "api"));
    }

    @GetMapping("/ical/schedules/{id}.ics")
    ResponseEntity<String> scheduleCalendar(@PathVariable String id, @RequestParam(required = false) String token) {
        if (!tokens.grants(FeedTokenStore.Kind.SCHEDULE, id, token)) {
            throw new NotFoundException("no such feed");
        }
        Schedule s = schedules.schedule(id).orElseThrow(() -> new NotFoundException("no such feed"));
        Organisation org = schedules.organisation();
        Instant now = clock.instant();
        List<ICalFeed.Entry> entries = new ArrayList<>();
        for (Shift shift : ICalFeed.wholeShifts(s, now.minus(PAST), now.plus(AHEAD))) {
            entries.add(new ICalFeed.Entry(shift, s.id(), ScheduleController.displayName(org, shift.person())
                    + " on call (" + s.name() + " / " + shift.layer() + ")"));
        }
        return calendar(ICalFeed.render("Tocsin: " + s.name(), entries, now));
    }

    @GetMapping("/ical/people/{id}.ics")
    ResponseEntity<String> personCalendar(@PathVariable String id, @RequestParam(required = false) String token) {
        if (!tokens.grants(FeedTokenStore.Kind.PERSON, id, token)) {
            throw new NotFoundException("no such feed");
        }
        Organisation org = schedules.organisation();
        Instant now = clock.instant();
        List<ICalFeed.Entry> entries = new ArrayList<>();
        for (Schedule s : org.schedules().values()) {
            for (Shift shift : ICalFeed.wholeShifts(s, now.minus(PAST), now.plus(AHEAD))) {
                if (shift.person().equals(id)) {
                    entries.add(new ICalFeed.Entry(shift, s.id(), "On call: " + s.name() + " / " + shift.layer()));
                }
            }
        }
        entries.sort(Comparator.comparing(e -> e.shift().start()));
        return calendar(ICalFeed.render("Tocsin: " + ScheduleController.displayName(org, id) + " on call", entries, now));
    }

    private static ResponseEntity<String> calendar(String body) {
        return ResponseEntity.ok().header("Content-Type", CALENDAR).body(body);
    }

    /** Where a feed is served, without its token. */
    static String path(FeedTokenStore.Kind kind, String subject) {
        return Rotas.feedPath(kind, subject);
    }
}
