package io.tocsin.ingest;

import io.tocsin.engine.Paging;
import io.tocsin.config.Organisation;
import io.tocsin.config.OrganisationConfig;
import io.tocsin.config.RoutingCondition;
import io.tocsin.incident.Signal;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns an inbound event into a routed signal: the organisation's routing rules (CEL), the mapping
 * of source severities onto its scale, and its maintenance windows (paging suppressed, everything
 * recorded). Pure apart from the compiled-rule cache.
 */
public final class EventRouter {
    private final Map<String, RoutingCondition> compiled = new ConcurrentHashMap<>();

    /** The routed signal, the rules that matched, and how long the condition must last before paging. */
    public record Routed(Signal signal, List<String> rules, java.time.Duration sustainedFor) {
    }

    public Signal route(Organisation org, InboundEvent e, Instant now) {
        return routeDetailed(org, e, now).signal();
    }

    public Routed routeDetailed(Organisation org, InboundEvent e, Instant now) {
        List<String> matched = new java.util.ArrayList<>();
        java.time.Duration sustained = null;
        String service = e.serviceId();
        String severity = mapSeverity(org, e.integrationType(), e.sourceSeverity());
        Set<String> tags = new LinkedHashSet<>();
        Paging paging = Paging.PAGE;
        ZonedDateTime local = now.atZone(org.zone());
        Map<String, Object> vars = new HashMap<>();
        Map<String, Object> event = new HashMap<>();
        event.put("summary", nz(e.summary()));
        event.put("source", nz(e.source()));
        event.put("severity", nz(e.sourceSeverity()));
        event.put("service", service);
        event.put("dedup_key", nz(e.dedupKey()));
        event.put("integration", nz(e.integrationType()));
        event.put("labels", e.labels());
        vars.put("event", event);
        vars.put("labels", e.labels());
        vars.put("local_hour", (long) local.getHour());
        vars.put("local_weekday", local.getDayOfWeek().name().substring(0, 3).toLowerCase(Locale.ROOT));
        boolean ruled = false;
        String chatChannel = null;
        for (OrganisationConfig.RoutingRule rule : org.config().routingRules()) {
            RoutingCondition condition = compiled.computeIfAbsent(rule.when(), RoutingCondition::compile);
            if (!condition.matches(vars)) {
                continue;
            }
            matched.add(rule.id());
            if (rule.sustainedFor() != null) {
                sustained = io.tocsin.config.Durations.parse(rule.sustainedFor());
            }
            OrganisationConfig.RoutingAction set = rule.set();
            if (set != null) {
                if (set.service() != null) {
                    service = set.service();
                    event.put("service", service);
                }
                if (set.severity() != null) {
                    severity = set.severity();
                }
                tags.addAll(set.tags());
                if (set.chatChannel() != null) {
                    chatChannel = set.chatChannel();
                }
                if (set.action() != null) {
                    paging = Paging.valueOf(set.action().toUpperCase(Locale.ROOT));
                    ruled = true;
                }
            }
            if (!Boolean.TRUE.equals(rule.continueMatching())) {
                break;
            }
        }
        if (!ruled && !severityPages(org, severity)) {
            paging = Paging.CHAT;
        }
        if (paging == Paging.PAGE && inMaintenance(org, service, now).isPresent()) {
            paging = Paging.RECORD;
            tags.add("maintenance:" + inMaintenance(org, service, now).get());
        }
        return new Routed(new Signal(service, e.dedupKey(), e.action(), e.summary(), e.source(), severity, tags, paging, e.details(),
                sustained, chatChannel),
                matched, sustained);
    }

    /** The configured mapping, else a severity named like the source's (by id or alias), else the default. */
    static String mapSeverity(Organisation org, String integration, String sourceSeverity) {
        if (sourceSeverity != null) {
            Map<String, String> mapping = org.config().organisation().sourceSeverities().get(integration);
            if (mapping != null && mapping.containsKey(sourceSeverity)) {
                return mapping.get(sourceSeverity);
            }
        }
        return org.severityNamed(sourceSeverity).orElseGet(org::defaultSeverity);
    }

    static boolean severityPages(Organisation org, String severity) {
        return org.config().severities().stream().filter(s -> s.id().equals(severity)).findFirst()
                .map(s -> "page".equals(s.response())).orElse(true);
    }

    /** The id of a maintenance window covering {@code service} at {@code now}, if any. */
    static Optional<String> inMaintenance(Organisation org, String service, Instant now) {
        for (OrganisationConfig.MaintenanceWindow w : org.config().maintenanceWindows()) {
            if (!w.services().isEmpty() && !w.services().contains(service)) {
                continue;
            }
            if (w.recurrence() == null) {
                if (w.start() != null && w.end() != null && !now.isBefore(OffsetDateTime.parse(w.start()).toInstant())
                        && now.isBefore(OffsetDateTime.parse(w.end()).toInstant())) {
                    return Optional.of(w.id());
                }
                continue;
            }
            ZoneId zone = w.timeZone() == null ? org.zone() : ZoneId.of(w.timeZone());
            LocalDate today = now.atZone(zone).toLocalDate();
            for (LocalDate d = today.minusDays(1); !d.isAfter(today); d = d.plusDays(1)) {
                if (!opensOn(w.recurrence().days(), d.getDayOfWeek())) {
                    continue;
                }
                LocalTime from = LocalTime.parse(w.recurrence().from());
                boolean endOfDay = "24:00".equals(w.recurrence().to());
                LocalTime to = endOfDay ? LocalTime.MIDNIGHT : LocalTime.parse(w.recurrence().to());
                Instant start = io.tocsin.schedule.LocalTimes.instant(d.atTime(from), zone);
                Instant end = io.tocsin.schedule.LocalTimes.instant((endOfDay || !to.isAfter(from) ? d.plusDays(1) : d).atTime(to), zone);
                if (!now.isBefore(start) && now.isBefore(end)) {
                    return Optional.of(w.id());
                }
            }
        }
        return Optional.empty();
    }

    private static boolean opensOn(List<String> days, DayOfWeek day) {
        return days.isEmpty() || days.contains(day.name().substring(0, 3).toLowerCase(Locale.ROOT));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
