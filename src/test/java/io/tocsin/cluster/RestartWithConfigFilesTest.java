package io.tocsin.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.ServerProcess;
import io.tocsin.testing.TestDatabases;
import io.tocsin.testing.TestOrganisations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * A node restarted with {@code serve --config DIR} — the README's command line, and what a service
 * manager repeats after a crash — must not roll the cluster back over a version someone activated
 * through the API since: it keeps the newer version and says so in its log and health details.
 * {@code --replace-newer} activates the files anyway, and files changed after the newest version was
 * activated are activated as before. Real server processes on one database, one after the other.
 */
class RestartWithConfigFilesTest {
    static Stream<TestDatabases.Target> databases() throws IOException {
        Path h2 = Files.createTempDirectory(Path.of("target"), "restart-config");
        return Stream.of(new TestDatabases.Target(TestDatabases.Kind.H2,
                "jdbc:h2:file:" + h2.toAbsolutePath().resolve("tocsin") + ";DB_CLOSE_ON_EXIT=FALSE", "sa", ""), TestDatabases.postgres());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void filesGivenAtStartNeverReplaceANewerVersionUnlessToldTo(TestDatabases.Target db) throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "restart-config-" + db.kind());
        Path org = TestOrganisations.copy("src/test/resources/orgs/acme", "Acme Test Org", "Acme from the files");

        try (ServerProcess first = ServerProcess.start(work, "first", db, List.of(), "--config", org.toString()).awaitUp()) {
            assertActive(first.api(), 1, "Acme from the files");
            applyThroughTheApi(first.api(), org, "Acme through the API", 2);
            // A crash: the service manager starts the node again with the same command line.
            first.kill();
        }

        try (ServerProcess restarted = ServerProcess.start(work, "restarted", db, List.of(), "--config", org.toString()).awaitUp()) {
            assertActive(restarted.api(), 2, "Acme through the API");
            assertThat(restarted.api().get("/api/v1/config/versions").json()).hasSize(2);
            String warning = "configuration files given at start (" + org + ") are version 1, older than version 2";
            JsonNode health = restarted.api().get("/actuator/health").json();
            assertThat(health.path("status").asString()).isEqualTo("UP");
            assertThat(health.path("components").path("configuration").path("details").path("warning").asString())
                    .as(health.toString()).startsWith(warning).contains("--replace-newer");
            assertThat(health.path("components").path("configuration").path("details").path("version").asLong()).isEqualTo(2);
            // Without a token the health check still answers, without the details.
            JsonNode anonymous = restarted.api().withToken(null).get("/actuator/health").json();
            assertThat(anonymous.path("status").asString()).isEqualTo("UP");
            assertThat(anonymous.toString()).doesNotContain("replace-newer");
            assertThat(restarted.log()).contains("WARN").contains(warning);
            restarted.kill();
        }

        // Told to: the files replace the newer version, as a version of their own.
        try (ServerProcess replacing = ServerProcess.start(work, "replacing", db, List.of(), "--config", org.toString(),
                "--replace-newer").awaitUp()) {
            assertActive(replacing.api(), 3, "Acme from the files");
            JsonNode health = replacing.api().get("/actuator/health").json();
            assertThat(health.path("components").path("configuration").path("details").has("warning")).as(health.toString()).isFalse();
            applyThroughTheApi(replacing.api(), org, "Acme through the API again", 4);
            replacing.kill();
        }

        // Files edited after the newest version was activated are what the operator wants now.
        Path file = org.resolve("organisation.yaml");
        Files.writeString(file, Files.readString(file).replace("Acme from the files", "Acme edited on disk"));
        try (ServerProcess edited = ServerProcess.start(work, "edited", db, List.of(), "--config", org.toString()).awaitUp()) {
            assertActive(edited.api(), 5, "Acme edited on disk");
            assertThat(edited.log()).doesNotContain("configuration files given at start");
        }
    }

    @org.junit.jupiter.api.Test
    void replacingANewerVersionNeedsTheFilesThatReplaceIt() {
        io.tocsin.cli.CliRun r = io.tocsin.cli.CliRun.run("serve", "--replace-newer", "--port", "0");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("--replace-newer needs --config");
    }

    static void assertActive(HttpCalls api, long version, String name) {
        JsonNode active = api.get("/api/v1/config/active").json();
        assertThat(active.path("version").asLong()).as(active.toString()).isEqualTo(version);
        assertThat(active.path("name").asString()).isEqualTo(name);
    }

    /** What an operator does with {@code tocsin apply}: the same files, one thing changed, activated as a new version. */
    static void applyThroughTheApi(HttpCalls api, Path org, String name, long expectedVersion) throws IOException {
        List<Map<String, String>> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(org)) {
            for (Path f : list.sorted().toList()) {
                files.add(Map.of("name", f.getFileName().toString(),
                        "text", Files.readString(f).replaceAll("name: Acme [A-Za-z ]+", "name: " + name)));
            }
        }
        HttpCalls.Answer applied = api.postJson("/api/v1/config", Map.of("files", files, "confirm", true));
        assertThat(applied.status()).as(applied.body()).isEqualTo(201);
        assertThat(applied.json().path("version").asLong()).isEqualTo(expectedVersion);
    }
}
