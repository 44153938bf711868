package io.tocsin.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.RecordingWebhook;
import io.tocsin.testing.ServerProcess;
import io.tocsin.testing.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * A node is killed with {@code kill -9} while it is sending a page (the receiver took the request and
 * has not answered). The page goes out again, under the same idempotency key, as soon as the dead
 * node's lease runs out — the provider timeout plus a small margin — not minutes later; and the
 * incident's timeline says which node abandoned which attempt and which node took it over. On
 * PostgreSQL a second node is running all along; on the embedded H2 (one node) the node started
 * again after the crash takes it over.
 */
class DeliveryTakeoverTest {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final Duration MARGIN = Duration.ofSeconds(1);
    static final Duration LEASE = TIMEOUT.plus(MARGIN);
    /** Polling, scheduling and a loaded machine: how much later than its lease a takeover may be seen. */
    static final Duration SLACK = Duration.ofSeconds(2);

    static Stream<TestDatabases.Target> databases() throws IOException {
        Path h2 = Files.createTempDirectory(Path.of("target"), "takeover");
        return Stream.of(new TestDatabases.Target(TestDatabases.Kind.H2,
                "jdbc:h2:file:" + h2.toAbsolutePath().resolve("tocsin") + ";DB_CLOSE_ON_EXIT=FALSE", "sa", ""), TestDatabases.postgres());
    }

    static List<String> settings() {
        return List.of("tocsin.notify.timeout=" + TIMEOUT.toSeconds() + "s", "tocsin.notify.lease-margin=" + MARGIN.toSeconds() + "s",
                "tocsin.notify.poll-interval=100ms", "tocsin.timers.poll-interval=100ms");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aPageAKilledNodeWasSendingIsTakenOverWithinItsLease(TestDatabases.Target db) throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "takeover-" + db.kind());
        boolean shared = db.kind() == TestDatabases.Kind.POSTGRES;
        try (RecordingWebhook hooks = new RecordingWebhook()) {
            hooks.hangFirst("/hook/alice", 1);
            Path org = NodesOrganisation.copy(hooks.baseUrl(), Duration.ofHours(1), Duration.ofHours(2));
            List<ServerProcess> nodes = new ArrayList<>();
            try {
                nodes.add(ServerProcess.start(work, "a", db, settings(), "--config", org.toString()));
                if (shared) {
                    nodes.add(ServerProcess.start(work, "b", db, settings(), "--config", org.toString()));
                }
                nodes.forEach(ServerProcess::awaitUp);
                HttpCalls api = nodes.get(0).api();
                HttpCalls.Answer sent = api.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", NodesOrganisation.KEY,
                        "event_action", "trigger", "dedup_key", "takeover", "payload",
                        Map.of("summary", "API down", "source", "probe", "severity", "critical")));
                assertThat(sent.status()).as(sent.body()).isEqualTo(202);
                String id = api.get("/api/v1/incidents?limit=1").json().get(0).path("id").asString();

                // The receiver has the page and is not answering: the sender is mid-send.
                await().atMost(Duration.ofSeconds(20)).until(() -> hooks.arrivalsTo("/hook/alice").size() == 1);
                String key = hooks.arrivalsTo("/hook/alice").get(0).key();
                JsonNode delivery = page(api, id);
                String sender = delivery.path("leased_by").asString();
                ServerProcess victim = nodes.size() == 1 ? nodes.get(0) : nodes.stream().filter(n -> sender.startsWith(n.pid() + "@"))
                        .findFirst().orElseThrow(() -> new AssertionError("no node is " + sender));
                Instant killed = victim.kill();

                ServerProcess survivor;
                Instant survivorUp;
                if (shared) {
                    survivor = nodes.stream().filter(n -> n != victim).findFirst().orElseThrow();
                    survivorUp = killed;
                } else {
                    survivor = ServerProcess.start(work, "restarted", db, settings(), "--config", org.toString()).awaitUp();
                    nodes.add(survivor);
                    survivorUp = Instant.now();
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> hooks.arrivalsOf(key).size() >= 2);
                Instant resent = hooks.arrivalsOf(key).get(1).at();
                // Within the dead node's lease (provider timeout plus margin), or at once when the node
                // that takes over came up after that; the old fixed lease made this two minutes.
                Instant deadline = later(killed.plus(LEASE), survivorUp).plus(SLACK);
                assertThat(resent).as("killed at %s, lease %s, survivor up at %s", killed, LEASE, survivorUp).isBefore(deadline);

                HttpCalls survivorApi = survivor.api();
                await().atMost(Duration.ofSeconds(10)).until(() -> "SENT".equals(page(survivorApi, id).path("status").asString()));
                JsonNode done = page(survivorApi, id);
                assertThat(done.path("attempts").asInt()).isEqualTo(2);
                assertThat(done.path("leased_by").asString()).startsWith(survivor.pid() + "@");
                // Once more under the same key, and not a third time.
                assertThat(hooks.arrivalsOf(key)).hasSize(2);

                List<JsonNode> timeline = StreamSupport.stream(survivorApi.get("/api/v1/incidents/" + id).json().path("timeline")
                        .spliterator(), false).toList();
                List<String> kinds = timeline.stream().map(e -> e.path("kind").asString())
                        .filter(k -> k.startsWith("DELIVER")).toList();
                assertThat(kinds).as(timeline.toString()).containsExactly("DELIVERY_ABANDONED", "DELIVERY_TAKEN_OVER", "DELIVERED");
                assertThat(text(timeline, "DELIVERY_ABANDONED")).startsWith("webhook to alice by hook: node " + victim.pid() + "@")
                        .contains("stopped while sending it (delivery " + done.path("id").asLong() + ";").contains("same idempotency key");
                assertThat(text(timeline, "DELIVERY_TAKEN_OVER")).startsWith("webhook to alice by hook taken over by node "
                        + survivor.pid() + "@").endsWith(": attempt 2");
            } finally {
                nodes.forEach(ServerProcess::close);
            }
        }
    }

    static JsonNode page(HttpCalls api, String id) {
        for (JsonNode d : api.get("/api/v1/incidents/" + id + "/deliveries").json()) {
            if ("PAGE".equals(d.path("kind").asString()) && "alice".equals(d.path("person_id").asString())) {
                return d;
            }
        }
        throw new AssertionError("no page to alice on " + id);
    }

    static String text(List<JsonNode> timeline, String kind) {
        return timeline.stream().filter(e -> kind.equals(e.path("kind").asString())).findFirst().orElseThrow()
                .path("text").asString();
    }

    static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
