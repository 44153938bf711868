package io.tocsin.schedule;

import java.time.Instant;

/** A period in which nobody is on call for {@code layer}. Gaps are always reported, never hidden. */
public record Gap(String layer, Instant start, Instant end) {
}
