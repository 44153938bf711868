package io.tocsin.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Incidents, timelines, timers and outbox rows. Callers hold a transaction; "ForUpdate" reads lock the row. */
@Repository
public class IncidentStore {
    private final JdbcClient jdbc;

    /**
     * The lock {@link #lockFree} takes. PostgreSQL: {@code FOR NO KEY UPDATE}, the lock an update of the
     * row takes anyway; {@code FOR UPDATE} also conflicts with the key-share lock every insert of a
     * timeline entry, message or delivery of the incident holds on it until its commit, so SKIP LOCKED
     * left an incident out whenever one of its pages was being recorded (the hardening test saw its
     * timers not fire on a loaded machine). H2 takes no lock on a referenced row and has only FOR UPDATE.
     */
    private final String lockRow;

    public IncidentStore(JdbcClient jdbc, javax.sql.DataSource dataSource) {
        this.jdbc = jdbc;
        String product;
        try (java.sql.Connection c = dataSource.getConnection()) {
            product = c.getMetaData().getDatabaseProductName();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot tell which database this is", e);
        }
        this.lockRow = "PostgreSQL".equals(product) ? "FOR NO KEY UPDATE" : "FOR UPDATE";
    }

    public static String openKey(String serviceId, String dedupKey) {
        return serviceId + "\u001f" + dedupKey;
    }

    /**
     * The open key of an incident opened through {@code integrationKey}: its hash and the dedup key,
     * so the same dedup key through two integration keys is two incidents, and a routing rule that
     * moved the trigger to another service does not hide it from the acknowledgement. Null (an
     * incident Tocsin opened itself): the service and the dedup key. {@code #} never begins a service
     * id, so the two never meet.
     */
    public static String openKey(String serviceId, String integrationKey, String dedupKey) {
        return integrationKey == null ? openKey(serviceId, dedupKey) : "#" + TokenHash.sha256(integrationKey) + "\u001f" + dedupKey;
    }

    /** What the engine's state decides of an incident's row, written when it opens and on every change. */
    public record StateColumns(String severity, String status, String paging, String state, long eventCount, Instant acknowledgedAt,
                               Instant resolvedAt) {
    }

    /** Where an incident came from, written once when it opens. */
    public record Origin(String serviceId, String dedupKey, String summary, String source, String details, String chatChannel,
                         String integrationKey) {
    }

