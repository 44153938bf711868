package io.tocsin.coverage;

import io.tocsin.config.EngineModel;
import io.tocsin.config.Organisation;
import io.tocsin.config.OrganisationDirectory;
import io.tocsin.engine.Command;
import io.tocsin.engine.Directory;
import io.tocsin.engine.EscalationEngine;
import io.tocsin.engine.IncidentState;
import io.tocsin.engine.Opening;
import io.tocsin.engine.Outcome;
import io.tocsin.engine.Target;
import io.tocsin.engine.TimelineEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The coverage check's only contact with the escalation engine. It builds the engine exactly as the
 * server ({@code IncidentEngine}) and the simulator do, opens a hypothetical incident that nobody
 * acknowledges, and wakes it whenever the engine asks to be woken: which level fires when, what a
 * skipped level does, repeats and triggers are decided by the engine alone, never here.
 */
final class EngineProbe {
    /** Round-robin team targets pick a member by incident number: a hypothetical incident is number 1. */
    static final String INCIDENT_ID = "COVERAGE-1";

    private final EscalationEngine engine;
    private final Directory directory;

    EngineProbe(Organisation org) {
        this.directory = new OrganisationDirectory(org);
        this.engine = new EscalationEngine(EngineModel.rules(org.config()), directory);
    }

    /** When a response target that starts at {@code at} runs out, on the organisation's business calendar. */
    Instant deadline(io.tocsin.engine.Deadline target, Instant at) {
        return target.from(at, engine.rules().calendar());
    }

    /** An incident of {@code severity} on {@code service}, opened untagged at {@code at} and never acknowledged. */
    Run open(String service, String severity, Instant at) {
        return new Run(engine.open(INCIDENT_ID, Opening.paging(service, severity, Set.of()), at), at);
    }

    /** One hypothetical incident, advanced one wake-up at a time. */
    final class Run {
        private final List<TimelineEntry> entries = new ArrayList<>();
        /** The instants at which the engine ran, i.e. looked up who is on call. */
        private final List<Instant> steps = new ArrayList<>();
        private IncidentState state;
        private Optional<Instant> nextWake;

        private Run(Outcome opened, Instant at) {
            steps.add(at);
            take(opened);
        }

        private void take(Outcome outcome) {
            state = outcome.state();
            entries.addAll(outcome.entries());
            nextWake = outcome.nextWake();
        }

        Optional<Instant> nextWake() {
            return nextWake;
        }

        /** Lets the engine do what it planned for its next wake-up. */
        void wake() {
            Instant at = nextWake.orElseThrow();
            steps.add(at);
            take(engine.apply(state, new Command.Wake(), at));
        }

        List<TimelineEntry> entries() {
            return entries;
        }

        List<Instant> steps() {
            return steps;
        }

        /** Whom {@code targets} reach at {@code at}, by the directory the engine resolves them with. */
        List<Directory.Resolution> reach(List<Target> targets, Instant at) {
            return targets.stream().map(t -> directory.resolve(t, state, at)).toList();
        }
    }
}
