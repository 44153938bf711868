package io.tocsin.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

@Repository
public class ScheduleOverrideStore {
    private final JdbcClient jdbc;
    private final Clock clock;

    public ScheduleOverrideStore(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public StoredOverride add(String scheduleId, String layerId, String personId, java.time.Instant start,
                              java.time.Instant end, String reason, String createdBy) {
        KeyHolder keys = new GeneratedKeyHolder();
        java.time.Instant now = clock.instant();
        jdbc.sql("INSERT INTO schedule_override (schedule_id, layer_id, person_id, starts_at, ends_at, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                .params(scheduleId, layerId, personId, Timestamps.of(start), Timestamps.of(end), reason, createdBy, Timestamps.of(now))
                .update(keys, "id");
        long id = keys.getKey().longValue();
        return new StoredOverride(id, scheduleId, layerId, personId, start, end, reason, createdBy, now);
    }

    /** All runtime overrides, oldest first, which is their precedence order (later wins). */
    public List<StoredOverride> all() {
        return jdbc.sql("SELECT * FROM schedule_override ORDER BY id").query(ScheduleOverrideStore::map).list();
    }

    public List<StoredOverride> forSchedule(String scheduleId) {
        return jdbc.sql("SELECT * FROM schedule_override WHERE schedule_id = ? ORDER BY id").param(scheduleId)
                .query(ScheduleOverrideStore::map).list();
    }

    public Optional<StoredOverride> find(long id) {
        return jdbc.sql("SELECT * FROM schedule_override WHERE id = ?").param(id).query(ScheduleOverrideStore::map).optional();
    }

    public boolean delete(long id) {
        return jdbc.sql("DELETE FROM schedule_override WHERE id = ?").param(id).update() == 1;
    }

    private static StoredOverride map(ResultSet rs, int row) throws SQLException {
        return new StoredOverride(rs.getLong("id"), rs.getString("schedule_id"), rs.getString("layer_id"),
                rs.getString("person_id"), Timestamps.toInstant(rs.getObject("starts_at", OffsetDateTime.class)),
                Timestamps.toInstant(rs.getObject("ends_at", OffsetDateTime.class)), rs.getString("reason"),
                rs.getString("created_by"), Timestamps.toInstant(rs.getObject("created_at", OffsetDateTime.class)));
    }
}
