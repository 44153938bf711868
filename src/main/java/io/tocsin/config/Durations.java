package io.tocsin.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the configuration's duration syntax: {@code 90s 15m 1h30m 2d 1w}, and business days {@code 2bd}. */
public final class Durations {
    private static final Pattern FORM = Pattern.compile("(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");
    private static final Pattern BUSINESS = Pattern.compile("(\\d+)bd");
    /**
     * The longest duration anything takes: far beyond any delay, interval or simulated run, and short
     * enough that adding it to any instant in range cannot overflow. Written larger, a duration is
     * refused in words; before, "9999999999999999d" overflowed inside java.time and was a 500.
     */
    public static final Duration MAX = Duration.ofDays(36_525);
    private static final String MAX_TEXT = "100 years (36525d)";

    private Durations() {
    }

    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a duration is required, like 15m or 1h30m");
        }
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches() || text.trim().isEmpty()) {
            throw new IllegalArgumentException("bad duration \"" + text + "\": use units w d h m s, like 15m, 1h30m or 2d");
        }
        long[] numbers = new long[5];
        for (int i = 0; i < 5; i++) {
            String group = m.group(i + 1);
            // more than nine digits is more than MAX in any unit, and might not fit a long
            if (group != null && group.length() > 9) {
                throw tooLong(text);
            }
            numbers[i] = group == null ? 0 : Long.parseLong(group);
        }
        // at most 10^9 of each unit: the sum in seconds fits a long
        long seconds = numbers[0] * 604_800 + numbers[1] * 86_400 + numbers[2] * 3_600 + numbers[3] * 60 + numbers[4];
        if (seconds > MAX.getSeconds()) {
            throw tooLong(text);
        }
        return Duration.ofSeconds(seconds);
    }

    public static boolean isBusinessDays(String text) {
        return text != null && BUSINESS.matcher(text.trim()).matches();
    }

    public static int businessDays(String text) {
        Matcher m = BUSINESS.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("bad business duration \"" + text + "\": use whole business days, like 2bd");
        }
        // a business day is at least a day: no more of them than MAX has days
        if (m.group(1).length() > 9 || Long.parseLong(m.group(1)) > MAX.toDays()) {
            throw tooLong(text);
        }
        return Integer.parseInt(m.group(1));
    }

    private static IllegalArgumentException tooLong(String text) {
        return new IllegalArgumentException("duration \"" + text.trim() + "\" is too long: at most " + MAX_TEXT);
    }

    public static String format(Duration d) {
        if (d.isZero()) {
            return "0m";
        }
        StringBuilder sb = new StringBuilder();
        long s = d.getSeconds();
        long days = s / 86_400;
        s %= 86_400;
        if (days % 7 == 0 && days > 0 && s == 0) {
            return (days / 7) + "w";
        }
        if (days > 0) {
            sb.append(days).append('d');
        }
        if (s / 3600 > 0) {
            sb.append(s / 3600).append('h');
        }
        if (s % 3600 / 60 > 0) {
            sb.append(s % 3600 / 60).append('m');
        }
        if (s % 60 > 0) {
            sb.append(s % 60).append('s');
        }
        return sb.toString();
    }

}
