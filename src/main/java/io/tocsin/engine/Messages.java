package io.tocsin.engine;

import io.tocsin.engine.TimelineEntry.Kind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which messages a step sends, computed from what it did: the server stores exactly these (one outbox
 * row each, keyed by {@link Outgoing#key()}) and the simulator prints exactly these.
 * <ul>
 * <li>Pages: everyone a level, a trigger or a reassignment named, and whoever an acknowledgement
 * timeout pages again.</li>
 * <li>Notices: everyone already engaged hears when the incident is acknowledged (and by whom),
 * escalated (by hand or by the ladder) or resolved; people released by a de-escalation hear that they
 * can stand down; whoever holds the incident hears when a status update is due. Not the person who
 * did it, and not someone paged by this same step (their page says it already).</li>
 * <li>Chat posts: each of the incident's channels hears its moments (opened, acknowledged, escalated,
 * severity or path changed, exhausted, status updates, resolved). An incident kept on record only (a maintenance
 * window, or a signal that cleared before it was sustained) posts nothing, and neither does a signal
 * while it waits to be sustained: its channels first hear of it when it is.</li>
 * </ul>
 */
public final class Messages {
    /** Entries whose people are paged, with the step name their key carries when they have no level. */
    private static final Map<Kind, String> PAGES = Map.of(Kind.NOTIFIED, "", Kind.REASSIGNED, "reassigned",
            Kind.ACKNOWLEDGEMENT_TIMED_OUT, "acknowledgement-timeout", Kind.WAR_ROOM_DECLARED, "war-room");

    private Messages() {
    }

    static List<Outgoing> of(IncidentState s, List<TimelineEntry> entries, String actor, Set<String> channels) {
        List<Outgoing> out = new ArrayList<>();
        Set<String> pagedNow = new HashSet<>();
        entries.stream().filter(e -> PAGES.containsKey(e.kind())).forEach(e -> pagedNow.addAll(e.people()));
        // One notice per person per step: an escalation by hand that notifies a level is one event to them.
        Set<String> noticed = new HashSet<>();
        for (TimelineEntry e : entries) {
            if (s.paging() != Paging.RECORD && s.pendingUntil() == null && announced(e, s)) {
                for (String channel : channels) {
                    out.add(message(Outgoing.Kind.CHAT, channel, s, e, "chat:" + name(e), e.text()));
                }
            }
            String notice = e.kind() == Kind.NOTIFIED ? "escalated: " + e.text() : e.text();
            for (String person : noticeRecipients(e, s, actor, pagedNow)) {
                if (e.kind() == Kind.UPDATE_DUE || noticed.add(person)) {
                    out.add(message(Outgoing.Kind.NOTICE, person, s, e, "notice:" + name(e), notice));
                }
            }
            if (PAGES.containsKey(e.kind())) {
                String step = e.kind() != Kind.NOTIFIED ? PAGES.get(e.kind())
                        : e.trigger() != null && e.level() == null ? "trigger:" + e.trigger() : e.path() + "/" + e.level();
                for (String person : e.people()) {
                    out.add(new Outgoing(Outgoing.Kind.PAGE, person, s.id() + "|" + step + "|" + e.at().toEpochMilli() + "|" + person,
                            e.text(), e));
                }
            }
        }
        return out;
    }

    /** The moments a channel hears; a level notified after the incident opened is an escalation, the first levels are "opened". */
    public static boolean announced(TimelineEntry e, IncidentState s) {
        return switch (e.kind()) {
            case OPENED, SUSTAINED, ACKNOWLEDGED, UNACKNOWLEDGED, ESCALATED, SEVERITY_CHANGED, PATH_SWITCHED, RESOLVED, DEESCALATED,
                 LADDER_EXHAUSTED, STATUS_UPDATE, WAR_ROOM_DECLARED, ROLE_ASSIGNED -> true;
            case NOTIFIED -> escalation(e, s);
            default -> false;
        };
    }

    /** A level notified after paging began is an escalation; the first levels are part of "opened" (or "sustained"). */
    private static boolean escalation(TimelineEntry e, IncidentState s) {
        return s.pagingSince() != null && e.at().isAfter(s.pagingSince());
    }

    private static List<String> noticeRecipients(TimelineEntry e, IncidentState s, String actor, Set<String> pagedNow) {
        if (e.kind() == Kind.DEESCALATED || e.kind() == Kind.UPDATE_DUE) {
            return e.people();
        }
        if (e.kind() == Kind.ROLE_ASSIGNED) {
            // Whoever is given the role hears it, unless they took it themselves.
            return e.people().stream().filter(p -> !p.equals(actor)).toList();
        }
        boolean escalatedByLadder = e.kind() == Kind.NOTIFIED && escalation(e, s);
        if (e.kind() != Kind.ACKNOWLEDGED && e.kind() != Kind.RESOLVED && e.kind() != Kind.ESCALATED && !escalatedByLadder) {
            return List.of();
        }
        return s.engaged().stream().filter(p -> !p.equals(actor) && !pagedNow.contains(p)).toList();
    }

    private static Outgoing message(Outgoing.Kind kind, String recipient, IncidentState s, TimelineEntry e, String what, String text) {
        return new Outgoing(kind, recipient, s.id() + "|" + what + "|" + e.at().toEpochMilli() + "|" + e.level() + "|" + recipient, text, e);
    }

    private static String name(TimelineEntry e) {
        return e.kind().name().toLowerCase(java.util.Locale.ROOT);
    }
}
