package io.tocsin.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tocsin.testing.FakeProvider;
import io.tocsin.testing.StoppableDatabase;
import io.tocsin.testing.TestOrganisations;
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
        "tocsin.admin-token-file=target/test-admin-token",
        "tocsin.ingest.rate-per-minute=1000000", "tocsin.ingest.burst=1000000"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
abstract class DatabaseOutageContract {
    static final String TOKEN = "outage-token-0123456789";
    /** Carol's service in the delivery organisation: every alert pages her at once through a webhook. */
    static final String KEY = "d2222222222222222222222222222222";
    static final FakeProvider HOOKS = new FakeProvider();
    static final java.nio.file.Path ORG = TestOrganisations.copy("src/test/resources/orgs/delivery", "${HOOK}", HOOKS.baseUrl());
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

    @org.springframework.test.context.DynamicPropertySource
    static void organisation(org.springframework.test.context.DynamicPropertyRegistry registry) {
        registry.add("tocsin.config.path", ORG::toString);
        registry.add("tocsin.notify.ntfy.base-url", () -> HOOKS.baseUrl() + "/ntfy");
    }

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

        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log = new ch.qos.logback.core.read.ListAppender<>();
        log.start();
        root.addAppender(log);
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
        // Up to the moment it is back (a poll that failed just before counts too).
        root.detachAppender(log);
        // The background polls say the database is away in a line each now and then, not a stack trace each
        // per poll (every 200 ms) that buries everything else an operator reads during the outage.
        List<ch.qos.logback.classic.spi.ILoggingEvent> during = List.copyOf(log.list);
        assertThat(during).as("no stack traces from Tocsin's work or Spring's scheduler and transactions during the outage")
                .noneMatch(e -> e.getThrowableProxy() != null && (e.getLoggerName().startsWith("io.tocsin")
                        || e.getLoggerName().contains("TaskUtils") || e.getLoggerName().contains("TransactionTemplate")));
        List<ch.qos.logback.classic.spi.ILoggingEvent> polls = during.stream()
                .filter(e -> e.getFormattedMessage().contains("the database cannot be reached")).toList();
        assertThat(polls).as("background polls' log lines during the outage").isNotEmpty();
        assertThat(polls).anyMatch(e -> e.getLoggerName().endsWith("TimerWorker"));
        assertThat(polls).anyMatch(e -> e.getLoggerName().endsWith("ScheduledWorkErrors") || e.getLoggerName().endsWith("HeartbeatMonitor"));
        assertThat(polls.stream().collect(Collectors.groupingBy(e -> e.getFormattedMessage().split(":")[0], Collectors.counting())))
                .allSatisfy((where, lines) -> assertThat(lines).as(where).isLessThanOrEqualTo(1 + OUTAGE.toSeconds() / 10 + 1));

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
        // And every one of them pages Carol, those whose lease, answer or hand-back the outage cut off
        // included (a lease that did not commit once left its page out of every later lease of the node).
        // Within the lease of an answer that was lost (provider timeout plus margin) and a poll or two.
        await("a page for every alert accepted").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> unpaged(accepted).isEmpty());
        // No node stopped: a page whose answer the outage kept from being written went out again, and its
        // timeline says that, never that a node died while sending it.
        assertThat(timelineTexts("DELIVERY_ABANDONED")).allSatisfy(text -> assertThat(text).contains("this node's answer for it was never recorded")
                .doesNotContain("stopped while sending"));
        assertThat(timelineTexts("DELIVERY_TAKEN_OVER")).isEmpty();
    }

    /** Accepted alerts whose page Carol's webhook has not received. */
    static Set<String> unpaged(Set<String> accepted) {
        Set<String> paged = HOOKS.requests(r -> r.path().equals("/hook/carol")).stream()
                .map(r -> java.util.regex.Pattern.compile("API down (outage-[0-9]+);").matcher(r.body()))
                .filter(java.util.regex.Matcher::find).map(m -> m.group(1)).collect(Collectors.toSet());
        Set<String> missing = new HashSet<>(accepted);
        missing.removeAll(paged);
        return missing;
    }

    long answered(int status, long sentAfter) {
        return calls.stream().filter(c -> c.status() == status && c.sent() >= sentAfter).count();
    }

    void sendEvent() {
        String dedup = "outage-" + sequence.incrementAndGet();
        send(true, dedup, HttpRequest.newBuilder(URI.create(base() + "/v2/enqueue"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"routing_key\":\"" + KEY + "\",\"event_action\":\"trigger\",\"dedup_key\":\""
                        + dedup + "\",\"payload\":{\"summary\":\"API down " + dedup + ";\",\"source\":\"probe\",\"severity\":\"critical\"}}")));
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

    List<String> timelineTexts(String kind) throws Exception {
        List<String> texts = new java.util.ArrayList<>();
        try (Connection c = DriverManager.getConnection(database().jdbcUrl(), database().user(), "");
             java.sql.PreparedStatement st = c.prepareStatement("SELECT text FROM incident_entry WHERE kind = ?")) {
            st.setString(1, kind);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    texts.add(rs.getString(1));
                }
            }
        }
        return texts;
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
