package io.tocsin.cli;

import io.tocsin.config.Organisation;
import io.tocsin.schedule.OnCall;
import io.tocsin.schedule.Schedule;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
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
import tools.jackson.databind.JsonNode;

/**
 * Who is on call. By default the running server answers, so run-time overrides and accepted swaps
 * are in the answer; with {@code --config} the files answer offline, and say that they cannot know
 * about overrides and swaps.
 */
@Command(name = "oncall", description = "Print who is on call in a schedule (every layer, or one) at an instant (default: now). "
        + "Asks the running server (overrides and swaps included) unless --config names files to read instead.")
class OnCallCommand implements Callable<Integer> {
    static final String OFFLINE_NOTE = "offline answer from the files: run-time overrides and swaps are ignored";

    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Option(names = "--config", split = ",", description = "Read these configuration files or directories instead of asking the server "
            + "(ignores run-time overrides and swaps).")
    List<Path> config;

    @Option(names = "--schedule", required = true, description = "Schedule id.")
    String schedule;

    @Option(names = "--layer", description = "Only this layer (e.g. primary, secondary).")
    String layer;

    @Option(names = "--at", description = "ISO-8601 instant, like 2026-03-29T03:00:00+03:00 (default: now).")
    String at;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    /** One layer's answer, from the server or the files. */
    record Answer(String layer, String person, String name, boolean override, String reason) {
    }

    @java.lang.Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        Instant when;
        try {
            when = at == null ? null : OffsetDateTime.parse(at).toInstant();
        } catch (RuntimeException e) {
            err.println("--at: bad instant \"" + at + "\": use ISO-8601 with an offset, like 2026-03-29T03:00:00+03:00");
            return 1;
        }
        return config == null ? fromServer(when) : fromFiles(when == null ? Instant.now() : when);
    }

    private int fromServer(Instant when) throws InterruptedException {
        StringBuilder path = new StringBuilder("/api/v1/schedules/" + encode(schedule) + "/oncall");
        String sep = "?";
        if (when != null) {
            path.append(sep).append("at=").append(encode(when.toString()));
            sep = "&";
        }
        if (layer != null) {
            path.append(sep).append("layer=").append(encode(layer));
        }
        JsonNode answer = ServerCall.json(spec, server, path.toString(), null);
        if (answer == null) {
            return 1;
        }
        List<Answer> layers = new ArrayList<>();
        for (JsonNode l : answer.path("layers")) {
            layers.add(new Answer(l.path("layer").asString(), l.path("person").isNull() ? null : l.path("person").asString(null),
                    l.path("name").isNull() ? null : l.path("name").asString(null), l.path("override").asBoolean(),
                    l.path("override_reason").isNull() ? null : l.path("override_reason").asString(null)));
        }
        print(answer.path("schedule").asString(), ZoneId.of(answer.path("time_zone").asString()), Instant.parse(answer.path("at").asString()),
                layers, "server", "from " + server.server + ": run-time overrides and swaps included");
        return 0;
    }

    private int fromFiles(Instant when) {
        PrintWriter err = spec.commandLine().getErr();
        ConfigOption loader = new ConfigOption();
        loader.config = config;
        loader.schedule = schedule;
        Organisation org = loader.load(err);
        if (org == null) {
            return 1;
        }
        Schedule s = loader.schedule(org, err);
        if (s == null) {
            return 1;
        }
        if (layer != null && s.layer(layer).isEmpty()) {
            err.println("schedule \"" + s.id() + "\" has no layer \"" + layer + "\"");
            return 1;
        }
        List<OnCall> answers = layer == null ? s.onCall(when) : List.of(s.onCall(layer, when));
        List<Answer> layers = answers.stream().map(a -> new Answer(a.layer(), a.person().orElse(null),
                a.person().map(p -> Names.of(org, p)).orElse(null), a.override(), a.reason())).toList();
        print(s.id(), s.zone(), when, layers, "files", OFFLINE_NOTE);
        return 0;
    }

    private void print(String scheduleId, ZoneId zone, Instant when, List<Answer> layers, String source, String note) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Answer a : layers) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("layer", a.layer());
                m.put("person", a.person());
                m.put("name", a.name());
                m.put("override", a.override());
                m.put("override_reason", a.reason());
                rows.add(m);
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("schedule", scheduleId);
            doc.put("at", when.toString());
            doc.put("local_time", when.atZone(zone).toOffsetDateTime().toString());
            doc.put("time_zone", zone.getId());
            doc.put("source", source);
            doc.put("note", note);
            doc.put("layers", rows);
            out.println(Json.write(doc));
            return;
        }
        out.printf("%s (%s) at %s%n", scheduleId, zone.getId(), when.atZone(zone).format(DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm xxx")));
        for (Answer a : layers) {
            out.printf("  %-12s %s%s%n", a.layer(), a.person() == null ? "nobody (gap)" : a.person() + " (" + a.name() + ")",
                    a.override() ? "  [override" + (a.reason() == null || a.reason().isBlank() ? "" : ": " + a.reason()) + "]" : "");
        }
        out.println("(" + note + ")");
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
