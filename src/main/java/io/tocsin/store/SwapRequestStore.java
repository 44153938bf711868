package io.tocsin.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

@Repository
public class SwapRequestStore {
    private final JdbcClient jdbc;
    private final Clock clock;

    public SwapRequestStore(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public SwapRequest request(String scheduleId, String layerId, String requester, String counterpart, Instant start, Instant end) {
        KeyHolder keys = new GeneratedKeyHolder();
        Instant now = clock.instant();
        jdbc.sql("INSERT INTO swap_request (schedule_id, layer_id, requester, counterpart, starts_at, ends_at, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                .params(scheduleId, layerId, requester, counterpart, Timestamps.of(start), Timestamps.of(end),
                        SwapRequest.Status.REQUESTED.name(), Timestamps.of(now))
                .update(keys, "id");
        return find(keys.getKey().longValue()).orElseThrow();
    }

    public Optional<SwapRequest> find(long id) {
        return jdbc.sql("SELECT * FROM swap_request WHERE id = ?").param(id).query(SwapRequestStore::map).optional();
    }

    public List<SwapRequest> forSchedule(String scheduleId) {
        return jdbc.sql("SELECT * FROM swap_request WHERE schedule_id = ? ORDER BY id").param(scheduleId)
                .query(SwapRequestStore::map).list();
    }

    /**
     * Moves a request out of REQUESTED. The status condition in the UPDATE makes a double decision
     * (two clicks, two nodes) a no-op for the second one.
     */
    public boolean decide(long id, SwapRequest.Status status, Long overrideId, String decidedBy) {
        return jdbc.sql("UPDATE swap_request SET status = ?, override_id = ?, decided_at = ?, decided_by = ? WHERE id = ? AND status = ?")
                .params(status.name(), overrideId, Timestamps.of(clock.instant()), decidedBy, id, SwapRequest.Status.REQUESTED.name())
                .update() == 1;
    }

    private static SwapRequest map(ResultSet rs, int row) throws SQLException {
        long overrideId = rs.getLong("override_id");
        Long override = rs.wasNull() ? null : overrideId;
        return new SwapRequest(rs.getLong("id"), rs.getString("schedule_id"), rs.getString("layer_id"),
                rs.getString("requester"), rs.getString("counterpart"),
                Timestamps.toInstant(rs.getObject("starts_at", OffsetDateTime.class)),
                Timestamps.toInstant(rs.getObject("ends_at", OffsetDateTime.class)),
                SwapRequest.Status.valueOf(rs.getString("status")), override,
                Timestamps.toInstant(rs.getObject("created_at", OffsetDateTime.class)),
                Timestamps.toInstant(rs.getObject("decided_at", OffsetDateTime.class)), rs.getString("decided_by"));
    }
}
