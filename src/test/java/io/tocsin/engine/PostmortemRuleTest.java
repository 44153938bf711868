package io.tocsin.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When a postmortem is required and by when: whole business days after the day of resolution, ending at close of business. */
class PostmortemRuleTest {
    static final ZoneId LONDON = ZoneId.of("Europe/London");
    static final Set<DayOfWeek> WEEK = EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);
    static final PostmortemRule TWO_BUSINESS_DAYS = new PostmortemRule(PostmortemRule.Requirement.ALWAYS, new Deadline.BusinessDays(2), 0, null);

    static Instant london(String local) {
        return ZonedDateTime.of(java.time.LocalDateTime.parse(local), LONDON).toInstant();
    }

    static BusinessCalendar calendar(LocalDate... holidays) {
        return new BusinessCalendar(LONDON, WEEK, 9 * 60, 17 * 60, Set.of(holidays));
    }

    @Test
    void resolvedFridayAfternoonWithTwoBusinessDaysIsDueAtTheEndOfTuesday() {
        var d = TWO_BUSINESS_DAYS.decide(london("2026-11-27T15:00"), List.of(), calendar()).orElseThrow();
        assertThat(d.required()).isTrue();
        assertThat(d.due()).isEqualTo(london("2026-12-01T17:00"));
        assertThat(d.text()).isEqualTo("postmortem required, due Tue 2026-12-01 17:00 (2 business days after resolution)");
    }

    @Test
    void aMondayHolidayMovesItToTheEndOfWednesday() {
        var d = TWO_BUSINESS_DAYS.decide(london("2026-12-04T15:00"), List.of(), calendar(LocalDate.parse("2026-12-07"))).orElseThrow();
        assertThat(d.due()).isEqualTo(london("2026-12-09T17:00"));
    }

    @Test
    void resolvedOnASaturdayCountsFromMonday() {
        var d = TWO_BUSINESS_DAYS.decide(london("2026-11-28T10:00"), List.of(), calendar()).orElseThrow();
        assertThat(d.due()).isEqualTo(london("2026-12-01T17:00"));
    }

    @Test
    void hoursAreCountedOnTheClock() {
        var rule = new PostmortemRule(PostmortemRule.Requirement.ALWAYS, new Deadline.Fixed(Duration.ofHours(48)), 0, null);
        assertThat(rule.decide(london("2026-11-27T15:00"), List.of(), calendar()).orElseThrow().due()).isEqualTo(london("2026-11-29T15:00"));
    }

    @Test
    void optionalAndNeverRequireNothing() {
        for (var r : List.of(PostmortemRule.Requirement.OPTIONAL, PostmortemRule.Requirement.NEVER)) {
            assertThat(new PostmortemRule(r, new Deadline.BusinessDays(2), 0, null).decide(london("2026-11-27T15:00"), List.of(), calendar()))
                    .as(r.name()).isEmpty();
        }
    }

    @Test
    void whenRepeatedCountsThisResolutionAndEarlierOnesWithinTheWindow() {
        var rule = new PostmortemRule(PostmortemRule.Requirement.WHEN_REPEATED, new Deadline.Fixed(Duration.ofHours(48)), 2, Duration.ofDays(30));
        Instant now = london("2026-11-27T15:00");
        assertThat(rule.decide(now, List.of(), calendar())).as("the first one").isEmpty();
        assertThat(rule.decide(now, List.of(now.minus(Duration.ofDays(31))), calendar())).as("the earlier one is out of the window").isEmpty();
        var d = rule.decide(now, List.of(now.minus(Duration.ofDays(29))), calendar()).orElseThrow();
        assertThat(d.text()).startsWith("postmortem required: 2 incidents of this service resolved within 30d");
        assertThat(d.due()).isEqualTo(now.plus(Duration.ofHours(48)));
    }

    @Test
    void noDeadlineIsSaid() {
        var d = new PostmortemRule(PostmortemRule.Requirement.ALWAYS, null, 0, null).decide(london("2026-11-27T15:00"), List.of(), calendar());
        assertThat(d.orElseThrow().due()).isNull();
        assertThat(d.orElseThrow().text()).isEqualTo("postmortem required, no deadline");
    }
}
