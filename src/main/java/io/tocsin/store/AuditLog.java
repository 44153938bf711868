package io.tocsin.store;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Append-only record of every mutation (invariant 7). Written in the caller's transaction. */
@Repository
public class AuditLog {
    private final JdbcClient jdbc;
    private final Clock clock;

    public AuditLog(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public void record(String actor, String action, String subject, String detail) {
        jdbc.sql("INSERT INTO audit_entry (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)")
                .params(Timestamps.of(clock.instant()), actor, action, subject, detail)
                .update();
    }

    public List<AuditEntry> recent(int limit) {
        return jdbc.sql("SELECT * FROM audit_entry ORDER BY id DESC LIMIT ?").param(limit)
                .query((rs, i) -> new AuditEntry(rs.getLong("id"), Timestamps.toInstant(rs.getObject("at", OffsetDateTime.class)),
                        rs.getString("actor"), rs.getString("action"), rs.getString("subject"), rs.getString("detail")))
                .list();
    }
}
