package io.tocsin.ingest;

import io.tocsin.config.Organisation;
import io.tocsin.config.OrganisationConfig;
import java.util.Optional;

/** Finds the service an integration key belongs to, in the organisation as it stands. */
final class Integrations {
    record Match(OrganisationConfig.Service service, OrganisationConfig.Integration integration) {
    }

    private Integrations() {
    }

    static Optional<Match> byKey(Organisation org, String key) {
        if (key == null || key.isBlank()) {
            return Optional.empty();
        }
        for (OrganisationConfig.Service s : org.config().services()) {
            for (OrganisationConfig.Integration i : s.integrations()) {
                if (key.equals(i.key())) {
                    return Optional.of(new Match(s, i));
                }
            }
        }
        return Optional.empty();
    }
}
