package io.tocsin.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Incidents opened the way a monitor opens them: a PagerDuty Events API v2 trigger over HTTP, without
 * the API token, then found by its dedup key. The UI and browser tests need an incident to act on and
 * must not reach into the server for one.
 */
public final class MonitorEvents {
    private MonitorEvents() {
    }

    /**
     * Triggers a critical alert with {@code summary} on the integration with {@code routingKey}, under a
     * fresh dedup key starting {@code dedupPrefix}, and answers the number of the incident it opened.
     */
    public static long openIncident(HttpCalls api, String routingKey, String dedupPrefix, String summary) {
        String dedup = dedupPrefix + System.nanoTime();
        HttpCalls.Answer a = api.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", routingKey, "event_action", "trigger",
                "dedup_key", dedup, "payload", Map.of("summary", summary, "source", "prometheus", "severity", "critical")));
        assertThat(a.status()).as(a.body()).isEqualTo(202);
        for (JsonNode i : api.get("/api/v1/incidents?limit=1000").json()) {
            if (dedup.equals(i.path("dedup_key").asString())) {
                return Long.parseLong(i.path("id").asString().substring(4));
            }
        }
        throw new AssertionError("no incident with dedup key " + dedup);
    }
}
