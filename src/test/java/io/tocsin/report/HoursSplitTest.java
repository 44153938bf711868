package io.tocsin.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.engine.BusinessCalendar;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * On-call time cut into business, off and sleep hours equals the same time walked minute by minute,
 * across the days clocks change (Dublin and New York in spring and autumn, Lord Howe's half hour) and
 * a holiday.
 */
class HoursSplitTest {
    static final BusinessCalendar CALENDAR = new BusinessCalendar(ZoneId.of("Europe/Dublin"),
            EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), 9 * 60, 17 * 60 + 30, Set.of(LocalDate.of(2026, 3, 30)));

    @ParameterizedTest
    @CsvSource({
            "Europe/Dublin, 2026-03-27T16:17:00Z, 2026-04-01T03:00:00Z, ,",
            "Europe/Dublin, 2026-10-23T21:59:00Z, 2026-10-27T08:01:00Z, ,",
            "America/New_York, 2026-03-06T12:00:00Z, 2026-03-10T12:00:00Z, ,",
            "America/New_York, 2026-10-30T00:00:00Z, 2026-11-03T00:00:00Z, ,",
            "Australia/Lord_Howe, 2026-04-03T10:00:00Z, 2026-04-06T10:00:00Z, ,",
            "Asia/Tokyo, 2026-03-29T00:00:00Z, 2026-03-29T00:01:00Z, ,",
            "Europe/Dublin, 2026-03-27T16:17:00Z, 2026-04-01T03:00:00Z, 00:30, 06:15",
            "America/New_York, 2026-10-30T00:00:00Z, 2026-11-03T00:00:00Z, 23:00, 24:00",
            "Australia/Lord_Howe, 2026-04-03T10:00:00Z, 2026-04-06T10:00:00Z, 20:30, 08:30"})
    void splittingEqualsWalkingMinuteByMinute(String zoneId, String from, String to, String sleepFrom, String sleepUntil) {
        // The default night, and other ones (not crossing midnight, ending at midnight, overlapping business hours).
        io.tocsin.config.OrganisationConfig.SleepHours night = sleepFrom == null ? io.tocsin.config.OrganisationConfig.SleepHours.DEFAULT
                : new io.tocsin.config.OrganisationConfig.SleepHours(sleepFrom, sleepUntil);
        ZoneId zone = ZoneId.of(zoneId);
        Instant a = Instant.parse(from);
        Instant b = Instant.parse(to);
        Map<Reports.Hours, Long> walked = new EnumMap<>(Reports.Hours.class);
        for (Instant m = a; m.isBefore(b); m = m.plus(Duration.ofMinutes(1))) {
            walked.merge(Reports.hours(m, zone, CALENDAR, night), 60L, Long::sum);
        }
        assertThat(Reports.split(a, b, zone, CALENDAR, night)).isEqualTo(walked);
        assertThat(walked.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(Duration.between(a, b).toSeconds());
    }
}
