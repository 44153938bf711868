package io.tocsin.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tocsin.testing.StoppableDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The outage harness: a real server on a database server of the test's own, under a steady load of
 * alerts and API reads; the database server is stopped for {@link #OUTAGE} and started again. While it
 * is down every alert and API call is answered 503 with Retry-After within two seconds, health and
 * readiness say DOWN at once (liveness stays UP: a restart cannot bring a database back), and when it
 * is back everything resumes by itself. No alert answered 2xx is missing from the database.
 *
 * <p>The outage lasts {@code TOCSIN_OUTAGE_SECONDS} (environment, or the system property
 * {@code tocsin.outage.seconds}): 5 s by default, 30 s for the full run (docs/operations.md).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + DatabaseOutageContract.TOKEN,
        "tocsin.config.path=src/test/resources/orgs/acme",
        "tocsin.admin-token-file=target/test-admin-token",
        "tocsin.ingest.rate-per-minute=1000000", "tocsin.ingest.burst=1000000"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
abstract class DatabaseOutageContract {
    static final String TOKEN = "outage-token-0123456789";
    static final String KEY = "a1111111111111111111111111111111";
    static final Duration OUTAGE = Duration.ofSeconds(Long.parseLong(System.getenv().getOrDefault("TOCSIN_OUTAGE_SECONDS",
            System.getProperty("tocsin.outage.seconds", "5"))));
    static final Duration WITHIN = Duration.ofSeconds(2);
    static final long EVENTS_EVERY_MS = 50;

    /** One answered call: what was sent, when (System.nanoTime), and what came back (-1: no answer at all). */
    record Call(boolean event, String dedupKey, long sent, long answered, int status, String retryAfter, String error) {
        Duration took() {
            return Duration.ofNanos(answered - sent);
        }
    }

    @LocalServerPort
    int port;

    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final Queue<Call> calls = new ConcurrentLinkedQueue<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicLong sequence = new AtomicLong();
    ScheduledExecutorService load;

    abstract StoppableDatabase database();

    @AfterEach
    void stopLoad() {
        if (load != null) {
            load.shutdownNow();
        }
    }

    @Test
    void aDatabaseOutageIsAnswered503WithRetryAfterAndEverythingResumesByItself() throws Exception {
        load = Executors.newSingleThreadScheduledExecutor();
        load.scheduleAtFixedRate(this::sendEvent, 0, EVENTS_EVERY_MS, TimeUnit.MILLISECONDS);
        load.scheduleAtFixedRate(this::readIncidents, 25, 500, TimeUnit.MILLISECONDS);
        await().atMost(Duration.ofSeconds(60)).until(() -> answered(202, 0) >= 20);

        database().stop();
        long down = System.nanoTime();
        // Health and readiness say so at once, without waiting on the database; liveness stays UP.
        await().atMost(WITHIN.plusSeconds(1)).pollInterval(Duration.ofMillis(100)).until(() -> health("/actuator/health") == 503);
        assertThat(health("/actuator/health/readiness")).isEqualTo(503);
        assertThat(health("/actuator/health/liveness")).isEqualTo(200);
        await().atMost(OUTAGE.plusSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> System.nanoTime() - down >= OUTAGE.toNanos() && answered(503, down) >= 10);
        assertThat(health("/actuator/health")).isEqualTo(503);

        long starting = System.nanoTime();
        database().start();
        long up = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).until(() -> answered(202, up) >= 20);
        await().atMost(Duration.ofSeconds(10)).until(() -> health("/actuator/health") == 200
                && health("/actuator/health/readiness") == 200);
        load.shutdown();
        assertThat(load.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> inFlight.get() == 0);

        List<Call> all = List.copyOf(calls);
        // Nothing but stored (2xx) or "come back" (503 with Retry-After); never a 500, never no answer.
        assertThat(all).allSatisfy(c -> {
            assertThat(c.status()).as("%s", c).isIn(c.event() ? 202 : 200, 503);
            if (c.status() == 503) {
                assertThat(c.retryAfter()).as("Retry-After of %s", c).matches("[1-9][0-9]*");
            }
        });
        // While the database was down: only 503, each within two seconds.
        List<Call> duringOutage = all.stream().filter(c -> c.sent() >= down && c.answered() <= starting).toList();
        assertThat(duringOutage).hasSizeGreaterThan(10).allSatisfy(c -> {
            assertThat(c.status()).as("%s", c).isEqualTo(503);
            assertThat(c.took()).as("%s", c).isLessThan(WITHIN);
        });
        assertThat(duringOutage).anyMatch(c -> !c.event());
        // Once it was back, the load is served again as before.
        List<Call> lastEvents = all.stream().filter(c -> c.event() && c.sent() > up).sorted(java.util.Comparator.comparingLong(Call::sent))
                .toList();
        assertThat(lastEvents.subList(lastEvents.size() - 10, lastEvents.size())).allSatisfy(c -> assertThat(c.status()).isEqualTo(202));
        // Every alert answered 2xx is in the database.
        Set<String> accepted = all.stream().filter(c -> c.event() && c.status() == 202).map(Call::dedupKey).collect(Collectors.toSet());
        assertThat(storedDedupKeys()).containsAll(accepted);
    }

    long answered(int status, long sentAfter) {
        return calls.stream().filter(c -> c.status() == status && c.sent() >= sentAfter).count();
    }

    void sendEvent() {
        String dedup = "outage-" + sequence.incrementAndGet();
        send(true, dedup, HttpRequest.newBuilder(URI.create(base() + "/v2/enqueue"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"routing_key\":\"" + KEY + "\",\"event_action\":\"trigger\",\"dedup_key\":\""
                        + dedup + "\",\"payload\":{\"summary\":\"API down\",\"source\":\"probe\",\"severity\":\"critical\"}}")));
    }

    void readIncidents() {
        send(false, null, HttpRequest.newBuilder(URI.create(base() + "/api/v1/incidents?limit=1"))
                .header("Authorization", "Bearer " + TOKEN).GET());
    }

    void send(boolean event, String dedup, HttpRequest.Builder request) {
        inFlight.incrementAndGet();
        long sent = System.nanoTime();
        client.sendAsync(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString())
                .whenComplete((r, e) -> {
                    long answered = System.nanoTime();
                    calls.add(r == null ? new Call(event, dedup, sent, answered, -1, null, String.valueOf(e))
                            : new Call(event, dedup, sent, answered, r.statusCode(), r.headers().firstValue("Retry-After").orElse(null),
                                    null));
                    inFlight.decrementAndGet();
                });
    }

    int health(String path) throws Exception {
        long start = System.nanoTime();
        int status = client.send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(WITHIN).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("%s answered at once", path).isLessThan(Duration.ofSeconds(1));
        return status;
    }

    Set<String> storedDedupKeys() throws Exception {
        Set<String> keys = new HashSet<>();
        try (Connection c = DriverManager.getConnection(database().jdbcUrl(), database().user(), "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT dedup_key FROM incident")) {
            while (rs.next()) {
                keys.add(rs.getString(1));
            }
        }
        return keys;
    }

    String base() {
        return "http://localhost:" + port;
    }
}
