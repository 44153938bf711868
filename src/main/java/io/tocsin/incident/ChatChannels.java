package io.tocsin.incident;

import io.tocsin.config.OrganisationConfig;
import io.tocsin.engine.IncidentState;
import io.tocsin.engine.TimelineEntry;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which chat channels hear about an incident, and about which of its moments. The severity's channel
 * (seed 002: SEV1/2 in #incidents, SEV3 in #incidents-low), or the one a routing rule chose instead,
 * and the service's own channel, or its owning team's when the service names none, each get one post
 * per moment. The simulator names the same channels.
 */
public final class ChatChannels {
    private ChatChannels() {
    }

    /** The moments a channel hears: opened, acknowledged, escalated, resolved (and what undoes or changes them). */
    public static boolean announces(TimelineEntry e, IncidentState s) {
        return switch (e.kind()) {
            case OPENED, ACKNOWLEDGED, UNACKNOWLEDGED, ESCALATED, SEVERITY_CHANGED, PATH_SWITCHED, RESOLVED, DEESCALATED -> true;
            // A level notified after the incident opened is an escalation; the first levels are part of "opened".
            case NOTIFIED -> e.at().isAfter(s.openedAt());
            default -> false;
        };
    }

    /** {@code routed}: the channel a routing rule chose instead of the severity's, or null. */
    public static Set<String> of(OrganisationConfig config, String severity, String serviceId, String routed) {
        Set<String> out = new LinkedHashSet<>();
        if (routed != null) {
            out.add(routed);
        } else {
            config.severities().stream().filter(v -> v.id().equals(severity)).findFirst()
                    .map(OrganisationConfig.Severity::chatChannel).filter(c -> c != null && !c.isBlank()).ifPresent(out::add);
        }
        config.services().stream().filter(v -> v.id().equals(serviceId)).findFirst().ifPresent(service -> {
            String own = service.chatChannel();
            if (own == null || own.isBlank()) {
                own = config.teams().stream().filter(t -> t.id().equals(service.team())).findFirst()
                        .map(OrganisationConfig.Team::chatChannel).orElse(null);
            }
            if (own != null && !own.isBlank()) {
                out.add(own);
            }
        });
        return out;
    }
}
