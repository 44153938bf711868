package io.tocsin.schedule;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Length of one shift in a rotation. Kept in calendar units (weeks/days) or whole hours rather than
 * a {@link java.time.Duration}, because a weekly shift is "until the same local time next week",
 * which is 167 or 169 hours across a daylight-saving change.
 */
public record ShiftLength(int days, int hours) {
    private static final Pattern FORM = Pattern.compile("([1-9][0-9]*)([wdh])");

    public ShiftLength {
        if (days < 0 || hours < 0 || (days == 0) == (hours == 0)) {
            throw new IllegalArgumentException("a shift is a whole number of weeks, days or hours");
        }
    }

    public static ShiftLength parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("shift must be a whole number of weeks, days or hours, like 1w, 2d or 12h; got \"" + text + "\"");
        }
        int n = Integer.parseInt(m.group(1));
        return switch (m.group(2)) {
            case "w" -> new ShiftLength(Math.multiplyExact(n, 7), 0);
            case "d" -> new ShiftLength(n, 0);
            default -> new ShiftLength(0, n);
        };
    }

    public static ShiftLength ofDays(int days) {
        return new ShiftLength(days, 0);
    }

    public static ShiftLength ofHours(int hours) {
        return new ShiftLength(0, hours);
    }

    public boolean isCalendar() {
        return days > 0;
    }

    public boolean isWholeWeeks() {
        return days > 0 && days % 7 == 0;
    }

    /** Hour-based shifts that tile a day exactly keep their local hand-off times across DST. */
    public boolean tilesADay() {
        return hours > 0 && 24 % hours == 0;
    }

    public long nominalSeconds() {
        return days > 0 ? days * 86_400L : hours * 3_600L;
    }

    @Override
    public String toString() {
        if (days > 0) {
            return days % 7 == 0 ? (days / 7) + "w" : days + "d";
        }
        return hours + "h";
    }
}
