package io.tocsin.config;

import org.snakeyaml.engine.v2.api.LoadSettings;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.util.JsonParserDelegate;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLParser;

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
                    // Duplicate keys are reported by the readers (YamlDocument with the key's place), not by the scanner.
                    .setAllowDuplicateKeys(true)
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
     * Reads {@code text} as a {@code type} within the bounds, refusing aliases as {@link YamlDocument}
     * does; a problem is a {@link JacksonException} that {@link InputErrors} puts in words.
     */
    public static <T> T read(YAMLMapper mapper, String text, Class<T> type) {
        // A key given twice is refused, as in a configuration: which one was meant would be a guess.
        tools.jackson.databind.ObjectReader reader = mapper.readerFor(type).with(tools.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION);
        try (JsonParser parser = new NoAliases(reader.createParser(new WholeCharacters(new java.io.StringReader(text))))) {
            return reader.readValue(parser);
        }
    }

    /**
     * A parser over {@code text}. snakeyaml-engine 3.0.1 fails with an IndexOutOfBoundsException when a
     * read from the document ends between the two halves of a surrogate pair (an emoji) at the end of
     * its buffer; a reader that never ends a read there keeps it from happening.
     */
    static JsonParser parser(YAMLMapper mapper, String text) {
        return mapper.createParser(new WholeCharacters(new java.io.StringReader(text)));
    }

    /** Never returns a read ending in a high surrogate: the surrogate is kept for the next read. */
    static final class WholeCharacters extends java.io.FilterReader {
        private int held = -1;

        WholeCharacters(java.io.Reader in) {
            super(in);
        }

        @java.lang.Override
        public int read(char[] buffer, int offset, int length) throws java.io.IOException {
            if (length <= 0) {
                return 0;
            }
            int n = 0;
            if (held >= 0) {
                buffer[offset] = (char) held;
                held = -1;
                n = 1;
            }
            if (n < length) {
                int more = in.read(buffer, offset + n, length - n);
                if (more < 0) {
                    return n == 0 ? -1 : n;
                }
                n += more;
            }
            if (n > 1 && Character.isHighSurrogate(buffer[offset + n - 1])) {
                held = buffer[offset + n - 1];
                n--;
            }
            return n;
        }

        @java.lang.Override
        public int read() throws java.io.IOException {
            char[] one = new char[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
        }
    }

    /** The parser reports an alias as a string holding the anchor's name; say it is not supported instead. */
    private static final class NoAliases extends JsonParserDelegate {
        NoAliases(JsonParser yaml) {
            super(yaml);
        }

        @java.lang.Override
        public JsonToken nextToken() {
            JsonToken t = super.nextToken();
            if (t == JsonToken.VALUE_STRING && delegate() instanceof YAMLParser y && y.isCurrentAlias()) {
                throw new StreamReadException(this, "aliases (*" + y.getString() + ") are not supported: write the value out");
            }
            return t;
        }
    }
}
