package io.tocsin.schedule;

import java.util.Optional;

/**
 * The answer for one layer at one instant; {@code person} is empty in a gap. {@code reason} is the
 * answering override's reason (null when no override answers or it gave none).
 */
public record OnCall(String layer, Optional<String> person, boolean override, String reason) {
    public OnCall(String layer, Optional<String> person, boolean override) {
        this(layer, person, override, null);
    }
}
