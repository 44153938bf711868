package io.tocsin.incident;

import io.tocsin.store.AuditLog;
import io.tocsin.store.EntryRow;
import io.tocsin.store.IncidentRow;
import io.tocsin.store.IncidentStore;
import io.tocsin.store.KillSwitch;
import io.tocsin.store.KillSwitchStore;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Setting the organisation-wide kill switches, from whichever interface (API, CLI through the API, UI):
 * the switches, the audit entry (who, when, via, before and after) and a {@code SWITCH_CHANGED} entry on
 * every open incident's timeline commit together, so an incident's history says when automation was
 * switched off in the middle of it.
 */
@Component
public class KillSwitches {
    /** How many open incidents are told at most; more is a storm, where the audit log holds the record. */
    static final int OPEN_LIMIT = 1000;

    /** What a change did: the switches before and after; {@code changed} false when nothing moved. */
    public record Change(Map<KillSwitch, KillSwitchStore.State> before, Map<KillSwitch, KillSwitchStore.State> after, boolean changed) {
    }

    private final KillSwitchStore store;
    private final IncidentStore incidents;
    private final AuditLog audit;
    private final Clock clock;

    public KillSwitches(KillSwitchStore store, IncidentStore incidents, AuditLog audit, Clock clock) {
        this.store = store;
        this.incidents = incidents;
        this.audit = audit;
        this.clock = clock;
    }

    public Map<KillSwitch, KillSwitchStore.State> current() {
        return store.all();
    }

    @Transactional
    public Change set(Map<KillSwitch, Boolean> wanted, String actor, String via) {
        Map<KillSwitch, KillSwitchStore.State> before = store.allForUpdate();
        Instant now = clock.instant();
        Map<KillSwitch, Boolean> moved = moved(s -> before.get(s).on(), wanted);
        if (moved.isEmpty()) {
            return new Change(before, before, false);
        }
        moved.forEach((s, on) -> store.set(s, on, now, actor, via));
        Map<KillSwitch, KillSwitchStore.State> after = store.all();
        String text = text(moved, actor, via);
        audit.record(actor, via, "switch.set", "switches", snapshot(before), snapshot(after), text);
        for (IncidentRow open : incidents.list(true, OPEN_LIMIT)) {
            incidents.append(open.id(), new EntryRow(0, open.id(), now, "SWITCH_CHANGED", actor, via, null, null, null, List.of(), text));
        }
        return new Change(before, after, true);
    }

    /** The switches of {@code wanted} whose state differs from {@code isOn}'s, in {@code wanted}'s order: what a change moves. */
    public static Map<KillSwitch, Boolean> moved(java.util.function.Predicate<KillSwitch> isOn, Map<KillSwitch, Boolean> wanted) {
        Map<KillSwitch, Boolean> moved = new LinkedHashMap<>();
        wanted.forEach((s, on) -> {
            if (isOn.test(s) != on) {
                moved.put(s, on);
            }
        });
        return moved;
    }

    /**
     * What an open incident's timeline says of a change ({@code SWITCH_CHANGED}), on the server and in
     * {@code tocsin simulate} alike: {@code switched automation off (organisation-wide, by maya via api)}.
     */
    public static String text(Map<KillSwitch, Boolean> moved, String actor, String via) {
        List<String> said = moved.entrySet().stream().map(e -> e.getKey().id() + " " + (e.getValue() ? "on" : "off")).toList();
        return "switched " + String.join(", ", said) + " (organisation-wide, by " + actor + " via " + via + ")";
    }

    /** The switches as the audit log and the API show them: {@code {"automation": true, "safe_mode": false}}. */
    public static Map<String, Object> snapshot(Map<KillSwitch, KillSwitchStore.State> states) {
        Map<String, Object> m = new LinkedHashMap<>();
        states.forEach((s, st) -> m.put(s.id(), st.on()));
        return m;
    }
}
