package io.tocsin.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL cluster of the test's own: Debian's {@code initdb} and {@code pg_ctl}
 * (/usr/lib/postgresql/VERSION/bin, the newest installed) in a temporary directory, on a free port of
 * 127.0.0.1, so stopping it is an outage nobody else sees (the shared server at 127.0.0.1:5432 is
 * never touched). PostgreSQL refuses to run as root, so under root every command runs as the
 * {@code postgres} user through {@code runuser -u postgres --}, which owns the directory.
 */
public final class PostgresCluster implements StoppableDatabase {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgresUser;

    private PostgresCluster(Path bin, Path dir, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** Creates and starts a cluster; fails under CI=true and skips elsewhere when the binaries are missing. */
    public static PostgresCluster create() {
        Path bin = binaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            Path dir = Files.createTempDirectory("tocsin-pg-");
            if (root) {
                run(List.of("chown", "postgres", dir.toString()), dir);
            }
            PostgresCluster cluster = new PostgresCluster(bin, dir, freePort(), root);
            cluster.pg("initdb", "-D", cluster.data(), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--no-locale");
            cluster.start();
            return cluster;
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a PostgreSQL cluster", e);
        }
    }

    private static Path binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        Path found = null;
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                found = versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                        .max(Comparator.comparingInt(b -> version(b.getParent().getFileName().toString())))
                        .orElse(null);
            } catch (IOException e) {
                found = null;
            }
        }
        if (found == null) {
            String why = "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)";
            if (TestDatabases.ci()) {
                Assertions.fail(why + " (CI=true: the outage harness is mandatory)");
            }
            Assumptions.abort(why);
        }
        return found;
    }

    private static int version(String name) {
        try {
            return Integer.parseInt(name.replaceAll("[^0-9].*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private String data() {
        return dir.resolve("data").toString();
    }

    @java.lang.Override
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    @java.lang.Override
    public String user() {
        return "postgres";
    }

    @java.lang.Override
    public void start() {
        pg("pg_ctl", "-D", data(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "60",
                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start");
    }

    /** A fast shutdown: open connections are cut, as when the server or its host goes away. */
    @java.lang.Override
    public void stop() {
        pg("pg_ctl", "-D", data(), "-m", "fast", "-w", "-t", "60", "stop");
    }

    @java.lang.Override
    public void close() {
        try {
            pg("pg_ctl", "-D", data(), "-m", "immediate", "-w", "stop");
        } catch (RuntimeException alreadyStopped) {
            // nothing to stop
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a leftover directory in /tmp is harmless
        }
    }

    private void pg(String program, String... args) {
        List<String> command = new ArrayList<>();
        if (asPostgresUser) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(args));
        run(command, dir);
    }

    private static void run(List<String> command, Path dir) {
        try {
            Path log = Files.createTempFile("tocsin-pg-command-", ".log");
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + COMMAND_TIMEOUT.toSeconds() + " s");
            }
            String output = Files.readString(log);
            Files.deleteIfExists(log);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }
}
