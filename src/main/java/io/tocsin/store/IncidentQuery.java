package io.tocsin.store;

import io.tocsin.engine.IncidentStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which incidents a list asks for: every filter a list of incidents offers (API, CLI, dashboard, bulk
 * acknowledgement by filter), written once. An empty set of statuses or severities, or a null bound,
 * means "any".
 *
 * @param statuses   any of these states
 * @param severities any of these severity ids
 * @param services   any of these service ids (a team filter is its services); null: any service, empty: none
 * @param openedFrom opened at or after
 * @param openedTo   opened before
 * @param text       in the summary, the dedup key or the number ("INC-42"), any case
 * @param beforeId   newest-first paging: only incidents with a smaller id (a cursor)
 * @param oldestFirst the order: newest first for reading, oldest first for working through a storm
 * @param limit      at most this many
 */
public record IncidentQuery(Set<IncidentStatus> statuses, Set<String> severities, Set<String> services, Instant openedFrom,
                            Instant openedTo, String text, Long beforeId, boolean oldestFirst, int limit) {
    public IncidentQuery {
        statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
        severities = severities == null ? Set.of() : Set.copyOf(severities);
        services = services == null ? null : Set.copyOf(services);
        text = text == null || text.isBlank() ? null : text.strip();
    }

    public static IncidentQuery newestFirst(int limit) {
        return new IncidentQuery(Set.of(), Set.of(), null, null, null, null, null, false, limit);
    }

    public static final Set<IncidentStatus> OPEN = Set.of(IncidentStatus.TRIGGERED, IncidentStatus.ACKNOWLEDGED);

    public IncidentQuery withStatuses(Collection<IncidentStatus> s) {
        return new IncidentQuery(Set.copyOf(s), severities, services, openedFrom, openedTo, text, beforeId, oldestFirst, limit);
    }

    public IncidentQuery withSeverities(Collection<String> s) {
        return new IncidentQuery(statuses, Set.copyOf(s), services, openedFrom, openedTo, text, beforeId, oldestFirst, limit);
    }

    /** Only incidents of these services; an empty collection matches nothing (a team without services). */
    public IncidentQuery withServices(Collection<String> s) {
        return new IncidentQuery(statuses, severities, Set.copyOf(s), openedFrom, openedTo, text, beforeId, oldestFirst, limit);
    }

    public IncidentQuery openedBetween(Instant from, Instant to) {
        return new IncidentQuery(statuses, severities, services, from, to, text, beforeId, oldestFirst, limit);
    }

    public IncidentQuery containing(String t) {
        return new IncidentQuery(statuses, severities, services, openedFrom, openedTo, t, beforeId, oldestFirst, limit);
    }

    public IncidentQuery before(Long id) {
        return new IncidentQuery(statuses, severities, services, openedFrom, openedTo, text, id, oldestFirst, limit);
    }

    /** Oldest opened first. */
    public IncidentQuery fromOldest() {
        return new IncidentQuery(statuses, severities, services, openedFrom, openedTo, text, beforeId, true, limit);
    }

    public IncidentQuery limit(int n) {
        return new IncidentQuery(statuses, severities, services, openedFrom, openedTo, text, beforeId, oldestFirst, n);
    }

    /** The WHERE clause (starting " WHERE", or empty) and its named parameters. */
    String where(Map<String, Object> params) {
        StringBuilder sql = new StringBuilder();
        if (!statuses.isEmpty()) {
            sql.append(" AND status IN (:statuses)");
            params.put("statuses", statuses.stream().map(Enum::name).sorted().toList());
        }
        if (!severities.isEmpty()) {
            sql.append(" AND severity IN (:severities)");
            params.put("severities", severities.stream().sorted().toList());
        }
        if (services != null && services.isEmpty()) {
            sql.append(" AND 1 = 0");
        } else if (services != null) {
            sql.append(" AND service_id IN (:services)");
            params.put("services", services.stream().sorted().toList());
        }
        if (openedFrom != null) {
            sql.append(" AND opened_at >= :openedFrom");
            params.put("openedFrom", Timestamps.of(openedFrom));
        }
        if (openedTo != null) {
            sql.append(" AND opened_at < :openedTo");
            params.put("openedTo", Timestamps.of(openedTo));
        }
        if (text != null) {
            String lower = text.toLowerCase(Locale.ROOT);
            String like = "%" + lower.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            sql.append(" AND (LOWER(summary) LIKE :like ESCAPE '\\' OR LOWER(dedup_key) LIKE :like ESCAPE '\\'");
            params.put("like", like);
            Long number = number(lower);
            if (number != null) {
                sql.append(" OR id = :number");
                params.put("number", number);
            }
            sql.append(")");
        }
        if (beforeId != null) {
            sql.append(" AND id < :beforeId");
            params.put("beforeId", beforeId);
        }
        return sql.isEmpty() ? "" : " WHERE" + sql.substring(4);
    }

    String orderBy() {
        return oldestFirst ? " ORDER BY opened_at, id" : " ORDER BY id DESC";
    }

    /** "inc-42" or "42" as a number, so a search for an incident's number finds it. */
    private static Long number(String text) {
        String digits = text.startsWith("inc-") ? text.substring(4) : text;
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(Character::isDigit)) {
            return null;
        }
        return Long.parseLong(digits);
    }

    static Map<String, Object> params() {
        return new LinkedHashMap<>();
    }
}
