package io.tocsin.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tocsin.cli.CliRun;
import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.MutableClock;
import io.tocsin.testing.TestClockConfig;
import io.tocsin.testing.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * What an import promises monitoring: the server started on the imported directory takes a PagerDuty
 * Events API v2 event sent with the routing key PagerDuty had, opens the incident on the service that
 * key belonged to, and escalates it by the imported policy to whoever the imported schedules name.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + ImportedPagerDutyServesTest.TOKEN,
        "tocsin.admin-token-file=target/test-admin-token-import",
        "tocsin.timers.poll-interval=50ms"})
@Import(TestClockConfig.class)
@org.springframework.test.annotation.DirtiesContext(classMode = org.springframework.test.annotation.DirtiesContext.ClassMode.AFTER_CLASS)
class ImportedPagerDutyServesTest {
    static final String TOKEN = "import-test-token-0123456789";
    /** PagerDuty's routing key of the Checkout API's Prometheus integration. */
    static final String CHECKOUT_KEY = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @DynamicPropertySource
    static void importedConfiguration(DynamicPropertyRegistry registry) throws IOException {
        TestDatabases.use(registry, TestDatabases.h2());
        Path out = Files.createTempDirectory("tocsin-import").resolve("acme");
        CliRun r = CliRun.run("import", "pagerduty", "src/test/resources/import/pagerduty", "--output", out.toString(),
                "--from", "2026-12-07T00:00:00Z");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        registry.add("tocsin.config.path", out::toString);
    }

    @Test
    void anEventWithPagerDutysRoutingKeyPagesByTheImportedPolicyAndSchedules() {
        // Tuesday 2026-12-08 20:00 in New York: the backend's weekly layer (bob) answers; the platform's night layer (ines).
        clock.set(Instant.parse("2026-12-09T01:00:00Z"));
        HttpCalls api = new HttpCalls("http://localhost:" + port, TOKEN);
        String dedup = "import-" + System.nanoTime();
        HttpCalls.Answer a = api.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", CHECKOUT_KEY, "event_action", "trigger",
                "dedup_key", dedup, "payload", Map.of("summary", "checkout 5xx", "source", "prometheus", "severity", "critical")));
        assertThat(a.status()).as(a.body()).isEqualTo(202);
        JsonNode incident = null;
        for (JsonNode i : api.get("/api/v1/incidents?limit=100").json()) {
            if (i.path("dedup_key").asString().equals(dedup)) {
                incident = i;
            }
        }
        assertThat(incident).isNotNull();
        assertThat(incident.path("service").asString()).isEqualTo("checkout-api");
        assertThat(incident.path("severity").asString()).isEqualTo("critical");
        String id = incident.path("id").asString();
        awaitNotified(api, id, 1);
        assertThat(notified(api, id)).containsExactly("rule-1:bob");
        clock.advance(Duration.ofMinutes(15));
        awaitNotified(api, id, 2);
        assertThat(notified(api, id)).containsExactly("rule-1:bob", "rule-2:dan");
        clock.advance(Duration.ofMinutes(10));
        awaitNotified(api, id, 3);
        assertThat(notified(api, id)).containsExactly("rule-1:bob", "rule-2:dan", "rule-3:ines,jon");
    }

    private static List<String> notified(HttpCalls api, String id) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : api.get("/api/v1/incidents/" + id).json().path("timeline")) {
            if (e.path("kind").asString().equals("NOTIFIED")) {
                List<String> people = new ArrayList<>();
                e.path("people").forEach(p -> people.add(p.asString()));
                out.add(e.path("level").asString() + ":" + String.join(",", people));
            }
        }
        return out;
    }

    /** Waits for the timer poll to page the {@code count}th level; the caller then checks who was paged. */
    private static void awaitNotified(HttpCalls api, String id, int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> notified(api, id).size() >= count);
    }
}
