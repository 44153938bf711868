package io.tocsin.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Outbox rows waiting to be expanded into deliveries, and the deliveries themselves. Claims use
 * {@code FOR UPDATE SKIP LOCKED} so any number of nodes share the work without sending twice.
 */
@Repository
public class NotificationStore {
    /** An outbox row: page (or tell) one person about one incident step. */
    public record OutboxRow(long id, long incidentId, String idempotencyKey, String personId, String reason, String kind,
                            Instant createdAt) {
    }

    /** One delivery to one contact method; {@code leasedBy}: the node that took its latest attempt (pid@host and its start). */
    public record Delivery(long id, Long outboxId, Long incidentId, String personId, String kind, int step, String contactMethod,
                           String channel, String address, String idempotencyKey, String reason, String status, int attempts,
                           Instant dueAt, Instant createdAt, Instant sentAt, String providerStatus, String lastError,
                           Instant firstAttemptAt, int redriven, String leasedBy) {
        /** Where it goes: one phone number, one URL, one topic, on one channel. */
        public Destination destination() {
            return new Destination(channel, address);
        }
    }

    /** One destination of deliveries: a channel and an address on it. */
    public record Destination(String channel, String address) {
    }

    /** A delivery to create. */
    public record NewDelivery(Long outboxId, Long incidentId, String personId, String kind, int step, String contactMethod,
                              String channel, String address, String idempotencyKey, String reason, Instant dueAt) {
    }

    private static final RowMapper<Delivery> DELIVERY = (rs, i) -> new Delivery(rs.getLong("id"),
            (Long) rs.getObject("outbox_id", Long.class), (Long) rs.getObject("incident_id", Long.class), rs.getString("person_id"),
            rs.getString("kind"), rs.getInt("step"), rs.getString("contact_method"), rs.getString("channel"), rs.getString("address"),
            rs.getString("idempotency_key"), rs.getString("reason"), rs.getString("status"), rs.getInt("attempts"),
            Timestamps.toInstant(rs.getObject("due_at", OffsetDateTime.class)),
            Timestamps.toInstant(rs.getObject("created_at", OffsetDateTime.class)),
            Timestamps.toInstant(rs.getObject("sent_at", OffsetDateTime.class)), rs.getString("provider_status"),
            rs.getString("last_error"), Timestamps.toInstant(rs.getObject("first_attempt_at", OffsetDateTime.class)),
            rs.getInt("redriven"), rs.getString("leased_by"));

    /** A pending delivery whose lease is set although it is due again was abandoned by the node that held it. */
    private static final RowMapper<Leased> LEASED = (rs, i) -> {
        Instant leaseUntil = Timestamps.toInstant(rs.getObject("lease_until", OffsetDateTime.class));
        return new Leased(DELIVERY.mapRow(rs, i), leaseUntil == null ? null : rs.getString("leased_by"), leaseUntil);
    };

    private final JdbcClient jdbc;

