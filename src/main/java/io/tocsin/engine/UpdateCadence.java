package io.tocsin.engine;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * How often a severity wants status updates: bands like "every 15 minutes until monitoring, then every
 * 30 until resolved" (seed 000). A band applies while the incident's latest update status has not
 * reached its {@code until}; updates count from the last one (or the opening).
 */
public record UpdateCadence(List<Band> bands) {
    public static final UpdateCadence NONE = new UpdateCadence(List.of());

    /** The statuses an update can carry, in the order an incident moves through them. */
    public enum Status {
        INVESTIGATING, IDENTIFIED, MONITORING, RESOLVED;

        public static Status of(String text) {
            if (text == null) {
                return INVESTIGATING;
            }
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException unknown) {
                return INVESTIGATING;
            }
        }

        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public record Band(Duration every, Status until) {
    }

    public UpdateCadence {
        bands = List.copyOf(bands);
    }

    /** The band for an incident whose latest update says {@code status}, or null when no more updates are wanted. */
    public Band current(Status status) {
        for (Band b : bands) {
            if (status.ordinal() < b.until().ordinal()) {
                return b;
            }
        }
        return null;
    }
}
