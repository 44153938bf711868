package io.tocsin.engine;

import java.util.Optional;

/**
 * What an {@link Alert} did: opened an incident, counted as a repeat of the open one, acknowledged or
 * resolved it, or found nothing to act on. {@code outcome} is empty only for {@link Result#NO_OPEN_INCIDENT}.
 */
public record Intake(Result result, Optional<Outcome> outcome) {
    public enum Result { OPENED, DEDUPLICATED, ACKNOWLEDGED, RESOLVED, NO_OPEN_INCIDENT }
}
