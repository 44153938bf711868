package io.tocsin.notify;

import io.tocsin.incident.Redaction;
import io.tocsin.config.LiveSchedules;
import io.tocsin.config.Organisation;
import io.tocsin.config.OrganisationConfig;
import io.tocsin.schedule.Layer;
import io.tocsin.schedule.Schedule;
import io.tocsin.schedule.Shift;
import io.tocsin.store.HandoffStore;
import io.tocsin.store.IncidentRow;
import io.tocsin.store.IncidentStore;
import io.tocsin.store.NotificationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Tells the outgoing and the incoming on-call person of a layer, at each handoff, what they hand
 * over: the incidents still open on the services the schedule is paged for, the incidents of the
 * shift that ends, and the handoff checklist.
 *
 * <p>Every poll looks at the handoffs of the last {@code lookback} rather than since its previous
 * poll: a node that restarts, or a poll that failed, still announces a handoff a few minutes late,
 * while one older than that (after a long outage) is dropped rather than sent when nobody needs it
 * any more. The schedule_handoff row, written in the same transaction as the deliveries, and the
 * deliveries' unique idempotency keys make every node after the first a no-op.
 */
@Component
public class HandoffNotices {
    private static final Logger LOG = LoggerFactory.getLogger(HandoffNotices.class);
    /** One per component: what it said last is this server's, not another context's in the same JVM. */
    private final io.tocsin.store.OutageLog outage = new io.tocsin.store.OutageLog(LOG);
    static final String KIND = "HANDOFF";
    /** How far back the outgoing person's shift is searched; longer rotations are cut here. */
    static final Duration SHIFT_SEARCH = Duration.ofDays(35);
    /** Incidents listed per section; a noisy week must not make the notice unreadable or overflow its column. */
    static final int LIST_LIMIT = 20;
    static final int MAX_SUMMARY = 160;
    static final int MAX_TEXT = 15_000;

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm zzz", Locale.ENGLISH);

    private final LiveSchedules schedules;
    private final HandoffStore handoffs;
    private final IncidentStore incidents;
    private final NotificationStore deliveries;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final boolean enabled;
    private final Duration lookback;
    /** Handoffs this node already saw through, so polls within the lookback skip the database. */
    private final Map<String, Instant> done = new ConcurrentHashMap<>();

    HandoffNotices(LiveSchedules schedules, HandoffStore handoffs, IncidentStore incidents, NotificationStore deliveries, Clock clock,
                   TransactionTemplate tx, @Value("${tocsin.handoff.enabled:true}") boolean enabled,
                   @Value("${tocsin.handoff.lookback:10m}") Duration lookback) {
        this.schedules = schedules;
        this.handoffs = handoffs;
        this.incidents = incidents;
        this.deliveries = deliveries;
        this.clock = clock;
        this.tx = tx;
        this.enabled = enabled;
        this.lookback = lookback;
    }

    @Scheduled(fixedDelayString = "${tocsin.handoff.poll-interval:30s}")
    void scheduledPoll() {
        if (!enabled) {
            return;
        }
        try {
            poll();
        } catch (RuntimeException e) {
            if (!outage.quietly("looking for schedule handoffs", e)) {
                LOG.error("looking for schedule handoffs failed; retrying on the next poll", io.tocsin.store.OutageLog.explained(e));
            }
        }
    }

    /** Announces the handoffs in (now - lookback, now] not yet announced; returns how many notices it created. */
    int poll() {
        Instant now = clock.instant();
        Instant from = now.minus(lookback);
        done.values().removeIf(at -> !at.isAfter(from) || at.isAfter(now));
        Organisation org = schedules.organisation();
        int created = 0;
        for (Schedule schedule : org.schedules().values()) {
            for (Layer layer : schedule.layers()) {
                for (Instant at : changesIn(schedule, layer.id(), from, now)) {
                    String key = schedule.id() + "|" + layer.id() + "|" + at;
                    if (done.containsKey(key)) {
                        continue;
                    }
                    try {
                        created += announce(org, schedule, layer, at, now);
                        done.put(key, at);
                    } catch (DuplicateKeyException anotherNodeWon) {
                        done.put(key, at);
                    } catch (RuntimeException e) {
                        // One handoff that cannot be announced must not hold back the others; the next poll retries it.
                        LOG.error("announcing the handoff of {} at {} failed", key, at, e);
                    }
                }
            }
        }
        return created;
    }

