package io.tocsin.config;

import java.util.List;
import java.util.Optional;

/** The outcome of loading: the organisation when valid, otherwise every problem found. */
public record LoadedConfig(List<SourceFile> sources, Organisation organisationOrNull, List<ConfigProblem> problems) {
    public boolean isValid() {
        return organisationOrNull != null && problems.isEmpty();
    }

    public Optional<Organisation> organisation() {
        return Optional.ofNullable(organisationOrNull);
    }
}
