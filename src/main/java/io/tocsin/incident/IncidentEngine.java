package io.tocsin.incident;

import io.tocsin.config.EngineModel;
import io.tocsin.config.LiveSchedules;
import io.tocsin.config.Organisation;
import io.tocsin.engine.EscalationEngine;
import org.springframework.stereotype.Component;

/** The engine for the organisation as it stands (configuration plus run-time overrides), rebuilt when that changes. */
@Component
public class IncidentEngine {
    private record Built(Organisation organisation, EscalationEngine engine) {
    }

    private final LiveSchedules live;
    private volatile Built built;

    public IncidentEngine(LiveSchedules live) {
        this.live = live;
    }

    public EscalationEngine engine() {
        return current().engine();
    }

    public Organisation organisation() {
        return current().organisation();
    }

    private Built current() {
        Organisation org = live.organisation();
        Built b = built;
        if (b == null || b.organisation() != org) {
            b = new Built(org, EngineModel.engine(org));
            built = b;
        }
        return b;
    }
}
