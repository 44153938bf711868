package io.tocsin.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Several files merged into one tree (lists concatenated, single sections taken from the one file
 * that has them), remembering which file and index every merged list element came from so that a
 * problem found on the merged tree is reported against the original file and line.
 */
final class MergedConfig {
    private record Slice(YamlDocument doc, int offset, int count) {
    }

    private final ObjectNode root = JsonNodeFactory.instance.objectNode();
    private final Map<String, List<Slice>> slices = new HashMap<>();
    private final Map<String, YamlDocument> sectionOwner = new HashMap<>();
    private final List<YamlDocument> documents;

    MergedConfig(List<YamlDocument> documents, List<ConfigProblem> problems) {
        this.documents = documents;
        for (YamlDocument doc : documents) {
            if (!doc.root().isObject()) {
                problems.add(problem(doc, ConfigPath.ROOT, "a configuration file must be a mapping of sections"));
                continue;
            }
            for (Map.Entry<String, JsonNode> section : doc.root().properties()) {
                String key = section.getKey();
                JsonNode value = section.getValue();
                if (value.isArray()) {
                    ArrayNode merged = root.has(key) && root.get(key).isArray() ? (ArrayNode) root.get(key) : root.putArray(key);
                    slices.computeIfAbsent(key, k -> new ArrayList<>()).add(new Slice(doc, merged.size(), value.size()));
                    merged.addAll((ArrayNode) value);
                } else if (value.isNull()) {
                    continue;
                } else if (sectionOwner.containsKey(key)) {
                    problems.add(problem(doc, ConfigPath.ROOT.key(key), "\"" + key + "\" is already defined in "
                            + sectionOwner.get(key).file() + "; it may appear in only one file"));
                } else {
                    sectionOwner.put(key, doc);
                    root.set(key, value);
                }
            }
        }
    }

    ObjectNode root() {
        return root;
    }

    /** Locates a path of the merged tree in its source file. */
    ConfigProblem problem(ConfigPath mergedPath, String message) {
        return problem(mergedPath, message, 0, 0);
    }

    /** Locates {@code line}:{@code column} inside the string value at a path of the merged tree (0, 0: the path itself). */
    ConfigProblem problem(ConfigPath mergedPath, String message, int line, int column) {
        if (mergedPath.isRoot()) {
            YamlDocument first = documents.isEmpty() ? null : documents.get(0);
            return new ConfigProblem(first == null ? "(none)" : first.file(), 1, 1, mergedPath.toString(), message);
        }
        String section = mergedPath.elements().get(0).toString();
        if (mergedPath.elements().size() > 1 && mergedPath.elements().get(1) instanceof Integer index) {
            for (Slice slice : slices.getOrDefault(section, List.of())) {
                if (index >= slice.offset() && index < slice.offset() + slice.count()) {
                    List<Object> local = new ArrayList<>(mergedPath.elements());
                    local.set(1, index - slice.offset());
                    return problem(slice.doc(), new ConfigPath(local), message, line, column);
                }
            }
        }
        YamlDocument owner = sectionOwner.get(section);
        if (owner == null && slices.containsKey(section)) {
            owner = slices.get(section).get(0).doc();
        }
        if (owner == null) {
            owner = documents.isEmpty() ? null : documents.get(0);
        }
        return owner == null ? new ConfigProblem("(none)", 1, 1, mergedPath.toString(), message)
                : problem(owner, mergedPath, message, line, column);
    }

    static ConfigProblem problem(YamlDocument doc, ConfigPath localPath, String message) {
        YamlDocument.Position pos = doc.positionOf(localPath);
        return new ConfigProblem(doc.file(), pos.line(), pos.column(), localPath.toString(), message);
    }

    static ConfigProblem problem(YamlDocument doc, ConfigPath localPath, String message, int line, int column) {
        YamlDocument.Position pos = doc.positionWithin(localPath, line, column);
        return new ConfigProblem(doc.file(), pos.line(), pos.column(), localPath.toString(), message);
    }
}
