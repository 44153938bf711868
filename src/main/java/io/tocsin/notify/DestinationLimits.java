package io.tocsin.notify;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many messages one destination (a phone number) may get per minute, per channel: a phone that
 * rings ten times a minute helps nobody, and providers block numbers that do. Written as
 * {@code sms=3,voice=2}; channels not named are not limited.
 */
record DestinationLimits(Map<String, Integer> perMinute) {
    static final Duration WINDOW = Duration.ofMinutes(1);

    static DestinationLimits parse(String spec) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String part : spec == null ? new String[0] : spec.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            String[] kv = part.split("=");
            if (kv.length != 2) {
                throw new IllegalArgumentException("tocsin.notify.rate-limits: expected channel=count, got \"" + part.trim() + "\"");
            }
            int n = Integer.parseInt(kv[1].trim());
            if (n < 1) {
                throw new IllegalArgumentException("tocsin.notify.rate-limits: " + kv[0].trim() + " must allow at least 1 a minute");
            }
            out.put(kv[0].trim(), n);
        }
        return new DestinationLimits(Map.copyOf(out));
    }

    Integer perMinute(String channel) {
        return perMinute.get(channel);
    }
}
