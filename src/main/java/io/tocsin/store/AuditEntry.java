package io.tocsin.store;

import java.time.Instant;

/** One mutation: who did what to which subject. Details never carry secrets. */
public record AuditEntry(long id, Instant at, String actor, String action, String subject, String detail) {
}
