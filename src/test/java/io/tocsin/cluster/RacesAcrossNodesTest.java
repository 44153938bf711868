package io.tocsin.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.TocsinApplication;
import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two nodes on one database, each a whole server answering HTTP, receiving requests at the same
 * instant: what one node decides must hold as if the requests had come one after the other.
 */
class RacesAcrossNodesTest {
    static final String TOKEN = "races-test-token-0123456789";
    static final int SERVICES = 20;

    static Stream<TestDatabases.Target> databases() {
        return Stream.of(TestDatabases.h2(), TestDatabases.postgres());
    }

    static String pdKey(int i) {
        return String.format("d%031d", i);
    }

    static String hbKey(int i) {
        return "hb-race-" + i + "-0123456789";
    }

    /** SEV2 needs a postmortem on the second resolution of a service within 30 days; one service per round. */
    static Path organisation() throws IOException {
        return organisation("shop");
    }

    static Path organisation(String policy) throws IOException {
        Path dir = Files.createTempDirectory("tocsin-races-org");
        Files.writeString(dir.resolve("organisation.yaml"), """
                organisation:
                  id: races
                  name: Races Org
                  time_zone: Europe/London
                  working_week: [mon, tue, wed, thu, fri]
                  business_hours: { start: "09:00", end: "17:00" }
                severities:
                  - id: SEV2
                    name: Major
                    aliases: [error, critical, warning, info]
                    response: page
                    postmortem: { required: when_repeated, within: 48h, repeated: { count: 2, within: 30d } }
                people:
                  - id: alice
                    name: Alice
                    contact_methods:
                      - { id: email, type: email, address: alice@example.com }
                teams:
                  - { id: shop, name: Shop, members: [alice], leads: [alice] }
                escalation_policies:
                  - id: %s
                    name: Shop escalation
                    paths:
                      - id: technical
                        levels:
                          - { id: on-call, start: { after: 0m }, notify: [{ person: alice }] }
                """.formatted(policy));
        StringBuilder services = new StringBuilder("services:\n");
        for (int i = 0; i < SERVICES; i++) {
            services.append("""
                      - id: svc-%d
                        name: Service %d
                        team: shop
                        escalation_policy: %s
                        integrations:
                          - { type: pagerduty, key: "%s" }
                          - { type: heartbeat, key: "%s", interval: 5m }
                    """.formatted(i, i, policy, pdKey(i), hbKey(i)));
        }
        Files.writeString(dir.resolve("services.yaml"), services.toString());
        return dir;
    }

