package io.tocsin.store;

import java.time.Instant;

/** An override created at run time (through the API or an accepted swap), as opposed to one in the configuration. */
public record StoredOverride(long id, String scheduleId, String layerId, String personId, Instant start, Instant end,
                             String reason, String createdBy, Instant createdAt) {
}
