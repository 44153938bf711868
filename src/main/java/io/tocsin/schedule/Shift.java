package io.tocsin.schedule;

import java.time.Instant;

/** A final shift: {@code person} on call for {@code layer} during [start, end); {@code override} when an override put them there. */
public record Shift(String layer, String person, Instant start, Instant end, boolean override) {
}
