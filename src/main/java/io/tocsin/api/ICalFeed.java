package io.tocsin.api;

import io.tocsin.schedule.Shift;
import java.time.Instant;
import java.util.List;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.property.Description;
import net.fortuna.ical4j.model.property.DtStamp;
import net.fortuna.ical4j.model.property.ProdId;
import net.fortuna.ical4j.model.property.Uid;
import net.fortuna.ical4j.model.property.XProperty;
import net.fortuna.ical4j.model.property.immutable.ImmutableCalScale;
import net.fortuna.ical4j.model.property.immutable.ImmutableMethod;
import net.fortuna.ical4j.model.property.immutable.ImmutableVersion;

/** Renders shifts as an RFC 5545 calendar (UTC times, so no VTIMEZONE is needed and no client guesses a zone). */
final class ICalFeed {
    record Entry(Shift shift, String scheduleId, String summary) {
    }

    private ICalFeed() {
    }

    static String render(String calendarName, List<Entry> entries, Instant stamp) {
        Calendar calendar = new Calendar();
        calendar.add(new ProdId("-//Tocsin//On-call schedule//EN"));
        calendar.add(ImmutableVersion.VERSION_2_0);
        calendar.add(ImmutableCalScale.GREGORIAN);
        calendar.add(ImmutableMethod.PUBLISH);
        calendar.add(new XProperty("X-WR-CALNAME", calendarName));
        for (Entry e : entries) {
            Shift s = e.shift();
            VEvent event = new VEvent(s.start(), s.end(), e.summary());
            event.add(new Uid(e.scheduleId() + "/" + s.layer() + "/" + s.person() + "/" + s.start().getEpochSecond() + "@tocsin"));
            event.add(new DtStamp(stamp));
            event.add(new Description("Schedule " + e.scheduleId() + ", layer " + s.layer()
                    + (s.override() ? " (override)" : "")));
            calendar.add(event);
        }
        return calendar.toString();
    }
}
