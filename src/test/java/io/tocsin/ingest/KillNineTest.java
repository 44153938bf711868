package io.tocsin.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.TestOrganisations;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What an operator does to see what happens: {@code kill -9} the server in the middle of an
 * escalation, start it again on the same database, and check that the next level still fires,
 * once. The server runs as a real process (the same main class as the jar) on the real clock, so
 * the test organisation's second level comes after seconds instead of fifteen minutes.
 */
class KillNineTest {
    static final String TOKEN = "kill-nine-token-0123456789";
    static final Duration SECONDARY_AFTER = Duration.ofSeconds(8);

    @Test
    void aServerKilledWithSigkillMidEscalationLosesNothingAndRepeatsNothing() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "kill-nine");
        Path org = TestOrganisations.copy("src/test/resources/orgs/acme", "unacknowledged_for: 15m",
                "unacknowledged_for: " + SECONDARY_AFTER.toSeconds() + "s");
        String db = "jdbc:h2:file:" + work.toAbsolutePath().resolve("tocsin") + ";DB_CLOSE_ON_EXIT=FALSE";

        Process first = start(work, org, db, "first");
        String id;
        Instant opened;
        try {
            HttpCalls api = awaitUp(first, work, "first");
            HttpCalls.Answer sent = api.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", "a1111111111111111111111111111111",
                    "event_action", "trigger", "dedup_key", "kill-nine", "payload",
                    Map.of("summary", "API down", "source", "probe", "severity", "critical")));
            assertThat(sent.status()).as(sent.body()).isEqualTo(202);
            JsonNode incident = api.get("/api/v1/incidents?limit=1").json().get(0);
            id = incident.path("id").asString();
            opened = Instant.parse(incident.path("opened_at").asString());
            assertThat(levels(api, id)).containsExactly("on-call");
        } finally {
            // SIGKILL: no shutdown hooks, no graceful stop, whatever was in flight is simply gone.
            first.destroyForcibly().waitFor();
        }

        Process second = start(work, org, db, "second");
        try {
            HttpCalls api = awaitUp(second, work, "second");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (levels(api, id).size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            Thread.sleep(1500);
            assertThat(levels(api, id)).as(api.get("/api/v1/incidents/" + id).body()).containsExactly("on-call", "secondary");
            Instant secondaryAt = null;
            for (JsonNode e : api.get("/api/v1/incidents/" + id).json().path("timeline")) {
                if ("secondary".equals(e.path("level").asString())) {
                    secondaryAt = Instant.parse(e.path("at").asString());
                }
            }
            assertThat(secondaryAt).isAfterOrEqualTo(opened.plus(SECONDARY_AFTER));
        } finally {
            second.destroyForcibly().waitFor();
        }
    }

    static Process start(Path work, Path org, String db, String name) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dtocsin.timers.poll-interval=100ms",
                "-Dtocsin.admin-token-file=" + work.resolve("admin-token"), "-Dtocsin.handoff.enabled=false",
                "io.tocsin.Tocsin", "serve", "--config", org.toString(), "--port", String.valueOf(port)));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".log").toFile());
        pb.environment().put("TOCSIN_DB_URL", db);
        pb.environment().put("TOCSIN_ADMIN_TOKEN", TOKEN);
        pb.environment().put("TOCSIN_PORT", String.valueOf(port));
        Files.writeString(work.resolve(name + ".port"), String.valueOf(port));
        return pb.start();
    }

    static HttpCalls awaitUp(Process p, Path work, String name) throws Exception {
        int port = Integer.parseInt(Files.readString(work.resolve(name + ".port")));
        HttpCalls api = new HttpCalls("http://localhost:" + port, TOKEN);
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("the " + name + " server exited: " + Files.readString(work.resolve(name + ".log")));
            }
            try {
                if (api.withToken(null).get("/actuator/health").status() == 200) {
                    return api;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the " + name + " server did not come up: " + Files.readString(work.resolve(name + ".log")));
    }

    static List<String> levels(HttpCalls api, String id) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : api.get("/api/v1/incidents/" + id).json().path("timeline")) {
            if ("NOTIFIED".equals(e.path("kind").asString())) {
                out.add(e.path("level").asString());
            }
        }
        return out;
    }
}
