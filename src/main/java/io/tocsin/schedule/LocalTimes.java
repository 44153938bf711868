package io.tocsin.schedule;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/** Local wall-clock to instant conversion with the java.time rules for gaps (move forward) and overlaps (earlier offset). */
final class LocalTimes {
    private LocalTimes() {
    }

    static long epochSecond(LocalDate date, int minuteOfDay, ZoneId zone) {
        LocalDateTime local = date.atStartOfDay().plusMinutes(minuteOfDay);
        return ZonedDateTime.of(local, zone).toEpochSecond();
    }

    static long epochSecond(LocalDateTime local, ZoneId zone) {
        return ZonedDateTime.of(local, zone).toEpochSecond();
    }
}
