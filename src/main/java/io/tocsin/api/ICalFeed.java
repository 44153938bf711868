package io.tocsin.api;

import io.tocsin.schedule.Schedule;
import io.tocsin.schedule.Shift;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.property.Description;
import net.fortuna.ical4j.model.property.DtEnd;
import net.fortuna.ical4j.model.property.DtStamp;
import net.fortuna.ical4j.model.property.DtStart;
import net.fortuna.ical4j.model.property.ProdId;
import net.fortuna.ical4j.model.property.Summary;
import net.fortuna.ical4j.model.property.Uid;
import net.fortuna.ical4j.model.property.XProperty;
import net.fortuna.ical4j.model.property.immutable.ImmutableCalScale;
import net.fortuna.ical4j.model.property.immutable.ImmutableVersion;

/**
 * Renders shifts as an RFC 5545 calendar (UTC times, so no VTIMEZONE is needed and no client guesses
 * a zone). A subscribed feed is not an iTIP message, so it carries no METHOD (which would require an
 * ORGANIZER nobody is). Every event is a whole shift, never one cut at the edge of the feed's window,
 * so a shift keeps its UID and DTSTART from one fetch to the next and calendar clients do not churn it.
 */
final class ICalFeed {
    record Entry(Shift shift, String scheduleId, String summary) {
    }

    /** Shifts longer than this that reach past the window's edges are cut there (no rotation is that long). */
    static final Duration LONGEST_SHIFT = Duration.ofDays(400);

    private ICalFeed() {
    }

    /**
     * The shifts of {@code schedule} that overlap [from, to), each whole: the schedule answers for a
     * range and cuts the shifts at its edges, so the range is widened until no shift touches an edge.
     */
    static List<Shift> wholeShifts(Schedule schedule, Instant from, Instant to) {
        Duration margin = Duration.ofDays(8);
        while (true) {
            Instant wideFrom = from.minus(margin);
            Instant wideTo = to.plus(margin);
            List<Shift> overlapping = schedule.shifts(wideFrom, wideTo).stream()
                    .filter(s -> s.end().isAfter(from) && s.start().isBefore(to)).toList();
            boolean cut = overlapping.stream().anyMatch(s -> s.start().equals(wideFrom) || s.end().equals(wideTo));
            if (!cut || margin.compareTo(LONGEST_SHIFT) >= 0) {
                return overlapping;
            }
            margin = margin.multipliedBy(4);
        }
    }

    static String render(String calendarName, List<Entry> entries, Instant stamp) {
        Calendar calendar = new Calendar();
        calendar.add(new ProdId("-//Tocsin//On-call schedule//EN"));
        calendar.add(ImmutableVersion.VERSION_2_0);
        calendar.add(ImmutableCalScale.GREGORIAN);
        calendar.add(new XProperty("X-WR-CALNAME", calendarName));
        for (Entry e : entries) {
            Shift s = e.shift();
            // Not VEvent(start, end, summary): that adds a DTSTAMP of its own, from the system clock.
            VEvent event = new VEvent(false);
            event.add(new DtStamp(stamp));
            event.add(new DtStart<>(s.start()));
            event.add(new DtEnd<>(s.end()));
            event.add(new Summary(e.summary()));
            event.add(new Uid(e.scheduleId() + "/" + s.layer() + "/" + s.person() + "/" + s.start().getEpochSecond() + "@tocsin"));
            event.add(new Description("Schedule " + e.scheduleId() + ", layer " + s.layer()
                    + (s.override() ? " (override)" : "")));
            calendar.add(event);
        }
        return calendar.toString();
    }
}
