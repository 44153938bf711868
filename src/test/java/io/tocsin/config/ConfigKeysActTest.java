package io.tocsin.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * House rule: a configuration key Tocsin accepts acts. This test lists every key path of the JSON Schema
 * (following $ref, properties, items as {@code []}, additionalProperties as {@code *}, oneOf/anyOf/allOf)
 * and holds it against the inventory in {@code src/test/resources/config-keys.yaml}, where each key (or a
 * glob: {@code *} matches any run of characters) names the tests that drive the behaviour the key causes
 * through a real interface. It fails on a schema key no entry covers, on an entry that covers no key
 * (stale), on a named test class or method that does not exist, and on any key still marked pending
 * except those another branch is building (listed in {@link #ALLOWED_PENDING}).
 */
class ConfigKeysActTest {
    static final Path SCHEMA = Path.of("src/main/resources/schema/tocsin-config.schema.json");
    static final String INVENTORY = "/config-keys.yaml";

    /** Keys being built on another branch: pending there until it is merged, then mapped like the rest (none now). */
    static final Set<String> ALLOWED_PENDING = Set.of();

    static final Set<String> TEST_ANNOTATIONS = Set.of(
            "org.junit.jupiter.api.Test", "org.junit.jupiter.params.ParameterizedTest",
            "org.junit.jupiter.api.TestFactory", "net.jqwik.api.Property", "net.jqwik.api.Example");

    record Entry(String pattern, List<String> tests, String pending) {
        Pattern regex() {
            StringBuilder b = new StringBuilder();
            for (String part : pattern.split("\\*", -1)) {
                if (!b.isEmpty()) b.append(".*");
                b.append(Pattern.quote(part));
            }
            return Pattern.compile(b.toString());
        }
    }

    @Test
    void everySchemaKeyNamesTheTestsThatExerciseIt() throws IOException {
        List<String> keys = schemaKeys();
        List<Entry> entries = inventory();

        List<String> problems = new ArrayList<>();
        Set<String> covered = new HashSet<>();
        for (Entry e : entries) {
            Pattern p = e.regex();
            List<String> matched = keys.stream().filter(k -> p.matcher(k).matches()).toList();
            if (matched.isEmpty()) problems.add("stale entry (matches no schema key): " + e.pattern());
            covered.addAll(matched);
            if (e.pending() != null) {
                if (!ALLOWED_PENDING.contains(e.pattern())) {
                    problems.add("pending (accepted but nothing acts on it): " + e.pattern() + ": " + e.pending());
                }
            } else if (e.tests().isEmpty()) {
                problems.add("entry names no test: " + e.pattern());
            }
            for (String t : e.tests()) {
                String missing = missingTest(t);
                if (missing != null) problems.add("entry " + e.pattern() + ": " + missing);
            }
        }
        List<String> unmapped = keys.stream().filter(k -> !covered.contains(k)).toList();

        StringBuilder report = new StringBuilder();
        if (!unmapped.isEmpty()) {
            report.append("\nSchema keys the inventory ").append(INVENTORY).append(" does not cover (")
                    .append(unmapped.size()).append("):\n");
            unmapped.forEach(k -> report.append("  ").append(k).append('\n'));
        }
        if (!problems.isEmpty()) {
            report.append("\nBad inventory entries (").append(problems.size()).append("):\n");
            problems.forEach(p -> report.append("  ").append(p).append('\n'));
        }
        assertThat(report.toString()).as("configuration keys without a test of their behaviour").isEmpty();
    }

    /** The walk itself: a few keys from each kind of nesting, so a broken walk cannot pass with an empty list. */
    @Test
    void theSchemaWalkReachesNestedArraysRefsAndTemplates() throws IOException {
        assertThat(schemaKeys())
                .contains("organisation.time_zone", "severities[].postmortem.repeated.within",
                        "escalation_policies[].paths[].levels[].notify[].domain_experts",
                        "escalation_policies[].triggers[].do.notify[].vendor",
                        "notifications.templates.chat.slack.text", "maintenance_windows[].recurrence.days")
                .doesNotHaveDuplicates()
                .hasSizeGreaterThan(300);
    }

    @Test
    void theInventoryCheckCatchesAnUnknownTestAndAStaleEntry() {
        assertThat(missingTest("io.tocsin.config.ConfigKeysActTest#everySchemaKeyNamesTheTestsThatExerciseIt")).isNull();
        // Inherited from a *Contract class.
        assertThat(missingTest("io.tocsin.notify.TemplatesFlowOnH2Test#" + firstTestMethod("io.tocsin.notify.TemplatesFlowContract"))).isNull();
        assertThat(missingTest("io.tocsin.config.ConfigKeysActTest#noSuchMethod")).contains("no test method");
        assertThat(missingTest("io.tocsin.NoSuchTest#x")).contains("no test class");
        assertThat(missingTest("io.tocsin.config.ConfigKeysActTest#schemaKeys")).contains("no test method");
        assertThat(new Entry("severities[].postmortem*", List.of(), "x").regex().matcher("severities[].postmortem.repeated.count").matches()).isTrue();
        assertThat(new Entry("severities[].name", List.of(), null).regex().matcher("severities[].names").matches()).isFalse();
    }

    static String firstTestMethod(String className) {
        try {
            for (Method m : Class.forName(className).getDeclaredMethods()) {
                if (isTest(m)) return m.getName();
            }
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no test in " + className);
    }

    /** Null when {@code Class#method} names a test method on the test class path, else why not. */
    static String missingTest(String ref) {
        int hash = ref.indexOf('#');
        if (hash < 0) return "not Class#method: " + ref;
        String className = ref.substring(0, hash);
        String method = ref.substring(hash + 1);
        Class<?> type;
        try {
            type = Class.forName(className);
        } catch (ClassNotFoundException e) {
            return "no test class " + className;
        }
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(method) && isTest(m)) return null;
            }
        }
        return "no test method " + ref;
    }

    static boolean isTest(Method m) {
        for (Annotation a : m.getAnnotations()) {
            if (TEST_ANNOTATIONS.contains(a.annotationType().getName())) return true;
        }
        return false;
    }

    static List<Entry> inventory() throws IOException {
        ObjectMapper yaml = YAMLMapper.builder().build();
        JsonNode root;
        try (InputStream in = ConfigKeysActTest.class.getResourceAsStream(INVENTORY)) {
            assertThat(in).as(INVENTORY + " on the test class path").isNotNull();
            root = yaml.readTree(in);
        }
        List<Entry> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode e : root.path("keys")) {
            String pattern = e.path("key").asString();
            assertThat(seen.add(pattern)).as("inventory entry listed twice: " + pattern).isTrue();
            List<String> tests = new ArrayList<>();
            e.path("tests").forEach(t -> tests.add(t.asString()));
            String pending = e.has("pending") ? e.path("pending").asString() : null;
            entries.add(new Entry(pattern, tests, pending));
        }
        return entries;
    }

    static List<String> schemaKeys() throws IOException {
        JsonNode schema = JsonMapper.builder().build().readTree(Files.readString(SCHEMA));
        Set<String> keys = new LinkedHashSet<>();
        walk(schema, schema, "", new HashSet<>(), keys);
        return List.copyOf(keys);
    }

    static void walk(JsonNode root, JsonNode node, String path, Set<String> refsOnPath, Set<String> keys) {
        if (node == null || !node.isObject()) return;
        if (node.has("$ref")) {
            String ref = node.path("$ref").asString();
            if (refsOnPath.add(ref)) {
                walk(root, root.at(ref.substring(1)), path, refsOnPath, keys);
                refsOnPath.remove(ref);
            }
        }
        for (String combinator : List.of("oneOf", "anyOf", "allOf")) {
            for (JsonNode n : node.path(combinator)) walk(root, n, path, refsOnPath, keys);
        }
        Map<String, JsonNode> properties = new LinkedHashMap<>();
        node.path("properties").properties().forEach(p -> properties.put(p.getKey(), p.getValue()));
        for (Map.Entry<String, JsonNode> p : properties.entrySet()) {
            String key = path.isEmpty() ? p.getKey() : path + "." + p.getKey();
            keys.add(key);
            walk(root, p.getValue(), key, refsOnPath, keys);
        }
        if (node.has("items")) walk(root, node.path("items"), path + "[]", refsOnPath, keys);
        if (node.path("additionalProperties").isObject()) walk(root, node.path("additionalProperties"), path + ".*", refsOnPath, keys);
    }
}
