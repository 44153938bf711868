package io.tocsin.engine;

/**
 * A severity as the engine needs it: its rank (0 = most severe), whether it pages, and its response
 * targets (null: not set).
 */
public record Severity(String id, int rank, boolean pages, Deadline acknowledge, Deadline firstUpdate, Deadline resolve) {
    public Deadline target(ResponseTarget target) {
        return switch (target) {
            case ACKNOWLEDGE -> acknowledge;
            case FIRST_UPDATE -> firstUpdate;
            case RESOLVE -> resolve;
        };
    }
}
