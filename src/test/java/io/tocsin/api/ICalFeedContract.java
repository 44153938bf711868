package io.tocsin.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.MutableClock;
import io.tocsin.testing.TestClockConfig;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.validate.ValidationResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

/**
 * The iCal feeds as a calendar client sees them over days of polling: valid RFC 5545 by ical4j's own
 * validator, and every shift the same event (UID, DTSTART, DTEND) on every fetch, including the one
 * already under way and the oldest one in the feed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + ICalFeedContract.TOKEN,
        "tocsin.config.path=src/test/resources/orgs/acme",
        "tocsin.admin-token-file=target/test-admin-token"})
@Import(TestClockConfig.class)
// Each subclass has a database of its own, so its context is never reused: close it and give back its connections.
@org.springframework.test.annotation.DirtiesContext(classMode = org.springframework.test.annotation.DirtiesContext.ClassMode.AFTER_CLASS)
abstract class ICalFeedContract {
    static final String TOKEN = "ical-test-token-0123456789";
    static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssX");

    /** One event as a client keys it. */
    record Event(String start, String end) {
    }

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    HttpCalls api;

    @BeforeEach
    void setUp() {
        api = new HttpCalls("http://localhost:" + port, TOKEN);
        clock.set(TestClockConfig.START);
    }

    @Test
    void scheduleAndPersonFeedsPassIcal4jsValidation() throws Exception {
        for (String feed : List.of(feedUrl("/api/v1/schedules/backend-primary/feed"), feedUrl("/api/v1/people/alice/feed"))) {
            String text = api.withToken(null).get(feed).body();
            Calendar calendar = new CalendarBuilder().build(new StringReader(text));
            ValidationResult result = calendar.validate();
            assertThat(result.hasErrors()).as(result.toString()).isFalse();
            assertThat(calendar.<VEvent>getComponents("VEVENT")).isNotEmpty().allSatisfy(e ->
                    assertThat(e.getProperties("DTSTAMP")).hasSize(1));
        }
    }

    @Test
    void everyShiftKeepsItsUidAndTimesAcrossFetchesDaysApart() throws Exception {
        for (String feed : List.of(feedUrl("/api/v1/schedules/backend-primary/feed"), feedUrl("/api/v1/people/alice/feed"))) {
            clock.set(TestClockConfig.START);
            Instant first = clock.instant();
            Map<String, Event> before = events(feed);
            Map<String, Event> again = events(feed);
            assertThat(again).as("the same fetch twice").isEqualTo(before);

            clock.advance(Duration.ofDays(3).plusHours(5).plusMinutes(17));
            Map<String, Event> later = events(feed);
            // Every event of the later fetch that the earlier one could have shown is the very same event,
            // the oldest one (cut at "30 days ago" before) included.
            Instant earlierHorizon = first.plus(FeedController.AHEAD);
            later.forEach((uid, e) -> {
                if (instant(e.start()).isBefore(earlierHorizon)) {
                    assertThat(before).as(feed + ": " + uid + " " + e).containsEntry(uid, e);
                }
            });
            // The shifts under way at the first fetch are still there, unchanged.
            List<String> underWay = before.entrySet().stream().filter(x -> !instant(x.getValue().start()).isAfter(first)
                    && instant(x.getValue().end()).isAfter(first)).map(Map.Entry::getKey).toList();
            assertThat(underWay).as(feed).isNotEmpty();
            underWay.forEach(uid -> assertThat(later).containsEntry(uid, before.get(uid)));
        }
    }

    String feedUrl(String issue) {
        return api.postJson(issue, "{}").json().path("url").asString();
    }

    Map<String, Event> events(String url) throws Exception {
        Calendar calendar = new CalendarBuilder().build(new StringReader(api.withToken(null).get(url).body()));
        Map<String, Event> out = new LinkedHashMap<>();
        for (VEvent e : calendar.<VEvent>getComponents("VEVENT")) {
            Event previous = out.put(e.getUid().orElseThrow().getValue(),
                    new Event(e.getDateTimeStart().getValue(), e.getDateTimeEnd().getValue()));
            assertThat(previous).as("a UID used twice").isNull();
        }
        return out;
    }

    static Instant instant(String ical) {
        return OffsetDateTime.parse(ical, UTC).toInstant();
    }
}
