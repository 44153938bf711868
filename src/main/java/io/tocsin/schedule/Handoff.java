package io.tocsin.schedule;

import java.time.DayOfWeek;
import java.time.LocalTime;

/** Local day and time at which a rotation hands over; {@code day} is only meaningful for weekly shifts. */
public record Handoff(DayOfWeek day, LocalTime time) {
    public Handoff {
        if (time == null) {
            throw new IllegalArgumentException("handoff time is required");
        }
    }

    public static Handoff daily(LocalTime time) {
        return new Handoff(null, time);
    }

    public static Handoff weekly(DayOfWeek day, LocalTime time) {
        return new Handoff(day, time);
    }
}
