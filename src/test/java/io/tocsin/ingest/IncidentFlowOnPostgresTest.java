package io.tocsin.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tocsin.testing.TestClockConfig;
import io.tocsin.testing.TestDatabases;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class IncidentFlowOnPostgresTest extends IncidentFlowContract {
    @BeforeAll
    static void requirePostgres() {
        TestDatabases.requirePostgres();
    }

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.Target db = TestDatabases.postgres();
        TestDatabases.use(registry, db);
    }

    @Autowired
    DataSource dataSource;

    /**
     * Two monitors miss their beats; the incident of the older one cannot be opened (PostgreSQL refuses
     * it here). The other one's incident opens all the same, and the first one's once it can. Before,
     * the oldest overdue monitor was claimed again on every poll and rolled back, and no other missed
     * heartbeat ever paged.
     */
    @Test
    void aMissedHeartbeatWhoseIncidentCannotBeOpenedDoesNotHoldUpAnotherOnes() {
        String api = HeartbeatMonitor.dedupKey("hb-api-0123456789");
        String batch = HeartbeatMonitor.dedupKey("hb-batch-0123456789");
        clock.set(TestClockConfig.START);
        assertThat(this.api.withToken(null).postJson("/api/v1/heartbeats/hb-api-0123456789", "{}").status()).isEqualTo(202);
        clock.advance(Duration.ofMinutes(1));
        assertThat(this.api.withToken(null).postJson("/api/v1/heartbeats/hb-batch-0123456789", "{}").status()).isEqualTo(202);
        try (io.tocsin.testing.PostgresRefusal refused = io.tocsin.testing.PostgresRefusal.of(dataSource, "refuse_api_heartbeat",
                "BEFORE INSERT", "incident", "NEW.dedup_key = '" + api + "'")) {
            clock.advance(Duration.ofMinutes(6));
            await("the batch monitor's incident").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> openWithDedupKey(batch));
            assertThat(openWithDedupKey(api)).isFalse();
        }
        clock.advance(HeartbeatMonitor.RETRY_AFTER);
        await("the api monitor's incident, once it can be opened").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> openWithDedupKey(api));
        // healthy again for the cases after this one
        this.api.withToken(null).postJson("/api/v1/heartbeats/hb-api-0123456789", "{}");
        this.api.withToken(null).postJson("/api/v1/heartbeats/hb-batch-0123456789", "{}");
    }

    boolean openWithDedupKey(String dedupKey) {
        for (tools.jackson.databind.JsonNode x : api.get("/api/v1/incidents?open=true&limit=1000").json()) {
            if (x.path("dedup_key").asString().equals(dedupKey)) {
                return true;
            }
        }
        return false;
    }
}
