package io.tocsin.engine;

import java.time.Duration;

import java.util.List;
import java.util.Optional;

/**
 * Paths of one policy and the triggers that apply whichever path runs. {@code acknowledgementTimeout}
 * (null = never) returns an acknowledged incident to triggered when nobody resolves it in time, so an
 * acknowledgement given at 03:00 and then slept on does not silence the incident for good.
 */
public record EscalationPolicy(String id, String name, String defaultPath, List<EscalationPath> paths, List<Trigger> triggers,
                               Duration acknowledgementTimeout) {
    /** What an incident follows when neither its policy nor its service's exists any more: nothing escalates. */
    static final EscalationPolicy NONE = new EscalationPolicy("(none)", "no escalation policy", null, List.of(), List.of(), null);

    public EscalationPolicy {
        paths = List.copyOf(paths);
        triggers = List.copyOf(triggers);
    }

    public EscalationPolicy(String id, String name, String defaultPath, List<EscalationPath> paths, List<Trigger> triggers) {
        this(id, name, defaultPath, paths, triggers, null);
    }

    public Optional<EscalationPath> path(String pathId) {
        return paths.stream().filter(p -> p.id().equals(pathId)).findFirst();
    }

    /** The path an incident of this severity starts on: the first that names the severity, else the default, else the first. */
    public EscalationPath pathFor(String severity) {
        if (paths.isEmpty()) {
            return null;
        }
        return paths.stream().filter(p -> p.severities().contains(severity)).findFirst()
                .or(() -> defaultPath == null ? Optional.empty() : path(defaultPath))
                .orElse(paths.get(0));
    }
}
