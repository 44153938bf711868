package io.tocsin.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the configuration's duration syntax: {@code 90s 15m 1h30m 2d 1w}, and business days {@code 2bd}. */
public final class Durations {
    private static final Pattern FORM = Pattern.compile("(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");
    private static final Pattern BUSINESS = Pattern.compile("(\\d+)bd");

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
        Duration d = Duration.ZERO;
        d = d.plusDays(7 * num(m.group(1))).plusDays(num(m.group(2))).plusHours(num(m.group(3)))
                .plusMinutes(num(m.group(4))).plusSeconds(num(m.group(5)));
        return d;
    }

    public static boolean isBusinessDays(String text) {
        return text != null && BUSINESS.matcher(text.trim()).matches();
    }

    public static int businessDays(String text) {
        Matcher m = BUSINESS.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("bad business duration \"" + text + "\": use whole business days, like 2bd");
        }
        return Integer.parseInt(m.group(1));
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

    private static long num(String group) {
        return group == null ? 0 : Long.parseLong(group);
    }
}
