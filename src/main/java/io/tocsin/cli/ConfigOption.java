package io.tocsin.cli;

import io.tocsin.config.ConfigLoader;
import io.tocsin.config.ConfigProblem;
import io.tocsin.config.LoadedConfig;
import io.tocsin.config.Organisation;
import io.tocsin.schedule.Schedule;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --config PATH} and {@code --schedule ID}, shared by the offline schedule commands. */
class ConfigOption {
    @Option(names = "--config", required = true, split = ",", description = "Configuration files or directories.")
    List<Path> config;

    @Option(names = "--schedule", required = true, description = "Schedule id.")
    String schedule;

    /** The loaded organisation, or null after printing why there is none. */
    Organisation load(PrintWriter err) {
        LoadedConfig loaded = ConfigLoader.load(config);
        if (!loaded.isValid()) {
            loaded.problems().stream().map(ConfigProblem::format).forEach(err::println);
            return null;
        }
        return loaded.organisationOrNull();
    }

    Schedule schedule(Organisation org, PrintWriter err) {
        Schedule s = org.schedules().get(schedule);
        if (s == null) {
            err.println("unknown schedule \"" + schedule + "\"; schedules: " + String.join(", ", org.schedules().keySet()));
        }
        return s;
    }
}
