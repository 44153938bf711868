package io.tocsin.api;

import io.tocsin.config.LiveSchedules;
import io.tocsin.config.Organisation;
import io.tocsin.config.PublicUrl;
import io.tocsin.schedule.Schedule;
import io.tocsin.schedule.Shift;
import io.tocsin.store.AuditLog;
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
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

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
    private final AuditLog audit;
    private final Clock clock;
    private final PublicUrl publicUrl;

    FeedController(LiveSchedules schedules, FeedTokenStore tokens, AuditLog audit, Clock clock, PublicUrl publicUrl) {
        this.schedules = schedules;
        this.tokens = tokens;
        this.audit = audit;
        this.clock = clock;
        this.publicUrl = publicUrl;
    }

    @PostMapping("/api/v1/schedules/{id}/feed")
    @ResponseStatus(HttpStatus.CREATED)
    @Transactional
    Map<String, String> scheduleFeed(@PathVariable String id, Principal principal) {
        schedules.schedule(id).orElseThrow(() -> new NotFoundException("no schedule \"" + id + "\""));
        String token = tokens.issue(FeedTokenStore.Kind.SCHEDULE, id);
        audit.record(principal.getName(), "api", "feed.issue", "schedule/" + id, null, java.util.Map.of("feed", "schedule", "schedule", id), null);
        return Map.of("url", url(path(FeedTokenStore.Kind.SCHEDULE, id), token));
    }

    @PostMapping("/api/v1/people/{id}/feed")
    @ResponseStatus(HttpStatus.CREATED)
    @Transactional
    Map<String, String> personFeed(@PathVariable String id, Principal principal) {
        schedules.organisation().person(id).orElseThrow(() -> new NotFoundException("no person \"" + id + "\""));
        String token = tokens.issue(FeedTokenStore.Kind.PERSON, id);
        audit.record(principal.getName(), "api", "feed.issue", "person/" + id, null, java.util.Map.of("feed", "person", "person", id), null);
        return Map.of("url", url(path(FeedTokenStore.Kind.PERSON, id), token));
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
        return (kind == FeedTokenStore.Kind.SCHEDULE ? "/ical/schedules/" : "/ical/people/") + subject + ".ics";
    }

    /** From the configured public address, never from the Host header a client chose. */
    private String url(String path, String token) {
        return UriComponentsBuilder.fromUriString(publicUrl.base()).path(path).queryParam("token", token).toUriString();
    }
}
