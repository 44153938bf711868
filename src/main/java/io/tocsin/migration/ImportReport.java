package io.tocsin.migration;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What an import did: every source feature that could not be carried over and why, what was carried
 * differently, the keys that keep monitoring working, and each schedule's comparison with the
 * source's own rendered on-call. Nothing the importer leaves out goes unmentioned here.
 */
public final class ImportReport {
    /** A source feature with no Tocsin equivalent: {@code subject} (which object), {@code feature}, {@code why}. */
    public record NotCarried(String subject, String feature, String why) {
    }

    /** A service's integration: where monitoring should send now. */
    public record Key(String service, String source, String type, String key, String endpoint) {
    }

    /** One schedule's comparison over [from, to). {@code compared} is false when the export had nothing to compare with. */
    public record ScheduleCheck(String schedule, String sourceName, Instant from, Instant to, boolean compared,
                                List<ScheduleComparison.Mismatch> mismatches, String note) {
    }

    private final String source;
    private final String from;
    private final List<NotCarried> notCarried = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<Key> keys = new ArrayList<>();
    private final List<ScheduleCheck> checks = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    public ImportReport(String source, String from) {
        this.source = source;
        this.from = from;
    }

    void notCarried(String subject, String feature, String why) {
        notCarried.add(new NotCarried(subject, feature, why));
    }

    void note(String text) {
        notes.add(text);
    }

    void key(Key key) {
        keys.add(key);
    }

    void check(ScheduleCheck check) {
        checks.add(check);
    }

    void problem(String text) {
        problems.add(text);
    }

    public String source() {
        return source;
    }

    public List<NotCarried> notCarried() {
        return List.copyOf(notCarried);
    }

    public List<String> notes() {
        return List.copyOf(notes);
    }

    public List<Key> keys() {
        return List.copyOf(keys);
    }

    public List<ScheduleCheck> checks() {
        return List.copyOf(checks);
    }

    /** Validation problems of the configuration written, or why the export could not be read. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    public int mismatches() {
        return checks.stream().mapToInt(c -> c.mismatches().size()).sum();
    }

    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Import from ").append(source).append("\n\nRead from ").append(from).append(".\n\n");
        if (!problems.isEmpty()) {
            md.append("## Problems\n\nThe configuration could not be completed:\n\n");
            problems.forEach(p -> md.append("- ").append(p).append('\n'));
            md.append('\n');
        }
        md.append("## Not carried over\n\n");
        if (notCarried.isEmpty()) {
            md.append("Everything was carried over.\n\n");
        } else {
            md.append("| what | feature | why |\n|---|---|---|\n");
            notCarried.forEach(n -> md.append("| ").append(cell(n.subject())).append(" | ").append(cell(n.feature()))
                    .append(" | ").append(cell(n.why())).append(" |\n"));
            md.append('\n');
        }
        md.append("## Schedules compared with ").append(source).append("'s own on-call\n\n");
        if (checks.isEmpty()) {
            md.append("No schedule was imported.\n\n");
        } else {
            md.append("| schedule | source name | from | to | result |\n|---|---|---|---|---|\n");
            for (ScheduleCheck c : checks) {
                String result = !c.compared() ? "not compared: " + c.note()
                        : c.mismatches().isEmpty() ? "same on-call throughout" : c.mismatches().size() + " mismatch(es)";
                md.append("| ").append(c.schedule()).append(" | ").append(cell(c.sourceName())).append(" | ")
                        .append(c.from()).append(" | ").append(c.to()).append(" | ").append(cell(result)).append(" |\n");
            }
            md.append('\n');
            for (ScheduleCheck c : checks) {
                if (!c.mismatches().isEmpty()) {
                    md.append("Mismatches of `").append(c.schedule()).append("`:\n\n");
                    c.mismatches().forEach(m -> md.append("- ").append(m.start()).append(" to ").append(m.end())
                            .append(": ").append(source).append(" ").append(m.source()).append(", Tocsin ").append(m.tocsin()).append('\n'));
                    md.append('\n');
                }
            }
        }
        md.append("## Integration keys\n\n");
        if (keys.isEmpty()) {
            md.append("No integration key was carried over.\n\n");
        } else {
            md.append("Monitoring keeps its keys: point it at Tocsin's host instead.\n\n| service | source integration | type | key | send to |\n|---|---|---|---|---|\n");
            keys.forEach(k -> md.append("| ").append(k.service()).append(" | ").append(cell(k.source())).append(" | ").append(k.type())
                    .append(" | `").append(k.key()).append("` | ").append(k.endpoint()).append(" |\n"));
            md.append('\n');
        }
        if (!notes.isEmpty()) {
            md.append("## Notes\n\n");
            notes.forEach(n -> md.append("- ").append(n).append('\n'));
            md.append('\n');
        }
        return md.toString();
    }

    private static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
    }
}
