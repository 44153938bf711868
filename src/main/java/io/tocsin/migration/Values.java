package io.tocsin.migration;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Reading the sources' values and writing Tocsin's sections, the same way for every importer. */
final class Values {
    private Values() {
    }

    /** A top-level section holding {@code items}; empty (left out of the file) when there are none. */
    static Map<String, Object> section(String key, List<Map<String, Object>> items) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (!items.isEmpty()) {
            out.put(key, items);
        }
        return out;
    }

    static Instant instant(JsonNode node) {
        try {
            return OffsetDateTime.parse(node.asString("")).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an ISO-8601 instant: \"" + node.asString("") + "\"");
        }
    }

    /** An IANA zone name as Tocsin takes it (not an offset or an abbreviation). */
    static boolean validZone(String tz) {
        try {
            return ZoneId.of(tz).getId().equals(tz) && tz.contains("/") || tz.equals("UTC");
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Tocsin's day name of a day ({@code mon}). */
    static String day(java.time.DayOfWeek day) {
        return day.name().substring(0, 3).toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * One Tocsin layer entry: a rotation of {@code participants} in shifts of {@code shift} ("1w",
     * "2d", "12h") whose first shift starts at {@code first} (local), on call in {@code windows};
     * {@code effective} (null: always) is its {@code effective_from}.
     */
    static Map<String, Object> layer(String id, String name, java.time.ZoneId zone, List<String> participants, String shift,
                                     java.time.LocalDateTime first, WeeklyWindows windows, Instant effective) {
        Map<String, Object> def = new LinkedHashMap<>();
        def.put("id", id);
        def.put("name", name);
        if (effective != null) {
            def.put("effective_from", effective.atZone(zone).toOffsetDateTime().toString());
        }
        def.put("participants", participants);
        def.put("shift", shift);
        Map<String, Object> handoff = new LinkedHashMap<>();
        if (shift.endsWith("w")) {
            handoff.put("day", day(first.getDayOfWeek()));
        }
        handoff.put("time", first.toLocalTime().toString().substring(0, 5));
        def.put("handoff", handoff);
        def.put("start", first.toLocalDate().toString());
        List<Map<String, Object>> restrictions = windows.restrictions();
        if (!restrictions.isEmpty()) {
            def.put("restrictions", restrictions);
        }
        return def;
    }

    /** An override of {@code layer} by {@code person} over [start, end), saying where it came from. */
    static Map<String, Object> override(String layer, String person, Instant start, Instant end, String reason) {
        Map<String, Object> ov = new LinkedHashMap<>();
        ov.put("layer", layer);
        ov.put("person", person);
        ov.put("start", start.toString());
        ov.put("end", end.toString());
        ov.put("reason", reason);
        return ov;
    }

    /** A contact method ({@code email}, {@code sms}, {@code voice}...). */
    static Map<String, Object> contactMethod(String id, String type, String address) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("type", type);
        m.put("address", address);
        return m;
    }

    /** One step of a person's notification rules. */
    static Map<String, Object> step(java.time.Duration after, String via) {
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("after", io.tocsin.config.Durations.format(after));
        step.put("via", via);
        return step;
    }
}
