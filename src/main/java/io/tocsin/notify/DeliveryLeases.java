package io.tocsin.notify;

import io.tocsin.store.NotificationStore;
import io.tocsin.store.NotificationStore.Delivery;
import io.tocsin.store.NotificationStore.Leased;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * How long a node holds a delivery it is sending, and what happens when the node dies holding it.
 * A lease is the provider timeout plus a margin, and is renewed while the send is in flight, so a
 * slow provider never loses a live node its delivery while a killed node's delivery is taken over
 * by another node within that time instead of minutes later. The node that takes over says so on
 * the incident's timeline: the abandoned attempt (which node, when its lease ran out; the provider
 * may have it, and the next attempt carries the same idempotency key) and the takeover.
 */
@Component
class DeliveryLeases {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLeases.class);

    private final NotificationStore store;
    private final DeliveryTimeline timeline;
    private final Clock clock;
    private final Duration lease;
    /**
     * pid@host and when the process started: what an operator can find, and unique among the processes
     * sharing the database even when a container restarts its server under the same pid and host name.
     */
    private final String node = abbreviate(ManagementFactory.getRuntimeMXBean().getName() + " started "
            + Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    private final Set<Long> held = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService renewer;

    DeliveryLeases(NotificationStore store, DeliveryTimeline timeline, Clock clock,
                   @Value("${tocsin.notify.timeout:10s}") Duration timeout,
                   @Value("${tocsin.notify.lease-margin:5s}") Duration margin,
                   @Value("${tocsin.notify.lease:}") String fixedLease) {
        // A fixed lease used to be a setting (two minutes: how long a dead node's page waited). The
        // lease now follows the provider timeout; a server still setting one must not believe it acts.
        if (!fixedLease.isBlank()) {
            throw new IllegalStateException("tocsin.notify.lease is no longer used: a delivery's lease is tocsin.notify.timeout "
                    + "plus tocsin.notify.lease-margin (default 5s), renewed while the send is in flight; remove it");
        }
        if (margin.isNegative() || margin.isZero()) {
            throw new IllegalStateException("tocsin.notify.lease-margin must be positive, was " + margin);
        }
        this.store = store;
        this.timeline = timeline;
        this.clock = clock;
        this.lease = timeout.plus(margin);
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tocsin-lease-renewer");
            t.setDaemon(true);
            return t;
        });
        // Three renewals fit in every lease: one late or failed renewal does not lose a live send.
        long every = Math.max(100, lease.toMillis() / 3);
        renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        renewer.shutdownNow();
    }

    String node() {
        return node;
    }

    Duration lease() {
        return lease;
    }

    /** Until when a delivery leased at {@code now} is this node's. */
    Instant until(Instant now) {
        return now.plus(lease);
    }

    /**
     * Inside the leasing transaction: keeps the lease renewed while this node sends, and when the
     * delivery was abandoned by a node that died mid-send, puts that and the takeover ({@code as}:
     * which attempt this is) on the timeline.
     */
    void took(Leased leased, String as) {
        Delivery d = leased.delivery();
        held.add(d.id());
        // The lease is this node's only if its transaction commits. One that rolls back (a commit refused,
        // the database gone between the lease and its commit) must not leave the delivery here: a delivery
        // this node believes it is sending is left out of its every lease, so on a single node it would
        // never go out again, and renewals would keep any other node from it once the database is back.
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    if (status != STATUS_COMMITTED) {
                        release(d.id());
                    }
                }
            });
        }
        if (!leased.takenOver()) {
            return;
        }
        String what = d.channel() + " to " + d.personId() + " by " + d.contactMethod();
        if (node.equals(leased.abandonedBy())) {
            // Not a takeover: this very node leased it and recorded no answer (the database went away while
            // it sent, or before it could hand the delivery back). Saying a node stopped would send whoever
            // reads the timeline looking for a crash that did not happen.
            LOG.warn("delivery {} ({}): its lease ran out at {} with no answer recorded by this node; sending it again",
                    d.id(), what, leased.abandonedAt());
            timeline.say(d.incidentId(), "DELIVERY_ABANDONED", List.of(d.personId()), what + ": this node's answer for it was never "
                    + "recorded (delivery " + d.id() + "; its lease ran out at " + leased.abandonedAt() + " while the database could not "
                    + "be written). It may or may not have reached the provider: it goes out again under the same idempotency key");
            return;
        }
        LOG.warn("delivery {} ({}) was abandoned by node {} (lease ran out at {}); node {} takes it over", d.id(), what,
                leased.abandonedBy(), leased.abandonedAt(), node);
        timeline.say(d.incidentId(), "DELIVERY_ABANDONED", List.of(d.personId()), what + ": node " + leased.abandonedBy()
                + " stopped while sending it (delivery " + d.id() + "; no answer recorded; its lease ran out at " + leased.abandonedAt()
                + "). The provider may "
                + "already have it: it goes out again under the same idempotency key");
        timeline.say(d.incidentId(), "DELIVERY_TAKEN_OVER", List.of(d.personId()), what + " taken over by node " + node + ": " + as);
    }

    /** Deliveries this node is sending right now: never taken over by this node itself, whatever the clock says. */
    java.util.Collection<Long> inFlight() {
        return List.copyOf(held);
    }

    /** The send is over (its answer recorded or the delivery handed back): no more renewals. */
    void release(long deliveryId) {
        held.remove(deliveryId);
    }

    /** The column holds 200 characters; a host name can be longer. */
    private static String abbreviate(String name) {
        return name.length() <= 200 ? name : name.substring(0, 200);
    }

    private void renew() {
        try {
            List<Long> ids = List.copyOf(held);
            if (!ids.isEmpty()) {
                store.renewLeases(ids, node, until(clock.instant()));
            }
        } catch (RuntimeException e) {
            // The next renewal comes well within the lease; if the database stays away, so does every other node's.
            LOG.warn("renewing the leases of {} delivery(ies) in flight failed: {}", held.size(), e.getMessage());
        }
    }
}
