package io.tocsin.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** What is waiting, read for the operator's gauges: open incidents, queued messages, overdue timers. */
@Repository
public class BacklogStore {
    private final JdbcClient jdbc;

    public BacklogStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record OpenCount(String severity, String status, long count) {
    }

    /** How many rows wait, and since when the oldest has been due (null when none). */
    public record Waiting(long count, Instant oldestDue) {
    }

    /**
     * Open incidents by severity and status. The open statuses are named rather than "not resolved", so
     * the read walks the status index over the open incidents only: every node makes it every few
     * seconds, and the resolved ones (every incident a server ever had) were read each time.
     */
    public List<OpenCount> openIncidents() {
        return jdbc.sql("SELECT severity, status, COUNT(*) AS n FROM incident WHERE status IN (" + OPEN_STATUSES + ") GROUP BY severity, status")
                .query((rs, i) -> new OpenCount(rs.getString("severity"), rs.getString("status"), rs.getLong("n"))).list();
    }

    private static final String OPEN_STATUSES = java.util.Arrays.stream(io.tocsin.engine.IncidentStatus.values())
            .filter(s -> s != io.tocsin.engine.IncidentStatus.RESOLVED).map(s -> "'" + s.name() + "'")
            .collect(java.util.stream.Collectors.joining(", "));

    /** Messages the engine queued that are not yet turned into deliveries. */
    public Waiting outboxToExpand() {
        return waiting("SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE status = 'PENDING'", null);
    }

    /** Deliveries due by {@code now} and not yet sent (first attempts and retries). */
    public Waiting deliveriesDue(Instant now) {
        return waiting("SELECT COUNT(*) AS n, MIN(due_at) AS oldest FROM notification WHERE status = 'PENDING' AND due_at <= ?", now);
    }

    /** Incident timers due by {@code now} that no worker has fired yet. */
    public Waiting timersDue(Instant now) {
        return waiting("SELECT COUNT(*) AS n, MIN(due_at) AS oldest FROM incident_timer WHERE due_at <= ?", now);
    }

    private Waiting waiting(String sql, Instant now) {
        JdbcClient.StatementSpec spec = jdbc.sql(sql);
        if (now != null) {
            spec = spec.param(Timestamps.of(now));
        }
        return spec.query((rs, i) -> new Waiting(rs.getLong("n"), Timestamps.toInstant(rs.getObject("oldest", OffsetDateTime.class)))).single();
    }
}
