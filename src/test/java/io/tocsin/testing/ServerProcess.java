package io.tocsin.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A Tocsin server as its own operating-system process, started the way an operator starts it
 * ({@code java ... io.tocsin.Tocsin serve ARGS}, the jar's main class), so a test can {@code kill -9}
 * it and start another on the same database. Its output goes to {@code NAME.log} in the work directory.
 */
public final class ServerProcess implements AutoCloseable {
    public static final String TOKEN = "server-process-token-0123456789";

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;

    private ServerProcess(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts {@code serve} with {@code args} on {@code db}; {@code settings} are {@code -Dkey=value}
     * server settings (the same as in {@code application.yaml}).
     */
    public static ServerProcess start(Path work, String name, TestDatabases.Target db, List<String> settings, String... args) {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Many of these share two cores with the build: start fast, stay small.
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx320m",
                "-cp", System.getProperty("java.class.path"), "-Dtocsin.admin-token-file=" + work.resolve(name + "-admin-token"),
                "-Dtocsin.handoff.enabled=false"));
        settings.forEach(s -> command.add("-D" + s));
        command.add("io.tocsin.Tocsin");
        command.add("serve");
        command.addAll(List.of(args));
        command.addAll(List.of("--port", String.valueOf(port)));
        Path log = work.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TOCSIN_DB_URL", db.url());
        pb.environment().put("TOCSIN_DB_USER", db.user());
        pb.environment().put("TOCSIN_DB_PASSWORD", db.password());
        pb.environment().put("TOCSIN_ADMIN_TOKEN", TOKEN);
        pb.environment().remove("TOCSIN_PUBLIC_URL");
        try {
            Process process = pb.start();
            // A test JVM that ends without reaching close() (stopped by a timeout, interrupted) leaves no server behind.
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "stop-" + name));
            return new ServerProcess(name, process, port, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the server answers its health check; fails with its log when it exits or takes too long. */
    public ServerProcess awaitUp() {
        HttpCalls anonymous = api().withToken(null);
        await("the " + name + " server to come up").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .ignoreExceptionsMatching(e -> e instanceof RuntimeException && !(e instanceof IllegalStateException))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("the " + name + " server exited (" + process.exitValue() + "): " + log());
                    }
                    return anonymous.get("/actuator/health").status() == 200;
                });
        return this;
    }

    public HttpCalls api() {
        return new HttpCalls("http://localhost:" + port, TOKEN);
    }

    /** The process id: the part before {@code @} of the node name the server gives itself on timelines and deliveries. */
    public long pid() {
        return process.pid();
    }

    public String name() {
        return name;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no graceful stop; whatever it had in flight is simply gone. Returns when it is dead. */
    public Instant kill() {
        Instant at = Instant.now();
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return at;
    }

    /** Waits for the process to end by itself (a server that refuses to start); returns its exit code. */
    public int awaitExit(Duration within) {
        try {
            if (!process.waitFor(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the " + name + " server is still running: " + log());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @java.lang.Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
