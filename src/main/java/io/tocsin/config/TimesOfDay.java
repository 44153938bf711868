package io.tocsin.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** "HH:MM" to minute of day; "24:00" (end of day) only where allowed. */
final class TimesOfDay {
    private static final Pattern FORM = Pattern.compile("([01][0-9]|2[0-4]):([0-5][0-9])");

    private TimesOfDay() {
    }

    /** Minute of day, or -1 when {@code text} is not a valid time. */
    static int minuteOfDay(String text, boolean allow24) {
        Matcher m = FORM.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            return -1;
        }
        int minutes = Integer.parseInt(m.group(1)) * 60 + Integer.parseInt(m.group(2));
        if (minutes > 24 * 60 || (minutes == 24 * 60 && !allow24)) {
            return -1;
        }
        return minutes;
    }
}
