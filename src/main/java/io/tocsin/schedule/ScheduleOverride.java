package io.tocsin.schedule;

import java.time.Instant;

/**
 * {@code person} is on call for {@code layer} during [start, end) in place of whoever the rotation
 * names (also where restrictions would leave the layer empty). Later overrides win where they overlap.
 */
// Named ScheduleOverride, not Override, so it does not shadow java.lang.Override in this package.
public record ScheduleOverride(String id, String layer, String person, Instant start, Instant end, String reason) {
    public ScheduleOverride {
        if (person == null || person.isBlank()) {
            throw new IllegalArgumentException("override needs a person");
        }
        if (start == null || end == null || !end.isAfter(start)) {
            throw new IllegalArgumentException("override must end after it starts");
        }
    }
}
