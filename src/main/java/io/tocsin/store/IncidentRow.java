package io.tocsin.store;

import java.time.Instant;

/** An incident as stored: the engine's state is kept as JSON in {@code state}; the other columns serve queries. */
public record IncidentRow(long id, String serviceId, String dedupKey, String summary, String source, String severity,
                          String status, String paging, String state, String details, long eventCount, Instant openedAt,
                          Instant acknowledgedAt, Instant resolvedAt, Instant updatedAt) {
    public String number() {
        return "INC-" + id;
    }
}
