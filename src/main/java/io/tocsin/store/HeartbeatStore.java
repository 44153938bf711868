package io.tocsin.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class HeartbeatStore {
    public record Beat(String key, String serviceId, boolean missed) {
    }

    private final JdbcClient jdbc;

    public HeartbeatStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Records a beat and the instant the next one is due; returns whether the monitor had been missed. */
    public boolean beat(String key, String serviceId, Instant now, Instant nextDue) {
        Optional<Boolean> missed = jdbc.sql("SELECT missed FROM heartbeat WHERE integration_key = ? FOR UPDATE").param(key)
                .query(Boolean.class).optional();
        if (missed.isEmpty()) {
            jdbc.sql("INSERT INTO heartbeat (integration_key, service_id, last_beat_at, due_at, missed) VALUES (?, ?, ?, ?, FALSE)")
                    .params(key, serviceId, Timestamps.of(now), Timestamps.of(nextDue)).update();
            return false;
        }
        jdbc.sql("UPDATE heartbeat SET last_beat_at = ?, due_at = ?, missed = FALSE, service_id = ? WHERE integration_key = ?")
                .params(Timestamps.of(now), Timestamps.of(nextDue), serviceId, key).update();
        return missed.get();
    }

    /** Locks one overdue monitor that no other node holds. */
    public Optional<Beat> claimOverdue(Instant now) {
        return jdbc.sql("SELECT integration_key, service_id, missed FROM heartbeat WHERE due_at <= ? ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED")
                .param(Timestamps.of(now))
                .query((rs, i) -> new Beat(rs.getString(1), rs.getString(2), rs.getBoolean(3))).optional();
    }

    /**
     * An overdue monitor that could not be handled at {@code now}: claimed again at {@code at}. Only while
     * it is still overdue and not missed: a beat that came meanwhile (due later now) or another node that
     * handled it (missed) wins, so this never brings a healthy or handled monitor back.
     */
    public void postpone(String key, Instant now, Instant at) {
        jdbc.sql("UPDATE heartbeat SET due_at = ? WHERE integration_key = ? AND missed = FALSE AND due_at <= ?")
                .params(Timestamps.of(at), key, Timestamps.of(now)).update();
    }

    public void markMissed(String key) {
        jdbc.sql("UPDATE heartbeat SET missed = TRUE, due_at = NULL WHERE integration_key = ?").param(key).update();
    }

    public void forget(String key) {
        jdbc.sql("DELETE FROM heartbeat WHERE integration_key = ?").param(key).update();
    }

    /** The state of every monitor that has beaten at least once. */
    public List<Status> statuses() {
        return jdbc.sql("SELECT integration_key, service_id, last_beat_at, due_at, missed FROM heartbeat ORDER BY integration_key")
                .query((rs, i) -> new Status(rs.getString(1), rs.getString(2), Timestamps.toInstant(rs.getObject(3, java.time.OffsetDateTime.class)),
                        Timestamps.toInstant(rs.getObject(4, java.time.OffsetDateTime.class)),
                        rs.getBoolean(5))).list();
    }

    public record Status(String key, String serviceId, Instant lastBeatAt, Instant dueAt, boolean missed) {
    }

    public List<Beat> all() {
        return jdbc.sql("SELECT integration_key, service_id, missed FROM heartbeat ORDER BY integration_key")
                .query((rs, i) -> new Beat(rs.getString(1), rs.getString(2), rs.getBoolean(3))).list();
    }
}
