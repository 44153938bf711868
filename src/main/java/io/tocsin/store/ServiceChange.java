package io.tocsin.store;

import java.time.Instant;

/** A change event (a deploy, a configuration change) on a service, as it arrived; it never pages. */
public record ServiceChange(long id, String serviceId, Instant at, String summary, String source, String details) {
}
