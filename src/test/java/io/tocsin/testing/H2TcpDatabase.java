package io.tocsin.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * H2 served over TCP, from a file in a temporary directory, by a process of its own: the one way an
 * H2 database can go away under a running Tocsin (the embedded one lives in its process), so the
 * outage harness meets H2's own failures too. Stopping the process cuts every connection; the file
 * keeps the data.
 */
public final class H2TcpDatabase implements StoppableDatabase {
    private final Path dir;
    private final int port;
    private Process server;

    private H2TcpDatabase(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static H2TcpDatabase create() {
        try {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            H2TcpDatabase db = new H2TcpDatabase(Files.createTempDirectory("tocsin-h2-"), port);
            db.start();
            return db;
        } catch (IOException e) {
            throw new IllegalStateException("cannot create an H2 database directory", e);
        }
    }

    @java.lang.Override
    public String jdbcUrl() {
        return "jdbc:h2:tcp://127.0.0.1:" + port + "/tocsin";
    }

    @java.lang.Override
    public String user() {
        return "sa";
    }

    @java.lang.Override
    public synchronized void start() {
        try {
            String h2 = Path.of(org.h2.tools.Server.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            server = new ProcessBuilder(List.of(java, "-cp", h2, "org.h2.tools.Server", "-tcp", "-tcpPort", String.valueOf(port),
                    "-baseDir", dir.toString(), "-ifNotExists"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot start the H2 TCP server", e);
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(this::accepts);
    }

    private boolean accepts() throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        }
    }

    /** SIGTERM: H2 closes the database cleanly, as a stopped database server does. */
    @java.lang.Override
    public synchronized void stop() {
        if (server != null) {
            server.destroy();
            try {
                if (!server.waitFor(30, TimeUnit.SECONDS)) {
                    server.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server = null;
        }
    }

    @java.lang.Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a leftover directory in /tmp is harmless
        }
    }
}
