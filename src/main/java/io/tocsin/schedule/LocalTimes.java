package io.tocsin.schedule;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;

/**
 * The one conversion of a local wall-clock time to an instant, used by hand-offs, restriction
 * windows, maintenance windows and local dates given to the API and CLI. A local time at a
 * daylight-saving transition takes the offset in force before the transition: in a gap (a time that
 * does not exist that day) that moves it forward by the gap's length, as java.time's
 * {@code ZonedDateTime.of} and RFC 5545 (DTSTART in a gap) do; in an overlap (a time that happens
 * twice) it is the first occurrence. Hand-offs and restriction edges at the same local time therefore
 * always fall on the same instant, so yesterday's person never covers the first minutes of today's window.
 */
public final class LocalTimes {
    private LocalTimes() {
    }

    public static Instant instant(LocalDateTime local, ZoneId zone) {
        ZoneOffsetTransition transition = zone.getRules().getTransition(local);
        return local.toInstant(transition != null ? transition.getOffsetBefore() : zone.getRules().getOffset(local));
    }

    /** Local midnight of {@code date}, by the same rule (midnight itself can be in a gap, as in America/Santiago). */
    public static Instant startOfDay(LocalDate date, ZoneId zone) {
        return instant(date.atStartOfDay(), zone);
    }

    static long epochSecond(LocalDate date, int minuteOfDay, ZoneId zone) {
        return epochSecond(date.atStartOfDay().plusMinutes(minuteOfDay), zone);
    }

    static long epochSecond(LocalDateTime local, ZoneId zone) {
        return instant(local, zone).getEpochSecond();
    }
}
