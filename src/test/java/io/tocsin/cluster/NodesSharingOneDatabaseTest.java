package io.tocsin.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.TocsinApplication;
import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Several nodes on one database, each a whole server answering HTTP: what one node decides must hold
 * for all of them. The per-key ingest limit is the cluster's, not each node's; two nodes opening the
 * same alert at once burn no incident number, so incident numbers have no gaps and a round robin
 * that follows them skips nobody; and a node on PostgreSQL without {@code tocsin.public-url} says
 * that its acknowledge links point at itself.
 */
@ExtendWith(OutputCaptureExtension.class)
class NodesSharingOneDatabaseTest {
    static final String TOKEN = "nodes-test-token-0123456789";
    static final String BATCH_KEY = "c3333333333333333333333333333333";
    static final String TURNS_KEY = "e5555555555555555555555555555555";
    static final List<String> BACKEND = List.of("alice", "bob", "carol");

    static Stream<TestDatabases.Target> databases() {
        return Stream.of(TestDatabases.h2(), TestDatabases.postgres());
    }

    /** Acme, plus a service whose only level pages one member of the backend team in turn. */
    static Path organisation() throws IOException {
        Path dir = Files.createTempDirectory("tocsin-nodes-org");
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/orgs/acme"))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Files.writeString(dir.resolve("turns.yaml"), """
                escalation_policies:
                  - id: turns
                    name: Backend takes turns
                    paths:
                      - id: turns
                        levels:
                          - { id: next-member, start: { after: 0m }, notify: [{ team: backend, members: round_robin }] }
                services:
                  - id: turns
                    name: Taking turns
                    team: backend
                    escalation_policy: turns
                    integrations:
                      - { type: pagerduty, key: "%s" }
                """.formatted(TURNS_KEY));
        return dir;
    }

    static List<ConfigurableApplicationContext> nodes(int n, TestDatabases.Target db, String... settings) throws IOException {
        Path org = organisation();
        List<ConfigurableApplicationContext> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.datasource.url=" + db.url(),
                    "--spring.datasource.username=" + db.user(), "--spring.datasource.password=" + db.password(),
                    "--tocsin.admin-token=" + TOKEN, "--tocsin.admin-token-file=target/nodes-token", "--tocsin.handoff.enabled=false",
                    "--tocsin.config.path=" + org));
            for (String s : settings) {
                args.add("--" + s);
            }
            out.add(new SpringApplicationBuilder(TocsinApplication.class).run(args.toArray(String[]::new)));
        }
        return out;
    }

    static HttpCalls api(ConfigurableApplicationContext node) {
        return new HttpCalls("http://localhost:" + ((WebServerApplicationContext) node).getWebServer().getPort(), TOKEN);
    }

    static Map<String, Object> trigger(String key, String dedup) {
        return Map.of("routing_key", key, "event_action", "trigger", "dedup_key", dedup,
                "payload", Map.of("summary", "nightly batch late", "source", "cron", "severity", "warning"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theIngestLimitOfAKeyHoldsForTheClusterNotForEachNode(TestDatabases.Target db) throws Exception {
        // One event a minute after a burst of 30: during this test the bucket refills nothing.
        List<ConfigurableApplicationContext> nodes = nodes(3, db, "tocsin.ingest.rate-per-minute=1", "tocsin.ingest.burst=30");
        try {
            long started = System.nanoTime();
            ExecutorService senders = Executors.newFixedThreadPool(3);
            List<Future<List<HttpCalls.Answer>>> sent = new ArrayList<>();
            for (ConfigurableApplicationContext node : nodes) {
                sent.add(senders.submit(() -> {
                    List<HttpCalls.Answer> answers = new ArrayList<>();
                    for (int i = 0; i < 30; i++) {
                        answers.add(api(node).withToken(null).postJson("/v2/enqueue", trigger(BATCH_KEY, "over-the-limit")));
                    }
                    return answers;
                }));
            }
            List<HttpCalls.Answer> answers = new ArrayList<>();
            for (Future<List<HttpCalls.Answer>> f : sent) {
                answers.addAll(f.get());
            }
            senders.shutdown();
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(took).as("the bucket must not have refilled a token meanwhile").isLessThan(Duration.ofSeconds(50));

            List<HttpCalls.Answer> accepted = answers.stream().filter(a -> a.status() == 202).toList();
            List<HttpCalls.Answer> refused = answers.stream().filter(a -> a.status() != 202).toList();
            // Three nodes, 90 events: the documented 30, not 30 on each node.
            assertThat(accepted.size()).as("accepted of 90 on three nodes").isEqualTo(30);
            assertThat(refused).hasSize(60).allSatisfy(a -> {
                assertThat(a.status()).as(a.body()).isEqualTo(429);
                assertThat(a.json().path("status").asString()).isEqualTo("throttle event");
                assertThat(Long.parseLong(a.header("Retry-After"))).isBetween(1L, 60L);
            });
            JsonNode incident = api(nodes.get(0)).get("/api/v1/incidents?limit=1").json().get(0);
            assertThat(incident.path("event_count").asLong()).isEqualTo(30);
            // Another key has a bucket of its own, on every node.
            for (ConfigurableApplicationContext node : nodes) {
                assertThat(api(node).withToken(null).postJson("/v2/enqueue", trigger("a1111111111111111111111111111111", "other")).status())
                        .isEqualTo(202);
            }
        } finally {
            nodes.forEach(ConfigurableApplicationContext::close);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void duplicateTriggersRacingOnTwoNodesBurnNoIncidentNumberAndTheRoundRobinSkipsNobody(TestDatabases.Target db) throws Exception {
        List<ConfigurableApplicationContext> nodes = nodes(2, db, "tocsin.ingest.rate-per-minute=100000", "tocsin.ingest.burst=100000");
        ExecutorService senders = Executors.newFixedThreadPool(4);
        try {
            int alerts = 24;
            for (int i = 0; i < alerts; i++) {
                // The same alert reaches both nodes twice at the same instant (two Alertmanagers, a retry).
                CountDownLatch go = new CountDownLatch(1);
                List<Future<HttpCalls.Answer>> sends = new ArrayList<>();
                for (int s = 0; s < 4; s++) {
                    HttpCalls node = api(nodes.get(s % 2)).withToken(null);
                    Map<String, Object> event = trigger(TURNS_KEY, "race-" + i);
                    sends.add(senders.submit(() -> {
                        go.await();
                        return node.postJson("/v2/enqueue", event);
                    }));
                }
                go.countDown();
                for (Future<HttpCalls.Answer> f : sends) {
                    HttpCalls.Answer a = f.get();
                    assertThat(a.status()).as(a.body()).isEqualTo(202);
                }
            }
            HttpCalls api = api(nodes.get(1));
            TreeMap<Long, String> paged = new TreeMap<>();
            for (JsonNode incident : api.get("/api/v1/incidents?limit=1000").json()) {
                long number = Long.parseLong(incident.path("id").asString().substring("INC-".length()));
                assertThat(incident.path("event_count").asLong()).as(incident.toString()).isEqualTo(4);
                List<String> people = new ArrayList<>();
                for (JsonNode e : api.get("/api/v1/incidents/" + number).json().path("timeline")) {
                    if ("NOTIFIED".equals(e.path("kind").asString())) {
                        e.path("people").forEach(p -> people.add(p.asString()));
                    }
                }
                assertThat(people).as("INC-%d pages one member", number).hasSize(1);
                paged.put(number, people.get(0));
            }
            // One incident per alert, numbered 1 to 24 without a gap...
            assertThat(paged.keySet()).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, alerts).boxed().toList());
            // ...so the round robin, which follows incident numbers, hands them out in turn.
            paged.forEach((number, person) -> assertThat(person).as("INC-%d", number)
                    .isEqualTo(BACKEND.get((int) ((number - 1) % BACKEND.size()))));
        } finally {
            senders.shutdownNow();
            nodes.forEach(ConfigurableApplicationContext::close);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aNodeWithoutAPublicUrlOrProvidersSaysItsLinksPointAtItselfAndWhoCannotBePaged(TestDatabases.Target db, CapturedOutput output) throws Exception {
        String warning = "tocsin.public-url is not set: acknowledge links in pages point at this node's own address";
        List<ConfigurableApplicationContext> nodes = nodes(1, db);
        try {
            JsonNode links = api(nodes.get(0)).get("/actuator/health").json().path("components").path("links");
            assertThat(links.path("status").asString()).as(links.toString()).isEqualTo("UP");
            assertThat(links.path("details").path("public_url").asString()).startsWith("http://localhost:");
            assertThat(links.path("details").path("warning").asString()).startsWith(warning).contains("cannot open from their phones");
            // No SMTP server and no Twilio here: the organisation's people can be reached by none of their methods.
            JsonNode delivery = api(nodes.get(0)).get("/actuator/health").json().path("components").path("deliveryReadiness");
            assertThat(delivery.path("details").path("missing_providers").path("email").asString()).isEqualTo("spring.mail.host");
            assertThat(delivery.path("details").path("missing_providers").has("sms")).isTrue();
            assertThat(delivery.path("details").path("unreachable_people").valueStream().map(JsonNode::asString))
                    .containsExactly("alice", "bob", "carol", "dan");
            assertThat(output.getOut()).contains("no provider is configured for email (set spring.mail.host), sms")
                    .contains("4 people have no contact method this server can deliver to and will not be paged: alice, bob, carol, dan");
            assertThat(output.getOut()).contains("WARN").contains(warning);
            if (db.kind() == TestDatabases.Kind.POSTGRES) {
                assertThat(links.path("details").path("warning").asString()).contains("differs from node to node");
            } else {
                // One node on its embedded database: nobody else's links to confuse.
                assertThat(links.path("details").path("warning").asString()).doesNotContain("node to node");
            }
        } finally {
            nodes.forEach(ConfigurableApplicationContext::close);
        }
        // Set, and the warning is gone.
        List<ConfigurableApplicationContext> configured = nodes(1, db, "tocsin.public-url=https://tocsin.example.com");
        try {
            JsonNode links = api(configured.get(0)).get("/actuator/health").json().path("components").path("links");
            assertThat(links.path("details").path("public_url").asString()).isEqualTo("https://tocsin.example.com");
            assertThat(links.path("details").has("warning")).isFalse();
        } finally {
            configured.forEach(ConfigurableApplicationContext::close);
        }
    }
}
