package io.tocsin.migration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An export directory: the answer to {@code GET /PATH} saved as {@code PATH.json}
 * ({@code users.json}, {@code schedules/PABC123.json}, {@code schedules/PABC123/overrides.json}). A list
 * may be saved as one answer or as a JSON array of the answers of every page; the list's items are
 * under {@code collection}, a dotted path for nested answers.
 */
public final class DirectoryExport implements ExportSource {
    static final JsonMapper JSON = JsonMapper.builder().build();
    private final Path root;

    public DirectoryExport(Path root) {
        this.root = root;
    }

    @Override
    public JsonNode document(String path, Map<String, String> query) throws IOException {
        Path file = root.resolve(path + ".json").normalize();
        if (!file.startsWith(root.normalize())) {
            throw new IOException("path " + path + " leaves the export directory");
        }
        if (!Files.isRegularFile(file)) {
            throw new MissingExport("the export has no " + root.relativize(file) + " (the answer of GET /" + path + ")");
        }
        try {
            return JSON.readTree(Files.readString(file));
        } catch (JacksonException e) {
            throw new IOException(root.relativize(file) + " is not JSON: " + e.getOriginalMessage());
        }
    }

    @Override
    public List<JsonNode> list(String path, String collection, Map<String, String> query) throws IOException {
        JsonNode doc = document(path, query);
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode page : doc.isArray() ? doc : List.of(doc)) {
            JsonNode items = at(page, collection);
            if (!items.isArray()) {
                throw new IOException(path + ".json has no \"" + collection + "\" list");
            }
            items.forEach(out::add);
        }
        return out;
    }

    /** The node at a dotted path ({@code data.users.nodes}, as a GraphQL answer nests its lists). */
    static JsonNode at(JsonNode node, String dotted) {
        JsonNode out = node;
        for (String key : dotted.split("\\.")) {
            out = out.path(key);
        }
        return out;
    }

    @Override
    public String describe() {
        return "export directory " + root;
    }
}
