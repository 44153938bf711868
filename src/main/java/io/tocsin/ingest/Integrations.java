package io.tocsin.ingest;

import io.tocsin.config.Organisation;
import io.tocsin.config.OrganisationConfig;
import io.tocsin.incident.Signal;
import java.util.Map;
import java.util.Optional;

/** Finds the service an integration key belongs to, in the organisation as it stands. */
final class Integrations {
    /** How the timeline names each type of integration when it acknowledges or resolves. */
    private static final Map<String, String> NAMES = Map.of("pagerduty", "PagerDuty Events API", "alertmanager", "Alertmanager",
            "grafana", "Grafana", "generic", "generic events", "heartbeat", "heartbeat");
    /** The timeline's actor column holds this many characters. */
    private static final int MAX_NAME = 200;

    record Match(OrganisationConfig.Service service, OrganisationConfig.Integration integration) {
        /** Whether the key is of the type an endpoint takes: a key works on its own integration's endpoint only. */
        boolean is(String type) {
            return type.equals(integration.type());
        }

        /**
         * Why the key is refused on an endpoint taking {@code type} keys, worded for the sender: "is the
         * key of the alertmanager integration of service api; this endpoint takes the key of a
         * pagerduty integration".
         */
        String wrongType(String type) {
            return "is the key of the " + integration.type() + " integration of service " + service.id()
                    + "; this endpoint takes the key of " + article(type) + " " + type + " integration";
        }

        /** The origin of what this integration sends: its key, and "PagerDuty Events API integration of service api". */
        Signal.Origin origin() {
            String name = NAMES.getOrDefault(integration.type(), integration.type()) + " integration of service " + service.id();
            return new Signal.Origin(integration.key(), name.length() <= MAX_NAME ? name : name.substring(0, MAX_NAME - 1) + "…");
        }
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

    private static String article(String word) {
        return "aeiou".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
    }
}
