package io.tocsin.store;

import java.time.Instant;

/** One activated configuration: its full source, who applied it, and a readable diff against the previous one. */
public record ConfigVersion(long version, Instant appliedAt, String appliedBy, String sourceText, String diff, String checksum) {
}
