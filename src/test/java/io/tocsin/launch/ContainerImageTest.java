package io.tocsin.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.TestDatabases;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The container image (docs/deploy.md): built by the {@code image} profile exactly as a user builds
 * it, then read and run. Slow (minutes; the first run on a machine also builds the base image from
 * Debian packages, about ten), so it runs with CI=true, or with -Dtocsin.image-test=true.
 *
 * <p>This machine reaches no container registry, so the base is {@code deploy/image/build-base-image.sh}'s
 * (Debian bookworm and its openjdk-17-jre-headless, cached under ~/.cache/tocsin/base-image), given to
 * the profile as {@code -Dtocsin.image.base=tar://...}; everything else is the profile's own. The image is
 * run with Debian's podman: one node on the embedded database with its state volume, restarted, and
 * two nodes started together on one PostgreSQL schema, as the Helm chart runs them.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerImageTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String IMAGE = "localhost/tocsin-image-test:" + RUN;
    private static final String TOKEN = "image-test-admin-token-" + RUN;
    private static final String PUBLIC_URL = "https://oncall.image-test.example";
    /** web-platform, not the demo the image runs without configuration: proof the mounted files were read */
    private static final Path ORGANISATION = Path.of("examples/web-platform");
    private static final String PAGERDUTY_KEY = "2b3c4d5e6f708192a3b4c5d6e7f80912";
    private static final Duration START = Duration.ofMinutes(4);

    private static final Path TAR = Path.of("target/jib-image.tar");
    private static final List<String> containers = new ArrayList<>();
    private static final List<String> volumes = new ArrayList<>();
    private static JsonNode config;
    /** every file of every layer, as `tar -tv` lists it (mode, owner, path) */
    private static String listing;
    private static boolean loaded;

    @TempDir
    static Path work;

    @BeforeAll
    static void buildTheImage() throws Exception {
        if (!TestDatabases.ci() && !Boolean.getBoolean("tocsin.image-test")) {
            Assumptions.abort("builds and runs the container image (minutes): runs with CI=true or -Dtocsin.image-test=true");
        }
        DeploymentFilesTest.Result base = DeploymentFilesTest.run("deploy/image/build-base-image.sh");
        assertThat(base.exit()).as("building the base image from Debian packages (needs root and debootstrap): %s", base.output()).isZero();
        String baseTar = base.output().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(Path.of(baseTar)).isRegularFile();
        ContainerImageTest.baseTar = baseTar;

        Files.deleteIfExists(TAR);
        // Only the goal, not the lifecycle: the build running this test compiled the classes already
        DeploymentFilesTest.Result jib = DeploymentFilesTest.run("./mvnw", "-q", "-B", "-Pimage", "jib:buildTar",
                "-Dtocsin.image.base=tar://" + baseTar, "-Dtocsin.image.name=" + IMAGE);
        assertThat(jib.exit()).as("./mvnw -Pimage jib:buildTar: %s", jib.output()).isZero();
        assertThat(TAR).isRegularFile();

        Path image = Files.createDirectories(work.resolve("image"));
        tar("-xf", TAR.toString(), "-C", image.toString());
        JsonNode index = JSON.readTree(image.resolve("index.json").toFile());
        assertThat(index.at("/manifests/0/annotations/org.opencontainers.image.ref.name").asString()).isEqualTo(IMAGE);
        JsonNode manifest = JSON.readTree(blob(image, index.at("/manifests/0/digest").asString()).toFile());
        assertThat(manifest.path("mediaType").asString()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        config = JSON.readTree(blob(image, manifest.at("/config/digest").asString()).toFile());
        StringBuilder entries = new StringBuilder();
        for (JsonNode layer : manifest.path("layers")) {
            entries.append(tar("--numeric-owner", "-tvzf", blob(image, layer.path("digest").asString()).toString()));
        }
        listing = entries.toString();
    }

    @AfterAll
    static void removeWhatRan() throws Exception {
        for (String c : containers) {
            // -v: with the anonymous volume the image's VOLUME gave it
            podman("rm", "-f", "-v", "-t", "0", c);
        }
        for (String v : volumes) {
            podman("volume", "rm", "-f", v);
        }
        if (loaded) {
            podman("rmi", "-f", IMAGE);
        }
    }

    @Test
    @Order(1)
    void theImageRunsServeAsANonRootUserWithItsStateInAVolume() {
        JsonNode c = config.path("config");
        assertThat(c.path("User").asString()).isEqualTo("10001:0");
        assertThat(list(c.path("Entrypoint"))).containsSubsequence("java", "-cp", "@/app/jib-classpath-file", "io.tocsin.Tocsin");
        assertThat(list(c.path("Cmd"))).containsExactly("serve");
        assertThat(c.path("ExposedPorts").has("8080/tcp")).isTrue();
        assertThat(c.path("WorkingDir").asString()).isEqualTo("/var/lib/tocsin");
        assertThat(c.path("Volumes").has("/var/lib/tocsin")).isTrue();
        assertThat(list(c.path("Env"))).contains("TOCSIN_DATA_DIR=/var/lib/tocsin/data")
                .anySatisfy(e -> assertThat(e).startsWith("PATH="));

        assertThat(listing).contains(" app/classes/io/tocsin/Tocsin.class", " app/resources/application.yaml",
                " app/resources/demo/organisation.yaml", " app/jib-classpath-file");
        assertThat(listing).containsPattern(" app/libs/picocli-[0-9.]+\\.jar").containsPattern(" app/libs/flyway-core-[0-9.]+\\.jar");
        // only what runs: no test dependency
        assertThat(listing).doesNotContainPattern("app/libs/(junit|assertj|selenium|jazzer|jmh)");
        // the state directory: group 0 may write it, so user 10001 (group 0) makes its data directory there
        assertThat(listing).containsPattern("(?m)^drwxrwx--- 0/0 .* var/lib/tocsin/$");
        assertThat(listing).containsPattern("(?m)^-rwxr-xr-x 0/0 .* usr/local/bin/tocsin$");
    }

    @Test
    @Order(2)
    void oneNodeOnTheEmbeddedDatabaseServesItsMountedConfigurationAndKeepsItsDataAcrossARestart() throws Exception {
        load();
        String volume = "tocsin-image-test-" + RUN;
        volumes.add(volume);
        int port = freePort();
        String name = "tocsin-image-test-h2-" + RUN;
        containers.add(name);
        PodmanResult run = podman(runOptions(List.of("-d", "--name", name, "-p", "127.0.0.1:" + port + ":8080",
                "-v", volume + ":/var/lib/tocsin", "-v", organisation() + ":/etc/tocsin/config:ro",
                "-e", "TOCSIN_CONFIG_PATH=/etc/tocsin/config", "-e", "TOCSIN_ADMIN_TOKEN=" + TOKEN,
                "-e", "TOCSIN_PUBLIC_URL=" + PUBLIC_URL), IMAGE));
        assertThat(run.exit()).as("podman run: %s", run.output()).isZero();
        HttpCalls api = awaitReady(name, port);

        assertThat(api.withToken(null).get("/actuator/health/liveness").body()).contains("\"UP\"");
        assertThat(api.get("/actuator/health").json().at("/components/links/details/public_url").asString()).isEqualTo(PUBLIC_URL);
        assertThat(api.get("/api/v1/directory").body()).contains("backend-api");
        String trigger = """
                {"routing_key":"%s","event_action":"trigger","dedup_key":"image-test","payload":{"summary":"disk full on db-1 (image test)","source":"db-1","severity":"critical"}}"""
                .formatted(PAGERDUTY_KEY);
        assertThat(api.withToken(null).post("/v2/enqueue", "application/json", trigger).status()).isEqualTo(202);
        // the command line inside the image, with the token the container was given
        PodmanResult cli = podman("exec", name, "tocsin", "incident", "list");
        assertThat(cli.exit()).as("tocsin incident list: %s", cli.output()).isZero();
        assertThat(cli.output()).contains("disk full on db-1 (image test)");

        PodmanResult files = podman("exec", name, "ls", "-ln", "/var/lib/tocsin/data");
        assertThat(files.output()).containsPattern("-rw------- 1 10001 0 +\\d+ .* tocsin\\.mv\\.db");
        PodmanResult dir = podman("exec", name, "stat", "-c", "%a %u", "/var/lib/tocsin/data");
        assertThat(dir.output().strip()).isEqualTo("700 10001");

        // a stop is a SIGTERM the JVM shuts down on; the volume keeps the database for the next start
        assertThat(podman("stop", "-t", "30", name).exit()).isZero();
        assertThat(podman("inspect", "-f", "{{.State.ExitCode}}", name).output().strip()).isEqualTo("143");
        assertThat(podman("start", name).exit()).isZero();
        HttpCalls again = awaitReady(name, port);
        assertThat(again.get("/api/v1/incidents").body()).contains("disk full on db-1 (image test)");
        // the machine's cores are for the nodes of the next test
        podman("stop", "-t", "30", name);
    }

    @Test
    @Order(3)
    void twoNodesStartedTogetherOnOnePostgresqlMigrateOnceAndShareTheWork() throws Exception {
        load();
        TestDatabases.Target db = TestDatabases.postgres();
        List<String> names = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int port = freePort();
            String name = "tocsin-image-test-pg" + i + "-" + RUN;
            containers.add(name);
            names.add(name);
            ports.add(port);
            // As the Helm chart runs it: its own user and group, a read-only root with /tmp and the state
            // directory as scratch space (the chart's emptyDirs, which the pod's fsGroup may write; podman's U
            // gives the tmpfs to the container's user the same way), no capability, no privilege escalation.
            // The host's network: PostgreSQL listens on the host's loopback address.
            PodmanResult run = podman(runOptions(List.of("-d", "--name", name, "--network", "host",
                    "--user", "10001:10001", "--read-only", "--tmpfs", "/tmp:mode=1777", "--tmpfs", "/var/lib/tocsin:U",
                    "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                    "-v", organisation() + ":/etc/tocsin/config:ro", "-e", "TOCSIN_CONFIG_PATH=/etc/tocsin/config",
                    "-e", "TOCSIN_PORT=" + port, "-e", "TOCSIN_DB_URL=" + db.url(), "-e", "TOCSIN_DB_USER=" + db.user(),
                    "-e", "TOCSIN_DB_PASSWORD=" + db.password(), "-e", "TOCSIN_ADMIN_TOKEN=" + TOKEN,
                    "-e", "TOCSIN_PUBLIC_URL=" + PUBLIC_URL), IMAGE));
            assertThat(run.exit()).as("podman run: %s", run.output()).isZero();
        }
        HttpCalls first = awaitReady(names.get(0), ports.get(0));
        HttpCalls second = awaitReady(names.get(1), ports.get(1));

        // every migration ran once, whichever node got Flyway's lock first
        long migrations;
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            migrations = files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
        }
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT version) FROM flyway_schema_history WHERE success AND version IS NOT NULL")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(migrations);
            assertThat(rs.getLong(2)).isEqualTo(migrations);
        }
        String trigger = """
                {"routing_key":"%s","event_action":"trigger","dedup_key":"image-test-pg","payload":{"summary":"queue stuck (image test)","source":"mq-1","severity":"critical"}}"""
                .formatted(PAGERDUTY_KEY);
        assertThat(first.withToken(null).post("/v2/enqueue", "application/json", trigger).status()).isEqualTo(202);
        assertThat(second.get("/api/v1/incidents").body()).contains("queue stuck (image test)");
        PodmanResult cli = podman("exec", names.get(1), "tocsin", "incident", "list");
        assertThat(cli.output()).contains("queue stuck (image test)");
    }

    private static synchronized void load() throws Exception {
        if (loaded) {
            return;
        }
        requirePodman();
        PodmanResult load = podman("load", "-i", TAR.toAbsolutePath().toString());
        assertThat(load.exit()).as("podman load: %s", load.output()).isZero();
        assertThat(load.output()).contains(IMAGE);
        loaded = true;
    }

    private static String baseTar;
    private static String cannotRun;

    private static void requirePodman() throws Exception {
        boolean present = Files.isExecutable(Path.of("/usr/bin/podman"));
        if (!present) {
            assertThat(TestDatabases.ci()).as("CI=true: running the image needs Debian's podman and runc (apt-get install podman runc)").isFalse();
            Assumptions.abort("podman is not installed");
        }
        // Whether podman can start any container on this machine at all (a sandbox may forbid the
        // namespaces it needs): the Debian base alone runs /bin/true. If it cannot, running Tocsin's
        // image here says nothing about the image, and the issue asks for the run only where podman
        // can run; if it can, every check below must hold.
        if (cannotRun == null) {
            PodmanResult load = podman("load", "-i", baseTar);
            String image = load.output().lines().filter(l -> l.startsWith("Loaded image")).map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst().orElse("");
            PodmanResult probe = image.isEmpty() ? load : podman(runOptions(List.of("--rm"), image, "/bin/true"));
            cannotRun = probe.exit() == 0 ? "" : "podman cannot start a container on this machine (" + probe.output().strip() + ")";
        }
        Assumptions.assumeTrue(cannotRun.isEmpty(), cannotRun);
    }

    /**
     * podman run with what this kind of machine needs: runc, since the crun of Debian 12 refuses a
     * hybrid cgroup hierarchy; and open-file and process limits within the caller's own, since podman
     * raises them by default and a root without CAP_SYS_RESOURCE may not.
     */
    private static String[] runOptions(List<String> options, String image, String... command) throws IOException {
        List<String> out = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/sbin/runc")) || Files.isExecutable(Path.of("/usr/bin/runc"))) {
            out.addAll(List.of("--runtime", "runc"));
        }
        out.add("run");
        // plenty for the server (Tomcat's 8192 connections, a few hundred threads), and what this machine allows
        Map<String, Long> limits = hardLimits();
        long files = Math.min(limits.get("Max open files"), 16384);
        long processes = Math.min(limits.get("Max processes"), 4096);
        out.addAll(List.of("--ulimit", "nofile=" + files + ":" + files, "--ulimit", "nproc=" + processes + ":" + processes));
        out.addAll(options);
        out.add(image);
        out.addAll(List.of(command));
        return out.toArray(String[]::new);
    }

    private static Map<String, Long> hardLimits() throws IOException {
        Map<String, Long> out = new java.util.HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            for (String limit : List.of("Max open files", "Max processes")) {
                if (line.startsWith(limit)) {
                    String[] fields = line.substring(limit.length()).trim().split("\\s+");
                    out.put(limit, fields[1].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(fields[1]));
                }
            }
        }
        return out;
    }

    /** Waits for the readiness probe as an orchestrator does; fails with the container's log. */
    private static HttpCalls awaitReady(String name, int port) {
        HttpCalls api = new HttpCalls("http://127.0.0.1:" + port, TOKEN);
        await(name + " to be ready").atMost(START).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptionsMatching(e -> !(e instanceof IllegalStateException))
                .until(() -> {
                    String state = podman("inspect", "-f", "{{.State.Status}}", name).output().strip();
                    if (!state.equals("running")) {
                        throw new IllegalStateException(name + " is " + state + ": " + podman("logs", name).output());
                    }
                    return api.withToken(null).get("/actuator/health/readiness").status() == 200;
                });
        return api;
    }

    /** A copy readable by the container's user, whatever the checkout's permissions. */
    private static Path organisation() throws IOException, InterruptedException {
        Path dir = work.resolve("organisation");
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            try (Stream<Path> files = Files.list(ORGANISATION)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                    Files.copy(f, dir.resolve(f.getFileName()));
                }
            }
            run("chmod", "-R", "a+rX", work.toString());
        }
        return dir.toAbsolutePath();
    }

    record PodmanResult(int exit, String output) {
    }

    private static PodmanResult podman(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(args));
        DeploymentFilesTest.Result r = DeploymentFilesTest.run(command.toArray(String[]::new));
        return new PodmanResult(r.exit(), r.output());
    }

    private static void run(String... command) throws IOException, InterruptedException {
        DeploymentFilesTest.Result r = DeploymentFilesTest.run(command);
        assertThat(r.exit()).as("%s: %s", String.join(" ", command), r.output()).isZero();
    }

    private static String tar(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tar", "--warning=no-unknown-keyword"));
        command.addAll(List.of(args));
        DeploymentFilesTest.Result r = DeploymentFilesTest.run(command.toArray(String[]::new));
        assertThat(r.exit()).as("tar: %s", r.output()).isZero();
        return r.output();
    }

    private static Path blob(Path image, String digest) {
        return image.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    }

    private static List<String> list(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
