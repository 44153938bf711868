package io.tocsin.schedule;

import java.time.Instant;

/** Half-open interval [start, end) in epoch seconds. */
public record Interval(long start, long end) {
    public Interval {
        if (end < start) {
            throw new IllegalArgumentException("interval ends before it starts");
        }
    }

    public static Interval of(Instant start, Instant end) {
        return new Interval(start.getEpochSecond(), end.getEpochSecond());
    }

    public boolean contains(long t) {
        return t >= start && t < end;
    }

    public boolean isEmpty() {
        return end <= start;
    }

    public Interval intersect(Interval other) {
        long s = Math.max(start, other.start);
        long e = Math.min(end, other.end);
        return e > s ? new Interval(s, e) : new Interval(s, s);
    }
}