    /** Instants in (from, to] at which the answer of the layer changes. */
    static List<Instant> changesIn(Schedule schedule, String layerId, Instant from, Instant to) {
        List<Instant> out = new ArrayList<>();
        Instant cursor = from;
        while (cursor.isBefore(to)) {
            int horizonDays = (int) Math.min(Integer.MAX_VALUE, Duration.between(cursor, to).toDays() + 1);
            Optional<Instant> next = schedule.nextHandoff(layerId, cursor, horizonDays);
            if (next.isEmpty() || next.get().isAfter(to) || !next.get().isAfter(cursor)) {
                break;
            }
            out.add(next.get());
            cursor = next.get();
        }
        return out;
    }

    private int announce(Organisation org, Schedule schedule, Layer layer, Instant at, Instant now) {
        Optional<String> incoming = schedule.onCall(layer.id(), at).person();
        if (incoming.isEmpty()) {
            // A layer falling into a gap (a restriction window closing) hands over to nobody: nothing to brief.
            return 0;
        }
        List<Shift> before = schedule.shifts(layer.id(), at.minus(SHIFT_SEARCH), at);
        String outgoing = before.isEmpty() ? null : before.get(before.size() - 1).person();
        if (incoming.get().equals(outgoing)) {
            // The same person again after a gap (the next restriction window): not a handoff.
            return 0;
        }
        Instant shiftStart = outgoing == null ? null : shiftStart(before, outgoing);
        Set<String> services = servicesPaging(org, schedule.id());
        Integer created = tx.execute(status -> {
            if (handoffs.announced(schedule.id(), layer.id(), at)) {
                return 0;
            }
            List<IncidentRow> open = incidents.openOn(services, LIST_LIMIT + 1);
            List<IncidentRow> shift = shiftStart == null ? List.of()
                    : incidents.openedBetween(services, shiftStart, at, LIST_LIMIT + 1);
            handoffs.record(new HandoffStore.AnnouncedHandoff(schedule.id(), layer.id(), at, outgoing, incoming.get(),
                    Math.min(open.size(), LIST_LIMIT), Math.min(shift.size(), LIST_LIMIT), now));
            Briefing briefing = new Briefing(org, schedule, layer, at, outgoing, incoming.get(), shiftStart, services, open, shift);
            int n = 0;
            for (String person : Stream.of(outgoing, incoming.get()).filter(p -> p != null).toList()) {
                n += notify(org, briefing, person, now) ? 1 : 0;
            }
            return n;
        });
        if (created != null && created > 0) {
            LOG.info("announced the handoff of {}/{} at {}: {} -> {}", schedule.id(), layer.id(), at, outgoing, incoming.get());
        }
        return created == null ? 0 : created;
    }

    private boolean notify(Organisation org, Briefing briefing, String personId, Instant now) {
        Optional<OrganisationConfig.Person> person = org.person(personId);
        Optional<PlannedDelivery> plan = person.flatMap(NotificationRulesPlan::forNotice);
        if (plan.isEmpty()) {
            LOG.warn("cannot tell {} about the handoff of {}/{}: no contact method", personId, briefing.schedule.id(), briefing.layer.id());
            return false;
        }
        PlannedDelivery p = plan.get();
        String key = "handoff|" + briefing.schedule.id() + "|" + briefing.layer.id() + "|" + briefing.at + "|" + personId;
        return deliveries.create(new NotificationStore.NewDelivery(null, null, personId, KIND, 0, p.contactMethod(), p.channel(),
                p.address(), key, briefing.textFor(personId), now), now);
    }

    /** Start of the outgoing person's stretch: back over their own shifts (gaps included) to the previous person. */
    static Instant shiftStart(List<Shift> before, String outgoing) {
        Instant start = before.get(before.size() - 1).start();
        for (int i = before.size() - 1; i >= 0 && before.get(i).person().equals(outgoing); i--) {
            start = before.get(i).start();
        }
        return start;
    }

    /** Services whose escalation policy names the schedule anywhere: in a level or in a trigger's action. */
    static Set<String> servicesPaging(Organisation org, String scheduleId) {
        Set<String> policies = new LinkedHashSet<>();
        for (OrganisationConfig.EscalationPolicy policy : org.config().escalationPolicies()) {
            List<OrganisationConfig.Target> targets = new ArrayList<>();
            policy.triggers().forEach(t -> addTargets(targets, t));
            for (OrganisationConfig.Path path : policy.paths()) {
                path.levels().forEach(l -> targets.addAll(l.targets()));
                path.triggers().forEach(t -> addTargets(targets, t));
            }
            if (targets.stream().anyMatch(t -> scheduleId.equals(t.schedule()))) {
                policies.add(policy.id());
            }
        }
        Set<String> services = new LinkedHashSet<>();
        for (OrganisationConfig.Service service : org.config().services()) {
            if (policies.contains(service.escalationPolicy())) {
                services.add(service.id());
            }
        }
        return services;
    }

