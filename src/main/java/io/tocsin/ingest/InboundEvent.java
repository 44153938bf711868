package io.tocsin.ingest;

import io.tocsin.incident.Signal;
import java.util.Map;

/** An event as received, before routing: which integration it came through and what it says. */
public record InboundEvent(String serviceId, String integrationType, String dedupKey, Signal.Action action, String summary,
                           String source, String sourceSeverity, Map<String, String> labels, String details) {
    public InboundEvent {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
