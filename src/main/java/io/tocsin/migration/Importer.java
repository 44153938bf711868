package io.tocsin.migration;

import io.tocsin.config.ConfigLoader;
import io.tocsin.config.ConfigProblem;
import io.tocsin.config.LoadedConfig;
import io.tocsin.config.Organisation;
import io.tocsin.config.SourceFile;
import io.tocsin.schedule.Schedule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * Runs an import to the end: converts, validates the result with Tocsin's own loader (the one
 * {@code validate} and the server use), compares every schedule's on-call with the source's rendered
 * one through the schedule engine the server uses, and writes the configuration and
 * {@code import-report.md}.
 */
public final class Importer {
    public static final String REPORT_FILE = "import-report.md";
    private static final YAMLMapper YAML = YAMLMapper.builder().disable(YAMLWriteFeature.WRITE_DOC_START_MARKER).build();

    /** {@code valid}: the configuration written validates; the report holds the rest. */
    public record Outcome(ImportReport report, boolean valid) {
    }

    private Importer() {
    }

    /** Refuses a directory that already holds configuration, which the import's files would mix with. */
    public static void checkOutput(Path out) throws IOException {
        if (Files.isDirectory(out)) {
            try (Stream<Path> files = Files.list(out)) {
                if (files.anyMatch(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))) {
                    throw new IOException(out + " already holds configuration files; import into a new or empty directory");
                }
            }
        } else if (Files.exists(out)) {
            throw new IOException(out + " is not a directory");
        }
    }

    public static Outcome pagerDuty(ExportSource export, ImportOptions options, Path out) throws IOException {
        checkOutput(out);
        Conversion result = PagerDutyImport.convert(export, options, Set.of());
        Checked checked = check(result, options);
        // The API has listed a schedule's layers in either order over the years; a schedule that only
        // matches its own final schedule read the other way round is read that way.
        Set<String> flip = new HashSet<>();
        for (Map.Entry<String, List<ScheduleComparison.Mismatch>> e : checked.mismatches().entrySet()) {
            if (!e.getValue().isEmpty()) {
                flip.add(result.scheduleSources().get(e.getKey()));
            }
        }
        if (!flip.isEmpty() && checked.organisation() != null) {
            Conversion flipped = PagerDutyImport.convert(export, options, flip);
            Checked other = check(flipped, options);
            Set<String> better = new HashSet<>();
            if (other.organisation() != null) {
                for (String schedule : checked.mismatches().keySet()) {
                    List<ScheduleComparison.Mismatch> was = checked.mismatches().get(schedule);
                    List<ScheduleComparison.Mismatch> now = other.mismatches().get(schedule);
                    if (now != null && now.size() < was.size()) {
                        better.add(result.scheduleSources().get(schedule));
                    }
                }
            }
            if (!better.isEmpty()) {
                result = better.equals(flip) ? flipped : PagerDutyImport.convert(export, options, better);
                checked = better.equals(flip) ? other : check(result, options);
            }
        }
        return write(result, checked, options, out);
    }

    public static Outcome opsgenie(ExportSource export, ImportOptions options, Path out) throws IOException {
        checkOutput(out);
        Conversion result = OpsgenieImport.convert(export, options);
        return write(result, check(result, options), options, out);
    }

    public static Outcome goAlert(ExportSource export, ImportOptions options, Path out) throws IOException {
        checkOutput(out);
        Conversion result = GoAlertImport.convert(export, options);
        return write(result, check(result, options), options, out);
    }

    private record Checked(Organisation organisation, List<ConfigProblem> problems, Map<String, List<ScheduleComparison.Mismatch>> mismatches) {
    }

    private static Checked check(Conversion result, ImportOptions options) {
        LoadedConfig loaded = ConfigLoader.loadSources(sources(result.files()));
        Map<String, List<ScheduleComparison.Mismatch>> mismatches = new LinkedHashMap<>();
        if (!loaded.isValid()) {
            return new Checked(null, loaded.problems(), mismatches);
        }
        Organisation org = loaded.organisationOrNull();
        for (Map.Entry<String, List<ScheduleComparison.Entry>> e : result.rendered().entrySet()) {
            Schedule s = org.schedules().get(e.getKey());
            if (s != null && e.getValue() != null && !e.getValue().isEmpty()) {
                mismatches.put(e.getKey(), ScheduleComparison.compare(s, e.getValue(), options.from(), options.to()));
            }
        }
        return new Checked(org, List.of(), mismatches);
    }

    private static Outcome write(Conversion result, Checked checked, ImportOptions options, Path out) throws IOException {
        ImportReport report = result.report();
        for (ConfigProblem p : checked.problems()) {
            report.problem(p.format());
        }
        for (Map.Entry<String, List<ScheduleComparison.Entry>> e : result.rendered().entrySet()) {
            String name = result.scheduleNames().get(e.getKey());
            List<ScheduleComparison.Mismatch> m = checked.mismatches().get(e.getKey());
            if (m != null) {
                report.check(new ImportReport.ScheduleCheck(e.getKey(), name, options.from(), options.to(), true, m, null));
            } else {
                String why = checked.organisation() == null ? "the configuration is not valid"
                        : e.getValue() == null ? "the export has no rendered on-call to compare with (see docs/migrating.md)"
                        : "the export's final schedule has no entries from " + options.from() + " to " + options.to();
                report.check(new ImportReport.ScheduleCheck(e.getKey(), name, options.from(), options.to(), false, List.of(), why));
            }
        }
        Files.createDirectories(out);
        for (SourceFile f : sources(result.files())) {
            Files.writeString(out.resolve(f.name()), f.text());
        }
        Files.writeString(out.resolve(REPORT_FILE), report.markdown());
        return new Outcome(report, checked.organisation() != null);
    }

    private static List<SourceFile> sources(Map<String, Map<String, Object>> files) {
        List<SourceFile> out = new ArrayList<>();
        files.forEach((name, content) -> out.add(new SourceFile(name, "# Imported by tocsin import; see " + REPORT_FILE + ".\n" + YAML.writeValueAsString(content))));
        return out;
    }
}
