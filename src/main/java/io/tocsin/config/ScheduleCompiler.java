package io.tocsin.config;

import io.tocsin.schedule.Handoff;
import io.tocsin.schedule.Layer;
import io.tocsin.schedule.Numbering;
import io.tocsin.schedule.Restriction;
import io.tocsin.schedule.Schedule;
import io.tocsin.schedule.ScheduleOverride;
import io.tocsin.schedule.ShiftLength;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns validated schedule declarations into the pure schedule model. */
final class ScheduleCompiler {
    private static final Map<String, DayOfWeek> DAYS = Map.of("mon", DayOfWeek.MONDAY, "tue", DayOfWeek.TUESDAY,
            "wed", DayOfWeek.WEDNESDAY, "thu", DayOfWeek.THURSDAY, "fri", DayOfWeek.FRIDAY,
            "sat", DayOfWeek.SATURDAY, "sun", DayOfWeek.SUNDAY);

    private ScheduleCompiler() {
    }

    static DayOfWeek day(String text) {
        return DAYS.get(text);
    }

    static Schedule compile(OrganisationConfig.Schedule s, ZoneId defaultZone) {
        ZoneId zone = s.timeZone() == null ? defaultZone : ZoneId.of(s.timeZone());
        // Entries with one id are one layer redefined over time; it keeps the place of its first entry.
        Map<String, Layer> byId = new java.util.LinkedHashMap<>();
        for (OrganisationConfig.Layer l : s.layers()) {
            Layer definition = layer(l, zone);
            Layer earlier = byId.get(l.id());
            byId.put(l.id(), l.effectiveFrom() == null ? definition
                    : definition.from(OffsetDateTime.parse(l.effectiveFrom()).toInstant(), earlier));
        }
        List<Layer> layers = new ArrayList<>(byId.values());
        List<ScheduleOverride> overrides = new ArrayList<>();
        int n = 0;
        for (OrganisationConfig.Override o : s.overrides()) {
            overrides.add(new ScheduleOverride("config-" + (++n), o.layer(), o.person(),
                    OffsetDateTime.parse(o.start()).toInstant(), OffsetDateTime.parse(o.end()).toInstant(), o.reason()));
        }
        return new Schedule(s.id(), s.name(), zone, layers, overrides);
    }

    private static Layer layer(OrganisationConfig.Layer l, ZoneId zone) {
        ShiftLength shift = ShiftLength.parse(l.shift());
        LocalTime time = LocalTime.MIN.plusMinutes(TimesOfDay.minuteOfDay(l.handoff().time(), false));
        Handoff handoff = new Handoff(l.handoff().day() == null ? null : day(l.handoff().day()), time);
        List<Restriction> restrictions = new ArrayList<>();
        for (OrganisationConfig.Restriction r : l.restrictions()) {
            Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            r.days().forEach(d -> days.add(day(d)));
            int from = r.from() == null ? 0 : TimesOfDay.minuteOfDay(r.from(), false);
            int to = r.to() == null ? 0 : TimesOfDay.minuteOfDay(r.to(), true);
            restrictions.add(new Restriction(days, from, to == Restriction.DAY_MINUTES && from == 0 ? 0 : to));
        }
        Numbering numbering = "iso_week".equals(l.numbering()) ? Numbering.ISO_WEEK : Numbering.SEQUENCE;
        return new Layer(l.id(), l.name(), l.participants(), shift, handoff, LocalDate.parse(l.start()), numbering, restrictions, zone);
    }
}
