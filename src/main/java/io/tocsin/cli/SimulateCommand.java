package io.tocsin.cli;

import io.tocsin.config.Organisation;
import io.tocsin.simulation.ScenarioRunner;
import io.tocsin.engine.TimelineEntry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "simulate", description = "Replay a scenario on a virtual clock with the real engine and print the timeline: who is notified, when, by which level or trigger.")
class SimulateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, split = ",", description = "Configuration files or directories.")
    List<Path> config;

    @Option(names = "--scenario", required = true, description = "Scenario YAML file.")
    Path scenario;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @java.lang.Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ConfigOption loader = new ConfigOption();
        loader.config = config;
        Organisation org = loader.load(err);
        if (org == null) {
            return 1;
        }
        ScenarioRunner.Run run;
        try {
            run = ScenarioRunner.run(org, ScenarioRunner.read(scenario));
        } catch (ScenarioRunner.ScenarioException e) {
            err.println(scenario + ": " + e.getMessage());
            return 1;
        }
        if (!json) {
            out.print(run.text());
            return 0;
        }
        List<Map<String, Object>> entries = new ArrayList<>();
        for (TimelineEntry e : run.timeline()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at", e.at().toString());
            m.put("offset_minutes", java.time.Duration.between(run.start(), e.at()).toMinutes());
            m.put("kind", e.kind().name());
            m.put("path", e.path());
            m.put("level", e.level());
            m.put("trigger", e.trigger());
            m.put("people", e.people());
            m.put("text", e.text());
            entries.add(m);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("scenario", run.scenario().name());
        doc.put("start", run.start().toString());
        doc.put("time_zone", run.zone().getId());
        doc.put("timeline", entries);
        out.println(Json.write(doc));
        return 0;
    }
}
