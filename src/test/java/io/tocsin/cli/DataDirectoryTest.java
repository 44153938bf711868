package io.tocsin.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory holds the database (with the webhook and link signing secrets) and the admin
 * token. A real server started as an operator starts it, {@code tocsin serve} in a fresh working
 * directory with nothing configured, must leave ./data and everything in it readable by its owner
 * only, tighten what an older version left readable, and tighten a file that appears there later.
 */
class DataDirectoryTest {
    @Test
    void dataAndEverythingInItIsReadableOnlyByTheOwner(@TempDir Path work) throws Exception {
        // An older version's data directory: readable by everyone.
        Path data = Files.createDirectory(work.resolve("data"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path leftover = Files.createFile(data.resolve("tocsin.trace.db"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(p -> Path.of(p).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator));
        ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, "io.tocsin.Tocsin", "serve", "--config", Path.of("src/test/resources/orgs/acme").toAbsolutePath().toString(),
                "--port", String.valueOf(port)))
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("server.log").toFile());
        for (String setting : List.of("TOCSIN_DB_URL", "TOCSIN_ADMIN_TOKEN", "TOCSIN_DATA_DIR", "TOCSIN_PORT")) {
            pb.environment().remove(setting);
        }
        Process server = pb.start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
                assertThat(server.isAlive()).as(() -> log(work)).isTrue();
                return client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            });

            assertThat(mode(data)).isEqualTo("rwx------");
            assertThat(data.resolve("tocsin.mv.db")).exists();
            assertThat(data.resolve("admin-token")).exists();
            try (Stream<Path> all = Files.walk(data)) {
                assertThat(all.filter(p -> !p.equals(data)).toList()).isNotEmpty().allSatisfy(p ->
                        assertThat(mode(p)).as(p.toString()).isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------"));
            }
            assertThat(mode(leftover)).isEqualTo("rw-------");

            // A file H2 creates while running (its trace file, a temporary file) is tightened as it appears.
            Path later = Files.createFile(data.resolve("tocsin.123.temp.db"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
            await().atMost(Duration.ofSeconds(10)).until(() -> mode(later).equals("rw-------"));
        } finally {
            server.destroyForcibly().waitFor();
        }
    }

    static String mode(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String log(Path work) {
        try {
            return Files.readString(work.resolve("server.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
