package io.tocsin.config;

import org.snakeyaml.engine.v2.api.LoadSettings;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The bounds every YAML document Tocsin reads is parsed within (configuration files and scenarios,
 * from disk or from the API): one huge scalar, a document nested thousands deep or a flood of tokens
 * would otherwise hold a CPU for minutes, and the parser's own exceptions would reach the user. The
 * API refuses larger bodies before parsing (see {@code tocsin.limits.*}); these are the parser's last
 * line, and hold for the CLI too. Anchors and aliases are not expanded by the parser (an alias would
 * silently read as its anchor's name), so {@link YamlDocument} refuses them.
 */
public final class SafeYaml {
    /** The longest document, in characters: far above any real organisation (the examples are under 80 KB). */
    public static final int MAX_CHARS = 4 * 1024 * 1024;
    /** How deeply mappings and lists may nest; a real configuration nests fewer than ten levels. */
    public static final int MAX_DEPTH = 100;
    /** The longest key. */
    static final int MAX_KEY = 1_000;

    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxDocumentLength(MAX_CHARS)
                    .maxStringLength(MAX_CHARS)
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNameLength(MAX_KEY)
                    .maxNumberLength(100)
                    .maxTokenCount(1_000_000)
                    .build())
            .loadSettings(LoadSettings.builder()
                    .setCodePointLimit(MAX_CHARS)
                    .setMaxAliasesForCollections(0)
                    .setAllowRecursiveKeys(false)
                    .build())
            .build();

    private SafeYaml() {
    }

    /** A mapper over the bounded parser; the caller adds its own features. */
    public static YAMLMapper.Builder mapper() {
        return YAMLMapper.builder(FACTORY);
    }

    /**
     * What went wrong, in the words of a person writing YAML: a bound that was crossed, else the
     * parser's description of the syntax error (first line: the rest is a snippet of the input).
     */
    public static String describe(JacksonException e) {
        if (e instanceof StreamConstraintsException) {
            String m = String.valueOf(e.getOriginalMessage());
            if (m.contains("nesting depth")) {
                return "nested more than " + MAX_DEPTH + " levels deep";
            }
            if (m.contains("Number value length")) {
                return "a number longer than 100 digits";
            }
            if (m.contains("Name length")) {
                return "a key longer than " + MAX_KEY + " characters";
            }
            return "longer than " + MAX_CHARS + " characters";
        }
        String m = String.valueOf(e.getOriginalMessage());
        if (m.contains("exceeds the limit") && m.contains("code points")) {
            return "longer than " + MAX_CHARS + " characters";
        }
        return m.lines().findFirst().orElse("not valid YAML");
    }
}
