package io.tocsin.engine;

import java.time.Duration;
import java.time.Instant;

/**
 * How long a response target gives: a fixed duration ({@code 15m}) or business days ({@code 1bd}),
 * which only count the organisation's business hours on its working days (see {@link BusinessCalendar}).
 */
public sealed interface Deadline {
    /** When the target runs out for a clock that started at {@code start}; null if it never does. */
    Instant from(Instant start, BusinessCalendar calendar);

    String describe();

    record Fixed(Duration duration) implements Deadline {
        @java.lang.Override
        public Instant from(Instant start, BusinessCalendar calendar) {
            return start.plus(duration);
        }

        @java.lang.Override
        public String describe() {
            return EscalationEngine.human(duration);
        }
    }

    record BusinessDays(int days) implements Deadline {
        @java.lang.Override
        public Instant from(Instant start, BusinessCalendar calendar) {
            return calendar.plusBusinessDays(start, days);
        }

        @java.lang.Override
        public String describe() {
            return days + (days == 1 ? " business day" : " business days");
        }
    }
}
