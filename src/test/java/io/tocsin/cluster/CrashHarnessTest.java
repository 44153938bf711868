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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The crash harness: one server process, a continuous stream of alerts, and {@code kill -9} of the
 * server at random moments, starting it again each time with the same command line (as a service
 * manager would), on a file H2 and on a fresh PostgreSQL schema. Afterwards, through the API and the
 * receiving webhook server:
 *
 * <ul>
 *   <li>every alert answered 2xx is there: an incident carries its dedup key, and a dedup key has one
 *       incident however often it was sent (the sender retries an unanswered alert until it is
 *       answered 2xx, as Alertmanager does, so an alert stored just before a kill is sent again);</li>
 *   <li>every level of every incident fired exactly once (the ladder's three levels, including those
 *       that came due while the server was down);</li>
 *   <li>every delivery is {@code SENT} and its idempotency key reached the receiver; no key arrived
 *       that belongs to no delivery; and a key arrived more than once only for a send that was in
 *       flight when the server was killed: at most once more than the incident's timeline has
 *       {@code DELIVERY_ABANDONED} entries for that delivery, each naming a killed process
 *       (at-least-once, the rule docs/operations.md states).</li>
 * </ul>
 *
 * <p>The reduced run (the default, part of every build) kills the server 3 times;
 * {@code TOCSIN_CRASH_KILLS=20} (or {@code -Dtocsin.crash.kills=20}) is the full run. The moments
 * are drawn from a seed printed at the start ({@code TOCSIN_CRASH_SEED} repeats a run's choices).
 * See docs/operations.md, "Crash harness".
 */
class CrashHarnessTest {
    static final Duration SECOND = Duration.ofSeconds(6);
    static final Duration THIRD = Duration.ofSeconds(12);
    /** One alert every so often: a steady stream, so the server always has something to store, fire or send. */
    static final Duration EVERY = Duration.ofMillis(250);
    static final List<String> SETTINGS = List.of("tocsin.notify.timeout=2s", "tocsin.notify.connect-timeout=1s",
            "tocsin.notify.lease-margin=1s", "tocsin.notify.poll-interval=100ms", "tocsin.timers.poll-interval=100ms",
            "tocsin.ingest.rate-per-minute=100000", "tocsin.ingest.burst=100000", "tocsin.public-url=http://tocsin.invalid");

    static int kills() {
        String chosen = System.getProperty("tocsin.crash.kills", System.getenv().getOrDefault("TOCSIN_CRASH_KILLS", "3"));
        return Integer.parseInt(chosen.trim());
    }

    static long seed() {
        String chosen = System.getProperty("tocsin.crash.seed", System.getenv("TOCSIN_CRASH_SEED"));
        return chosen == null ? System.nanoTime() : Long.parseLong(chosen.trim());
    }

    static Stream<TestDatabases.Target> databases() throws IOException {
        // The server's own layout: its file database under ./data of a directory of the run's own.
        Path h2 = Files.createTempDirectory(Path.of("target"), "harness-crash-h2-db").resolve("data");
        return Stream.of(new TestDatabases.Target(TestDatabases.Kind.H2,
                "jdbc:h2:file:" + h2.toAbsolutePath().resolve("tocsin") + ";DB_CLOSE_ON_EXIT=FALSE", "sa", ""), TestDatabases.postgres());
    }

    /** One alert as the sender sent it, and every answer it got (-1: no answer, the connection failed or broke). */
    record Alert(String dedupKey, List<Integer> answers) {
        boolean accepted() {
            return answers.stream().anyMatch(s -> s >= 200 && s < 300);
        }
    }

    record Kill(long pid, Instant at) {
        String node() {
            return pid + "@";
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void everyAlertAnsweredIsKeptAndEveryLevelFiresOnceThroughRepeatedKillNine(TestDatabases.Target db) throws Exception {
        int killCount = kills();
        long seed = seed();
        System.out.println("crash harness on " + db.kind() + ": " + killCount + " kills, seed " + seed);
        Random random = new Random(seed);
        Path work = Files.createTempDirectory(Path.of("target"), "harness-crash-" + db.kind());
        List<ServerProcess> started = new CopyOnWriteArrayList<>();
        ScheduledExecutorService stream = Executors.newSingleThreadScheduledExecutor();
        try (RecordingWebhook hooks = new RecordingWebhook()) {
            // Every answer takes a moment, so a kill while pages go out finds some on the wire.
            hooks.slow(Duration.ofMillis(200));
            Path org = NodesOrganisation.copy(hooks.baseUrl(), SECOND, THIRD);
            AtomicReference<HttpCalls> current = new AtomicReference<>();
            ServerProcess server = ServerProcess.start(work, "server-0", db, SETTINGS, "--config", org.toString());
            started.add(server);
            current.set(server.awaitUp().api().withToken(null));

            Sender sender = new Sender(current, new Random(random.nextLong()));
            stream.scheduleAtFixedRate(sender::tick, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
            List<Kill> kills = new ArrayList<>();
            for (int k = 1; k <= killCount; k++) {
                // A random moment: after a random number of alerts this server has answered.
                int after = 2 + random.nextInt(16);
                int from = sender.acceptedCount.get();
                await("alerts answered before kill " + k).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(10))
                        .until(() -> sender.acceptedCount.get() >= from + after);
                kills.add(new Kill(server.pid(), server.kill()));
                server = ServerProcess.start(work, "server-" + k, db, SETTINGS, "--config", org.toString());
                started.add(server);
                current.set(server.awaitUp().api().withToken(null));
            }
            // The last server takes some of the stream too, then the stream ends with its last alert answered.
            int last = sender.acceptedCount.get();
            await("alerts after the last restart").atMost(Duration.ofMinutes(2)).until(() -> sender.acceptedCount.get() >= last + 8);
            stream.shutdown();
            assertThat(stream.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
            await("the alerts the sender still owed an answer").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                    .until(() -> sender.drain());

            HttpCalls api = server.api();
            Map<String, List<JsonNode>> byKey = new HashMap<>();
            for (JsonNode i : api.get("/api/v1/incidents?limit=1000").json()) {
                byKey.computeIfAbsent(i.path("dedup_key").asString(), x -> new ArrayList<>()).add(i);
            }
            Set<String> accepted = sender.alerts.stream().filter(Alert::accepted).map(Alert::dedupKey).collect(Collectors.toSet());
            // Every alert answered 2xx is there, under one incident per dedup key; nothing else is.
            assertThat(accepted.size()).as("incidents stay under the API's page of 1000").isLessThan(1000);
            assertThat(byKey.keySet()).containsExactlyInAnyOrderElementsOf(accepted);
            byKey.forEach((key, incidents) -> assertThat(incidents).as("incidents for dedup key %s", key).hasSize(1));
            List<String> ids = byKey.values().stream().map(l -> l.get(0).path("id").asString()).toList();

            Instant lastThird = byKey.values().stream().map(l -> Instant.parse(l.get(0).path("opened_at").asString()))
                    .max(Instant::compareTo).orElseThrow().plus(THIRD);
            Set<String> settled = new HashSet<>();
            await("every level of every incident and every delivery").atMost(Duration.between(Instant.now(), lastThird)
                            .plus(Duration.ofMinutes(2))).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        for (String id : ids) {
                            if (!settled.contains(id) && ManyNodesHarnessTest.settled(api, id)) {
                                settled.add(id);
                            }
                        }
                        return settled.size() == ids.size();
                    });
            int duplicates = check(api, ids, hooks, kills);
            long retried = sender.alerts.stream().filter(a -> a.answers().size() > 1).count();
            System.out.println("crash harness on " + db.kind() + " (seed " + seed + "): " + kills.size() + " kills; "
                    + sender.alerts.size() + " alerts, " + retried + " of them sent again after no answer; " + ids.size()
                    + " incidents, " + 3 * ids.size() + " levels fired once each; " + hooks.countsByKey().size()
                    + " idempotency keys received, " + duplicates + " of them twice (in flight at a kill)");
        } finally {
            stream.shutdownNow();
            started.forEach(ServerProcess::close);
        }
    }

    /**
     * The stream of alerts: mostly new incidents, every fourth a repeat of an earlier dedup key (it
     * must not open a second incident). An alert without a 2xx answer is sent again, first, at the
     * next tick.
     */
    static final class Sender {
        final List<Alert> alerts = new CopyOnWriteArrayList<>();
        final AtomicInteger acceptedCount = new AtomicInteger();
        private final AtomicReference<HttpCalls> current;
        private final Random random;
        private final Deque<Alert> owed = new ArrayDeque<>();
        private final List<String> sentKeys = new ArrayList<>();
        private int next;

        Sender(AtomicReference<HttpCalls> current, Random random) {
            this.current = current;
            this.random = random;
        }

        synchronized void tick() {
            Alert alert = owed.pollFirst();
            if (alert == null) {
                String key = next % 4 == 3 && !sentKeys.isEmpty() ? sentKeys.get(random.nextInt(sentKeys.size())) : "crash-" + next;
                next++;
                alert = new Alert(key, new CopyOnWriteArrayList<>());
                alerts.add(alert);
            }
            int status;
            try {
                status = current.get().postJson("/v2/enqueue", Map.of("routing_key", NodesOrganisation.KEY, "event_action", "trigger",
                        "dedup_key", alert.dedupKey(), "payload",
                        Map.of("summary", "crash " + alert.dedupKey(), "source", "harness", "severity", "critical"))).status();
            } catch (RuntimeException noAnswer) {
                status = -1;
            }
            alert.answers().add(status);
            if (status >= 200 && status < 300) {
                acceptedCount.incrementAndGet();
                sentKeys.add(alert.dedupKey());
            } else {
                owed.addFirst(alert);
            }
        }

        /** Sends what is still owed an answer; true when nothing is. */
        synchronized boolean drain() {
            if (!owed.isEmpty()) {
                tick();
            }
            return owed.isEmpty();
        }
    }

    /** The delivery rules; returns how many idempotency keys arrived more than once. */
    static int check(HttpCalls api, List<String> ids, RecordingWebhook hooks, List<Kill> kills) {
        Map<String, Long> received = hooks.countsByKey();
        Set<String> expected = new TreeSet<>();
        int duplicates = 0;
        for (String id : ids) {
            // Nothing lost, nothing twice: each level due fired, once.
            assertThat(ManyNodesHarnessTest.levels(api, id)).as(id).containsExactly("first", "second", "third");
            JsonNode timeline = api.get("/api/v1/incidents/" + id).json().path("timeline");
            for (JsonNode d : api.get("/api/v1/incidents/" + id + "/deliveries").json()) {
                String key = d.path("idempotency_key").asString();
                expected.add(key);
                assertThat(d.path("status").asString()).as(key).isEqualTo("SENT");
                long arrivals = received.getOrDefault(key, 0L);
                assertThat(arrivals).as("%s reached the receiver", key).isPositive();
                String what = "webhook to " + d.path("person_id").asString() + " by hook: node ";
                String delivery = "(delivery " + d.path("id").asLong() + ";";
                List<String> abandoned = new ArrayList<>();
                List<String> unanswered = new ArrayList<>();
                List<String> entries = new ArrayList<>();
                for (JsonNode e : timeline) {
                    String text = e.path("text").asString();
                    if (e.path("kind").asString().startsWith("DELIVER")) {
                        entries.add(e.path("kind").asString() + " " + text);
                    }
                    if ("DELIVERY_ABANDONED".equals(e.path("kind").asString()) && text.contains(delivery)) {
                        // Only a killed process abandons a delivery.
                        assertThat(kills.stream().anyMatch(k -> text.startsWith(what + k.node()))).as(text).isTrue();
                        abandoned.add(text);
                    }
                    // An attempt the receiver got but did not answer within the timeout is tried again with
                    // the same key: at-least-once too (a loaded machine answers late), and the timeline says so.
                    if ("DELIVERY_FAILED".equals(e.path("kind").asString()) && text.contains("(timeout")
                            && text.contains("delivery " + d.path("id").asLong() + ", attempt")) {
                        unanswered.add(text);
                    }
                }
                // Once, and once more for each attempt a killed server had in flight or nobody answered in
                // time: at-least-once, same key.
                assertThat(arrivals - 1).as("%s arrived %d times; abandoned attempts on %s: %s; unanswered: %s; all: %s", key, arrivals,
                                id, abandoned, unanswered, entries)
                        .isLessThanOrEqualTo(abandoned.size() + unanswered.size());
                if (arrivals > 1) {
                    duplicates++;
                }
            }
        }
        // Every key the receiver saw belongs to a delivery.
        assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        return duplicates;
    }
}
