package io.tocsin.engine;

import java.time.Instant;

/** One item of an incident's checklist (its severity's immediate actions), and who ticked it when. */
public record ChecklistItem(String text, String tickedBy, Instant tickedAt) {
    public boolean ticked() {
        return tickedAt != null;
    }
}
