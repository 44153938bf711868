package io.tocsin.bench;

import io.tocsin.TocsinApplication;
import io.tocsin.testing.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Load run for ingestion and timers against the real server (H2 file database by default,
 * PostgreSQL when TOCSIN_DB_URL is set), recorded in docs/benchmarks.md:
 * <ol>
 *   <li>event latency of PagerDuty triggers for one service, alone;</li>
 *   <li>the same while eight clients storm another service with one dedup key (a duplicate storm
 *       must not delay other services' events);</li>
 *   <li>how late timers fire when N incidents all come due at the same instant.</li>
 * </ol>
 * Run: {@code ./mvnw -Pbench test-compile exec:exec -Dbench.main=io.tocsin.bench.IngestLoad -Dbench.args=2000}
 */
public final class IngestLoad {
    static final Instant T0 = Instant.parse("2026-04-15T14:00:00Z");
    static final MutableClock CLOCK = new MutableClock(T0);
    static final String ORCHESTRATOR = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    static final String DOCLING = "1a2b3c4d5e6f708192a3b4c5d6e7f809";

    /** Registered as a source, not annotated, so the tests' component scan never picks it up. */
    static class VirtualClock {
        @Bean
        @Primary
        MutableClock loadClock() {
            return CLOCK;
        }
    }

    public static void main(String[] args) throws Exception {
        int incidents = args.length > 0 && !args[0].isBlank() ? Integer.parseInt(args[0].trim()) : 2000;
        Path dir = Files.createTempDirectory("tocsin-load");
        List<String> props = new ArrayList<>(List.of("--server.port=0", "--tocsin.config.path=examples/mother-harness",
                "--tocsin.admin-token=load-token-0123456789", "--tocsin.admin-token-file=" + dir.resolve("token"),
                "--tocsin.ingest.rate-per-minute=100000000", "--tocsin.ingest.burst=100000000", "--logging.level.root=WARN"));
        if (System.getenv("TOCSIN_DB_URL") == null) {
            props.add("--spring.datasource.url=jdbc:h2:file:" + dir.resolve("db") + ";DB_CLOSE_ON_EXIT=FALSE");
        }
        ConfigurableApplicationContext app = new SpringApplicationBuilder(TocsinApplication.class, VirtualClock.class)
                .run(props.toArray(String[]::new));
        try {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            String base = "http://localhost:" + port;
            HttpClient http = HttpClient.newBuilder().build();
            String database = app.getEnvironment().getProperty("spring.datasource.url", "").replaceAll(";.*", "").replace(dir.toString(), "<tmp>");
            System.out.printf("database %s, %d cores, %s%n", database, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

            warmUp(http, base);
            List<Long> alone = distinctTriggers(http, base, "alone", 1000);
            System.out.println("1. docling triggers alone:            " + summary(alone));

            AtomicBoolean storming = new AtomicBoolean(true);
            AtomicLong stormEvents = new AtomicLong();
            ExecutorService storm = Executors.newFixedThreadPool(8);
            for (int t = 0; t < 8; t++) {
                storm.submit(() -> {
                    while (storming.get()) {
                        post(http, base, ORCHESTRATOR, "storm-key", "critical");
                        stormEvents.incrementAndGet();
                    }
                    return null;
                });
            }
            Thread.sleep(1000);
            long stormStart = System.nanoTime();
            long stormBefore = stormEvents.get();
            List<Long> during = distinctTriggers(http, base, "during", 1000);
            double stormRate = (stormEvents.get() - stormBefore) / ((System.nanoTime() - stormStart) / 1e9);
            storming.set(false);
            storm.shutdown();
            storm.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
            System.out.println("2. docling triggers during the storm: " + summary(during));
            JdbcClient jdbc = app.getBean(JdbcClient.class);
            long stormIncidents = jdbc.sql("SELECT COUNT(*) FROM incident WHERE dedup_key = 'storm-key'").query(Long.class).single();
            long stormRows = jdbc.sql("SELECT COUNT(*) FROM incident_entry e JOIN incident i ON i.id = e.incident_id WHERE i.dedup_key = 'storm-key'")
                    .query(Long.class).single();
            System.out.printf("   storm: %,d duplicate events at %,.0f/s cost %d incident and %d timeline rows%n",
                    stormEvents.get(), stormRate, stormIncidents, stormRows);

            // 3. N open P2 incidents whose "secondary at 30 min unresolved" level comes due at the same instant.
            jdbc.sql("DELETE FROM incident_timer").update();
            // Counted by what the timer sends: the secondary level's pages (an opening also posts to chat).
            String secondaryPages = "SELECT COUNT(*) FROM outbox WHERE kind = 'PAGE' AND level_id = 'secondary'";
            long outboxBefore = jdbc.sql(secondaryPages).query(Long.class).single();
            for (int i = 0; i < incidents; i++) {
                post(http, base, DOCLING, "timer-" + i, "error");
            }
            CLOCK.advance(Duration.ofMinutes(30));
            long start = System.nanoTime();
            long fired = 0;
            List<Long> firstSeen = new ArrayList<>();
            while (fired < incidents && System.nanoTime() - start < 120_000_000_000L) {
                Thread.sleep(20);
                long now = jdbc.sql(secondaryPages).query(Long.class).single() - outboxBefore;
                for (long k = fired; k < now; k++) {
                    firstSeen.add((System.nanoTime() - start) / 1_000_000);
                }
                fired = Math.max(fired, now);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("3. %d timers due at once: all fired within %.2f s (%,.0f timers/s); lateness p50 %d ms, p99 %d ms, max %d ms%n",
                    fired, seconds, fired / seconds, pct(firstSeen, 50), pct(firstSeen, 99), pct(firstSeen, 100));
        } finally {
            app.close();
        }
    }

    static void warmUp(HttpClient http, String base) throws Exception {
        for (int i = 0; i < 300; i++) {
            post(http, base, DOCLING, "warm-" + i, "info");
        }
    }

    static List<Long> distinctTriggers(HttpClient http, String base, String prefix, int n) throws Exception {
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            int status = post(http, base, DOCLING, prefix + "-" + i, "warning");
            micros.add((System.nanoTime() - t) / 1000);
            if (status != 202) {
                throw new IllegalStateException("event answered " + status);
            }
        }
        return micros;
    }

    static int post(HttpClient http, String base, String key, String dedup, String severity) throws Exception {
        String body = "{\"routing_key\":\"" + key + "\",\"event_action\":\"trigger\",\"dedup_key\":\"" + dedup
                + "\",\"payload\":{\"summary\":\"load " + dedup + "\",\"source\":\"load\",\"severity\":\"" + severity + "\"}}";
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/enqueue"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding());
        return r.statusCode();
    }

    static String summary(List<Long> micros) {
        return String.format("n=%d p50 %.1f ms, p99 %.1f ms, max %.1f ms", micros.size(), pct(micros, 50) / 1000.0,
                pct(micros, 99) / 1000.0, pct(micros, 100) / 1000.0);
    }

    static long pct(List<Long> values, int p) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }
}
