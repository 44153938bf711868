package io.tocsin.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.ServerProcess;
import io.tocsin.testing.TestDatabases;
import io.tocsin.testing.TestOrganisations;
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
 * once. The server runs as a real process (the same main class as the jar, {@link ServerProcess}) on
 * the real clock, so the test organisation's second level comes after seconds instead of fifteen
 * minutes. The crash harness ({@code io.tocsin.cluster.CrashHarnessTest}) does the same under a
 * stream of alerts, many times over.
 */
class KillNineTest {
    static final Duration SECONDARY_AFTER = Duration.ofSeconds(8);
    static final List<String> SETTINGS = List.of("tocsin.timers.poll-interval=100ms");

    @Test
    void aServerKilledWithSigkillMidEscalationLosesNothingAndRepeatsNothing() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "kill-nine");
        Path org = TestOrganisations.copy("src/test/resources/orgs/acme", "unacknowledged_for: 15m",
                "unacknowledged_for: " + SECONDARY_AFTER.toSeconds() + "s");
        TestDatabases.Target db = new TestDatabases.Target(TestDatabases.Kind.H2,
                "jdbc:h2:file:" + work.toAbsolutePath().resolve("data").resolve("tocsin") + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "");

        String id;
        Instant opened;
        try (ServerProcess first = ServerProcess.start(work, "first", db, SETTINGS, "--config", org.toString()).awaitUp()) {
            HttpCalls api = first.api();
            HttpCalls.Answer sent = api.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", "a1111111111111111111111111111111",
                    "event_action", "trigger", "dedup_key", "kill-nine", "payload",
                    Map.of("summary", "API down", "source", "probe", "severity", "critical")));
            assertThat(sent.status()).as(sent.body()).isEqualTo(202);
            JsonNode incident = api.get("/api/v1/incidents?limit=1").json().get(0);
            id = incident.path("id").asString();
            opened = Instant.parse(incident.path("opened_at").asString());
            assertThat(levels(api, id)).containsExactly("on-call");
            // SIGKILL: no shutdown hooks, no graceful stop, whatever was in flight is simply gone.
            first.kill();
        }

        try (ServerProcess second = ServerProcess.start(work, "second", db, SETTINGS, "--config", org.toString()).awaitUp()) {
            HttpCalls api = second.api();
            await("the secondary level after the restart").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> levels(api, id).size() >= 2);
            // It fired once, and stays fired once: a few more timer polls add nothing.
            await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> true);
            assertThat(levels(api, id)).as(api.get("/api/v1/incidents/" + id).body()).containsExactly("on-call", "secondary");
            Instant secondaryAt = null;
            for (JsonNode e : api.get("/api/v1/incidents/" + id).json().path("timeline")) {
                if ("secondary".equals(e.path("level").asString())) {
                    secondaryAt = Instant.parse(e.path("at").asString());
                }
            }
            assertThat(secondaryAt).isAfterOrEqualTo(opened.plus(SECONDARY_AFTER));
        }
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
