package io.tocsin.cli;

import io.tocsin.config.ConfigLoader;
import io.tocsin.config.ConfigProblem;
import io.tocsin.config.LoadedConfig;
import io.tocsin.coverage.Coverage;
import io.tocsin.coverage.CoverageReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "coverage", description = {
        "Check that every page has someone to reach: for every service and paging severity, the periods in which the first"
                + " level of its path reaches nobody, and those in which nobody on the whole ladder is notified within the"
                + " severity's acknowledge target.",
        "Exit 0 when there is no gap, 1 when there are gaps, 2 when the configuration or an option is invalid."})
class CoverageCommand implements Callable<Integer> {
    static final int GAPS = 1;
    static final int INVALID = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, split = ",", description = "Configuration files or directories.")
    List<Path> config;

    @Option(names = "--weeks", defaultValue = "" + Coverage.DEFAULT_WEEKS, description = "Weeks to look ahead, 1 to 52 (default: ${DEFAULT-VALUE}).")
    int weeks;

    @Option(names = "--from", description = "ISO-8601 instant the horizon starts at, like 2026-04-06T00:00:00+03:00 (default: now).")
    String from;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @java.lang.Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (weeks < 1 || weeks > Coverage.MAX_WEEKS) {
            err.println("--weeks: between 1 and " + Coverage.MAX_WEEKS + ", got " + weeks);
            return INVALID;
        }
        Instant start;
        try {
            start = from == null ? Instant.now() : OffsetDateTime.parse(from).toInstant();
        } catch (RuntimeException e) {
            err.println("--from: bad instant \"" + from + "\": use ISO-8601 with an offset, like 2026-04-06T00:00:00+03:00");
            return INVALID;
        }
        LoadedConfig loaded = ConfigLoader.load(config);
        if (!loaded.isValid()) {
            loaded.problems().stream().map(ConfigProblem::format).forEach(err::println);
            err.printf("%d problem(s)%n", loaded.problems().size());
            return INVALID;
        }
        CoverageReport report = Coverage.of(loaded.organisationOrNull(), start, weeks);
        out.print(json ? Json.write(report.json()) + System.lineSeparator() : report.text());
        out.flush();
        return report.hasGaps() ? GAPS : 0;
    }
}
