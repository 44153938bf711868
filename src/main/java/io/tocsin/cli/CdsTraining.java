package io.tocsin.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The training run {@link FastStart} archives the classes of: the offline commands, run for real on
 * the demo organisation the jar carries, so the archive holds what {@code validate}, {@code oncall},
 * {@code shifts}, {@code coverage} and {@code simulate} load, whichever command happened to come first.
 * What they print is thrown away; a command that fails here only leaves its classes out of the archive.
 */
public final class CdsTraining {
    /** The demo configuration's files ({@code classpath:demo/}, from examples/mother-harness). */
    private static final List<String> DEMO = List.of("organisation.yaml", "people.yaml", "oncall.yaml", "notifications.yaml");
    /** A short scenario on the demo organisation, from examples/mother-harness/scenarios/standard-p2.yaml. */
    private static final String SCENARIO = """
            name: "training"
            start: "2026-04-15T10:00:00-04:00"
            run_for: 2h
            events:
              - { at: 0m, alert: { service: docling, summary: "Document processing failing", labels: { error_rate: "7.5" } } }
              - { at: 4m, acknowledge: chloe-nguyen }
              - { at: 20m, update: { by: chloe-nguyen, status: investigating, message: "docling OOM" } }
              - { at: 75m, resolve: chloe-nguyen }
            """;

    private CdsTraining() {
    }

    public static void main(String[] args) throws IOException, ClassNotFoundException {
        // the fast JVM's main class (by name: the root package is above this one)
        Class.forName("io.tocsin.Tocsin");
        Path dir = Files.createTempDirectory("tocsin-cds-training-");
        try {
            Path config = Files.createDirectories(dir.resolve("config"));
            for (String name : DEMO) {
                try (InputStream in = CdsTraining.class.getResourceAsStream("/demo/" + name)) {
                    if (in != null) {
                        Files.copy(in, config.resolve(name));
                    }
                }
            }
            Path scenario = Files.writeString(dir.resolve("scenario.yaml"), SCENARIO, StandardCharsets.UTF_8);
            String c = config.toString();
            String schedule = "mother-harness-oncall";
            run("--help");
            run("validate", c);
            run("validate", scenario.toString());
            run("oncall", "--config", c, "--schedule", schedule, "--at", "2026-04-15T10:00:00-04:00");
            run("oncall", "--config", c, "--schedule", schedule, "--json");
            run("shifts", "--config", c, "--schedule", schedule, "--from", "2026-04-13", "--to", "2026-04-20");
            run("shifts", "--config", c, "--schedule", schedule, "--from", "2026-04-13", "--to", "2026-04-20", "--json");
            run("coverage", "--config", c, "--weeks", "2", "--from", "2026-04-13T00:00:00Z");
            run("simulate", "--config", c, "--scenario", scenario.toString());
            run("simulate", "--config", c, "--scenario", scenario.toString(), "--json");
            run("no-such-command");
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void run(String... args) {
        CommandLine cli = TocsinCommand.commandLine(new TocsinCommand());
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(new StringWriter()));
        cli.execute(args);
    }
}
