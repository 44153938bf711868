package io.tocsin.cli;

import io.tocsin.config.Organisation;
import io.tocsin.schedule.OnCall;
import io.tocsin.schedule.Schedule;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "oncall", description = "Print who is on call in a schedule (every layer, or one) at an instant (default: now).")
class OnCallCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption options;

    @Option(names = "--layer", description = "Only this layer (e.g. primary, secondary).")
    String layer;

    @Option(names = "--at", description = "ISO-8601 instant, like 2026-03-29T03:00:00+03:00 (default: now).")
    String at;

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
        Instant when;
        try {
            when = at == null ? Instant.now() : OffsetDateTime.parse(at).toInstant();
        } catch (RuntimeException e) {
            err.println("--at: bad instant \"" + at + "\": use ISO-8601 with an offset, like 2026-03-29T03:00:00+03:00");
            return 1;
        }
        List<OnCall> answers = layer == null ? s.onCall(when) : List.of(s.onCall(layer, when));
        if (json) {
            List<Map<String, Object>> layers = new ArrayList<>();
            for (OnCall a : answers) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("layer", a.layer());
                m.put("person", a.person().orElse(null));
                m.put("name", a.person().map(p -> Names.of(org, p)).orElse(null));
                m.put("override", a.override());
                layers.add(m);
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("schedule", s.id());
            doc.put("at", when.toString());
            doc.put("local_time", when.atZone(s.zone()).toOffsetDateTime().toString());
            doc.put("time_zone", s.zone().getId());
            doc.put("layers", layers);
            out.println(Json.write(doc));
            return 0;
        }
        out.printf("%s (%s) at %s%n", s.id(), s.zone().getId(),
                when.atZone(s.zone()).format(DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm xxx")));
        for (OnCall a : answers) {
            out.printf("  %-12s %s%s%n", a.layer(),
                    a.person().map(p -> p + " (" + Names.of(org, p) + ")").orElse("nobody (gap)"),
                    a.override() ? "  [override]" : "");
        }
        return 0;
    }
}
