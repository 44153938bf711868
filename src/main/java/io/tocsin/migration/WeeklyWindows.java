package io.tocsin.migration;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A set of minutes of the local week (Monday 00:00 = 0), the common ground of the sources' time
 * restrictions and Tocsin's restriction windows: a source's windows are marked in, layers that hide
 * each other are subtracted, and the result is written as Tocsin restrictions (one window per day and
 * run, days with the same hours grouped).
 */
final class WeeklyWindows {
    static final int DAY = 24 * 60;
    static final int WEEK = 7 * DAY;
    private final BitSet minutes;

    private WeeklyWindows(BitSet minutes) {
        this.minutes = minutes;
    }

    static WeeklyWindows always() {
        BitSet all = new BitSet(WEEK);
        all.set(0, WEEK);
        return new WeeklyWindows(all);
    }

    static WeeklyWindows never() {
        return new WeeklyWindows(new BitSet(WEEK));
    }

    /** Adds {@code length} minutes from {@code day} at {@code time}, wrapping past Sunday into Monday. */
    WeeklyWindows plus(DayOfWeek day, LocalTime time, long length) {
        BitSet out = (BitSet) minutes.clone();
        long from = (day.getValue() - 1L) * DAY + time.getHour() * 60L + time.getMinute();
        for (long m = 0; m < Math.min(length, WEEK); m++) {
            out.set((int) ((from + m) % WEEK));
        }
        return new WeeklyWindows(out);
    }

    WeeklyWindows minus(WeeklyWindows other) {
        BitSet out = (BitSet) minutes.clone();
        out.andNot(other.minutes);
        return new WeeklyWindows(out);
    }

    WeeklyWindows union(WeeklyWindows other) {
        BitSet out = (BitSet) minutes.clone();
        out.or(other.minutes);
        return new WeeklyWindows(out);
    }

    boolean isAlways() {
        return minutes.cardinality() == WEEK;
    }

    boolean isEmpty() {
        return minutes.isEmpty();
    }

    /** Tocsin's {@code restrictions}: empty for the whole week (no restriction at all). */
    List<Map<String, Object>> restrictions() {
        if (isAlways()) {
            return List.of();
        }
        Map<String, List<String>> daysByWindow = new LinkedHashMap<>();
        for (DayOfWeek day : DayOfWeek.values()) {
            int base = (day.getValue() - 1) * DAY;
            int m = 0;
            while (m < DAY) {
                int start = minutes.nextSetBit(base + m);
                if (start < 0 || start >= base + DAY) {
                    break;
                }
                int end = Math.min(minutes.nextClearBit(start), base + DAY);
                daysByWindow.computeIfAbsent(clock(start - base) + "-" + clock(end - base), k -> new ArrayList<>())
                        .add(day.name().substring(0, 3).toLowerCase(Locale.ROOT));
                m = end - base;
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        daysByWindow.forEach((window, days) -> {
            Map<String, Object> r = new LinkedHashMap<>();
            if (days.size() < 7) {
                r.put("days", days);
            }
            r.put("from", window.substring(0, 5));
            r.put("to", window.substring(6));
            out.add(r);
        });
        return out;
    }

    private static String clock(int minute) {
        return String.format(Locale.ROOT, "%02d:%02d", minute / 60, minute % 60);
    }
}
