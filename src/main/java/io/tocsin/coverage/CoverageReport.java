package io.tocsin.coverage;

import io.tocsin.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Whether every page has someone to reach, per service and paging severity, over [from, to): the
 * periods when the first level of the path the severity starts on reaches nobody, and the periods
 * when nobody on the whole ladder is notified within the severity's acknowledge target.
 */
public record CoverageReport(String organisation, ZoneId zone, Instant from, Instant to, List<Check> checks) {
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm xxx", Locale.ENGLISH);

    public CoverageReport {
        checks = List.copyOf(checks);
    }

    /** A stretch of the horizon, in instants, with why nobody is reached in it. */
    public record Period(Instant start, Instant end, String reason) {
    }

    /**
     * One service and paging severity. {@code acknowledge} is null when the severity sets no acknowledge
     * target (then only the first level is checked); a disabled service is listed but not checked.
     */
    public record Check(String service, String severity, boolean enabled, String path, String firstLevel, String acknowledge,
                        List<Period> firstLevelGaps, List<Period> acknowledgeGaps) {
        public Check {
            firstLevelGaps = List.copyOf(firstLevelGaps);
            acknowledgeGaps = List.copyOf(acknowledgeGaps);
        }

        public boolean hasGaps() {
            return !firstLevelGaps.isEmpty() || !acknowledgeGaps.isEmpty();
        }
    }

    public boolean hasGaps() {
        return checks.stream().anyMatch(Check::hasGaps);
    }

    public String text() {
        StringBuilder b = new StringBuilder();
        b.append("Coverage of ").append(organisation).append(" from ").append(local(from)).append(" to ").append(local(to))
                .append(" (").append(zone.getId()).append(")\n");
        int periods = 0;
        int withGaps = 0;
        int checked = 0;
        for (Check c : checks) {
            b.append('\n').append("service ").append(c.service()).append(", severity ").append(c.severity());
            if (!c.enabled()) {
                b.append(": disabled, not checked\n");
                continue;
            }
            checked++;
            withGaps += c.hasGaps() ? 1 : 0;
            periods += c.firstLevelGaps().size() + c.acknowledgeGaps().size();
            b.append(" (path ").append(c.path()).append(", first level ").append(c.firstLevel()).append(")\n");
            section(b, "first level " + c.firstLevel(), c.firstLevelGaps());
            if (c.acknowledge() == null) {
                b.append("  acknowledge target: none set, not checked\n");
            } else {
                section(b, "reached within the acknowledge target (" + c.acknowledge() + ")", c.acknowledgeGaps());
            }
        }
        b.append('\n');
        if (withGaps == 0) {
            b.append("No gap: every page of the ").append(checked).append(" checked has someone to reach.\n");
        } else {
            b.append(periods).append(" gap period(s) in ").append(withGaps).append(" of ").append(checked)
                    .append(" service/severity pair(s).\n");
        }
        return b.toString();
    }

    private void section(StringBuilder b, String what, List<Period> gaps) {
        b.append("  ").append(what).append(": ").append(gaps.isEmpty() ? "no gap" : gaps.size() + " gap(s)").append('\n');
        for (Period p : gaps) {
            b.append("    ").append(local(p.start())).append(" to ").append(local(p.end())).append("  ").append(p.reason()).append('\n');
        }
    }

    private String local(Instant t) {
        return t.atZone(zone).format(LOCAL);
    }

    /** The same report as data, for {@code coverage --json} and the configuration endpoints. */
    public Map<String, Object> json() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("organisation", organisation);
        doc.put("time_zone", zone.getId());
        doc.put("from", from.toString());
        doc.put("to", to.toString());
        doc.put("gaps", hasGaps());
        List<Map<String, Object>> out = new ArrayList<>();
        for (Check c : checks) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("service", c.service());
            m.put("severity", c.severity());
            m.put("enabled", c.enabled());
            m.put("path", c.path());
            m.put("first_level", c.firstLevel());
            m.put("acknowledge_target", c.acknowledge());
            m.put("first_level_gaps", periods(c.firstLevelGaps()));
            m.put("acknowledge_gaps", periods(c.acknowledgeGaps()));
            out.add(m);
        }
        doc.put("checks", out);
        return doc;
    }

    /** A report as {@link #json()} wrote it, e.g. in a server's answer, so a client prints it as {@link #text()} does. */
    public static CoverageReport fromJson(JsonNode doc) {
        List<Check> checks = new ArrayList<>();
        for (JsonNode c : doc.path("checks")) {
            checks.add(new Check(c.path("service").asString(), c.path("severity").asString(), c.path("enabled").asBoolean(),
                    text(c.path("path")), text(c.path("first_level")),
                    c.path("acknowledge_target").isString() ? c.path("acknowledge_target").asString() : null,
                    periods(c.path("first_level_gaps")), periods(c.path("acknowledge_gaps"))));
        }
        return new CoverageReport(doc.path("organisation").asString(), ZoneId.of(doc.path("time_zone").asString()),
                Instant.parse(doc.path("from").asString()), Instant.parse(doc.path("to").asString()), checks);
    }

    private static String text(JsonNode n) {
        return n.isString() ? n.asString() : null;
    }

    private static List<Period> periods(JsonNode list) {
        List<Period> out = new ArrayList<>();
        for (JsonNode p : list) {
            out.add(new Period(Instant.parse(p.path("start").asString()), Instant.parse(p.path("end").asString()),
                    p.path("reason").asString()));
        }
        return out;
    }

    private List<Map<String, Object>> periods(List<Period> periods) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Period p : periods) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("start", p.start().toString());
            m.put("end", p.end().toString());
            m.put("local_start", p.start().atZone(zone).toOffsetDateTime().toString());
            m.put("local_end", p.end().atZone(zone).toOffsetDateTime().toString());
            m.put("reason", p.reason());
            out.add(m);
        }
        return out;
    }
}
