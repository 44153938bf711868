package io.tocsin.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The bad-input corpus of src/test/resources/bad-input turned into requests: every body file, the
 * sample under wrong content types, field mutations of the sample, bad path and query values. Which
 * of them run is decided by {@link #full}: everything with {@code -Dbad-input=full}, otherwise a
 * deterministic share that still gives every endpoint every body file and every kind of mutation
 * somewhere (see docs/operations.md).
 */
final class BadInputCorpus {
    static final Path DIR = Path.of("src/test/resources/bad-input");
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String RAW = "@@raw@@";

    /** One endpoint of endpoints.yaml. */
    record Endpoint(String method, String path, String mapping, String auth, String type, JsonNode sample, Map<String, String> query,
                    Map<String, String> headers) {
        String name() {
            return method + " " + path + (type.equals("none") ? "" : " (" + type + ")");
        }

        String contentType() {
            return switch (type) {
                case "json" -> "application/json";
                case "yaml" -> "application/yaml";
                case "form" -> "application/x-www-form-urlencoded";
                default -> null;
            };
        }
    }

    /** One request to send: {@code path} and {@code body} may still hold placeholders ({incident}...). */
    record Case(String name, Endpoint endpoint, String path, Map<String, String> query, Map<String, String> headers, String contentType,
                byte[] body, boolean authenticated) {
    }

    /** A bad value put where a sample had a good one: raw JSON text (a value of any type, or a number no type holds). */
    record Bad(String name, String json) {
    }

    static final List<Bad> VALUES = List.of(
            new Bad("null", "null"), new Bad("true", "true"), new Bad("zero", "0"), new Bad("negative", "-1"), new Bad("fraction", "3.5"),
            new Bad("1e400", "1e400"), new Bad("huge-integer", "99999999999999999999999999"), new Bad("empty-string", "\"\""),
            new Bad("blank", "\"   \""), new Bad("nul", "\"\\u0000\""), new Bad("nul-inside", "\"a\\u0000b\""),
            new Bad("lone-surrogate", "\"\\ud800\""), new Bad("long-string", "\"" + "x".repeat(100_000) + "\""),
            new Bad("emoji", "\"" + "\\ud83d\\udca5".repeat(2_000) + "\""), new Bad("empty-array", "[]"), new Bad("array-of-null", "[null]"),
            new Bad("empty-object", "{}"), new Bad("deep", "[".repeat(100) + "]".repeat(100)),
            new Bad("html", "\"<script>alert(1)</script>\""), new Bad("path-traversal", "\"../../../../etc/passwd\""),
            new Bad("sql", "\"' OR '1'='1\""), new Bad("percent", "\"%00%ff%zz\""), new Bad("bad-date", "\"2026-02-30T25:61:00Z\""),
            new Bad("control", "\"\\n\\r\\t\\u001b[2J\""), new Bad("bidi", "\"\\u202eevil\""));

    /** Bad strings for paths, queries, form fields and headers. */
    static final List<String> STRINGS = List.of("", "%20", "%00", "a%00b", "%ff%fe", "%zz", "-1", "0", "99999999999999999999999",
            "INC-x", "%2e%2e%2f%2e%2e", "..", "a".repeat(5_000), "%F0%9F%92%A5", "%3Cscript%3E", "%27%20OR%201%3D1", "x;y=z",
            "%0d%0aX:%20y", "<raw>", "\u00e9");

    final List<Endpoint> endpoints;
    final Map<String, byte[]> bodies;
    final boolean full;

    BadInputCorpus(boolean full) {
        this.full = full;
        this.endpoints = endpoints();
        this.bodies = bodies();
    }

    static List<Endpoint> endpoints() {
        try {
            JsonNode root = YAMLMapper.builder().build().readTree(Files.readString(DIR.resolve("endpoints.yaml")));
            List<Endpoint> out = new ArrayList<>();
            for (JsonNode e : root.path("endpoints")) {
                out.add(new Endpoint(e.path("method").asString(), e.path("path").asString(), e.path("mapping").asString(e.path("path").asString()),
                        e.path("auth").asString(), e.path("type").asString(), e.has("sample") ? e.get("sample") : null, strings(e.get("query")),
                        strings(e.get("headers"))));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, byte[]> bodies() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(DIR.resolve("bodies"))) {
            for (Path f : files.sorted().toList()) {
                out.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node != null) {
            node.properties().forEach(p -> out.put(p.getKey(), p.getValue().asString()));
        }
        return out;
    }

    /** Every case of one endpoint, given its sample as it is sent ({@code sample}: placeholders of the whole body resolved). */
    List<Case> cases(Endpoint e, JsonNode sample, String yamlSample) {
        e = new Endpoint(e.method(), e.path(), e.mapping(), e.auth(), e.type(), e.sample(), encoded(e.query()), e.headers());
        List<Case> out = new ArrayList<>();
        String type = e.contentType();
        byte[] good = sampleBytes(e, sample, yamlSample);
        out.add(new Case("sample", e, e.path(), e.query(), e.headers(), type, good, true));
        out.add(new Case("sample without credentials", e, e.path(), e.query(), e.headers(), type, good, false));
        if (type != null) {
            for (Map.Entry<String, byte[]> body : bodies.entrySet()) {
                out.add(new Case("body " + body.getKey(), e, e.path(), e.query(), e.headers(), type, body.getValue(), true));
            }
            for (String wrong : List.of("text/plain", "application/xml", "application/x-www-form-urlencoded", "application/json",
                    "application/yaml", "multipart/form-data; boundary=x", "application/json; charset=UTF-16", "*/*", "garbage")) {
                if (!wrong.equals(type)) {
                    out.add(new Case("sample as " + wrong, e, e.path(), e.query(), e.headers(), wrong, good, true));
                }
            }
            out.add(new Case("sample without a content type", e, e.path(), e.query(), e.headers(), null, good, true));
            switch (e.type()) {
                case "json" -> out.addAll(jsonMutations(e, sample));
                case "form" -> out.addAll(formMutations(e, sample));
                case "yaml" -> out.addAll(yamlMutations(e, yamlSample));
                default -> {
                }
            }
        }
        out.addAll(queryMutations(e, good));
        out.addAll(pathMutations(e, good));
        out.addAll(headerMutations(e, good));
        Endpoint endpoint = e;
        return out.stream().filter(c -> full || keep(endpoint, c)).toList();
    }

    /** Query values as they travel: the sample's encoded, the bad ones (already URL fragments) as they are. */
    private static Map<String, String> encoded(Map<String, String> query) {
        Map<String, String> out = new LinkedHashMap<>();
        query.forEach((k, v) -> out.put(k, v.startsWith("{") ? v : encode(v)));
        return out;
    }

    /** The sample as bytes on the wire. */
    static byte[] sampleBytes(Endpoint e, JsonNode sample, String yamlSample) {
        return switch (e.type()) {
            case "json" -> JSON.writeValueAsString(sample).getBytes(StandardCharsets.UTF_8);
            case "yaml" -> yamlSample.getBytes(StandardCharsets.UTF_8);
            case "form" -> form(sample).getBytes(StandardCharsets.UTF_8);
            default -> null;
        };
    }

    static String form(JsonNode fields) {
        StringBuilder b = new StringBuilder();
        fields.properties().forEach(p -> b.append(b.isEmpty() ? "" : "&").append(encode(p.getKey())).append('=')
                .append(encode(p.getValue().asString())));
        return b.toString();
    }

    static String encode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Each field of the sample replaced by each bad value, removed, and the sample with an unknown field and a field twice. */
    List<Case> jsonMutations(Endpoint e, JsonNode sample) {
        List<Case> out = new ArrayList<>();
        List<List<Object>> paths = new ArrayList<>();
        collect(sample, new ArrayList<>(), paths);
        for (List<Object> path : paths) {
            String where = where(path);
            for (Bad bad : VALUES) {
                JsonNode copy = sample.deepCopy();
                set(copy, path, JsonNodeFactory.instance.stringNode(RAW));
                String text = JSON.writeValueAsString(copy).replace("\"" + RAW + "\"", bad.json());
                out.add(new Case(where + " = " + bad.name(), e, e.path(), e.query(), e.headers(), e.contentType(),
                        text.getBytes(StandardCharsets.UTF_8), true));
            }
            if (!path.isEmpty() && path.get(path.size() - 1) instanceof String) {
                JsonNode copy = sample.deepCopy();
                remove(copy, path);
                out.add(new Case(where + " removed", e, e.path(), e.query(), e.headers(), e.contentType(),
                        JSON.writeValueAsBytes(copy), true));
            }
        }
        if (sample.isObject()) {
            ObjectNode extra = (ObjectNode) sample.deepCopy();
            extra.put("zz_unknown_field", "surprise");
            out.add(new Case("unknown field", e, e.path(), e.query(), e.headers(), e.contentType(), JSON.writeValueAsBytes(extra), true));
            if (!sample.isEmpty()) {
                String text = JSON.writeValueAsString(sample);
                String first = sample.propertyNames().iterator().next();
                String twice = "{\"" + first + "\": \"twice\", " + text.substring(1);
                out.add(new Case("a key twice", e, e.path(), e.query(), e.headers(), e.contentType(),
                        twice.getBytes(StandardCharsets.UTF_8), true));
            }
        }
        return out;
    }

    List<Case> formMutations(Endpoint e, JsonNode sample) {
        List<Case> out = new ArrayList<>();
        for (String field : sample.propertyNames()) {
            for (String bad : STRINGS) {
                StringBuilder b = new StringBuilder();
                sample.properties().forEach(p -> b.append(b.isEmpty() ? "" : "&").append(encode(p.getKey())).append('=')
                        .append(p.getKey().equals(field) ? bad : encode(p.getValue().asString())));
                out.add(new Case(field + " = " + abbreviate(bad), e, e.path(), e.query(), e.headers(), e.contentType(),
                        b.toString().getBytes(StandardCharsets.UTF_8), true));
            }
            ObjectNode without = (ObjectNode) sample.deepCopy();
            without.remove(field);
            out.add(new Case(field + " removed", e, e.path(), e.query(), e.headers(), e.contentType(),
                    form(without).getBytes(StandardCharsets.UTF_8), true));
            out.add(new Case(field + " twice", e, e.path(), e.query(), e.headers(), e.contentType(),
                    (form(sample) + "&" + encode(field) + "=again").getBytes(StandardCharsets.UTF_8), true));
        }
        return out;
    }

    List<Case> yamlMutations(Endpoint e, String yaml) {
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("truncated", yaml.substring(0, yaml.length() / 2));
        texts.put("doubled (every key twice)", yaml + "\n" + yaml);
        texts.put("tab indented", yaml.replace("  ", "\t"));
        texts.put("a NUL", yaml + "\n# \u0000\n");
        texts.put("flow collection unclosed", yaml + "\nextra: [1, {a: \n");
        texts.put("an alias", "anchor: &a x\n" + yaml + "\nmore: *a\n");
        texts.put("deep", yaml + "\ndeep: " + "[".repeat(2_000) + "]".repeat(2_000) + "\n");
        texts.put("every value null", yaml.replaceAll(":\\s+[^\\s{\\[|>][^\\n]*", ": ~"));
        texts.put("a document separator", "---\n" + yaml + "\n---\nx: 1\n");
        List<Case> out = new ArrayList<>();
        texts.forEach((name, text) -> out.add(new Case(name, e, e.path(), e.query(), e.headers(), e.contentType(),
                text.getBytes(StandardCharsets.UTF_8), true)));
        byte[] utf8 = yaml.getBytes(StandardCharsets.UTF_8);
        byte[] broken = java.util.Arrays.copyOf(utf8, utf8.length + 3);
        broken[utf8.length] = (byte) 0xff;
        broken[utf8.length + 1] = (byte) 0xc3;
        broken[utf8.length + 2] = (byte) 0x28;
        out.add(new Case("invalid UTF-8 at the end", e, e.path(), e.query(), e.headers(), e.contentType(), broken, true));
        return out;
    }

    List<Case> queryMutations(Endpoint e, byte[] good) {
        List<Case> out = new ArrayList<>();
        for (String param : e.query().keySet()) {
            for (String bad : STRINGS) {
                Map<String, String> q = new LinkedHashMap<>(e.query());
                q.put(param, bad);
                out.add(new Case("?" + param + "=" + abbreviate(bad), e, e.path(), q, e.headers(), e.contentType(), good, true));
            }
            Map<String, String> without = new LinkedHashMap<>(e.query());
            without.remove(param);
            out.add(new Case("?" + param + " left out", e, e.path(), without, e.headers(), e.contentType(), good, true));
        }
        Map<String, String> unknown = new LinkedHashMap<>(e.query());
        unknown.put("zz_unknown", "1");
        out.add(new Case("an unknown query parameter", e, e.path(), unknown, e.headers(), e.contentType(), good, true));
        return out;
    }

    /** Each variable segment of the path (a {placeholder} or a segment the mapping names as a variable) replaced by bad values. */
    List<Case> pathMutations(Endpoint e, byte[] good) {
        List<Case> out = new ArrayList<>();
        String[] path = e.path().split("/", -1);
        String[] mapping = e.mapping().split("/", -1);
        for (int i = 0; i < path.length; i++) {
            boolean variable = path[i].startsWith("{") || (i < mapping.length && mapping[i].contains("{") && !mapping[i].equals(path[i]));
            if (!variable) {
                continue;
            }
            String suffix = i < mapping.length && mapping[i].endsWith(".ics") ? ".ics" : "";
            for (String bad : STRINGS) {
                String[] copy = path.clone();
                copy[i] = bad + suffix;
                out.add(new Case("path segment " + i + " = " + abbreviate(bad), e, String.join("/", copy), e.query(), e.headers(),
                        e.contentType(), good, true));
            }
        }
        return out;
    }

    List<Case> headerMutations(Endpoint e, byte[] good) {
        List<Case> out = new ArrayList<>();
        for (String header : e.headers().keySet()) {
            for (String bad : List.of("", "nobody", "a".repeat(5_000), "carol@example.com", "%00", "\u00e9\u00e8")) {
                Map<String, String> h = new LinkedHashMap<>(e.headers());
                h.put(header, bad);
                out.add(new Case(header + ": " + abbreviate(bad), e, e.path(), e.query(), h, e.contentType(), good, true));
            }
        }
        return out;
    }

    /**
     * The share of cases CI runs: the sample, the wrong content types and the header cases always; one
     * in {@link #BODY_SHARE} of the (endpoint, body file) pairs and one in {@link #SHARE} of the
     * mutations, chosen by a hash so each body file and each bad value still meets many endpoints.
     */
    static boolean keep(Endpoint e, Case c) {
        String n = c.name();
        if (n.startsWith("sample") || e.headers().keySet().stream().anyMatch(h -> n.startsWith(h + ":"))) {
            return true;
        }
        return Math.floorMod((e.name() + "|" + n).hashCode(), n.startsWith("body ") ? BODY_SHARE : SHARE) == 0;
    }

    static final int BODY_SHARE = 3;
    static final int SHARE = 6;

    private static String abbreviate(String s) {
        return s.length() > 20 ? s.substring(0, 10) + "...(" + s.length() + ")" : s;
    }

    private static void collect(JsonNode node, List<Object> path, List<List<Object>> out) {
        if (!path.isEmpty()) {
            out.add(List.copyOf(path));
        }
        if (node.isObject()) {
            for (String name : node.propertyNames()) {
                path.add(name);
                collect(node.get(name), path, out);
                path.remove(path.size() - 1);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                path.add(i);
                collect(node.get(i), path, out);
                path.remove(path.size() - 1);
            }
        }
    }

    private static void set(JsonNode root, List<Object> path, JsonNode value) {
        JsonNode parent = root;
        for (int i = 0; i < path.size() - 1; i++) {
            Object p = path.get(i);
            parent = p instanceof String s ? parent.get(s) : parent.get((Integer) p);
        }
        Object last = path.get(path.size() - 1);
        if (last instanceof String s) {
            ((ObjectNode) parent).set(s, value);
        } else {
            ((ArrayNode) parent).set((Integer) last, value);
        }
    }

    private static void remove(JsonNode root, List<Object> path) {
        JsonNode parent = root;
        for (int i = 0; i < path.size() - 1; i++) {
            Object p = path.get(i);
            parent = p instanceof String s ? parent.get(s) : parent.get((Integer) p);
        }
        ((ObjectNode) parent).remove((String) path.get(path.size() - 1));
    }

    private static String where(List<Object> path) {
        StringBuilder b = new StringBuilder();
        for (Object p : path) {
            b.append(p instanceof String s ? (b.isEmpty() ? "" : ".") + s : "[" + p + "]");
        }
        return b.toString();
    }
}
