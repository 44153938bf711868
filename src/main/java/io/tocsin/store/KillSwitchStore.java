package io.tocsin.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The kill switches as one row each: every node reads them from here (never from memory), so a switch
 * set through any node holds on all of them at once.
 */
@Repository
public class KillSwitchStore {
    /** One switch's state and who set it last (null before anyone did). */
    public record State(KillSwitch name, boolean on, Instant changedAt, String changedBy, String via) {
    }

    private final JdbcClient jdbc;

    public KillSwitchStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Map<KillSwitch, State> all() {
        Map<KillSwitch, State> out = new EnumMap<>(KillSwitch.class);
        for (KillSwitch s : KillSwitch.values()) {
            out.put(s, new State(s, s.initially(), null, null, null));
        }
        jdbc.sql("SELECT * FROM kill_switch").query((rs, i) -> new Object[] {rs.getString("name"), rs.getBoolean("enabled"),
                Timestamps.toInstant(rs.getObject("changed_at", OffsetDateTime.class)), rs.getString("changed_by"), rs.getString("via")})
                .list().forEach(r -> KillSwitch.of((String) r[0]).ifPresent(s -> out.put(s,
                        new State(s, (Boolean) r[1], (Instant) r[2], (String) r[3], (String) r[4]))));
        return out;
    }

    public boolean isOn(KillSwitch s) {
        return jdbc.sql("SELECT enabled FROM kill_switch WHERE name = ?").param(s.id()).query(Boolean.class).optional()
                .orElse(s.initially());
    }

    /** Locks the switches for a change, so two people switching at once are told in order. */
    public Map<KillSwitch, State> allForUpdate() {
        jdbc.sql("SELECT name FROM kill_switch FOR UPDATE").query(String.class).list();
        return all();
    }

    public void set(KillSwitch s, boolean on, Instant at, String by, String via) {
        int updated = jdbc.sql("UPDATE kill_switch SET enabled = ?, changed_at = ?, changed_by = ?, via = ? WHERE name = ?")
                .params(on, Timestamps.of(at), by, via, s.id()).update();
        if (updated == 0) {
            jdbc.sql("INSERT INTO kill_switch (name, enabled, changed_at, changed_by, via) VALUES (?, ?, ?, ?, ?)")
                    .params(s.id(), on, Timestamps.of(at), by, via).update();
        }
    }
}