    static List<ConfigurableApplicationContext> nodes(int n, TestDatabases.Target db) throws IOException {
        Path org = organisation();
        List<ConfigurableApplicationContext> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new SpringApplicationBuilder(TocsinApplication.class).run("--server.port=0", "--spring.datasource.url=" + db.url(),
                    "--spring.datasource.username=" + db.user(), "--spring.datasource.password=" + db.password(),
                    "--tocsin.admin-token=" + TOKEN, "--tocsin.admin-token-file=target/races-token", "--tocsin.handoff.enabled=false",
                    "--tocsin.ingest.rate-per-minute=100000", "--tocsin.ingest.burst=100000", "--tocsin.config.path=" + org));
        }
        return out;
    }

    static HttpCalls api(ConfigurableApplicationContext node) {
        return new HttpCalls("http://localhost:" + ((WebServerApplicationContext) node).getWebServer().getPort(), TOKEN);
    }

    static Map<String, Object> event(String key, String action, String dedup) {
        return Map.of("routing_key", key, "event_action", action, "dedup_key", dedup,
                "payload", Map.of("summary", "checkout failing " + dedup, "source", "probe", "severity", "error"));
    }

    /**
     * A service's two incidents cleared at the same instant, one on each node (two monitoring sources,
     * two load-balanced requests). One after the other, the second resolution is the service's second
     * within 30 days and requires a postmortem (docs/configuration.md, {@code when_repeated}); at once,
     * neither may be left without one.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void twoIncidentsOfOneServiceResolvedAtOnceStillRequireTheRepeatedPostmortem(TestDatabases.Target db) throws Exception {
        List<ConfigurableApplicationContext> nodes = nodes(2, db);
        ExecutorService senders = Executors.newFixedThreadPool(2);
        try {
            HttpCalls admin = api(nodes.get(0));
            List<String> missed = new ArrayList<>();
            for (int i = 0; i < SERVICES; i++) {
                List<Long> ids = new ArrayList<>();
                for (String dedup : List.of("a", "b")) {
                    HttpCalls.Answer opened = admin.withToken(null).postJson("/v2/enqueue", event(pdKey(i), "trigger", dedup));
                    assertThat(opened.status()).as(opened.body()).isEqualTo(202);
                }
                for (var incident : admin.get("/api/v1/incidents?limit=1000").json()) {
                    if (incident.path("service").asString().equals("svc-" + i)) {
                        ids.add(incident.path("number").asLong());
                    }
                }
                assertThat(ids).hasSize(2);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<HttpCalls.Answer>> sends = new ArrayList<>();
                for (int s = 0; s < 2; s++) {
                    HttpCalls node = api(nodes.get(s)).withToken(null);
                    Map<String, Object> resolve = event(pdKey(i), "resolve", s == 0 ? "a" : "b");
                    sends.add(senders.submit(() -> {
                        go.await();
                        return node.postJson("/v2/enqueue", resolve);
                    }));
                }
                go.countDown();
                for (Future<HttpCalls.Answer> f : sends) {
                    HttpCalls.Answer a = f.get();
                    assertThat(a.status()).as(a.body()).isEqualTo(202);
                }
                int postmortems = 0;
                for (long id : ids) {
                    assertThat(admin.get("/api/v1/incidents/" + id).json().path("incident").path("status").asString()).isEqualToIgnoringCase("RESOLVED");
                    int status = admin.get("/api/v1/incidents/" + id + "/postmortem").status();
                    assertThat(status).isIn(200, 404);
                    postmortems += status == 200 ? 1 : 0;
                }
                if (postmortems != 1) {
                    missed.add("svc-" + i + " (INC-" + ids.get(0) + ", INC-" + ids.get(1) + "): " + postmortems + " postmortem(s)");
                }
            }
            assertThat(missed).as("services whose second resolution within 30 days required no postmortem").isEmpty();
        } finally {
            senders.shutdownNow();
            nodes.forEach(ConfigurableApplicationContext::close);
        }
    }

    /**
     * A heartbeat monitor's first beat reaching both nodes at once (the sender retried, or two cron hosts
     * share the key): both are beats, and both are answered 2xx, never a 5xx.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theFirstBeatOfAMonitorArrivingOnTwoNodesAtOnceIsAcceptedOnBoth(TestDatabases.Target db) throws Exception {
        List<ConfigurableApplicationContext> nodes = nodes(2, db);
        ExecutorService senders = Executors.newFixedThreadPool(4);
        try {
            List<String> failed = new ArrayList<>();
            for (int i = 0; i < SERVICES; i++) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<HttpCalls.Answer>> sends = new ArrayList<>();
                for (int s = 0; s < 4; s++) {
                    HttpCalls node = api(nodes.get(s % 2)).withToken(null);
                    String path = "/api/v1/heartbeats/" + hbKey(i);
                    sends.add(senders.submit(() -> {
                        go.await();
                        return node.postJson(path, "{}");
                    }));
                }
                go.countDown();
                for (Future<HttpCalls.Answer> f : sends) {
                    HttpCalls.Answer a = f.get();
                    if (a.status() != 202) {
                        failed.add(hbKey(i) + ": " + a.status() + " " + a.body());
                    }
                }
            }
            assertThat(failed).as("first beats not accepted").isEmpty();
        } finally {
            senders.shutdownNow();
            nodes.forEach(ConfigurableApplicationContext::close);
        }
    }

    /**
     * A configuration that removes a policy wakes the incidents that followed it at once
     * ({@code Incidents.wakeNow}), while people keep working on those incidents through the other node.
     * Both are ordinary requests: neither may be answered 5xx, and the activation must not be answered
     * 5xx after it was stored.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aPolicyRemovedWhileItsIncidentsAreWorkedOnAnswersNo5xx(TestDatabases.Target db) throws Exception {
        List<ConfigurableApplicationContext> nodes = nodes(2, db);
        ExecutorService workers = Executors.newFixedThreadPool(4);
        try {
            HttpCalls admin = api(nodes.get(0));
            for (int i = 0; i < SERVICES; i++) {
                for (int k = 0; k < 8; k++) {
                    HttpCalls.Answer opened = admin.withToken(null).postJson("/v2/enqueue", event(pdKey(i), "trigger", "k" + k));
                    assertThat(opened.status()).as(opened.body()).isEqualTo(202);
                }
            }
            List<Long> ids = new ArrayList<>();
            for (var incident : admin.get("/api/v1/incidents?limit=1000").json()) {
                ids.add(incident.path("number").asLong());
            }
            assertThat(ids).hasSize(SERVICES * 8);
            Path next = organisation("shop-v2");
            List<Map<String, String>> files = new ArrayList<>();
            try (Stream<Path> list = Files.list(next)) {
                for (Path f : list.sorted().toList()) {
                    files.add(Map.of("name", f.getFileName().toString(), "text", Files.readString(f)));
                }
            }
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            List<String> failed = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.atomic.AtomicInteger notes = new java.util.concurrent.atomic.AtomicInteger();
            List<Future<Integer>> loops = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                int first = w;
                HttpCalls other = api(nodes.get(1));
                loops.add(workers.submit(() -> {
                    int n = 0;
                    while (!stop.get()) {
                        for (int j = first; j < ids.size() && !stop.get(); j += 3) {
                            HttpCalls.Answer a = other.postJson("/api/v1/incidents/" + ids.get(j) + "/notes", Map.of("text", "looking"));
                            n++;
                            notes.incrementAndGet();
                            if (a.status() >= 500) {
                                failed.add("note on INC-" + ids.get(j) + ": " + a.status() + " " + a.body());
                            }
                        }
                    }
                    return n;
                }));
            }
            // the notes are under way before the activation, and go on after it
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> notes.get() >= 30);
            HttpCalls.Answer activated = admin.postJson("/api/v1/config", Map.of("files", files, "confirm", true));
            int afterwards = notes.get() + 30;
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> notes.get() >= afterwards);
            stop.set(true);
            for (Future<Integer> f : loops) {
                f.get();
            }
            if (activated.status() >= 500) {
                failed.add("activation: " + activated.status() + " " + activated.body() + "; active version now "
                        + admin.get("/api/v1/config/active").json().path("version").asLong());
            } else {
                assertThat(activated.status()).as(activated.body()).isEqualTo(201);
            }
            assertThat(failed).as("requests answered 5xx").isEmpty();
        } finally {
            workers.shutdownNow();
            nodes.forEach(ConfigurableApplicationContext::close);
        }
    }
}
