package io.tocsin.engine;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Set;

/**
 * The organisation's working time: its working week, business hours and holidays in its time zone.
 * A business day is one business day's worth of business hours: "resolve within 1bd" for an incident
 * opened on Friday at 16:00 with hours 09:00-17:00 means Monday at 16:00, and one opened on Saturday
 * means Monday at 17:00. Local times are turned into instants the way every local time in Tocsin is
 * (a time in a daylight-saving gap moves forward by the gap's length; one that occurs twice is its
 * first occurrence), which is what {@link ZonedDateTime#of} does.
 */
public record BusinessCalendar(ZoneId zone, Set<DayOfWeek> workingDays, int startMinute, int endMinute, Set<LocalDate> holidays) {
    /** Beyond this, a calendar with no working time at all ("never") is not searched further. */
    private static final int MAX_DAYS = 3_660;

    public static final BusinessCalendar ALWAYS = new BusinessCalendar(java.time.ZoneOffset.UTC, EnumSet.allOf(DayOfWeek.class), 0,
            24 * 60, Set.of());

    public BusinessCalendar {
        workingDays = workingDays.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(workingDays));
        holidays = Set.copyOf(holidays);
        if (endMinute <= startMinute) {
            throw new IllegalArgumentException("business hours must end after they start");
        }
    }

    public Duration dayLength() {
        return Duration.ofMinutes(endMinute - startMinute);
    }

    public boolean isBusinessDay(LocalDate date) {
        return workingDays.contains(date.getDayOfWeek()) && !holidays.contains(date);
    }

    /** The instant {@code days} business days of working time after {@code from}; null if the calendar has no working time. */
    public Instant plusBusinessDays(Instant from, int days) {
        Duration left = dayLength().multipliedBy(days);
        LocalDate date = from.atZone(zone).toLocalDate();
        for (int i = 0; i < MAX_DAYS; i++, date = date.plusDays(1)) {
            if (!isBusinessDay(date)) {
                continue;
            }
            Instant open = at(date, startMinute);
            Instant close = at(date, endMinute);
            Instant start = open.isBefore(from) ? from : open;
            if (!start.isBefore(close)) {
                continue;
            }
            Duration available = Duration.between(start, close);
            if (left.compareTo(available) <= 0) {
                return start.plus(left);
            }
            left = left.minus(available);
        }
        return null;
    }

    private Instant at(LocalDate date, int minute) {
        LocalDate day = minute >= 24 * 60 ? date.plusDays(1) : date;
        LocalTime time = LocalTime.MIN.plusMinutes(minute % (24 * 60));
        return ZonedDateTime.of(day, time, zone).toInstant();
    }

    /**
     * The end of business hours on the {@code days}-th business day after the local date of {@code from}
     * (the day itself does not count, whatever the hour); null if the calendar has no working days.
     * Friday with 2 is the end of Tuesday, or of Wednesday when Monday is a holiday.
     */
    public Instant endOfBusinessDay(Instant from, int days) {
        LocalDate date = from.atZone(zone).toLocalDate();
        int left = days;
        for (int i = 0; i < MAX_DAYS; i++) {
            date = date.plusDays(1);
            if (isBusinessDay(date) && --left <= 0) {
                return at(date, endMinute);
            }
        }
        return null;
    }
}
