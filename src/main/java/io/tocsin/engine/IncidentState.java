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
 * then, and a source that clears in time resolves the incident without a page. {@code paging} says how
 * loudly it opened ({@link Paging}); {@code chatChannel} is where a routing rule sent its chat posts
 * (null: its severity's channel). {@code paged} are the people paged since it last (re)triggered: a
 * later level or trigger naming them again does not page them again (one page per person per cycle),
 * and neither is the person who acknowledged it while it stays acknowledged. {@code eventCount} counts
 * the source's events for its dedup key. {@code pagingSince} is when it started paging (at opening, when
 * its signal was sustained, or when a quiet incident was raised); a level notified after that is an
 * escalation. Null while it pages nobody. {@code firstUpdateAt} is when the first status update was
 * posted (the first-update target is met then); {@code breached} names the response targets whose
 * breach the timeline has recorded. {@code updateStatus} is the status of the latest update,
 * {@code nextUpdatePromised} when its poster said the next would come (null: the cadence says), and
 * {@code updateRemindedAt} when an overdue update was last reminded of. {@code summary} is what the
 * alert said (it names the war-room channel), {@code roles} who holds which incident role (commander,
 * ops lead, communications lead, scribe, subject expert...), {@code warRoom} the war room, once one
 * is declared, and {@code checklist} its severity's immediate actions, each ticked by someone or not.
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
        Instant pendingUntil,
        Paging paging,
        String chatChannel,
        Set<String> paged,
        long eventCount,
        Instant pagingSince,
        Instant firstUpdateAt,
        Set<String> breached,
        String updateStatus,
        Instant nextUpdatePromised,
        Instant updateRemindedAt,
        String summary,
        java.util.Map<String, String> roles,
        WarRoom warRoom,
        List<ChecklistItem> checklist) {

    public IncidentState {
        // Insertion order is kept (Set.copyOf would not) so timelines are the same on every run.
        tags = ordered(tags);
        services = ordered(services);
        paths = List.copyOf(paths);
        firedTriggers = ordered(firedTriggers);
        engaged = ordered(engaged);
        // States stored before reassignment existed have no assignees.
        assignees = assignees == null ? Set.of() : ordered(assignees);
        // States stored before these existed: a paging incident, everyone engaged counts as paged, one event.
        paging = paging == null ? Paging.PAGE : paging;
        paged = paged == null ? engaged : ordered(paged);
        eventCount = Math.max(1, eventCount);
        breached = breached == null ? Set.of() : ordered(breached);
        roles = roles == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(roles));
        checklist = checklist == null ? List.of() : List.copyOf(checklist);
        if (firstUpdateAt == null && lastUpdateAt != null) {
            firstUpdateAt = lastUpdateAt;
        }
        if (pagingSince == null && paging == Paging.PAGE && pendingUntil == null && !paths.isEmpty()) {
            pagingSince = openedAt;
        }
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
        Paging paging;
        String chatChannel;
        Set<String> paged;
        long eventCount;
        Instant pagingSince;
        Instant firstUpdateAt;
        Set<String> breached;
        String updateStatus;
        Instant nextUpdatePromised;
        Instant updateRemindedAt;
        String summary;
        java.util.Map<String, String> roles;
        WarRoom warRoom;
        List<ChecklistItem> checklist;

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
            paging = s.paging;
            chatChannel = s.chatChannel;
            paged = new LinkedHashSet<>(s.paged);
            eventCount = s.eventCount;
            pagingSince = s.pagingSince;
            firstUpdateAt = s.firstUpdateAt;
            breached = new LinkedHashSet<>(s.breached);
            updateStatus = s.updateStatus;
            nextUpdatePromised = s.nextUpdatePromised;
            updateRemindedAt = s.updateRemindedAt;
            summary = s.summary;
            roles = new java.util.LinkedHashMap<>(s.roles);
            warRoom = s.warRoom;
            checklist = new java.util.ArrayList<>(s.checklist);
        }

        IncidentState build() {
            return new IncidentState(id, service, policy, severity, status, tags, services, openedAt, unacknowledgedSince,
                    acknowledgedAt, acknowledgedBy, resolvedAt, lastUpdateAt, paths, firedTriggers, engaged, assignees, pendingUntil, paging,
                    chatChannel, paged, eventCount, pagingSince, firstUpdateAt, breached, updateStatus,
                    nextUpdatePromised, updateRemindedAt, summary, roles, warRoom,
                    checklist);
        }
    }
}
