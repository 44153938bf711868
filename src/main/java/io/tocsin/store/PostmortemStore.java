package io.tocsin.store;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Postmortems and their action items (V16). Written in the caller's transaction. */
@Repository
public class PostmortemStore {
    public enum Status { DRAFT, PUBLISHED }

    /** The sections of the template, in order; their Markdown headings are {@link Section#heading}. */
    public enum Section {
        SUMMARY("summary", "Summary"), IMPACT("impact", "Impact"), TIMELINE("timeline", "Timeline"), ROOT_CAUSE("root_cause", "Root cause"),
        RESOLUTION("resolution", "Resolution"), LESSONS("lessons", "Lessons learned");

        public final String key;
        public final String heading;

        Section(String key, String heading) {
            this.key = key;
            this.heading = heading;
        }

        public static Optional<Section> of(String key) {
            return java.util.Arrays.stream(values()).filter(s -> s.key.equals(key)).findFirst();
        }
    }

    public record Postmortem(long incidentId, boolean required, Instant dueAt, String owner, Status status,
                             java.util.Map<Section, String> sections, Instant createdAt, Instant updatedAt, Instant publishedAt,
                             Instant remindedDueAt) {
        public String section(Section s) {
            return sections.getOrDefault(s, "");
        }
    }

    public record Action(long id, long incidentId, int position, String text, String owner, LocalDate dueOn, boolean done,
                         LocalDate remindedDue) {
    }

    private final JdbcClient jdbc;

    public PostmortemStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    private static Postmortem map(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
        java.util.Map<Section, String> sections = new java.util.EnumMap<>(Section.class);
        for (Section s : Section.values()) {
            sections.put(s, rs.getString(s.key));
        }
        return new Postmortem(rs.getLong("incident_id"), rs.getBoolean("required"), Timestamps.toInstant(rs.getObject("due_at", OffsetDateTime.class)),
                rs.getString("owner"), Status.valueOf(rs.getString("status")), sections,
                Timestamps.toInstant(rs.getObject("created_at", OffsetDateTime.class)),
                Timestamps.toInstant(rs.getObject("updated_at", OffsetDateTime.class)),
                Timestamps.toInstant(rs.getObject("published_at", OffsetDateTime.class)),
                Timestamps.toInstant(rs.getObject("reminded_due_at", OffsetDateTime.class)));
    }

    private static Action mapAction(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
        return new Action(rs.getLong("id"), rs.getLong("incident_id"), rs.getInt("position"), rs.getString("text"), rs.getString("owner"),
                rs.getObject("due_on", LocalDate.class), rs.getBoolean("done"), rs.getObject("reminded_due", LocalDate.class));
    }

    public Optional<Postmortem> find(long incidentId) {
        return jdbc.sql("SELECT * FROM postmortem WHERE incident_id = ?").param(incidentId).query(PostmortemStore::map).optional();
    }

    public Optional<Postmortem> findForUpdate(long incidentId) {
        return jdbc.sql("SELECT * FROM postmortem WHERE incident_id = ? FOR UPDATE").param(incidentId).query(PostmortemStore::map).optional();
    }

    public void insert(long incidentId, boolean required, Instant dueAt, String owner, java.util.Map<Section, String> sections, Instant now) {
        jdbc.sql("INSERT INTO postmortem (incident_id, required, due_at, owner, status, summary, impact, timeline, root_cause, resolution, "
                        + "lessons, created_at, updated_at) VALUES (?, ?, ?, ?, 'DRAFT', ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(incidentId, required, dueAt == null ? null : Timestamps.of(dueAt), owner, sections.getOrDefault(Section.SUMMARY, ""),
                        sections.getOrDefault(Section.IMPACT, ""), sections.getOrDefault(Section.TIMELINE, ""),
                        sections.getOrDefault(Section.ROOT_CAUSE, ""), sections.getOrDefault(Section.RESOLUTION, ""),
                        sections.getOrDefault(Section.LESSONS, ""), Timestamps.of(now), Timestamps.of(now))
                .update();
    }

    /** Replaces the sections, owner and due instant as given (the caller merged what was not changed). */
    public void update(Postmortem p, Instant now) {
        jdbc.sql("UPDATE postmortem SET due_at = ?, owner = ?, status = ?, summary = ?, impact = ?, timeline = ?, root_cause = ?, "
                        + "resolution = ?, lessons = ?, updated_at = ?, published_at = ? WHERE incident_id = ?")
                .params(p.dueAt() == null ? null : Timestamps.of(p.dueAt()), p.owner(), p.status().name(), p.section(Section.SUMMARY),
                        p.section(Section.IMPACT), p.section(Section.TIMELINE), p.section(Section.ROOT_CAUSE), p.section(Section.RESOLUTION),
                        p.section(Section.LESSONS), Timestamps.of(now), p.publishedAt() == null ? null : Timestamps.of(p.publishedAt()),
                        p.incidentId())
                .update();
    }

    public List<Action> actions(long incidentId) {
        return jdbc.sql("SELECT * FROM postmortem_action WHERE incident_id = ? ORDER BY position, id").param(incidentId)
                .query(PostmortemStore::mapAction).list();
    }

    public void replaceActions(long incidentId, List<Action> actions) {
        jdbc.sql("DELETE FROM postmortem_action WHERE incident_id = ?").param(incidentId).update();
        int position = 0;
        for (Action a : actions) {
            jdbc.sql("INSERT INTO postmortem_action (incident_id, position, text, owner, due_on, done, reminded_due) VALUES (?, ?, ?, ?, ?, ?, ?)")
                    .params(incidentId, position++, a.text(), a.owner(), a.dueOn(), a.done(), a.remindedDue())
                    .update();
        }
    }

    /** Draft postmortems due before {@code now} whose owner was not yet reminded of this due instant; locked, skipping those another node holds. */
    public List<Postmortem> overdueForUpdate(Instant now, int limit) {
        return jdbc.sql("SELECT * FROM postmortem WHERE status = 'DRAFT' AND due_at < ? AND owner IS NOT NULL "
                        + "AND (reminded_due_at IS NULL OR reminded_due_at <> due_at) ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED")
                .params(Timestamps.of(now), limit).query(PostmortemStore::map).list();
    }

    public void reminded(long incidentId, Instant due) {
        jdbc.sql("UPDATE postmortem SET reminded_due_at = ? WHERE incident_id = ?").params(Timestamps.of(due), incidentId).update();
    }

    /** Open action items whose due date ended before {@code today} (a local date) and whose owner was not reminded of it. */
    public List<Action> overdueActionsForUpdate(LocalDate today, int limit) {
        return jdbc.sql("SELECT * FROM postmortem_action WHERE done = FALSE AND due_on < ? AND owner IS NOT NULL "
                        + "AND (reminded_due IS NULL OR reminded_due <> due_on) ORDER BY due_on, id LIMIT ? FOR UPDATE SKIP LOCKED")
                .params(today, limit).query(PostmortemStore::mapAction).list();
    }

    public void actionReminded(long id, LocalDate due) {
        jdbc.sql("UPDATE postmortem_action SET reminded_due = ? WHERE id = ?").params(due, id).update();
    }
}
