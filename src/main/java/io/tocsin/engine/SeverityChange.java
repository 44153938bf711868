package io.tocsin.engine;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code SEVERITY_CHANGED} entry: the severity before and after. The engine writes the entry's text
 * here and the reports read it back here, so the two cannot drift apart.
 */
public record SeverityChange(String from, String to) {
    private static final Pattern TEXT = Pattern.compile("(?:^|: )severity (\\S+) -> (\\S+) \\((?:raised|lowered)\\)$");

    /** {@code maya: severity P3 -> P1 (raised)}; {@code by} may be null. */
    String text(String by, boolean raised) {
        return Step.by(by) + "severity " + from + " -> " + to + (raised ? " (raised)" : " (lowered)");
    }

    /** The change a {@code SEVERITY_CHANGED} entry's text records. */
    public static Optional<SeverityChange> of(String text) {
        Matcher m = TEXT.matcher(text == null ? "" : text);
        return m.find() ? Optional.of(new SeverityChange(m.group(1), m.group(2))) : Optional.empty();
    }
}
