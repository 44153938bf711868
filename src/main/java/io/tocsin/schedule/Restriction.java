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

    /**
     * The window opening on {@code date}. Its edges are local times converted by {@link LocalTimes}, the
     * rule hand-offs use too: an edge in a daylight-saving gap moves forward by the gap's length, so a
     * window and a rotation sharing a local time share the instant. A window whose opening moves past
     * its closing that night is empty.
     */
    public Interval windowOpeningOn(LocalDate date, ZoneId zone) {
        long start = LocalTimes.epochSecond(date, fromMinute, zone);
        LocalDate endDate = toMinute > fromMinute ? date : date.plusDays(1);
        long end = LocalTimes.epochSecond(endDate, toMinute, zone);
        return new Interval(start, Math.max(start, end));
    }
}
