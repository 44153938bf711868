package io.tocsin.schedule;

import java.util.Optional;

/** The answer for one layer at one instant; {@code person} is empty in a gap. */
public record OnCall(String layer, Optional<String> person, boolean override) {
}
