package io.tocsin.engine;

import java.time.Instant;
import java.util.List;

/**
 * One thing that happened to an incident. Entries of kind {@link Kind#NOTIFIED} are the
 * notification intents: they carry the people to page and why (path, level or trigger).
 */
public record TimelineEntry(Instant at, Kind kind, String path, String level, String trigger, List<String> people,
                            String text) {
    public enum Kind {
        OPENED, SUSTAINED, NOTIFIED, LEVEL_SKIPPED, LADDER_REPEATED, LADDER_EXHAUSTED, TRIGGER_FIRED, PATH_SWITCHED, PATH_ADDED,
        ACKNOWLEDGED, UNACKNOWLEDGED, RESOLVED, RETRIGGERED, SEVERITY_CHANGED, TAG_ADDED, SERVICE_ADDED, STATUS_UPDATE,
        ESCALATED, DEESCALATED, REASSIGNED, ACKNOWLEDGEMENT_TIMED_OUT, NOTE, PAGING_STARTED, POLICY_CHANGED, TARGET_BREACHED, UPDATE_DUE, ROLE_ASSIGNED, ROLE_RELEASED, WAR_ROOM_DECLARED, WAR_ROOM_JOINED, CHECKLIST_TICKED,
        POSTMORTEM_DUE, POSTMORTEM_DRAFTED, POSTMORTEM_PUBLISHED, POSTMORTEM_OVERDUE,
        /** An organisation-wide kill switch moved while the incident was open (written by the server, not decided by the engine). */
        SWITCH_CHANGED
    }

    public TimelineEntry {
        people = people == null ? List.of() : List.copyOf(people);
    }

    public static TimelineEntry of(Instant at, Kind kind, String text) {
        return new TimelineEntry(at, kind, null, null, null, List.of(), text);
    }
}
