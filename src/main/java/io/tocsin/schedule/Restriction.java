package io.tocsin.schedule;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Set;

/**
 * A recurring local window in which a layer is on call: it opens on each of {@code days} at
 * {@code fromMinute} and closes at {@code toMinute} the same day, or the next day when
 * {@code toMinute <= fromMinute} (a night window such as 22:00-06:00, or a full day for 00:00-00:00).
 */
public record Restriction(Set<DayOfWeek> days, int fromMinute, int toMinute) {
    public static final int DAY_MINUTES = 24 * 60;

    public Restriction {
        days = days == null || days.isEmpty() ? EnumSet.allOf(DayOfWeek.class) : EnumSet.copyOf(days);
        if (fromMinute < 0 || fromMinute >= DAY_MINUTES || toMinute < 0 || toMinute > DAY_MINUTES) {
            throw new IllegalArgumentException("restriction times must be within the day");
        }
    }

    public boolean opensOn(LocalDate date) {
        return days.contains(date.getDayOfWeek());
    }

    public Interval windowOpeningOn(LocalDate date, ZoneId zone) {
        long start = instant(date, fromMinute, zone);
        LocalDate endDate = toMinute > fromMinute ? date : date.plusDays(1);
        long end = instant(endDate, toMinute, zone);
        return new Interval(start, Math.max(start, end));
    }

    /**
     * A window edge that falls in a daylight-saving gap is the moment the gap ends: the window covers
     * exactly the part of its local hours that exist that night (02:00-03:30 when clocks jump from
     * 03:00 to 04:00 ends at the jump; 03:15-03:45 does not exist at all). Moving the edge by the
     * gap's length instead would stretch or invert the window.
     */
    private static long instant(LocalDate date, int minuteOfDay, ZoneId zone) {
        java.time.LocalDateTime local = date.atStartOfDay().plusMinutes(minuteOfDay);
        java.time.zone.ZoneOffsetTransition t = zone.getRules().getTransition(local);
        if (t != null && t.isGap()) {
            return t.getInstant().getEpochSecond();
        }
        return LocalTimes.epochSecond(local, zone);
    }
}
