package io.tocsin.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** What the public status page shows beyond incidents (V17): structured updates, subscribers, maintenance. */
@Repository
public class StatusPageStore {
    public record Update(long id, long incidentId, Instant at, String status, String message, String impact, Instant nextUpdateAt) {
    }

    public record Subscriber(long id, String email, String tokenHash, Instant confirmedAt, Instant createdAt) {
    }

    public record Maintenance(long id, String title, String description, List<String> services, Instant startsAt, Instant endsAt,
                              String createdBy, Instant createdAt) {
    }

    private final JdbcClient jdbc;

    public StatusPageStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public long addUpdate(long incidentId, Instant at, String status, String message, String impact, Instant nextUpdateAt) {
        var keys = new org.springframework.jdbc.support.GeneratedKeyHolder();
        jdbc.sql("INSERT INTO status_update (incident_id, at, status, message, impact, next_update_at) VALUES (?, ?, ?, ?, ?, ?)")
                .params(incidentId, Timestamps.of(at), status, message, impact, nextUpdateAt == null ? null : Timestamps.of(nextUpdateAt))
                .update(keys, "id");
        return keys.getKey().longValue();
    }

    private static Update mapUpdate(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
        return new Update(rs.getLong("id"), rs.getLong("incident_id"), Timestamps.toInstant(rs.getObject("at", OffsetDateTime.class)),
                rs.getString("status"), rs.getString("message"), rs.getString("impact"),
                Timestamps.toInstant(rs.getObject("next_update_at", OffsetDateTime.class)));
    }

    public Optional<Update> update(long id) {
        return jdbc.sql("SELECT * FROM status_update WHERE id = ?").param(id).query(StatusPageStore::mapUpdate).optional();
    }

    /** The updates of these incidents, newest first. */
    public List<Update> updates(java.util.Collection<Long> incidentIds) {
        if (incidentIds.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("SELECT * FROM status_update WHERE incident_id IN (:ids) ORDER BY at DESC, id DESC").param("ids", incidentIds)
                .query(StatusPageStore::mapUpdate).list();
    }

    private static Subscriber mapSubscriber(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
        return new Subscriber(rs.getLong("id"), rs.getString("email"), rs.getString("token_hash"),
                Timestamps.toInstant(rs.getObject("confirmed_at", OffsetDateTime.class)),
                Timestamps.toInstant(rs.getObject("created_at", OffsetDateTime.class)));
    }

    /** A new, unconfirmed subscriber; a known address gets a new token (a lost confirmation e-mail is simply asked for again). */
    public long subscribe(String email, String tokenHash, Instant now) {
        Optional<Subscriber> known = subscriberByEmail(email);
        if (known.isPresent()) {
            jdbc.sql("UPDATE status_subscriber SET token_hash = ? WHERE id = ?").params(tokenHash, known.get().id()).update();
            return known.get().id();
        }
        var keys = new org.springframework.jdbc.support.GeneratedKeyHolder();
        jdbc.sql("INSERT INTO status_subscriber (email, token_hash, created_at) VALUES (?, ?, ?)").params(email, tokenHash, Timestamps.of(now))
                .update(keys, "id");
        return keys.getKey().longValue();
    }

    public Optional<Subscriber> subscriberByEmail(String email) {
        return jdbc.sql("SELECT * FROM status_subscriber WHERE email = ?").param(email).query(StatusPageStore::mapSubscriber).optional();
    }

    public Optional<Subscriber> subscriberByToken(String tokenHash) {
        return jdbc.sql("SELECT * FROM status_subscriber WHERE token_hash = ?").param(tokenHash).query(StatusPageStore::mapSubscriber).optional();
    }

    public Optional<Subscriber> subscriber(long id) {
        return jdbc.sql("SELECT * FROM status_subscriber WHERE id = ?").param(id).query(StatusPageStore::mapSubscriber).optional();
    }

    public void confirm(long id, Instant now) {
        jdbc.sql("UPDATE status_subscriber SET confirmed_at = ? WHERE id = ? AND confirmed_at IS NULL").params(Timestamps.of(now), id).update();
    }

    public void unsubscribe(long id) {
        jdbc.sql("DELETE FROM status_subscriber WHERE id = ?").param(id).update();
    }

    public List<Subscriber> confirmedSubscribers() {
        return jdbc.sql("SELECT * FROM status_subscriber WHERE confirmed_at IS NOT NULL ORDER BY id").query(StatusPageStore::mapSubscriber).list();
    }

    private static Maintenance mapMaintenance(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
        String services = rs.getString("services");
        return new Maintenance(rs.getLong("id"), rs.getString("title"), rs.getString("description"),
                services.isEmpty() ? List.of() : Arrays.asList(services.split(",")),
                Timestamps.toInstant(rs.getObject("starts_at", OffsetDateTime.class)),
                Timestamps.toInstant(rs.getObject("ends_at", OffsetDateTime.class)), rs.getString("created_by"),
                Timestamps.toInstant(rs.getObject("created_at", OffsetDateTime.class)));
    }

    public long addMaintenance(String title, String description, List<String> services, Instant startsAt, Instant endsAt, String by,
                               Instant now) {
        var keys = new org.springframework.jdbc.support.GeneratedKeyHolder();
        jdbc.sql("INSERT INTO status_maintenance (title, description, services, starts_at, ends_at, created_by, created_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?)")
                .params(title, description, String.join(",", services), Timestamps.of(startsAt), Timestamps.of(endsAt), by, Timestamps.of(now))
                .update(keys, "id");
        return keys.getKey().longValue();
    }

    public Optional<Maintenance> maintenance(long id) {
        return jdbc.sql("SELECT * FROM status_maintenance WHERE id = ?").param(id).query(StatusPageStore::mapMaintenance).optional();
    }

    /** Windows that have not ended by {@code now}, soonest first. */
    public List<Maintenance> maintenanceNotEnded(Instant now) {
        return jdbc.sql("SELECT * FROM status_maintenance WHERE ends_at > ? ORDER BY starts_at, id").param(Timestamps.of(now))
                .query(StatusPageStore::mapMaintenance).list();
    }

    public List<Maintenance> allMaintenance(int limit) {
        return jdbc.sql("SELECT * FROM status_maintenance ORDER BY starts_at DESC, id DESC LIMIT ?").param(limit)
                .query(StatusPageStore::mapMaintenance).list();
    }

    public boolean deleteMaintenance(long id) {
        return jdbc.sql("DELETE FROM status_maintenance WHERE id = ?").param(id).update() > 0;
    }
}