    public NotificationStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Locks one pending outbox row no other node holds. */
    /**
     * Locks up to {@code limit} pending outbox rows no other node holds and none waits to be tried again
     * after a failure ({@link #retryOutbox}), oldest first. A row never tried goes at once, whatever the
     * clock of the node that queued it said.
     */
    public List<OutboxRow> claimOutbox(int limit, Instant now) {
        return SkipLocked.first(jdbc, "outbox", "id", "id, incident_id, idempotency_key, person_id, reason, kind, created_at",
                        "status = 'PENDING' AND (attempts = 0 OR next_attempt_at <= ?)", List.of(Timestamps.of(now)), "id", limit,
                (rs, i) -> new OutboxRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), Timestamps.toInstant(rs.getObject(7, OffsetDateTime.class))));
    }

    /**
     * A row (locked by the caller) that failed to expand once more: tried again at {@code when} of the
     * number of failures so far; returns that number.
     */
    public int retryOutbox(long id, java.util.function.IntFunction<Instant> when, String error) {
        int failures = jdbc.sql("SELECT attempts FROM outbox WHERE id = ?").param(id).query(Integer.class).single() + 1;
        jdbc.sql("UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?")
                .params(failures, Timestamps.of(when.apply(failures)), error, id).update();
        return failures;
    }

    public void finishOutbox(long id, String status, String error) {
        jdbc.sql("UPDATE outbox SET status = ?, last_error = ? WHERE id = ?").params(status, error, id).update();
    }

    /** Creates a delivery unless one with its idempotency key exists; returns whether it was created. */
    public boolean create(NewDelivery d, Instant now) {
        Integer existing = jdbc.sql("SELECT COUNT(*) FROM notification WHERE idempotency_key = ?").param(d.idempotencyKey())
                .query(Integer.class).single();
        if (existing > 0) {
            return false;
        }
        jdbc.sql("INSERT INTO notification (outbox_id, incident_id, person_id, kind, step, contact_method, channel, address, "
                        + "idempotency_key, reason, status, attempts, due_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', 0, ?, ?)")
                .params(d.outboxId(), d.incidentId(), d.personId(), d.kind(), d.step(), d.contactMethod(), d.channel(), d.address(),
                        d.idempotencyKey(), d.reason(), Timestamps.of(d.dueAt()), Timestamps.of(now))
                .update();
        return true;
    }

    /**
     * A delivery just leased, and the attempt it was abandoned by when an earlier lease ran out with no
     * answer recorded (the node holding it stopped mid-send): {@code abandonedBy} names that node,
     * {@code abandonedAt} when its lease ran out; both null for an ordinary lease.
     */
    public record Leased(Delivery delivery, String abandonedBy, Instant abandonedAt) {
        public boolean takenOver() {
            return abandonedAt != null;
        }
    }

    /**
     * Leases the next due delivery to {@code node} until {@code leaseUntil}, with up to {@code batch}
     * more due to the same destination among those read: it is sent outside any
     * transaction, and if the node dies mid-send the lease runs out and another node sends it (at least
     * once, same key). {@code channels} with {@code onlyThese} picks the lane. The first
     * {@code window} due deliveries are read (an index range, however long the backlog) and the first
     * whose destination {@code hasRoom} is taken, so a destination this node already sends to as much
     * as it may does not take another sender. Destinations in {@code stuck} (a send to them has hung
     * for a while) are left out of the read itself, so their backlog cannot fill the window and hold up
     * the pages to everyone else; that read walks past their rows, which only a hanging destination
     * costs. Deliveries in {@code inFlight} (this node is sending them) are never leased again by it: a
     * lease that ran out while the send goes on (the clock jumped, a renewal came late on a starved
     * machine) is another node's to take over, not a second send from this one.
     */
    public List<Leased> lease(Instant now, Instant leaseUntil, String node, java.util.Collection<String> channels,
                              boolean onlyThese, java.util.Collection<Destination> stuck, java.util.Collection<Long> inFlight,
                              int window, java.util.function.Predicate<Destination> hasRoom, int batch) {
        String notStuck = String.join("", java.util.Collections.nCopies(stuck.size(), "AND NOT (channel = ? AND address = ?) "));
        String notMine = inFlight.isEmpty() ? ""
                : "AND id NOT IN (" + String.join(", ", java.util.Collections.nCopies(inFlight.size(), "?")) + ") ";
        String pending = "status = 'PENDING' AND due_at <= ? AND (lease_until IS NULL OR lease_until <= ?) ";
        List<Leased> found;
        if (onlyThese) {
            // One channel at a time on the index (status, channel, due_at), each read stopping at the window:
            // "channel IN (...)" would walk every waiting delivery of the other lane to find none of these.
            found = new java.util.ArrayList<>();
            for (String channel : channels) {
                found.addAll(SkipLocked.first(jdbc, "notification", "id", "*", pending + "AND channel = ? " + notStuck + notMine,
                        params(now, List.of(channel), stuck, inFlight), "status, channel, due_at", Math.max(1, window), LEASED));
            }
            found.sort(java.util.Comparator.comparing((Leased l) -> l.delivery().dueAt()).thenComparing(l -> l.delivery().id()));
        } else {
            String lane = channels.isEmpty() ? ""
                    : "AND channel NOT IN (" + String.join(", ", java.util.Collections.nCopies(channels.size(), "?")) + ") ";
            // status first in the order (it is one value here), so H2 reads the index (status, due_at) in order and stops at the window
            found = SkipLocked.first(jdbc, "notification", "id", "*", pending + lane + notStuck + notMine,
                    params(now, channels, stuck, inFlight), "status, due_at", Math.max(1, window), LEASED);
        }
        Optional<Destination> to = found.stream().map(l -> l.delivery().destination()).filter(hasRoom).findFirst();
        if (to.isEmpty()) {
            return List.of();
        }
        // The next deliveries due to that destination come too, up to the batch: one sender sends them
        // one after the other, and one transaction leased them all.
        List<Leased> taken = found.stream().filter(l -> l.delivery().destination().equals(to.get())).limit(Math.max(1, batch)).toList();
        jdbc.sql("UPDATE notification SET lease_until = :until, leased_by = :node, attempts = attempts + 1, sending_since = NULL, "
                        + "first_attempt_at = COALESCE(first_attempt_at, :now) WHERE id IN (:ids)")
                .param("until", Timestamps.of(leaseUntil)).param("node", node).param("now", Timestamps.of(now))
                .param("ids", taken.stream().map(l -> l.delivery().id()).toList()).update();
        return taken.stream().map(l -> {
            Delivery d = l.delivery();
            return new Leased(new Delivery(d.id(), d.outboxId(), d.incidentId(), d.personId(), d.kind(), d.step(), d.contactMethod(),
                    d.channel(), d.address(), d.idempotencyKey(), d.reason(), d.status(), d.attempts() + 1, d.dueAt(), d.createdAt(),
                    d.sentAt(), d.providerStatus(), d.lastError(), d.firstAttemptAt() == null ? now : d.firstAttemptAt(), d.redriven(),
                    node),
                    l.abandonedBy(), l.abandonedAt());
        }).toList();
    }

    /** The parameters of a lease's condition, in the order it names them. */
    private static List<Object> params(Instant now, java.util.Collection<String> channels, java.util.Collection<Destination> stuck,
                                       java.util.Collection<Long> inFlight) {
        List<Object> params = new java.util.ArrayList<>(List.of(Timestamps.of(now), Timestamps.of(now)));
        params.addAll(channels);
        stuck.forEach(b -> {
            params.add(b.channel());
            params.add(b.address());
        });
        params.addAll(inFlight);
        return params;
    }

    /**
     * Moves the leases {@code node} still holds on {@code ids} to {@code leaseUntil}: a send still in
     * flight keeps its delivery, however long the provider takes, while its node is alive.
     */
    public void renewLeases(java.util.Collection<Long> ids, String node, Instant leaseUntil) {
        if (ids.isEmpty()) {
            return;
        }
        jdbc.sql("UPDATE notification SET lease_until = :until WHERE id IN (:ids) AND leased_by = :node AND status = 'PENDING' "
                        + "AND lease_until IS NOT NULL")
                .param("until", Timestamps.of(leaseUntil)).param("ids", ids).param("node", node).update();
    }

    /** Sent; a provider's status callback that already reported it failed (it can arrive first) is kept. */
    public void markSent(long id, Instant at, String providerStatus) {
        jdbc.sql("UPDATE notification SET status = 'SENT', sent_at = ?, provider_status = ?, lease_until = NULL WHERE id = ? AND status = 'PENDING'")
                .params(Timestamps.of(at), providerStatus, id).update();
    }

    /** When messages went to one destination (an SMS number, a phone) since {@code since}, oldest first. */
    public List<Instant> sentTo(String channel, String address, Instant since) {
        return jdbc.sql("SELECT sent_at FROM notification WHERE channel = ? AND address = ? AND status IN ('SENT', 'DEAD') "
                        + "AND sent_at > ? ORDER BY sent_at")
                .params(channel, address, Timestamps.of(since))
                .query((rs, i) -> Timestamps.toInstant(rs.getObject(1, OffsetDateTime.class))).list();
    }

    /**
     * When the messages to one destination that are going out right now started: decided by a sender
     * (of any node) whose lease still runs and whose answer is not written yet. {@code except} is the
     * one being decided.
     */
    public List<Instant> sendingTo(String channel, String address, long except, Instant now) {
        return jdbc.sql("SELECT sending_since FROM notification WHERE status = 'PENDING' AND channel = ? AND address = ? "
                        + "AND sending_since IS NOT NULL AND lease_until > ? AND id <> ?")
                .params(channel, address, Timestamps.of(now), except)
                .query((rs, i) -> Timestamps.toInstant(rs.getObject(1, OffsetDateTime.class))).list();
    }

    /** Decided, under its destination's lock: it counts against that destination's limit from {@code at}. */
    public void markSending(long id, Instant at) {
        jdbc.sql("UPDATE notification SET sending_since = ? WHERE id = ?").params(Timestamps.of(at), id).update();
    }

    /** A throttled delivery waits until {@code until}; the throttling is not a failed attempt. */
    public void throttle(long id, Instant until) {
        jdbc.sql("UPDATE notification SET due_at = ?, attempts = attempts - 1, provider_status = 'throttled', lease_until = NULL WHERE id = ?")
                .params(Timestamps.of(until), id).update();
    }

    /** Leases every other due delivery to the same destination, to go out inside one bundled message. */
    public List<Leased> leaseSameDestination(Delivery carrier, Instant now, Instant leaseUntil, String node) {
        List<Leased> due = jdbc.sql("SELECT * FROM notification WHERE channel = ? AND address = ? AND status = 'PENDING' AND id <> ? "
                        + "AND due_at <= ? AND (lease_until IS NULL OR lease_until <= ?) ORDER BY id FOR UPDATE SKIP LOCKED")
                .params(carrier.channel(), carrier.address(), carrier.id(), Timestamps.of(now), Timestamps.of(now)).query(LEASED).list();
        if (!due.isEmpty()) {
            jdbc.sql("UPDATE notification SET lease_until = :until, leased_by = :node, sending_since = NULL WHERE id IN (:ids)")
                    .param("until", Timestamps.of(leaseUntil)).param("node", node)
                    .param("ids", due.stream().map(l -> l.delivery().id()).toList()).update();
        }
        return due;
    }

    /** Went out inside delivery {@code carrierId}'s message. */
    public void markBundled(long id, long carrierId, Instant at) {
        jdbc.sql("UPDATE notification SET status = 'BUNDLED', sent_at = ?, provider_status = ?, lease_until = NULL WHERE id = ? AND status = 'PENDING'")
                .params(Timestamps.of(at), "in delivery " + carrierId, id).update();
    }

    /**
     * Hands back a delivery leased in a batch and never tried (the one before it to the same destination
     * failed): as if it had not been leased, so its attempts and the start of its retry budget count
     * only sends that happened. The right-hand side reads the row as it was, attempts included.
     */
    public void unlease(long id) {
        unlease(id, null);
    }

    /** {@link #unlease(long)}, to be leased again no sooner than {@code dueAgainAt} (null: when it was due). */
    public void unlease(long id, Instant dueAgainAt) {
        jdbc.sql("UPDATE notification SET lease_until = NULL, attempts = attempts - 1, "
                        + "due_at = COALESCE(CAST(? AS TIMESTAMP WITH TIME ZONE), due_at), "
                        + "first_attempt_at = CASE WHEN attempts = 1 THEN NULL ELSE first_attempt_at END WHERE id = ? AND status = 'PENDING'")
                .params(dueAgainAt == null ? null : Timestamps.of(dueAgainAt), id).update();
    }

    public void releaseLease(long id) {
        jdbc.sql("UPDATE notification SET lease_until = NULL WHERE id = ?").param(id).update();
    }

    public void retryAt(long id, Instant at, String providerStatus, String error) {
        jdbc.sql("UPDATE notification SET due_at = ?, provider_status = ?, last_error = ?, lease_until = NULL WHERE id = ?")
                .params(Timestamps.of(at), providerStatus, error, id).update();
    }

    public void markDead(long id, String providerStatus, String error) {
        jdbc.sql("UPDATE notification SET status = 'DEAD', provider_status = ?, last_error = ?, lease_until = NULL WHERE id = ?")
                .params(providerStatus, error, id).update();
    }

    public void cancel(long id, String why) {
        jdbc.sql("UPDATE notification SET status = 'CANCELLED', last_error = ?, lease_until = NULL WHERE id = ?").params(why, id).update();
    }

    /**
     * Brings the person's next contact method not yet tried forward to now: the fallback after a
     * failed channel. A later step already retrying keeps its own backoff; the one after it is next.
     */
    public Optional<Delivery> advanceNextStep(long outboxId, int afterStep, Instant now) {
        Optional<Delivery> next = jdbc.sql("SELECT * FROM notification WHERE outbox_id = ? AND step > ? AND status = 'PENDING' "
                        + "AND attempts = 0 ORDER BY step LIMIT 1")
                .params(outboxId, afterStep).query(DELIVERY).optional();
        next.filter(d -> d.dueAt().isAfter(now))
                .ifPresent(d -> jdbc.sql("UPDATE notification SET due_at = ? WHERE id = ?").params(Timestamps.of(now), d.id()).update());
        return next;
    }

    public Optional<Delivery> find(long id) {
        return jdbc.sql("SELECT * FROM notification WHERE id = ?").param(id).query(DELIVERY).optional();
    }

    public List<Delivery> byIncident(long incidentId) {
        return jdbc.sql("SELECT * FROM notification WHERE incident_id = ? ORDER BY id").param(incidentId).query(DELIVERY).list();
    }

    public List<Delivery> dead(int limit) {
        return dead(null, limit);
    }

    /** The dead letters, newest first, older than {@code beforeId} when given (paging). */
    public List<Delivery> dead(Long beforeId, int limit) {
        return jdbc.sql("SELECT * FROM notification WHERE status = 'DEAD' AND id < ? ORDER BY id DESC LIMIT ?")
                .params(beforeId == null ? Long.MAX_VALUE : beforeId, limit).query(DELIVERY).list();
    }

    /** A dead delivery goes out again now, under the same idempotency key, with a fresh retry budget. */
    public boolean replay(long id, Instant now) {
        return jdbc.sql("UPDATE notification SET status = 'PENDING', attempts = 0, first_attempt_at = NULL, due_at = ?, lease_until = NULL "
                        + "WHERE id = ? AND status = 'DEAD'")
                .params(Timestamps.of(now), id).update() == 1;
    }

    /** The dead letters to one destination, oldest first: what may go out again once it answers. */
    public List<Delivery> deadTo(Destination to) {
        return jdbc.sql("SELECT * FROM notification WHERE channel = ? AND address = ? AND status = 'DEAD' ORDER BY id")
                .params(to.channel(), to.address()).query(DELIVERY).list();
    }

    /** Sends a dead letter again now because its destination answered again; false when it is no longer dead. */
    public boolean redrive(long id, Instant now) {
        return jdbc.sql("UPDATE notification SET status = 'PENDING', attempts = 0, first_attempt_at = NULL, due_at = ?, lease_until = NULL, "
                        + "redriven = redriven + 1 WHERE id = ? AND status = 'DEAD'")
                .params(Timestamps.of(now), id).update() == 1;
    }

    /**
     * Remembers the provider's id for a delivery. Keyed by the idempotency key because that is what a
     * channel knows of its delivery, and it is unique to one.
     */
    public void setProviderRef(String idempotencyKey, String ref) {
        jdbc.sql("UPDATE notification SET provider_ref = ? WHERE idempotency_key = ?").params(ref, idempotencyKey).update();
    }

    public Optional<Delivery> findByProviderRef(String ref) {
        return jdbc.sql("SELECT * FROM notification WHERE provider_ref = ? ORDER BY id LIMIT 1").param(ref).query(DELIVERY).optional();
    }

    /** What the provider later reported about a delivery it accepted (delivered, undelivered, busy...). */
    public void reportProviderStatus(long id, String providerStatus) {
        jdbc.sql("UPDATE notification SET provider_status = ? WHERE id = ?").params(providerStatus, id).update();
    }

    /**
     * A delivery the provider accepted but could not deliver goes to the dead letters; false when it
     * already was there, so a repeated callback does not fall back twice.
     */
    public boolean markUndelivered(long id, String providerStatus, String error) {
        return jdbc.sql("UPDATE notification SET status = 'DEAD', provider_status = ?, last_error = ?, lease_until = NULL "
                        + "WHERE id = ? AND status <> 'DEAD'")
                .params(providerStatus, error, id).update() == 1;
    }

    /** The value of a shared secret, created by the first node that asks. */
    public String secret(String name, java.util.function.Supplier<String> create) {
        Optional<String> existing = jdbc.sql("SELECT secret_value FROM server_secret WHERE name = ?").param(name).query(String.class).optional();
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            jdbc.sql("INSERT INTO server_secret (name, secret_value) VALUES (?, ?)").params(name, create.get()).update();
        } catch (org.springframework.dao.DuplicateKeyException anotherNodeWon) {
            // another node created it first; use theirs
        }
        return jdbc.sql("SELECT secret_value FROM server_secret WHERE name = ?").param(name).query(String.class).single();
    }

    /** The first Slack post of an incident at one address: the conversation it landed in and its timestamp. */
    public record ChatThread(String channelId, String threadTs) {
    }

    /** The Slack message an incident's posts to {@code address} thread under, if one was posted there. */
    public Optional<ChatThread> chatThread(long incidentId, String address) {
        return jdbc.sql("SELECT channel_id, thread_ts FROM chat_thread WHERE incident_id = ? AND address = ?").params(incidentId, address)
                .query((rs, n) -> new ChatThread(rs.getString(1), rs.getString(2))).optional();
    }

    /** Remembers the first post; a second first post (two sent at once) keeps the one already there. */
    public void rememberChatThread(long incidentId, String address, ChatThread thread) {
        try {
            jdbc.sql("INSERT INTO chat_thread (incident_id, address, channel_id, thread_ts) VALUES (?, ?, ?, ?)")
                    .params(incidentId, address, thread.channelId(), thread.threadTs()).update();
        } catch (org.springframework.dao.DuplicateKeyException alreadyThreaded) {
            // the other post is the thread; this one stays where it is
        }
    }
}
