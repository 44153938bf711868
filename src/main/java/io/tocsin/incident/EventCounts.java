package io.tocsin.incident;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/** {@code tocsin_events_total{integration, outcome}}: the one definition of the events counter, for intake and refusals. */
public final class EventCounts {
    private EventCounts() {
    }

    public static Counter counter(MeterRegistry meters, String integration, String outcome) {
        return Counter.builder("tocsin.events")
                .description("Events received, by integration and outcome: opened, deduplicated, acknowledged, resolved and "
                        + "no_open_incident count alerts committed; refused, throttled and unavailable count requests answered 4xx/503")
                .tag("integration", integration).tag("outcome", outcome).register(meters);
    }

    /** What committed events did, one count per alert. */
    static void committed(MeterRegistry meters, String via, List<SignalResult> results) {
        for (SignalResult r : results) {
            counter(meters, via, r.outcome().name().toLowerCase(java.util.Locale.ROOT)).increment();
        }
    }
}
