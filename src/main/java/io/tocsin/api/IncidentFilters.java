package io.tocsin.api;

import io.tocsin.config.OrganisationConfig;
import io.tocsin.engine.IncidentStatus;
import io.tocsin.store.IncidentQuery;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The filters every list of incidents shares (GET /api/v1/incidents, bulk acknowledge/resolve by
 * filter, the dashboard): read from what a client sent into one {@link IncidentQuery}, every unknown
 * name recorded with its did-you-mean, all at once.
 */
final class IncidentFilters {
    static final List<String> STATUSES = List.of("triggered", "acknowledged", "resolved", "open");

    /** What a client sent; each list may hold several values, given repeated or comma-separated. */
    record Given(List<String> status, List<String> severity, List<String> service, List<String> team, String since, String until,
                 String q) {
    }

    private IncidentFilters() {
    }

    /**
     * @param prefix what field names start with in this request ("" for query parameters, "filter." in a body)
     */
    static IncidentQuery read(FieldErrors errors, String prefix, Given given, IncidentQuery base, OrganisationConfig config) {
        Set<IncidentStatus> statuses = new LinkedHashSet<>();
        for (String s : values(given.status())) {
            String lower = s.toLowerCase(Locale.ROOT);
            if (lower.equals("open")) {
                statuses.addAll(IncidentQuery.OPEN);
            } else if (errors.known(prefix + "status", "status", lower, STATUSES)) {
                statuses.add(IncidentStatus.valueOf(lower.toUpperCase(Locale.ROOT)));
            }
        }
        List<String> severities = known(errors, prefix + "severity", "severity", values(given.severity()),
                config.severities().stream().map(OrganisationConfig.Severity::id).toList());
        List<String> services = known(errors, prefix + "service", "service", values(given.service()),
                config.services().stream().map(OrganisationConfig.Service::id).toList());
        List<String> teams = known(errors, prefix + "team", "team", values(given.team()),
                config.teams().stream().map(OrganisationConfig.Team::id).toList());
        IncidentQuery q = base;
        if (!teams.isEmpty()) {
            // A team is its services; with a service filter too, the services named that are the team's.
            List<String> ofTeams = config.servicesOfTeams(teams).stream().filter(s -> services.isEmpty() || services.contains(s)).toList();
            q = q.withServices(ofTeams);
        } else if (!services.isEmpty()) {
            q = q.withServices(services);
        }
        ZoneId zone = ZoneId.of(config.organisation().timeZone());
        Instant since = time(errors, prefix + "since", given.since(), zone);
        Instant until = time(errors, prefix + "until", given.until(), zone);
        if (since != null && until != null && !until.isAfter(since)) {
            errors.add(prefix + "until", "must be after since");
        }
        if (given.q() != null) {
            errors.length(prefix + "q", given.q(), 200);
        }
        if (!statuses.isEmpty()) {
            q = q.withStatuses(statuses);
        }
        return q.withSeverities(severities).openedBetween(since, until).containing(given.q());
    }

    private static List<String> known(FieldErrors errors, String field, String what, List<String> values, Collection<String> known) {
        List<String> ok = new ArrayList<>();
        for (String v : values) {
            if (errors.known(field, what, v, known)) {
                ok.add(v);
            }
        }
        return ok;
    }

    private static Instant time(FieldErrors errors, String field, String value, ZoneId zone) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return RequestValues.instantOrDate(field, value.strip(), zone);
        } catch (BadRequestException e) {
            errors.add(field, e.getMessage());
            return null;
        }
    }

    /** Repeated and comma-separated values, blanks dropped. */
    static List<String> values(List<String> given) {
        if (given == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String g : given) {
            if (g == null) {
                continue;
            }
            for (String part : g.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        return out;
    }
}
