package io.tocsin.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Rotation handoffs that were announced to the people handing over; one row per (schedule, layer, instant). */
@Repository
public class HandoffStore {
    /** One announced handoff; a person is null when the layer hands from or to a gap. */
    public record AnnouncedHandoff(String scheduleId, String layerId, Instant at, String outgoingPerson, String incomingPerson,
                                   int openIncidents, int shiftIncidents, Instant noticedAt) {
    }

    private final JdbcClient jdbc;

    public HandoffStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public boolean announced(String scheduleId, String layerId, Instant at) {
        return jdbc.sql("SELECT COUNT(*) FROM schedule_handoff WHERE schedule_id = ? AND layer_id = ? AND at = ?")
                .params(scheduleId, layerId, Timestamps.of(at)).query(Integer.class).single() > 0;
    }

    /**
     * Records a handoff as announced, in the caller's transaction. A concurrent node recording the
     * same handoff makes one of the two fail with a duplicate key, which rolls back its notices too.
     */
    public void record(AnnouncedHandoff h) {
        jdbc.sql("INSERT INTO schedule_handoff (schedule_id, layer_id, at, outgoing_person, incoming_person, open_incidents, "
                        + "shift_incidents, noticed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                .params(h.scheduleId(), h.layerId(), Timestamps.of(h.at()), h.outgoingPerson(), h.incomingPerson(), h.openIncidents(),
                        h.shiftIncidents(), Timestamps.of(h.noticedAt()))
                .update();
    }

    public List<AnnouncedHandoff> between(String scheduleId, Instant from, Instant to, int limit) {
        return jdbc.sql("SELECT * FROM schedule_handoff WHERE schedule_id = ? AND at >= ? AND at < ? ORDER BY at, layer_id LIMIT ?")
                .params(scheduleId, Timestamps.of(from), Timestamps.of(to), limit)
                .query((rs, i) -> new AnnouncedHandoff(rs.getString("schedule_id"), rs.getString("layer_id"),
                        Timestamps.toInstant(rs.getObject("at", OffsetDateTime.class)), rs.getString("outgoing_person"),
                        rs.getString("incoming_person"), rs.getInt("open_incidents"), rs.getInt("shift_incidents"),
                        Timestamps.toInstant(rs.getObject("noticed_at", OffsetDateTime.class))))
                .list();
    }
}
