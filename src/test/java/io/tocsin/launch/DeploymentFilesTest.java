package io.tocsin.launch;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.tocsin.testing.TestDatabases;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The Helm chart and the systemd unit under deploy/ (docs/deploy.md). Helm itself is not installable
 * here (no registry but Debian's and Maven Central, and Debian has no helm), so the chart is checked
 * the way `helm lint` would check what does not need rendering: Chart.yaml, the values against the
 * chart's own values.schema.json (which helm enforces on install), every value a template reads is
 * in values.yaml and every value in values.yaml is read by a template (a setting the chart accepts
 * acts), every template it includes is defined. The unit goes through `systemd-analyze verify` and
 * `systemd-analyze security`.
 */
class DeploymentFilesTest {
    private static final Path CHART = Path.of("deploy/helm/tocsin");
    private static final Path UNIT = Path.of("deploy/systemd/tocsin.service");
    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    private static final Pattern VALUES_REFERENCE = Pattern.compile("\\.Values((?:\\.[A-Za-z][A-Za-z0-9_]*)+)");

    @Test
    void chartDescribesTheProjectsImage() throws IOException {
        JsonNode chart = YAML.readTree(CHART.resolve("Chart.yaml").toFile());
        assertThat(chart.path("apiVersion").asString()).isEqualTo("v2");
        assertThat(chart.path("name").asString()).isEqualTo(CHART.getFileName().toString());
        assertThat(chart.path("version").asString()).matches("\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?");
        // the image's tag by default: the version the image profile tags it with (tocsin.image.name)
        assertThat(chart.path("appVersion").asString()).isEqualTo(projectVersion());
    }

    @Test
    void theDefaultValuesAndTheExampleInstallationSatisfyTheSchema() throws IOException {
        JsonNode defaults = YAML.readTree(CHART.resolve("values.yaml").toFile());
        assertThat(errors(defaults)).isEmpty();
        JsonNode example = merged(defaults, YAML.readTree(Path.of("deploy/helm/example-values.yaml").toFile()));
        assertThat(errors(example)).isEmpty();
        assertThat(example.at("/database/url").asString()).startsWith("jdbc:postgresql://");
    }

    @Test
    void theSchemaRefusesWhatTheChartCannotRun() throws IOException {
        JsonNode defaults = YAML.readTree(CHART.resolve("values.yaml").toFile());
        // each refused, naming the value
        assertThat(errorsWith(defaults, "database:\n  url: jdbc:h2:file:/var/lib/tocsin/data/tocsin\n"))
                .anySatisfy(e -> assertThat(e).contains("/database/url"));
        assertThat(errorsWith(defaults, "publicUrl: oncall.example.org\n")).anySatisfy(e -> assertThat(e).contains("/publicUrl"));
        assertThat(errorsWith(defaults, "replicas: 3\n")).anySatisfy(e -> assertThat(e).contains("replicas"));
        assertThat(errorsWith(defaults, "podSecurityContext:\n  runAsNonRoot: false\n"))
                .anySatisfy(e -> assertThat(e).contains("/podSecurityContext/runAsNonRoot"));
        assertThat(errorsWith(defaults, "probes:\n  readiness:\n    path: /health\n"))
                .anySatisfy(e -> assertThat(e).contains("/probes/readiness/path"));
        assertThat(errorsWith(defaults, "config:\n  files:\n    organisation.txt: \"x\"\n"))
                .anySatisfy(e -> assertThat(e).contains("/config/files"));
        assertThat(errorsWith(defaults, "replicaCount: 0\n")).anySatisfy(e -> assertThat(e).contains("/replicaCount"));
    }

    @Test
    void everyValueATemplateReadsExistsAndEveryValueIsRead() throws IOException {
        JsonNode values = YAML.readTree(CHART.resolve("values.yaml").toFile());
        Set<String> references = new TreeSet<>();
        for (Path template : templates()) {
            Matcher m = VALUES_REFERENCE.matcher(Files.readString(template));
            while (m.find()) {
                references.add(m.group(1).substring(1));
            }
        }
        assertThat(references).as("values the templates read").isNotEmpty();
        for (String reference : references) {
            assertThat(values.at("/" + reference.replace('.', '/')).isMissingNode())
                    .as("templates read .Values.%s, which values.yaml lacks", reference).isFalse();
        }
        for (String leaf : leaves(values, "")) {
            assertThat(references.stream().anyMatch(r -> leaf.equals(r) || leaf.startsWith(r + ".")))
                    .as("values.yaml has %s, which no template reads", leaf).isTrue();
        }
    }

    @Test
    void templatesIncludeOnlyWhatIsDefinedAndMakeEveryObjectOfTheDeployment() throws IOException {
        String helpers = Files.readString(CHART.resolve("templates/_helpers.tpl"));
        Set<String> defined = names(Pattern.compile("define \"([^\"]+)\""), helpers);
        StringBuilder all = new StringBuilder();
        for (Path template : templates()) {
            String text = Files.readString(template);
            all.append(text);
            assertThat(count(text, "{{")).as("%s: every {{ is closed", template).isEqualTo(count(text, "}}"));
            assertThat(defined).as("%s includes only defined templates", template)
                    .containsAll(names(Pattern.compile("include \"([^\"]+)\""), text));
        }
        assertThat(names(Pattern.compile("(?m)^kind: (\\w+)"), all.toString()))
                .containsExactlyInAnyOrder("ConfigMap", "Deployment", "Service", "PodDisruptionBudget", "Ingress");
        String deployment = Files.readString(CHART.resolve("templates/deployment.yaml"));
        // the database password and the admin token come from Secrets, never from values in clear
        assertThat(deployment).containsPattern("name: TOCSIN_DB_PASSWORD\\s+valueFrom:\\s+secretKeyRef:");
        assertThat(deployment).containsPattern("name: TOCSIN_ADMIN_TOKEN\\s+valueFrom:\\s+secretKeyRef:");
        // a read-only root needs the two directories the server writes, as volumes
        assertThat(deployment).contains("mountPath: /tmp", "mountPath: /var/lib/tocsin", "mountPath: /etc/tocsin/config");
    }

    @Test
    void systemdAcceptsTheUnitAndRatesItsHardening() throws Exception {
        String unit = Files.readString(UNIT);
        assertThat(unit).containsPattern("(?m)^ExecStart=/usr/bin/java .*-jar /opt/tocsin/tocsin.jar serve$");
        assertThat(unit).containsPattern("(?m)^User=tocsin$").containsPattern("(?m)^StateDirectory=tocsin$")
                .containsPattern("(?m)^EnvironmentFile=/etc/tocsin/tocsin.env$").containsPattern("(?m)^Restart=on-failure$")
                .containsPattern("(?m)^ProtectSystem=strict$").containsPattern("(?m)^NoNewPrivileges=yes$");
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        if (!Files.isExecutable(analyze)) {
            // systemd is part of every Debian machine this project runs CI on
            assertThat(TestDatabases.ci()).as("CI=true: systemd-analyze is required to verify the unit").isFalse();
            Assumptions.abort("systemd-analyze is not installed");
        }
        // verify wants the unit in a directory of its own name; a copy keeps the source tree clean
        Path dir = Files.createTempDirectory("tocsin-unit");
        Path copy = Files.copy(UNIT, dir.resolve("tocsin.service"));
        try {
            Result verify = run(analyze.toString(), "verify", copy.toString());
            assertThat(verify.exit()).as("systemd-analyze verify: %s", verify.output()).isZero();
            assertThat(verify.output()).as("systemd-analyze verify warns").isBlank();
            Result security = run(analyze.toString(), "security", "--offline=yes", "--no-pager", copy.toString());
            Matcher level = Pattern.compile("Overall exposure level for tocsin.service: ([0-9.]+)").matcher(security.output());
            assertThat(level.find()).as("systemd-analyze security: %s", security.output()).isTrue();
            // 0 is a locked-down unit, 10 an unprotected one; systemd calls below 2.0 "OK"
            assertThat(Double.parseDouble(level.group(1))).isLessThan(2.0);
        } finally {
            Files.deleteIfExists(copy);
            Files.deleteIfExists(dir);
        }
    }

    private static List<String> errors(JsonNode values) throws IOException {
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
                .getSchema(Files.readString(CHART.resolve("values.schema.json")));
        List<String> out = new ArrayList<>();
        for (Error e : schema.validate(values)) {
            // where (a JSON pointer: /database/url), the key an unknown-key error is about, what
            out.add(e.getInstanceLocation() + ": " + (e.getProperty() == null ? "" : e.getProperty() + ": ") + e.getMessage());
        }
        return out;
    }

    private static List<String> errorsWith(JsonNode defaults, String override) throws IOException {
        return errors(merged(defaults, YAML.readTree(override)));
    }

    /** Helm's merge of a values file over the chart's: maps merge key by key, anything else replaces. */
    private static JsonNode merged(JsonNode base, JsonNode over) {
        if (!(base instanceof ObjectNode b) || !(over instanceof ObjectNode o)) {
            return over.deepCopy();
        }
        ObjectNode out = b.deepCopy();
        for (Map.Entry<String, JsonNode> e : o.properties()) {
            JsonNode existing = out.get(e.getKey());
            out.set(e.getKey(), existing == null ? e.getValue().deepCopy() : merged(existing, e.getValue()));
        }
        return out;
    }

    /** Paths of the values a template can read on their own: scalars, lists, and empty maps (to be filled). */
    private static List<String> leaves(JsonNode node, String prefix) {
        List<String> out = new ArrayList<>();
        if (node.isObject() && !node.isEmpty()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                out.addAll(leaves(e.getValue(), prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey()));
            }
        } else {
            out.add(prefix);
        }
        return out;
    }

    private static List<Path> templates() throws IOException {
        try (Stream<Path> files = Files.list(CHART.resolve("templates"))) {
            return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".tpl") || f.toString().endsWith(".txt"))
                    .sorted().toList();
        }
    }

    private static Set<String> names(Pattern p, String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static int count(String text, String what) {
        return text.split(Pattern.quote(what), -1).length - 1;
    }

    static String projectVersion() throws IOException {
        Matcher m = Pattern.compile("<artifactId>tocsin</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertThat(m.find()).as("the project's version in pom.xml").isTrue();
        return m.group(1);
    }

    record Result(int exit, String output) {
    }

    static Result run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("%s finished", String.join(" ", command)).isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