    /**
     * Writes an incident just opened under {@code number} ({@link #nextNumber}), as the engine left it:
     * one row, written once. {@code chatChannel}: where a routing rule sent the incident's chat posts,
     * or null for its severity's channel; {@code integrationKey}: the key the opening event came
     * through (only its hash is stored), or null when Tocsin opened it itself.
     */
    public void insert(long number, Origin o, StateColumns c, Instant openedAt) {
        jdbc.sql("""
                INSERT INTO incident (id, service_id, dedup_key, open_key, summary, source, severity, status, paging, state, details,
                                      event_count, opened_at, acknowledged_at, resolved_at, updated_at, chat_channel, integration_key_hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(number, o.serviceId(), o.dedupKey(),
                        "RESOLVED".equals(c.status()) ? null : openKey(o.serviceId(), o.integrationKey(), o.dedupKey()),
                        o.summary(), o.source(), c.severity(), c.status(), c.paging(), c.state(), o.details(), c.eventCount(),
                        Timestamps.of(openedAt), Timestamps.of(c.acknowledgedAt()), Timestamps.of(c.resolvedAt()), Timestamps.of(openedAt),
                        o.chatChannel(), o.integrationKey() == null ? null : TokenHash.sha256(o.integrationKey()))
                .update();
    }

    /**
     * The next incident number, from one counter row updated in the caller's transaction: numbers have
     * no gaps, because an opening that rolls back (it lost a race for its dedup key to another node)
     * gives its number back, which an identity column never does. The row stays locked until the
     * opening commits, so openings (not repeats, acknowledgements or timers) take their turn. One
     * statement: the new value comes back as the update's generated key, on H2 and PostgreSQL alike.
     */
    public long nextNumber() {
        org.springframework.jdbc.support.GeneratedKeyHolder keys = new org.springframework.jdbc.support.GeneratedKeyHolder();
        jdbc.sql("UPDATE incident_counter SET last_number = last_number + 1 WHERE id = 1").update(keys, "last_number");
        return keys.getKey().longValue();
    }

    /**
     * The open incident of {@code dedupKey} that {@code integrationKey} opened (null: one Tocsin opened
     * itself on {@code serviceId}), locked. An incident opened before keys were recorded has none and
     * is found by any key of its service, so an upgrade leaves no open incident unreachable.
     */
    public Optional<IncidentRow> findOpenForUpdate(String serviceId, String integrationKey, String dedupKey) {
        String legacy = openKey(serviceId, dedupKey);
        if (integrationKey == null) {
            return jdbc.sql("SELECT * FROM incident WHERE open_key = ? FOR UPDATE").param(legacy).query(IncidentStore::map).optional();
        }
        String keyed = openKey(serviceId, integrationKey, dedupKey);
        // IN on the unique index first, so both databases read at most two rows whatever else the condition says.
        return jdbc.sql("""
                        SELECT * FROM incident WHERE open_key IN (?, ?) AND (open_key = ? OR integration_key_hash IS NULL)
                        ORDER BY id FOR UPDATE""")
                .params(keyed, legacy, keyed).query(IncidentStore::map).list().stream().findFirst();
    }

    /** Which open incident a signal names: its service, the integration key it came through (null: Tocsin's own), its dedup key. */
    public record OpenKey(String serviceId, String integrationKey, String dedupKey) {
        public String key() {
            return openKey(serviceId, integrationKey, dedupKey);
        }
    }

    /**
     * {@link #findOpenForUpdate} for many keys at once, each open incident found locked: one read of
     * the open incidents of all the keys, then a lock on each one found, in the order of their ids, its
     * key checked again on the locked row (one resolved meanwhile is looked up anew). A batch of a storm
     * is mostly new alerts, with no open incident to lock: one statement where there was one a key.
     * Keyed by {@link OpenKey#key()}.
     */
    public Map<String, Optional<IncidentRow>> findOpenForUpdate(java.util.Collection<OpenKey> keys) {
        Map<String, Optional<IncidentRow>> out = new java.util.HashMap<>();
        if (keys.isEmpty()) {
            return out;
        }
        List<String> wanted = new java.util.ArrayList<>();
        keys.forEach(k -> {
            wanted.add(k.key());
            wanted.add(openKey(k.serviceId(), k.dedupKey()));
        });
        record Candidate(long id, String openKey, boolean keyed) {
        }
        Map<String, List<Candidate>> byOpenKey = new java.util.HashMap<>();
        jdbc.sql("SELECT id, open_key, integration_key_hash FROM incident WHERE open_key IN (:keys)").param("keys", wanted)
                .query((rs, i) -> new Candidate(rs.getLong(1), rs.getString(2), rs.getString(3) != null))
                .list().forEach(c -> byOpenKey.computeIfAbsent(c.openKey(), x -> new java.util.ArrayList<>()).add(c));
        // the same choice as the one-key read: the incident of this integration key, or one of the service's from
        // before keys were recorded; the older first
        java.util.TreeMap<Long, OpenKey> toLock = new java.util.TreeMap<>();
        List<OpenKey> sameIncident = new java.util.ArrayList<>();
        for (OpenKey k : keys) {
            // as stored: the keys went through StoredText on their way in (a NUL is stored as U+FFFD)
            Optional<Candidate> found = java.util.stream.Stream.concat(byOpenKey.getOrDefault(StoredText.of(k.key()), List.of()).stream(),
                            k.integrationKey() == null ? java.util.stream.Stream.empty()
                                    : byOpenKey.getOrDefault(StoredText.of(openKey(k.serviceId(), k.dedupKey())), List.of()).stream()
                                    .filter(c -> !c.keyed()))
                    .min(java.util.Comparator.comparingLong(Candidate::id));
            if (found.isEmpty()) {
                out.put(k.key(), Optional.empty());
            } else if (toLock.containsKey(found.get().id())) {
                sameIncident.add(k); // an incident from before keys were recorded, named by two keys: read once it is locked
            } else {
                toLock.put(found.get().id(), k);
            }
        }
        toLock.forEach((id, k) -> {
            Optional<IncidentRow> row = jdbc.sql("SELECT * FROM incident WHERE id = ? AND open_key IN (?, ?) FOR UPDATE")
                    .params(id, k.key(), openKey(k.serviceId(), k.dedupKey())).query(IncidentStore::map).optional();
            // resolved (or its key otherwise gone) between the read and the lock: as the one-key read finds it now
            out.put(k.key(), row.isPresent() ? row : findOpenForUpdate(k.serviceId(), k.integrationKey(), k.dedupKey()));
        });
        sameIncident.forEach(k -> out.put(k.key(), findOpenForUpdate(k.serviceId(), k.integrationKey(), k.dedupKey())));
        return out;
    }

    public Optional<IncidentRow> findForUpdate(long id) {
        return jdbc.sql("SELECT * FROM incident WHERE id = ? FOR UPDATE").param(id).query(IncidentStore::map).optional();
    }

    /**
     * These incidents, locked, by id; one another transaction holds is left out rather than waited for
     * (so is one that does not exist).
     */
    public java.util.Map<Long, IncidentRow> lockFree(List<Long> ids) {
        if (ids.isEmpty()) {
            return java.util.Map.of();
        }
        java.util.Map<Long, IncidentRow> rows = new java.util.HashMap<>();
        jdbc.sql("SELECT * FROM incident WHERE id IN (" + String.join(", ", java.util.Collections.nCopies(ids.size(), "?"))
                + ") " + lockRow + " SKIP LOCKED").params(ids).query(IncidentStore::map).list().forEach(r -> rows.put(r.id(), r));
        return rows;
    }

    public Optional<IncidentRow> find(long id) {
        return jdbc.sql("SELECT * FROM incident WHERE id = ?").param(id).query(IncidentStore::map).optional();
    }

    public List<IncidentRow> list(boolean openOnly, int limit) {
        IncidentQuery q = IncidentQuery.newestFirst(limit);
        return search(openOnly ? q.withStatuses(IncidentQuery.OPEN) : q);
    }

    /** The incidents a list asks for, in its order; every list of incidents is read here. */
    public List<IncidentRow> search(IncidentQuery q) {
        java.util.Map<String, Object> params = IncidentQuery.params();
        String where = q.where(params);
        params.put("limit", q.limit());
        return jdbc.sql("SELECT * FROM incident" + where + q.orderBy() + " LIMIT :limit").params(params).query(IncidentStore::map).list();
    }

    /** Incidents not yet resolved on any of {@code serviceIds}, oldest first. */
    public List<IncidentRow> openOn(java.util.Collection<String> serviceIds, int limit) {
        if (serviceIds.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("SELECT * FROM incident WHERE status <> 'RESOLVED' AND service_id IN (:services) ORDER BY opened_at, id LIMIT :limit")
                .param("services", serviceIds).param("limit", limit).query(IncidentStore::map).list();
    }

    /**
     * When incidents of {@code serviceId} other than {@code except} were resolved at or after {@code since},
     * of those already counted towards the service's repeats ({@link #countResolution}).
     */
    public List<Instant> resolvedSince(String serviceId, Instant since, long except) {
        return jdbc.sql("SELECT resolved_at FROM incident WHERE service_id = ? AND resolved_at >= ? AND id <> ? "
                        + "AND resolution_counted = TRUE ORDER BY resolved_at")
                .params(serviceId, Timestamps.of(since), except)
                .query((rs, i) -> Timestamps.toInstant(rs.getObject(1, java.time.OffsetDateTime.class))).list();
    }

    /** This incident's resolution counts towards its service's repeats from now on (made under the service's lock). */
    public void countResolution(long id) {
        jdbc.sql("UPDATE incident SET resolution_counted = TRUE WHERE id = ?").param(id).update();
    }

    /** Incidents resolved at or after {@code since}, newest resolution first. */
    public List<IncidentRow> resolvedAfter(Instant since, int limit) {
        return jdbc.sql("SELECT * FROM incident WHERE status = 'RESOLVED' AND resolved_at >= ? ORDER BY resolved_at DESC, id DESC LIMIT ?")
                .params(Timestamps.of(since), limit).query(IncidentStore::map).list();
    }

    /** Incidents of {@code serviceIds} opened in [from, to), whatever their status now, oldest first. */
    public List<IncidentRow> openedBetween(java.util.Collection<String> serviceIds, Instant from, Instant to, int limit) {
        if (serviceIds.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("SELECT * FROM incident WHERE service_id IN (:services) AND opened_at >= :from AND opened_at < :to "
                        + "ORDER BY opened_at, id LIMIT :limit")
                .param("services", serviceIds).param("from", Timestamps.of(from)).param("to", Timestamps.of(to)).param("limit", limit)
                .query(IncidentStore::map).list();
    }

    /** Every incident opened in [from, to), oldest first, at most {@code limit}. */
    public List<IncidentRow> openedBetween(Instant from, Instant to, int limit) {
        return jdbc.sql("SELECT * FROM incident WHERE opened_at >= :from AND opened_at < :to ORDER BY opened_at, id LIMIT :limit")
                .param("from", Timestamps.of(from)).param("to", Timestamps.of(to)).param("limit", limit)
                .query(IncidentStore::map).list();
    }

    /** The timelines of these incidents, each in order, read a few hundred incidents a query. */
    public java.util.Map<Long, List<EntryRow>> timelines(java.util.Collection<Long> incidentIds) {
        java.util.Map<Long, List<EntryRow>> out = new java.util.HashMap<>();
        List<Long> ids = List.copyOf(incidentIds);
        for (int i = 0; i < ids.size(); i += 500) {
            jdbc.sql("SELECT * FROM incident_entry WHERE incident_id IN (:ids) ORDER BY id")
                    .param("ids", ids.subList(i, Math.min(ids.size(), i + 500)))
                    .query(IncidentStore::entry).list()
                    .forEach(e -> out.computeIfAbsent(e.incidentId(), k -> new java.util.ArrayList<>()).add(e));
        }
        return out;
    }

    /** Entries of one kind recorded in [from, to), whatever incident they belong to, in order. */
    public List<EntryRow> entriesBetween(String kind, Instant from, Instant to) {
        return jdbc.sql("SELECT * FROM incident_entry WHERE kind = :kind AND at >= :from AND at < :to ORDER BY id")
                .param("kind", kind).param("from", Timestamps.of(from)).param("to", Timestamps.of(to))
                .query(IncidentStore::entry).list();
    }

    /** Writes the engine's new state; a resolved incident frees its dedup key for a new incident. */
    public void update(long id, StateColumns c, Instant now) {
        jdbc.sql("""
                UPDATE incident SET severity = ?, status = ?, paging = ?, state = ?, event_count = ?, acknowledged_at = ?, resolved_at = ?,
                       updated_at = ?, open_key = CASE WHEN ? = 'RESOLVED' THEN NULL ELSE open_key END
                WHERE id = ?""")
                .params(c.severity(), c.status(), c.paging(), c.state(), c.eventCount(), Timestamps.of(c.acknowledgedAt()),
                        Timestamps.of(c.resolvedAt()), Timestamps.of(now), c.status(), id)
                .update();
    }

    public Optional<String> chatChannel(long id) {
        return jdbc.sql("SELECT chat_channel FROM incident WHERE id = ?").param(id).query(String.class).optional()
                .filter(c -> c != null && !c.isBlank());
    }

    public void append(long incidentId, EntryRow e) {
        appendAll(incidentId, List.of(e));
    }

    /** Appends entries in order, in one statement (one round trip, however many an outcome has). */
    public void appendAll(long incidentId, List<EntryRow> entries) {
        if (entries.isEmpty()) {
            return;
        }
        List<Object> params = new java.util.ArrayList<>(entries.size() * 10);
        for (EntryRow e : entries) {
            params.addAll(Arrays.asList(incidentId, Timestamps.of(e.at()), e.kind(), e.actor(), e.via(), e.path(), e.level(), e.trigger(),
                    e.people().isEmpty() ? null : String.join(",", e.people()), e.text()));
        }
        // Rows of one VALUES list get their identities in the order listed, so the timeline keeps the engine's order.
        jdbc.sql("INSERT INTO incident_entry (incident_id, at, kind, actor, via, path_id, level_id, trigger_id, people, text) VALUES "
                        + String.join(", ", java.util.Collections.nCopies(entries.size(), "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")))
                .params(params)
                .update();
    }

    public List<EntryRow> timeline(long incidentId) {
        return jdbc.sql("SELECT * FROM incident_entry WHERE incident_id = ? ORDER BY id").param(incidentId)
                .query(IncidentStore::entry)
                .list();
    }

    private static EntryRow entry(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
        return new EntryRow(rs.getLong("id"), rs.getLong("incident_id"),
                Timestamps.toInstant(rs.getObject("at", OffsetDateTime.class)), rs.getString("kind"), rs.getString("actor"),
                rs.getString("via"), rs.getString("path_id"), rs.getString("level_id"), rs.getString("trigger_id"),
                rs.getString("people") == null ? List.of() : Arrays.asList(rs.getString("people").split(",")),
                rs.getString("text"));
    }

    /** The first wake-up of an incident just opened (none with null): it has no timer row to replace. */
    public void addTimer(long incidentId, Instant due) {
        if (due != null) {
            jdbc.sql("INSERT INTO incident_timer (incident_id, due_at) VALUES (?, ?)").params(incidentId, Timestamps.of(due)).update();
        }
    }

    /** Sets (or clears, with null) the single wake-up of an incident. */
    public void setTimer(long incidentId, Instant due) {
        jdbc.sql("DELETE FROM incident_timer WHERE incident_id = ?").param(incidentId).update();
        if (due != null) {
            jdbc.sql("INSERT INTO incident_timer (incident_id, due_at) VALUES (?, ?)").params(incidentId, Timestamps.of(due)).update();
        }
    }

    /** Moves a timer whose processing failed to {@code retryAt}; returns how many times it has failed. */
    public int postponeTimer(long incidentId, Instant retryAt) {
        jdbc.sql("UPDATE incident_timer SET due_at = ?, failures = failures + 1 WHERE incident_id = ?")
                .params(Timestamps.of(retryAt), incidentId).update();
        return jdbc.sql("SELECT failures FROM incident_timer WHERE incident_id = ?").param(incidentId).query(Integer.class)
                .optional().orElse(0);
    }

    public int timerFailures(long incidentId) {
        return jdbc.sql("SELECT failures FROM incident_timer WHERE incident_id = ?").param(incidentId).query(Integer.class)
                .optional().orElse(0);
    }

    public Optional<Instant> timer(long incidentId) {
        return jdbc.sql("SELECT due_at FROM incident_timer WHERE incident_id = ?").param(incidentId)
                .query((rs, i) -> Timestamps.toInstant(rs.getObject(1, OffsetDateTime.class))).optional();
    }

    public Optional<Instant> nextDue() {
        return jdbc.sql("SELECT MIN(due_at) FROM incident_timer")
                .query((rs, i) -> Timestamps.toInstant(rs.getObject(1, OffsetDateTime.class))).optional();
    }

    /**
     * Locks up to {@code limit} due timers that no other node holds. Only the index on due_at is
     * touched, so the cost does not grow with the number of open incidents.
     */
    public List<DueTimer> claimDue(Instant now, int limit) {
        return SkipLocked.first(jdbc, "incident_timer", "incident_id", "incident_id, due_at", "due_at <= ?", List.of(Timestamps.of(now)),
                        "due_at", limit,
                (rs, i) -> new DueTimer(rs.getLong("incident_id"), Timestamps.toInstant(rs.getObject("due_at", OffsetDateTime.class))));
    }

    /** An incident's timer, claimed: whose, and when it came due. */
    public record DueTimer(long incidentId, Instant dueAt) {
    }

    /** A message an incident sent, as queued: what, to whom, for which step of the policy, and when. */
    public record MessageRow(long id, String kind, String recipient, Instant at, String cause, String path, String level,
                             String trigger, String text, String status) {
    }

    /**
     * Queues the messages of an incident opened in this transaction, in one statement. None of their
     * keys can be queued already: each begins with the incident's number, which is new (numbers only
     * move forward, and one given back by a rollback took its messages with it).
     */
    public void enqueueNew(long incidentId, List<io.tocsin.engine.Outgoing> messages, Instant now) {
        if (messages.isEmpty()) {
            return;
        }
        List<Object> params = new java.util.ArrayList<>(messages.size() * 11);
        for (io.tocsin.engine.Outgoing m : messages) {
            params.addAll(Arrays.asList(incidentId, m.key(), m.recipient(), m.text(), Timestamps.of(now), Timestamps.of(m.at()), m.kind().name(),
                    m.cause().name(), m.path(), m.level(), m.trigger()));
        }
        jdbc.sql("""
                INSERT INTO outbox (incident_id, idempotency_key, person_id, reason, status, attempts, next_attempt_at, created_at, kind,
                                    cause, path_id, level_id, trigger_id)
                VALUES """ + String.join(", ", java.util.Collections.nCopies(messages.size(), "(?, ?, ?, ?, 'PENDING', 0, ?, ?, ?, ?, ?, ?, ?)")))
                .params(params)
                .update();
    }

    /** Queues one message the engine decided; a key already queued (a retry, another node) is ignored. */
    public boolean enqueue(long incidentId, io.tocsin.engine.Outgoing m, Instant now) {
        Integer existing = jdbc.sql("SELECT COUNT(*) FROM outbox WHERE idempotency_key = ?").param(m.key()).query(Integer.class).single();
        if (existing > 0) {
            return false;
        }
        jdbc.sql("""
                INSERT INTO outbox (incident_id, idempotency_key, person_id, reason, status, attempts, next_attempt_at, created_at, kind,
                                    cause, path_id, level_id, trigger_id)
                VALUES (?, ?, ?, ?, 'PENDING', 0, ?, ?, ?, ?, ?, ?, ?)""")
                .params(incidentId, m.key(), m.recipient(), m.text(), Timestamps.of(now), Timestamps.of(m.at()), m.kind().name(),
                        m.cause().name(), m.path(), m.level(), m.trigger())
                .update();
        return true;
    }

    public List<MessageRow> messages(long incidentId) {
        return jdbc.sql("SELECT * FROM outbox WHERE incident_id = ? ORDER BY id").param(incidentId)
                .query((rs, i) -> new MessageRow(rs.getLong("id"), rs.getString("kind"), rs.getString("person_id"),
                        Timestamps.toInstant(rs.getObject("created_at", OffsetDateTime.class)), rs.getString("cause"),
                        rs.getString("path_id"), rs.getString("level_id"), rs.getString("trigger_id"), rs.getString("reason"),
                        rs.getString("status")))
                .list();
    }

    public List<String> outboxKeys(long incidentId) {
        return jdbc.sql("SELECT idempotency_key FROM outbox WHERE incident_id = ? ORDER BY id").param(incidentId).query(String.class).list();
    }

    public void recordChange(String serviceId, Instant at, String summary, String source, String details) {
        jdbc.sql("INSERT INTO service_change (service_id, at, summary, source, details) VALUES (?, ?, ?, ?, ?)")
                .params(serviceId, Timestamps.of(at), summary, source, details).update();
    }

    /** Newest first; ties on the instant (a test clock, a burst from CI) fall back to arrival order. */
    public List<ServiceChange> changes(String serviceId, int limit) {
        return jdbc.sql("SELECT * FROM service_change WHERE service_id = ? ORDER BY at DESC, id DESC LIMIT ?")
                .params(serviceId, limit)
                .query((rs, i) -> new ServiceChange(rs.getLong("id"), rs.getString("service_id"),
                        Timestamps.toInstant(rs.getObject("at", OffsetDateTime.class)), rs.getString("summary"),
                        rs.getString("source"), rs.getString("details")))
                .list();
    }

    public long changeCount(String serviceId) {
        return jdbc.sql("SELECT COUNT(*) FROM service_change WHERE service_id = ?").param(serviceId).query(Long.class).single();
    }

    private static IncidentRow map(ResultSet rs, int row) throws SQLException {
        return new IncidentRow(rs.getLong("id"), rs.getString("service_id"), rs.getString("dedup_key"), rs.getString("summary"),
                rs.getString("source"), rs.getString("severity"), rs.getString("status"), rs.getString("paging"),
                rs.getString("state"), rs.getString("details"), rs.getLong("event_count"),
                Timestamps.toInstant(rs.getObject("opened_at", OffsetDateTime.class)),
                Timestamps.toInstant(rs.getObject("acknowledged_at", OffsetDateTime.class)),
                Timestamps.toInstant(rs.getObject("resolved_at", OffsetDateTime.class)),
                Timestamps.toInstant(rs.getObject("updated_at", OffsetDateTime.class)));
    }
}
