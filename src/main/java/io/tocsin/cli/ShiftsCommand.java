package io.tocsin.cli;

import io.tocsin.config.Organisation;
import io.tocsin.schedule.Gap;
import io.tocsin.schedule.LocalTimes;
import io.tocsin.schedule.Schedule;
import io.tocsin.schedule.Shift;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "shifts", description = "Print the shifts (and any gaps) of a schedule between two local dates.")
class ShiftsCommand implements Callable<Integer> {
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm xxx");

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption options;

    @Option(names = "--layer", description = "Only this layer.")
    String layer;

    @Option(names = "--from", required = true, description = "First local date (YYYY-MM-DD), in the schedule's time zone.")
    LocalDate from;

    @Option(names = "--to", required = true, description = "Local date the listing stops at (exclusive).")
    LocalDate to;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @java.lang.Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Organisation org = options.load(err);
        if (org == null) {
            return 1;
        }
        Schedule s = options.schedule(org, err);
        if (s == null) {
            return 1;
        }
        if (layer != null && s.layer(layer).isEmpty()) {
            err.println("schedule \"" + s.id() + "\" has no layer \"" + layer + "\"");
            return 1;
        }
        if (!to.isAfter(from)) {
            err.println("--to must be after --from");
            return 1;
        }
        ZoneId zone = s.zone();
        Instant start = LocalTimes.startOfDay(from, zone);
        Instant end = LocalTimes.startOfDay(to, zone);
        List<Shift> shifts = layer == null ? s.shifts(start, end) : s.shifts(layer, start, end);
        List<Gap> gaps = new ArrayList<>(layer == null ? s.gaps(start, end) : s.gaps(layer, start, end));
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("schedule", s.id());
            doc.put("time_zone", zone.getId());
            doc.put("from", start.toString());
            doc.put("to", end.toString());
            List<Map<String, Object>> shiftList = new ArrayList<>();
            for (Shift x : shifts) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("layer", x.layer());
                m.put("person", x.person());
                m.put("name", Names.of(org, x.person()));
                m.put("start", x.start().toString());
                m.put("end", x.end().toString());
                m.put("local_start", x.start().atZone(zone).toOffsetDateTime().toString());
                m.put("local_end", x.end().atZone(zone).toOffsetDateTime().toString());
                m.put("override", x.override());
                shiftList.add(m);
            }
            doc.put("shifts", shiftList);
            List<Map<String, Object>> gapList = new ArrayList<>();
            for (Gap g : gaps) {
                gapList.add(Map.of("layer", g.layer(), "start", g.start().toString(), "end", g.end().toString()));
            }
            doc.put("gaps", gapList);
            out.println(Json.write(doc));
            return 0;
        }
        out.printf("%s (%s), %s to %s%n", s.id(), zone.getId(), from, to);
        out.printf("  %-12s %-28s %-28s %s%n", "LAYER", "START", "END", "ON CALL");
        List<Object[]> rows = new ArrayList<>();
        for (Shift x : shifts) {
            rows.add(new Object[] {x.layer(), x.start(), x.end(), x.person() + " (" + Names.of(org, x.person()) + ")" + (x.override() ? "  [override]" : "")});
        }
        for (Gap g : gaps) {
            rows.add(new Object[] {g.layer(), g.start(), g.end(), "nobody (gap)"});
        }
        rows.sort(Comparator.comparing((Object[] r) -> s.layers().indexOf(s.layer((String) r[0]).orElseThrow()))
                .thenComparing(r -> (Instant) r[1]));
        for (Object[] r : rows) {
            out.printf("  %-12s %-28s %-28s %s%n", r[0], ((Instant) r[1]).atZone(zone).format(LOCAL),
                    ((Instant) r[2]).atZone(zone).format(LOCAL), r[3]);
        }
        return 0;
    }
}
