package io.tocsin.store;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/** Append-only record of every mutation (invariant 7). Written in the caller's transaction. */
@Repository
public class AuditLog {
    private static final JsonMapper JSON = JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

    private final JdbcClient jdbc;
    private final Clock clock;

    public AuditLog(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * {@code before} and {@code after}: the subject before and after the mutation (a record or map, kept as
     * JSON; a String is taken as JSON already), or null where there is none.
     */
    public void record(String actor, String via, String action, String subject, Object before, Object after, String detail) {
        jdbc.sql("INSERT INTO audit_entry (at, actor, via, action, subject, before_state, after_state, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                .params(Timestamps.of(clock.instant()), actor, via, action, subject, json(before), json(after), detail)
                .update();
    }

    private static String json(Object value) {
        return value == null || value instanceof String ? (String) value : JSON.writeValueAsString(value);
    }

    /** Newest first; {@code subject} (null: every subject) narrows it to one, like {@code incident/INC-3}. */
    public List<AuditEntry> recent(String subject, int limit) {
        return recent(subject, null, limit);
    }

    /** The same, older than the entry {@code beforeId} (null: from the newest), for paging. */
    public List<AuditEntry> recent(String subject, Long beforeId, int limit) {
        java.util.List<String> where = new java.util.ArrayList<>();
        java.util.Map<String, Object> params = new java.util.LinkedHashMap<>();
        if (subject != null) {
            where.add("subject = :subject");
            params.put("subject", subject);
        }
        if (beforeId != null) {
            where.add("id < :before");
            params.put("before", beforeId);
        }
        params.put("limit", limit);
        var query = jdbc.sql("SELECT * FROM audit_entry " + (where.isEmpty() ? "" : "WHERE " + String.join(" AND ", where) + " ")
                + "ORDER BY id DESC LIMIT :limit").params(params);
        return query.query((rs, i) -> new AuditEntry(rs.getLong("id"), Timestamps.toInstant(rs.getObject("at", OffsetDateTime.class)),
                        rs.getString("actor"), rs.getString("via"), rs.getString("action"), rs.getString("subject"),
                        rs.getString("before_state"), rs.getString("after_state"), rs.getString("detail")))
                .list();
    }
}
