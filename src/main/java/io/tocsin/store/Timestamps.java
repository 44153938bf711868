package io.tocsin.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** JDBC drivers agree on OffsetDateTime for TIMESTAMP WITH TIME ZONE, not on Instant. */
final class Timestamps {
    private Timestamps() {
    }

    static OffsetDateTime of(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static Instant toInstant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }
}
