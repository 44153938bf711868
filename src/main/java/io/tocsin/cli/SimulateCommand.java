package io.tocsin.cli;

import io.tocsin.config.Organisation;
import io.tocsin.simulation.ScenarioRunner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
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
        out.println(Json.write(run.json()));
        return 0;
    }
}
