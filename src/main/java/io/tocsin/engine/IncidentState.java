package io.tocsin.engine;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything the escalation rules need to know about one incident. Immutable; the engine returns a
 * new state with every change. {@code unacknowledgedSince} restarts when an incident is re-triggered
 * or un-acknowledged, so "unacknowledged for 15 minutes" counts from then. {@code assignees} are the
 * people an incident was explicitly handed to by a reassignment (empty: whoever the ladder paged).
 * {@code pendingUntil} is set while a signal that must be sustained waits: nobody is paged before
 * then, and a source that clears in time resolves the incident without a page.
 */
public record IncidentState(
        String id,
        String service,
        String policy,
        String severity,
        IncidentStatus status,
        Set<String> tags,
        Set<String> services,
        Instant openedAt,
        Instant unacknowledgedSince,
        Instant acknowledgedAt,
        String acknowledgedBy,
        Instant resolvedAt,
        Instant lastUpdateAt,
        List<PathRun> paths,
        Set<String> firedTriggers,
        Set<String> engaged,
        Set<String> assignees,
        Instant pendingUntil) {

    public IncidentState {
        // Insertion order is kept (Set.copyOf would not) so timelines are the same on every run.
        tags = ordered(tags);
        services = ordered(services);
        paths = List.copyOf(paths);
        firedTriggers = ordered(firedTriggers);
        engaged = ordered(engaged);
        // States stored before reassignment existed have no assignees.
        assignees = assignees == null ? Set.of() : ordered(assignees);
    }

    static Set<String> ordered(Set<String> set) {
        return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(set));
    }

    public boolean isOpen() {
        return status != IncidentStatus.RESOLVED;
    }

    public boolean isAcknowledged() {
        return status == IncidentStatus.ACKNOWLEDGED;
    }

    /** When progress was last shown: the last status update, or the opening. */
    public Instant progressSince() {
        return lastUpdateAt == null ? openedAt : lastUpdateAt;
    }

    IncidentState with(Builder b) {
        return b.build();
    }

    Builder toBuilder() {
        return new Builder(this);
    }

    static final class Builder {
        String id;
        String service;
        String policy;
        String severity;
        IncidentStatus status;
        Set<String> tags;
        Set<String> services;
        Instant openedAt;
        Instant unacknowledgedSince;
        Instant acknowledgedAt;
        String acknowledgedBy;
        Instant resolvedAt;
        Instant lastUpdateAt;
        List<PathRun> paths;
        Set<String> firedTriggers;
        Set<String> engaged;
        Set<String> assignees;
        Instant pendingUntil;

        Builder(IncidentState s) {
            id = s.id;
            service = s.service;
            policy = s.policy;
            severity = s.severity;
            status = s.status;
            tags = new LinkedHashSet<>(s.tags);
            services = new LinkedHashSet<>(s.services);
            openedAt = s.openedAt;
            unacknowledgedSince = s.unacknowledgedSince;
            acknowledgedAt = s.acknowledgedAt;
            acknowledgedBy = s.acknowledgedBy;
            resolvedAt = s.resolvedAt;
            lastUpdateAt = s.lastUpdateAt;
            paths = new java.util.ArrayList<>(s.paths);
            firedTriggers = new LinkedHashSet<>(s.firedTriggers);
            engaged = new LinkedHashSet<>(s.engaged);
            assignees = new LinkedHashSet<>(s.assignees);
            pendingUntil = s.pendingUntil;
        }

        IncidentState build() {
            return new IncidentState(id, service, policy, severity, status, tags, services, openedAt, unacknowledgedSince,
                    acknowledgedAt, acknowledgedBy, resolvedAt, lastUpdateAt, paths, firedTriggers, engaged, assignees, pendingUntil);
        }
    }
}
