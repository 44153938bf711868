package io.tocsin.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleTest {
    static final ZoneId BUCHAREST = ZoneId.of("Europe/Bucharest");
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    static Schedule schedule(Layer... layers) {
        return new Schedule("s", "s", layers[0].zone(), List.of(layers), List.of());
    }

    static Layer layer(List<String> people, String shift, DayOfWeek day, String time, String start, ZoneId zone, Restriction... r) {
        return new Layer("l", "l", people, ShiftLength.parse(shift), new Handoff(day, LocalTime.parse(time)), LocalDate.parse(start),
                Numbering.SEQUENCE, List.of(r), zone);
    }

    static Instant local(String dateTime, ZoneId zone) {
        return ZonedDateTime.of(java.time.LocalDateTime.parse(dateTime), zone).toInstant();
    }

    @Test
    void weeklyShiftsAcrossDstAre167And169HoursAndStartMondayAtNine() {
        Schedule s = schedule(layer(List.of("a", "b"), "1w", DayOfWeek.MONDAY, "09:00", "2026-01-05", BUCHAREST));
        List<Shift> spring = s.shifts("l", local("2026-03-23T09:00", BUCHAREST), local("2026-03-30T09:00", BUCHAREST));
        assertThat(spring).singleElement().satisfies(x -> assertThat(Duration.between(x.start(), x.end())).hasHours(167));
        List<Shift> autumn = s.shifts("l", local("2026-10-19T09:00", BUCHAREST), local("2026-10-26T09:00", BUCHAREST));
        assertThat(autumn).singleElement().satisfies(x -> assertThat(Duration.between(x.start(), x.end())).hasHours(169));
        for (Shift x : s.shifts("l", local("2031-01-01T00:00", BUCHAREST), local("2031-12-31T00:00", BUCHAREST)).subList(1, 50)) {
            ZonedDateTime z = x.start().atZone(BUCHAREST);
            assertThat(z.getDayOfWeek()).isEqualTo(DayOfWeek.MONDAY);
            assertThat(z.toLocalTime()).isEqualTo(LocalTime.of(9, 0));
        }
    }

    @Test
    void aDailyShiftIs23Or25HoursOnChangeDays() {
        Schedule s = schedule(layer(List.of("a", "b", "c"), "1d", null, "09:00", "2026-01-01", NEW_YORK));
        assertThat(s.shifts("l", local("2026-03-07T09:00", NEW_YORK), local("2026-03-09T09:00", NEW_YORK)))
                .extracting(x -> Duration.between(x.start(), x.end()).toHours()).containsExactly(23L, 24L);
        assertThat(s.shifts("l", local("2026-10-31T09:00", NEW_YORK), local("2026-11-02T09:00", NEW_YORK)))
                .extracting(x -> Duration.between(x.start(), x.end()).toHours()).containsExactly(25L, 24L);
    }

    @Test
    void twelveHourShiftsKeepNineAndTwentyOneLocal() {
        Schedule s = schedule(layer(List.of("day", "night"), "12h", null, "09:00", "2026-03-01", NEW_YORK));
        for (Shift x : s.shifts("l", local("2026-03-05T09:00", NEW_YORK), local("2026-03-12T09:00", NEW_YORK))) {
            assertThat(x.start().atZone(NEW_YORK).toLocalTime()).isIn(LocalTime.of(9, 0), LocalTime.of(21, 0));
            assertThat(x.person()).isEqualTo(x.start().atZone(NEW_YORK).getHour() == 9 ? "day" : "night");
        }
    }

    @Test
    void lordHoweHalfHourDstAndAHandoffInsideTheGap() {
        ZoneId lordHowe = ZoneId.of("Australia/Lord_Howe");
        Schedule s = schedule(layer(List.of("a", "b"), "1d", null, "02:00", "2026-09-01", lordHowe));
        // 2026-10-04 02:00 does not exist there (clocks go 02:00 -> 02:30): the hand-off happens at 02:30.
        List<Shift> shifts = s.shifts("l", local("2026-10-03T02:00", lordHowe), local("2026-10-05T02:00", lordHowe));
        assertThat(shifts).hasSize(2);
        assertThat(shifts.get(1).start().atZone(lordHowe).toLocalTime()).isEqualTo(LocalTime.of(2, 30));
        assertThat(Duration.between(shifts.get(0).start(), shifts.get(0).end())).isEqualTo(Duration.ofMinutes(24 * 60));
        assertThat(Duration.between(shifts.get(1).start(), shifts.get(1).end())).isEqualTo(Duration.ofMinutes(23 * 60 + 30));
    }

    @Test
    void isoWeekNumberingKeepsOddWeeksAcrossA53WeekYear() {
        Layer l = new Layer("p", "p", List.of("a", "c"), ShiftLength.parse("1w"), Handoff.weekly(DayOfWeek.MONDAY, LocalTime.of(9, 0)),
                LocalDate.parse("2026-01-05"), Numbering.ISO_WEEK, List.of(), ZoneId.of("UTC"));
        Schedule s = schedule(l);
        assertThat(s.onCall("p", Instant.parse("2026-12-22T12:00:00Z")).person()).contains("c");   // week 52
        assertThat(s.onCall("p", Instant.parse("2026-12-29T12:00:00Z")).person()).contains("a");   // week 53
        assertThat(s.onCall("p", Instant.parse("2027-01-05T12:00:00Z")).person()).contains("a");   // week 1
        assertThat(s.onCall("p", Instant.parse("2027-01-12T12:00:00Z")).person()).contains("c");   // week 2
    }

    @Test
    void restrictionsLeaveReportedGapsAndAnOverrideCanFillOne() {
        Restriction business = new Restriction(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), 9 * 60, 17 * 60);
        Restriction nights = new Restriction(EnumSet.allOf(DayOfWeek.class), 22 * 60, 6 * 60);
        Schedule s = schedule(layer(List.of("a"), "1w", DayOfWeek.MONDAY, "09:00", "2026-01-05", BUCHAREST, business, nights));
        assertThat(s.onCall("l", local("2026-02-04T12:00", BUCHAREST)).person()).contains("a");
        assertThat(s.onCall("l", local("2026-02-04T20:00", BUCHAREST)).person()).isEmpty();
        assertThat(s.onCall("l", local("2026-02-07T23:30", BUCHAREST)).person()).contains("a");   // Saturday night
        assertThat(s.onCall("l", local("2026-02-08T05:59", BUCHAREST)).person()).contains("a");
        List<Gap> gaps = s.gaps("l", local("2026-02-04T00:00", BUCHAREST), local("2026-02-05T00:00", BUCHAREST));
        assertThat(gaps).extracting(g -> g.start().atZone(BUCHAREST).toLocalTime() + "-" + g.end().atZone(BUCHAREST).toLocalTime())
                .containsExactly("06:00-09:00", "17:00-22:00");
        Schedule covered = s.withOverrides(List.of(new ScheduleOverride("o", "l", "b", local("2026-02-04T17:00", BUCHAREST),
                local("2026-02-04T22:00", BUCHAREST), "evening cover")));
        assertThat(covered.onCall("l", local("2026-02-04T20:00", BUCHAREST))).isEqualTo(new OnCall("l", java.util.Optional.of("b"), true, "evening cover"));
        assertThat(covered.gaps("l", local("2026-02-04T00:00", BUCHAREST), local("2026-02-05T00:00", BUCHAREST))).hasSize(1);
    }

    @Test
    void aRestrictionWindowInsideTheSpringForwardGapMovesForwardByTheGapThatNight() {
        // Bucharest jumps from 03:00 to 04:00 on 2026-03-29: 03:15-03:45 does not exist that night, so
        // (like a hand-off at 03:15) the window is 04:15-04:45 that night and 03:15-03:45 on the others.
        Restriction inTheGap = new Restriction(EnumSet.allOf(DayOfWeek.class), 3 * 60 + 15, 3 * 60 + 45);
        Schedule s = schedule(layer(List.of("a"), "1d", null, "09:00", "2026-03-01", BUCHAREST, inTheGap));
        List<Shift> shifts = s.shifts("l", local("2026-03-28T00:00", BUCHAREST), local("2026-03-31T00:00", BUCHAREST));
        assertThat(shifts).extracting(x -> x.start().atZone(BUCHAREST).toLocalDateTime().toString() + "/"
                        + Duration.between(x.start(), x.end()).toMinutes())
                .containsExactly("2026-03-28T03:15/30", "2026-03-29T04:15/30", "2026-03-30T03:15/30");
        assertThat(s.onCall("l", local("2026-03-30T03:30", BUCHAREST)).person()).contains("a");
    }

    @Test
    void aWindowWhoseOpeningMovesPastItsClosingIsEmptyThatNight() {
        // 03:30-04:10 on 2026-03-29 in Bucharest: 03:30 means 04:30, after 04:10.
        Restriction r = new Restriction(EnumSet.allOf(DayOfWeek.class), 3 * 60 + 30, 4 * 60 + 10);
        Schedule s = schedule(layer(List.of("a"), "1d", null, "09:00", "2026-03-01", BUCHAREST, r));
        assertThat(s.shifts("l", local("2026-03-28T00:00", BUCHAREST), local("2026-03-31T00:00", BUCHAREST)))
                .extracting(x -> x.start().atZone(BUCHAREST).toLocalDate().toString()).containsExactly("2026-03-28", "2026-03-30");
    }

    @Test
    void laterOverridesWinWhereTheyOverlap() {
        Schedule s = schedule(layer(List.of("a"), "1w", DayOfWeek.MONDAY, "09:00", "2026-01-05", BUCHAREST)).withOverrides(List.of(
                new ScheduleOverride("1", "l", "b", Instant.parse("2026-02-01T00:00:00Z"), Instant.parse("2026-02-03T00:00:00Z"), null),
                new ScheduleOverride("2", "l", "c", Instant.parse("2026-02-02T00:00:00Z"), Instant.parse("2026-02-04T00:00:00Z"), null)));
        assertThat(s.onCall("l", Instant.parse("2026-02-01T12:00:00Z")).person()).contains("b");
        assertThat(s.onCall("l", Instant.parse("2026-02-02T12:00:00Z")).person()).contains("c");
        assertThat(s.onCall("l", Instant.parse("2026-02-04T12:00:00Z")).person()).contains("a");
    }

    @Test
    void nobodyBeforeTheStartAndTheNextHandoff() {
        Schedule s = schedule(layer(List.of("a", "b"), "1w", DayOfWeek.MONDAY, "09:00", "2026-01-07", BUCHAREST));
        // The first hand-off is the first Monday on or after the start date.
        assertThat(s.layers().get(0).firstHandoff()).isEqualTo(local("2026-01-12T09:00", BUCHAREST));
        assertThat(s.onCall("l", local("2026-01-10T09:00", BUCHAREST)).person()).isEmpty();
        assertThat(s.nextHandoff("l", local("2026-01-10T09:00", BUCHAREST), 30)).contains(local("2026-01-12T09:00", BUCHAREST));
        assertThat(s.nextHandoff("l", local("2026-01-13T09:00", BUCHAREST), 30)).contains(local("2026-01-19T09:00", BUCHAREST));
    }
}
