package io.tocsin.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLParser;

/**
 * A YAML file read into a JSON tree together with the line and column of every node, so that
 * problems found later (by the schema or by reference checks) can point at the exact place.
 * Jackson's tree model drops locations, hence this small tree builder over the token stream.
 */
final class YamlDocument {
    private static final YAMLMapper YAML = SafeYaml.mapper().build();

    record Position(int line, int column) {
    }

    private final String file;
    private final JsonNode root;
    private final Map<String, Position> positions;
    private final String text;

    private YamlDocument(String file, JsonNode root, Map<String, Position> positions, String text) {
        this.file = file;
        this.root = root;
        this.positions = positions;
        this.text = text;
    }

    String file() {
        return file;
    }

    JsonNode root() {
        return root;
    }

    /** The position of {@code path}, or of its nearest ancestor that exists in this file. */
    Position positionOf(ConfigPath path) {
        ConfigPath p = path;
        while (true) {
            Position pos = positions.get(p.pointer());
            if (pos != null) {
                return pos;
            }
            if (p.isRoot()) {
                return new Position(1, 1);
            }
            p = p.parent();
        }
    }

    /**
     * The position of {@code line}:{@code column} (1-based) inside the string value of the key at
     * {@code path}: for a block scalar ({@code |} or {@code >}) the line below the indicator plus the
     * block's indentation; for a one-line plain or quoted value the column after its start (escapes
     * in quoted values are not counted). Anything else falls back to the key's position.
     */
    Position positionWithin(ConfigPath path, int line, int column) {
        Position key = positions.get(path.pointer());
        if (key == null || line <= 0 || column <= 0) {
            return positionOf(path);
        }
        int offset = offsetOf(key);
        int colon = offset < 0 ? -1 : text.indexOf(':', offset);
        if (colon < 0) {
            return key;
        }
        int i = colon + 1;
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        if (i >= text.length()) {
            return key;
        }
        char c = text.charAt(i);
        int valueLine = lineAt(i);
        if (c == '|' || c == '>') {
            int contentStart = text.indexOf('\n', i) + 1;
            int indent = 0;
            for (int at = contentStart; at > 0 && at < text.length(); at = text.indexOf('\n', at) + 1) {
                int spaces = 0;
                while (at + spaces < text.length() && text.charAt(at + spaces) == ' ') {
                    spaces++;
                }
                if (at + spaces < text.length() && text.charAt(at + spaces) != '\n' && text.charAt(at + spaces) != '\r') {
                    indent = spaces;
                    break;
                }
            }
            return new Position(valueLine + line, indent + column);
        }
        int valueColumn = i - text.lastIndexOf('\n', i - 1);
        if (line == 1) {
            return new Position(valueLine, valueColumn + column - 1 + (c == '"' || c == '\'' ? 1 : 0));
        }
        return new Position(valueLine, valueColumn);
    }

    private int offsetOf(Position p) {
        int offset = 0;
        for (int l = 1; l < p.line(); l++) {
            offset = text.indexOf('\n', offset) + 1;
            if (offset == 0) {
                return -1;
            }
        }
        return offset + p.column() - 1;
    }

    private int lineAt(int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** Parses {@code source}; syntax errors and duplicate keys are added to {@code problems}. */
    static YamlDocument parse(SourceFile source, List<ConfigProblem> problems) {
        Map<String, Position> positions = new HashMap<>();
        positions.put("", new Position(1, 1));
        try (JsonParser parser = SafeYaml.parser(YAML, source.text())) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return new YamlDocument(source.name(), JsonNodeFactory.instance.objectNode(), positions, source.text());
            }
            Builder builder = new Builder(source.name(), parser, positions, problems);
            JsonNode root = builder.read(ConfigPath.ROOT);
            return new YamlDocument(source.name(), root, positions, source.text());
        } catch (JacksonException e) {
            TokenStreamLocation loc = e.getLocation();
            int line = loc == null ? 1 : Math.max(1, loc.getLineNr());
            int col = loc == null ? 1 : Math.max(1, loc.getColumnNr());
            problems.add(new ConfigProblem(source.name(), line, col, "(syntax)", "not valid YAML: " + InputErrors.describe(e)));
            return null;
        }
    }

    private static final class Builder {
        private final String file;
        private final JsonParser parser;
        private final Map<String, Position> positions;
        private final List<ConfigProblem> problems;

        Builder(String file, JsonParser parser, Map<String, Position> positions, List<ConfigProblem> problems) {
            this.file = file;
            this.parser = parser;
            this.positions = positions;
            this.problems = problems;
        }

        /** Reads the value at the current token; the parser is left on its last token. */
        JsonNode read(ConfigPath path) {
            JsonToken token = parser.currentToken();
            positions.putIfAbsent(path.pointer(), here());
            JsonNodeFactory f = JsonNodeFactory.instance;
            switch (token) {
                case START_OBJECT -> {
                    ObjectNode obj = f.objectNode();
                    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                        String name = parser.currentName();
                        Position keyPos = here();
                        ConfigPath child = path.key(name);
                        parser.nextToken();
                        if (obj.has(name)) {
                            problems.add(new ConfigProblem(file, keyPos.line(), keyPos.column(), child.toString(),
                                    "duplicate key \"" + name + "\""));
                            read(child.key("(duplicate)"));
                            continue;
                        }
                        positions.put(child.pointer(), keyPos);
                        obj.set(name, read(child));
                    }
                    return obj;
                }
                case START_ARRAY -> {
                    ArrayNode arr = f.arrayNode();
                    int i = 0;
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        arr.add(read(path.index(i++)));
                    }
                    return arr;
                }
                case VALUE_STRING -> {
                    if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                        // The parser does not expand aliases: *name would silently read as the text "name".
                        Position at = here();
                        problems.add(new ConfigProblem(file, at.line(), at.column(), path.toString(),
                                "aliases (*" + parser.getString() + ") are not supported: write the value out"));
                    }
                    return f.textNode(parser.getString());
                }
                case VALUE_NUMBER_INT -> {
                    return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                            ? f.numberNode(parser.getBigIntegerValue()) : f.numberNode(parser.getLongValue());
                }
                case VALUE_NUMBER_FLOAT -> {
                    return f.numberNode(parser.getDecimalValue());
                }
                case VALUE_TRUE -> {
                    return f.booleanNode(true);
                }
                case VALUE_FALSE -> {
                    return f.booleanNode(false);
                }
                default -> {
                    return f.nullNode();
                }
            }
        }

        private Position here() {
            TokenStreamLocation loc = parser.currentTokenLocation();
            return new Position(Math.max(1, loc.getLineNr()), Math.max(1, loc.getColumnNr()));
        }
    }
}
