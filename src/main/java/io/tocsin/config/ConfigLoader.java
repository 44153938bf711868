package io.tocsin.config;

import io.tocsin.schedule.Schedule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads, validates and compiles a configuration: YAML with positions, then the JSON Schema per file,
 * then the merged model's references and rules. Every problem is reported, each with file:line:column;
 * an {@link Organisation} exists only when there are none.
 */
public final class ConfigLoader {
    private static final JsonMapper BINDER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private static final java.util.concurrent.atomic.AtomicBoolean WARMING = new java.util.concurrent.atomic.AtomicBoolean();

    private ConfigLoader() {
    }

    /**
     * Starts, once per JVM, a background thread that prepares the slowest parts of a first load while the
     * caller does other work (parses its command line, reads and schema-checks the YAML): the binder's
     * deserializers for the whole configuration model and the CEL compiler and runtime. Both are made on
     * first use anyway; this only moves them off the critical path. Measured on the medicalcor example
     * (docs/benchmarks.md): binding's first call and CEL's set-up are about half of {@code validate}.
     */
    public static void warmUpInBackground() {
        if (!WARMING.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(ConfigLoader::warmUp, "tocsin-config-warm-up");
        t.setDaemon(true);
        // below the caller's own work: it is the caller that is waited for
        t.setPriority(Thread.NORM_PRIORITY - 1);
        t.start();
    }

    private static void warmUp() {
        try {
            // An ObjectReader for a type resolves its deserializers eagerly into the mapper's shared cache.
            BINDER.readerFor(OrganisationConfig.class);
            RoutingCondition.compile("has(labels.x) && labels.x == \"y\"");
        } catch (RuntimeException | LinkageError e) {
            // The load that needs them makes them itself, and reports whatever went wrong there.
        }
    }

    /**
     * Loads files and directories: every *.yaml / *.yml directly in a directory, in name order.
     * Sub-directories are not read, so scenarios and notes can live beside the configuration.
     */
    public static LoadedConfig load(List<java.nio.file.Path> paths) {
        warmUpInBackground();
        List<SourceFile> sources = new ArrayList<>();
        List<ConfigProblem> problems = new ArrayList<>();
        for (java.nio.file.Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<java.nio.file.Path> walk = Files.list(path)) {
                    List<java.nio.file.Path> files = walk.filter(Files::isRegularFile)
                            .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                            .sorted(Comparator.comparing(java.nio.file.Path::toString)).toList();
                    if (files.isEmpty()) {
                        problems.add(new ConfigProblem(path.toString(), 1, 1, "(files)", "directory holds no .yaml or .yml files"));
                    }
                    for (java.nio.file.Path f : files) {
                        sources.add(read(f));
                    }
                } catch (IOException e) {
                    problems.add(new ConfigProblem(path.toString(), 1, 1, "(files)", "cannot read: " + e.getMessage()));
                }
            } else if (Files.isRegularFile(path)) {
                sources.add(read(path));
            } else {
                problems.add(new ConfigProblem(path.toString(), 1, 1, "(files)", "no such file or directory"));
            }
        }
        if (!problems.isEmpty()) {
            return new LoadedConfig(sources, null, problems);
        }
        return validateAndCompile(sources);
    }


    /** Validates and compiles configuration text, as received by the API. */
    public static LoadedConfig loadSources(List<SourceFile> sources) {
        return validateAndCompile(sources);
    }

    private static LoadedConfig validateAndCompile(List<SourceFile> sources) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (sources.isEmpty()) {
            problems.add(new ConfigProblem("(none)", 1, 1, "(files)", "no configuration files given"));
            return new LoadedConfig(sources, null, problems);
        }
        List<YamlDocument> docs = new ArrayList<>();
        boolean structurallyValid = true;
        boolean unreadable = false;
        for (SourceFile source : sources) {
            YamlDocument doc = YamlDocument.parse(source, problems);
            if (doc == null) {
                structurallyValid = false;
                unreadable = true;
                continue;
            }
            List<ConfigProblem> schemaProblems = ConfigSchema.validate(doc);
            structurallyValid &= schemaProblems.isEmpty();
            problems.addAll(schemaProblems);
            docs.add(doc);
        }
        if (unreadable) {
            // Cross-file checks on a partial configuration would only report consequences of the syntax error.
            return new LoadedConfig(sources, null, sorted(problems));
        }
        MergedConfig merged = new MergedConfig(docs, problems);
        OrganisationConfig config;
        try {
            config = BINDER.treeToValue(merged.root(), OrganisationConfig.class);
        } catch (RuntimeException e) {
            // Only reachable when the schema already reported the shape problem that broke binding.
            if (structurallyValid) {
                // Binding's own message names Java classes: the person gets words, the log the details.
                LoggerFactory.getLogger(ConfigLoader.class).warn("a configuration the schema accepted could not be bound", e);
                problems.add(merged.problem(ConfigPath.ROOT, "cannot read configuration: a value has a shape the schema allows "
                        + "but Tocsin cannot use; please report this with the file"));
            }
            return new LoadedConfig(sources, null, sorted(problems));
        }
        List<ConfigProblem> semantic = new ArrayList<>();
        for (ConfigValidator.Finding f : ConfigValidator.validate(config)) {
            semantic.add(merged.problem(f.path(), f.message(), f.line(), f.column()));
        }
        // Where both passes found the same spot, keep the reference pass's message: it says what to write.
        java.util.Set<String> spots = new java.util.HashSet<>();
        semantic.forEach(p -> spots.add(p.file() + "\u0000" + p.path()));
        problems.removeIf(p -> spots.contains(p.file() + "\u0000" + p.path()));
        problems.addAll(semantic);
        if (!problems.isEmpty()) {
            return new LoadedConfig(sources, null, sorted(problems));
        }
        ZoneId zone = ZoneId.of(config.organisation().timeZone());
        List<Schedule> schedules = config.schedules().stream().map(s -> ScheduleCompiler.compile(s, zone)).toList();
        return new LoadedConfig(sources, new Organisation(config, sources, schedules), List.of());
    }

    private static List<ConfigProblem> sorted(List<ConfigProblem> problems) {
        List<ConfigProblem> out = new ArrayList<>(new java.util.LinkedHashSet<>(problems));
        out.sort(Comparator.comparing(ConfigProblem::file).thenComparingInt(ConfigProblem::line)
                .thenComparingInt(ConfigProblem::column));
        return out;
    }

    private static SourceFile read(java.nio.file.Path f) {
        try {
            return new SourceFile(f.toString(), Files.readString(f, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stores file names relative to the directory given, so versions diff cleanly whatever the working directory. */
    public static List<SourceFile> relativeNames(List<java.nio.file.Path> roots, List<SourceFile> sources) {
        List<SourceFile> out = new ArrayList<>();
        for (SourceFile s : sources) {
            java.nio.file.Path file = java.nio.file.Path.of(s.name());
            String name = s.name();
            for (java.nio.file.Path root : roots) {
                if (file.startsWith(root) && !file.equals(root)) {
                    name = root.relativize(file).toString();
                    break;
                } else if (file.equals(root)) {
                    name = file.getFileName().toString();
                }
            }
            out.add(new SourceFile(name, s.text()));
        }
        return out;
    }

}
