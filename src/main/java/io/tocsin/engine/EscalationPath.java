package io.tocsin.engine;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A named ladder (technical, severity, security, vendor...). {@code severities} selects it when an
 * incident opens; {@code repeat} runs it again when nobody acknowledged, {@code repeatAfter} after
 * its last level.
 */
public record EscalationPath(String id, String name, Set<String> severities, int repeat, Duration repeatAfter,
                             List<Level> levels, List<Trigger> triggers) {
    public EscalationPath {
        severities = Set.copyOf(severities);
        levels = List.copyOf(levels);
        triggers = List.copyOf(triggers);
    }

    public int indexOf(String levelId) {
        for (int i = 0; i < levels.size(); i++) {
            if (levels.get(i).id().equals(levelId)) {
                return i;
            }
        }
        return -1;
    }
}
