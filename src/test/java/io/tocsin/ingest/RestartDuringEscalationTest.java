package io.tocsin.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tocsin.TocsinApplication;
import io.tocsin.incident.TimerWorker;
import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.MutableClock;
import io.tocsin.testing.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The server is stopped in the middle of an escalation and started again on the same database:
 * the next level fires at its time, exactly once.
 */
class RestartDuringEscalationTest {
    static final Instant T0 = Instant.parse("2026-03-29T01:00:00Z");
    static final MutableClock CLOCK = new MutableClock(T0);
    static final String TOKEN = "restart-test-token-0123456789";

    @Configuration
    static class SharedClock {
        @Bean
        @Primary
        MutableClock sharedClock() {
            return CLOCK;
        }
    }

    static Stream<TestDatabases.Target> databases() {
        return Stream.of(new TestDatabases.Target(TestDatabases.Kind.H2,
                "jdbc:h2:file:./target/restart-" + System.nanoTime() + "/tocsin", "sa", ""), TestDatabases.postgres());
    }

    static ConfigurableApplicationContext start(TestDatabases.Target db) {
        return new SpringApplicationBuilder(TocsinApplication.class, SharedClock.class)
                // command-line arguments, because default properties lose to application.yaml
                .run("--server.port=0", "--spring.datasource.url=" + db.url(), "--spring.datasource.username=" + db.user(),
                        "--spring.datasource.password=" + db.password(), "--tocsin.admin-token=" + TOKEN,
                        "--tocsin.admin-token-file=target/restart-token", "--tocsin.timers.poll-interval=50ms",
                        "--spring.main.allow-bean-definition-overriding=true", "--tocsin.config.path=src/test/resources/orgs/acme");
    }

    static HttpCalls api(ConfigurableApplicationContext ctx) {
        int port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
        return new HttpCalls("http://localhost:" + port, TOKEN);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theNextLevelFiresAtItsTimeOnceAfterARestart(TestDatabases.Target db) {
        CLOCK.set(T0);
        String id;
        try (ConfigurableApplicationContext first = start(db)) {
            HttpCalls api = api(first);
            HttpCalls.Answer sent = api.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", "a1111111111111111111111111111111",
                    "event_action", "trigger", "dedup_key", "restart", "payload",
                    Map.of("summary", "API down", "source", "probe", "severity", "critical")));
            assertThat(sent.status()).as(sent.body()).isEqualTo(202);
            id = api.get("/api/v1/incidents?limit=1").json().get(0).path("id").asString();
            assertThat(levels(api, id)).as(api.get("/api/v1/incidents/" + id).body()).containsExactly("on-call");
            CLOCK.advance(Duration.ofMinutes(10));
            // The first node gets a full round at 10 minutes before it stops: nothing may fire early.
            settleTimers(first);
            assertThat(levels(api, id)).containsExactly("on-call");
        }
        CLOCK.advance(Duration.ofMinutes(1));
        try (ConfigurableApplicationContext second = start(db)) {
            HttpCalls api = api(second);
            assertThat(levels(api, id)).containsExactly("on-call");
            CLOCK.set(T0.plus(Duration.ofMinutes(15)));
            await().atMost(Duration.ofSeconds(10)).until(() -> levels(api, id).size() >= 2);
            assertThat(levels(api, id)).containsExactly("on-call", "secondary");
            CLOCK.advance(Duration.ofMinutes(10));
            settleTimers(second);
            assertThat(levels(api, id)).containsExactly("on-call", "secondary");
            JsonNode secondary = null;
            for (JsonNode e : api.get("/api/v1/incidents/" + id).json().path("timeline")) {
                if ("secondary".equals(e.path("level").asString())) {
                    secondary = e;
                }
            }
            assertThat(Instant.parse(secondary.path("at").asString())).isEqualTo(T0.plus(Duration.ofMinutes(15)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aLevelDueWhileEveryNodeWasDownFiresOnceAtStart(TestDatabases.Target db) {
        CLOCK.set(T0);
        String id;
        try (ConfigurableApplicationContext first = start(db)) {
            HttpCalls api = api(first);
            api.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", "a1111111111111111111111111111111",
                    "event_action", "trigger", "dedup_key", "down", "payload",
                    Map.of("summary", "API down", "source", "probe", "severity", "critical")));
            id = api.get("/api/v1/incidents?limit=1").json().get(0).path("id").asString();
        }
        CLOCK.advance(Duration.ofMinutes(20));
        try (ConfigurableApplicationContext second = start(db)) {
            HttpCalls api = api(second);
            await().atMost(Duration.ofSeconds(10)).until(() -> levels(api, id).size() >= 2);
            settleTimers(second);
            assertThat(levels(api, id)).containsExactly("on-call", "secondary");
        }
    }

    /**
     * Invariant 4: three nodes share one database; each due timer fires on exactly one of them, each
     * page is queued and delivered once, and when one node stops in the middle the others carry on.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void threeNodesOnOneDatabaseFireEveryLevelOnceAndAStoppedNodesWorkIsTakenOver(TestDatabases.Target db) {
        CLOCK.set(T0);
        ConfigurableApplicationContext a = start(db);
        ConfigurableApplicationContext b = start(db);
        ConfigurableApplicationContext c = start(db);
        try {
            HttpCalls api = api(a);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                HttpCalls target = api(i % 2 == 0 ? a : b);
                assertThat(target.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", "a1111111111111111111111111111111",
                        "event_action", "trigger", "dedup_key", "nodes-" + i, "payload",
                        Map.of("summary", "API down " + i, "source", "probe", "severity", "critical"))).status()).isEqualTo(202);
            }
            for (JsonNode i : api.get("/api/v1/incidents?limit=30").json()) {
                ids.add(i.path("id").asString());
            }
            assertThat(ids).hasSize(30);
            CLOCK.advance(Duration.ofMinutes(15));
            // One node goes away while the timers are coming due; the other two take its share.
            b.close();
            HttpCalls survivor = api(c);
            await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream().allMatch(id -> levels(survivor, id).size() >= 2));
            settleTimers(c);
            // The deliveries are counted below: wait until every queued page has been expanded into them.
            JdbcClient jdbc = c.getBean(JdbcClient.class);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    jdbc.sql("SELECT COUNT(*) FROM outbox WHERE status = 'PENDING'").query(Integer.class).single() == 0);
            for (String id : ids) {
                assertThat(levels(survivor, id)).as(id).containsExactly("on-call", "secondary");
                List<String> keys = new ArrayList<>();
                for (JsonNode d : survivor.get("/api/v1/incidents/" + id + "/deliveries").json()) {
                    keys.add(d.path("idempotency_key").asString());
                }
                // acme's secondary is reached on one contact method: one delivery, not one per node.
                assertThat(keys.stream().filter(k -> k.contains("|technical/secondary|"))).as(keys.toString()).hasSize(1);
            }
        } finally {
            a.close();
            b.close();
            c.close();
        }
    }

    /**
     * A negative check ("nothing more fired") waits for a finished round, not for a pause: one cycle of
     * the timer worker runs on this thread at the current virtual time, then the test waits until no
     * timer due by now is left in the database. A timer a scheduled poll on any node has claimed stays
     * due until that poll commits, so once none is, everything due by now has fired and is on the
     * timelines, and nothing more can fire until the clock moves.
     */
    static void settleTimers(ConfigurableApplicationContext ctx) {
        TimerWorker timers = ctx.getBean(TimerWorker.class);
        timers.runOnce();
        await().atMost(Duration.ofSeconds(10)).until(() -> timers.nextDue().map(due -> due.isAfter(CLOCK.instant())).orElse(true));
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
