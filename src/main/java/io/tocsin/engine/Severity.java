package io.tocsin.engine;

import java.time.Duration;

/**
 * A severity as the engine needs it: its rank (0 = most severe) and its response targets; a null
 * target is not set. A resolve target in business days is converted by the caller's calendar.
 */
public record Severity(String id, int rank, boolean pages, Duration acknowledge, Duration firstUpdate, Duration resolve) {
    public Duration target(ResponseTarget target) {
        return switch (target) {
            case ACKNOWLEDGE -> acknowledge;
            case FIRST_UPDATE -> firstUpdate;
            case RESOLVE -> resolve;
        };
    }
}
