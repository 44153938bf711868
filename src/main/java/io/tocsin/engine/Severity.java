package io.tocsin.engine;

/**
 * A severity as the engine needs it: its rank (0 = most severe), whether it pages, its response
 * targets (null: not set), how often it wants status updates, its postmortem rule and whether its
 * incidents appear on the public status page.
 */
public record Severity(String id, int rank, boolean pages, Deadline acknowledge, Deadline firstUpdate, Deadline resolve,
                       UpdateCadence cadence, java.util.List<String> checklist, PostmortemRule postmortem, boolean statusPage) {
    public Severity {
        cadence = cadence == null ? UpdateCadence.NONE : cadence;
        checklist = checklist == null ? java.util.List.of() : java.util.List.copyOf(checklist);
        postmortem = postmortem == null ? PostmortemRule.NONE : postmortem;
    }

    public Severity(String id, int rank, boolean pages, Deadline acknowledge, Deadline firstUpdate, Deadline resolve,
                    UpdateCadence cadence, java.util.List<String> checklist) {
        this(id, rank, pages, acknowledge, firstUpdate, resolve, cadence, checklist, null, false);
    }

    public Severity(String id, int rank, boolean pages, Deadline acknowledge, Deadline firstUpdate, Deadline resolve,
                    UpdateCadence cadence) {
        this(id, rank, pages, acknowledge, firstUpdate, resolve, cadence, null);
    }

    public Severity(String id, int rank, boolean pages, Deadline acknowledge, Deadline firstUpdate, Deadline resolve) {
        this(id, rank, pages, acknowledge, firstUpdate, resolve, null);
    }

    public Deadline target(ResponseTarget target) {
        return switch (target) {
            case ACKNOWLEDGE -> acknowledge;
            case FIRST_UPDATE -> firstUpdate;
            case RESOLVE -> resolve;
        };
    }
}