    private static void addTargets(List<OrganisationConfig.Target> into, OrganisationConfig.Trigger trigger) {
        if (trigger.action() != null) {
            into.addAll(trigger.action().targets());
        }
    }

    /** Everything both people are told; only the role line and the checklist differ between them. */
    private record Briefing(Organisation org, Schedule schedule, Layer layer, Instant at, String outgoing, String incoming,
                            Instant shiftStart, Set<String> services, List<IncidentRow> open, List<IncidentRow> shift) {

        String textFor(String personId) {
            ZoneId zone = layer.zone() == null ? schedule.zone() : layer.zone();
            boolean isIncoming = personId.equals(incoming);
            StringBuilder b = new StringBuilder();
            b.append("On-call handoff: ").append(schedule.name()).append(", layer ").append(layer.name())
                    .append(" (").append(schedule.id()).append('/').append(layer.id()).append(")\n");
            b.append(outgoing == null ? "Nobody" : name(outgoing)).append(" hands over to ").append(name(incoming))
                    .append(" at ").append(when(at, zone)).append(" (").append(zone.getId()).append(").\n");
            b.append(isIncoming ? "You are on call from now on." : "Your shift ends now; " + name(incoming) + " takes over.")
                    .append("\n\n");

            if (services.isEmpty()) {
                b.append("Open incidents: no service's escalation policy pages this schedule, so none are listed.\n");
            } else {
                b.append("Open incidents on services this schedule is paged for (").append(String.join(", ", services)).append("): ")
                        .append(count(open)).append('\n');
                list(b, open, zone, true);
            }
            b.append('\n');
            if (shiftStart != null) {
                b.append("Incidents of the past shift (").append(when(shiftStart, zone)).append(" to ").append(when(at, zone))
                        .append("): ").append(count(shift)).append('\n');
                list(b, shift, zone, false);
                b.append('\n');
            }

            // Each organisation's own checklist (organisation.handoff_checklist); none written, none sent.
            OrganisationConfig.HandoffChecklist own = org.config().organisation().handoffChecklist();
            List<String> checklist = isIncoming ? own.incoming() : own.outgoing();
            if (!checklist.isEmpty()) {
                b.append(isIncoming ? "Handoff checklist for the incoming on-call:\n" : "Handoff checklist for the outgoing on-call:\n");
                for (int i = 0; i < checklist.size(); i++) {
                    b.append(i + 1).append(". ").append(checklist.get(i).replace("{person}", personId)).append('\n');
                }
            }
            return b.length() <= MAX_TEXT ? b.toString() : b.substring(0, MAX_TEXT - 2) + "\u2026\n";
        }

        private String name(String personId) {
            return org.person(personId).map(OrganisationConfig.Person::name).filter(n -> n != null && !n.isBlank())
                    .map(n -> n + " (" + personId + ")").orElse(personId);
        }

        private static String count(List<IncidentRow> rows) {
            return rows.size() > LIST_LIMIT ? "more than " + LIST_LIMIT : Integer.toString(rows.size());
        }

        private void list(StringBuilder b, List<IncidentRow> rows, ZoneId zone, boolean withOpened) {
            if (rows.isEmpty()) {
                b.append("- none\n");
            }
            for (IncidentRow i : rows.subList(0, Math.min(rows.size(), LIST_LIMIT))) {
                // Each summary masked with its own incident's details, as its pages were, and before it is
                // cut, so a cut never leaves half of a sensitive value behind.
                String summary = i.summary() == null ? "" : Redaction.forIncident(org, i).text(i.summary());
                if (summary.length() > MAX_SUMMARY) {
                    summary = summary.substring(0, MAX_SUMMARY - 1) + "\u2026";
                }
                b.append("- ").append(i.number()).append(' ').append(i.severity()).append(' ').append(i.serviceId()).append(": ")
                        .append(summary).append(" [").append(i.status().toLowerCase(Locale.ROOT));
                if (withOpened) {
                    b.append(", opened ").append(when(i.openedAt(), zone));
                }
                b.append("]\n");
            }
            if (rows.size() > LIST_LIMIT) {
                b.append("- ... and more: see /api/v1/incidents\n");
            }
        }

        private static String when(Instant t, ZoneId zone) {
            return WHEN.format(t.atZone(zone));
        }
    }
}
