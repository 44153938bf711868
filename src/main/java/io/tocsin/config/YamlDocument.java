package io.tocsin.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * A YAML file read into a JSON tree together with the line and column of every node, so that
 * problems found later (by the schema or by reference checks) can point at the exact place.
 * Jackson's tree model drops locations, hence this small tree builder over the token stream.
 */
final class YamlDocument {
    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    record Position(int line, int column) {
    }

    private final String file;
    private final JsonNode root;
    private final Map<String, Position> positions;

    private YamlDocument(String file, JsonNode root, Map<String, Position> positions) {
        this.file = file;
        this.root = root;
        this.positions = positions;
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

    /** Parses {@code source}; syntax errors and duplicate keys are added to {@code problems}. */
    static YamlDocument parse(SourceFile source, List<ConfigProblem> problems) {
        Map<String, Position> positions = new HashMap<>();
        positions.put("", new Position(1, 1));
        try (JsonParser parser = YAML.createParser(source.text())) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return new YamlDocument(source.name(), JsonNodeFactory.instance.objectNode(), positions);
            }
            Builder builder = new Builder(source.name(), parser, positions, problems);
            JsonNode root = builder.read(ConfigPath.ROOT);
            return new YamlDocument(source.name(), root, positions);
        } catch (StreamReadException e) {
            TokenStreamLocation loc = e.getLocation();
            int line = loc == null ? 1 : Math.max(1, loc.getLineNr());
            int col = loc == null ? 1 : Math.max(1, loc.getColumnNr());
            problems.add(new ConfigProblem(source.name(), line, col, "(syntax)", "not valid YAML: " + e.getOriginalMessage()));
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
