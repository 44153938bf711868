package io.tocsin.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar target/tocsin.jar serve} as an operator starts it: the server reads its classes from
 * the flat copy of the jar in its own JVM ({@link FastStart#serveLoader}), the launcher's path stays
 * for {@code TOCSIN_FAST_START=off}, and a command run after the jar was replaced in place leaves the
 * copy a running server still uses.
 */
class ServeFromJarIT {
    private static final Path JAR = Path.of("target/tocsin.jar").toAbsolutePath();
    private static final Path CONFIG = Path.of("examples/web-platform").toAbsolutePath();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void serveRunsFromTheFlatCopyInItsOwnProcess() throws Exception {
        Path cache = dir.resolve("cache");
        Server server = serve(JAR, cache, Map.of());

        assertThat(server.log()).as("Spring Boot's start line names where the classes came from")
                .containsPattern("Starting Tocsin .*\\(" + java.util.regex.Pattern.quote(cache.toString()) + "/.*/app/tocsin\\.jar");
        assertThat(server.get("/login")).as("templates and static resources load from the copy").isEqualTo(200);
        // one process: the one started is the server (its signals, its exit code)
        assertThat(server.process().children().count()).isZero();
        server.process().destroy();
        assertThat(server.process().waitFor(45, TimeUnit.SECONDS)).isTrue();
        assertThat(server.process().exitValue()).as("SIGTERM shuts down gracefully").isEqualTo(143);
    }

    @Test
    void withFastStartOffTheLauncherStartsTheServerFromTheJar() throws Exception {
        Path cache = dir.resolve("cache");
        Server server = serve(JAR, cache, Map.of(FastStart.SWITCH, "off"));

        assertThat(server.log()).containsPattern("Starting Tocsin .*\\(" + java.util.regex.Pattern.quote(JAR.toString()) + " ");
        assertThat(cache).doesNotExist();
    }

    @Test
    void aCommandAfterTheJarWasReplacedLeavesTheCopyARunningServerUses() throws Exception {
        Path jar = Files.copy(JAR, dir.resolve("tocsin.jar"));
        Path cache = dir.resolve("cache");
        Server server = serve(jar, cache, Map.of());
        List<Path> before = entries(cache);
        assertThat(before).hasSize(1);

        // an upgrade in place: the file at the same path changes, then someone runs a command
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
        Process version = command(jar, cache, dir.resolve("version.log"), "--version");
        assertThat(version.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(version.exitValue()).as(Files.readString(dir.resolve("version.log"))).isZero();

        assertThat(entries(cache)).as("the new jar's copy beside the one in use").hasSize(2).containsAll(before);
        assertThat(server.get("/login")).isEqualTo(200);

        // once the server is gone, the next command tidies its copy away
        server.process().destroy();
        assertThat(server.process().waitFor(45, TimeUnit.SECONDS)).isTrue();
        Process again = command(jar, cache, dir.resolve("again.log"), "--version");
        assertThat(again.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(entries(cache)).hasSize(1).doesNotContainAnyElementsOf(before);
    }

    /** An offline command of the jar, with the same cache as the servers. */
    private Process command(Path jar, Path cache, Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("java", "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TOCSIN_CACHE_DIR", cache.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        started.add(p);
        return p;
    }

    private record Server(Process process, Path logFile, int port) {
        String log() throws IOException {
            return Files.readString(logFile);
        }

        int get(String path) throws IOException, InterruptedException {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }

    private Server serve(Path jar, Path cache, Map<String, String> env) throws IOException {
        int port = freePort();
        Path work = Files.createDirectories(dir.resolve("work-" + port));
        Path log = work.resolve("server.log");
        ProcessBuilder pb = new ProcessBuilder("java", "-jar", jar.toString(), "serve", "--config", CONFIG.toString(), "--port", String.valueOf(port))
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TOCSIN_CACHE_DIR", cache.toString());
        pb.environment().put("TOCSIN_ADMIN_TOKEN", "serve-from-jar-0123456789");
        pb.environment().remove("TOCSIN_DB_URL");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        started.add(p);
        Server server = new Server(p, log, port);
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(p.isAlive()).as("the server exited: %s", Files.exists(log) ? Files.readString(log) : "").isTrue();
            try {
                return server.get("/actuator/health") == 200;
            } catch (IOException e) {
                return false;
            }
        });
        return server;
    }

    private static List<Path> entries(Path cache) throws IOException {
        try (Stream<Path> perJar = Files.list(cache)) {
            List<Path> out = new ArrayList<>();
            for (Path j : perJar.toList()) {
                try (Stream<Path> e = Files.list(j)) {
                    e.filter(Files::isDirectory).filter(x -> !x.getFileName().toString().startsWith("extracting-")).forEach(out::add);
                }
            }
            return out;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
