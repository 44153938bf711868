package io.tocsin.notify;

import io.tocsin.store.IncidentRow;
import io.tocsin.store.IncidentStore;
import io.tocsin.store.NotificationStore;
import io.tocsin.store.NotificationStore.Delivery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers what the engine queued. Outbox rows are expanded into deliveries ({@link OutboxExpansion});
 * each delivery is leased (so a node that dies mid-send is replaced), sent outside any transaction
 * with a timeout, and its result recorded on the incident's timeline. Failures retry with
 * exponential backoff and jitter (a 429's Retry-After wins); the first failure of a channel brings
 * the person's next contact method forward at once; what cannot be delivered lands in the dead
 * letters with the provider's answer. Pages still waiting when the incident is acknowledged or
 * resolved are cancelled, never sent. A number over its per-minute limit waits, and what waits for
 * it goes out as one message.
 */
@Component
public class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final NotificationStore deliveries;
    private final IncidentStore incidents;
    private final Channels channels;
    private final OutboxExpansion expansion;
    private final MessageComposer composer;
    private final DeliveryTimeline timeline;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final DestinationLimits limits;
    private final io.micrometer.core.instrument.MeterRegistry meters;
    private final int maxAttempts;
    private final Duration lease;
    private final boolean enabled;
    private final int senderThreads;
    private final java.util.concurrent.ExecutorService senders;
    private final java.util.concurrent.atomic.AtomicInteger busySenders = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean limitedLaneBusy = new java.util.concurrent.atomic.AtomicBoolean();

    Dispatcher(NotificationStore deliveries, IncidentStore incidents, Channels channels,
               OutboxExpansion expansion, MessageComposer composer, DeliveryTimeline timeline, Clock clock, TransactionTemplate tx, @Value("${tocsin.notify.max-attempts:5}") int maxAttempts,
               @Value("${tocsin.notify.lease:2m}") Duration lease, @Value("${tocsin.notify.enabled:true}") boolean enabled,
               @Value("${tocsin.notify.threads:4}") int senderThreads,
               @Value("${tocsin.notify.rate-limits:sms=3,voice=2}") String rateLimits,
               io.micrometer.core.instrument.MeterRegistry meters) {
        this.deliveries = deliveries;
        this.incidents = incidents;
        this.channels = channels;
        this.expansion = expansion;
        this.composer = composer;
        this.timeline = timeline;
        this.clock = clock;
        this.tx = tx;
        this.maxAttempts = maxAttempts;
        this.lease = lease;
        this.enabled = enabled;
        this.senderThreads = Math.max(2, senderThreads);
        this.limits = DestinationLimits.parse(rateLimits);
        this.meters = meters;
        this.senders = java.util.concurrent.Executors.newFixedThreadPool(this.senderThreads, r -> {
            Thread t = new Thread(r, "tocsin-notify");
            t.setDaemon(true);
            return t;
        });
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        senders.shutdownNow();
    }

    @Scheduled(fixedDelayString = "${tocsin.notify.poll-interval:200ms}")
    void run() {
        if (!enabled) {
            return;
        }
        try {
            for (int i = 0; i < 200 && Boolean.TRUE.equals(tx.execute(s -> expansion.expandOne())); i++) {
                // keep expanding
            }
        } catch (RuntimeException e) {
            LOG.error("notification expansion failed; retrying on the next poll", e);
        }
        // Sending happens on its own threads, several side by side: a provider that hangs until its
        // timeout holds up one sender, not every page behind it, and never the scheduler.
        // Rate-limited channels (SMS, voice) go through one lane: two senders working on one number at
        // once would each see room under its limit and bundle half of what waits.
        if (!limits.perMinute().isEmpty() && limitedLaneBusy.compareAndSet(false, true)) {
            senders.execute(() -> drain(true));
        }
        while (busySenders.get() < senderThreads - 1) {
            busySenders.incrementAndGet();
            senders.execute(() -> drain(false));
        }
    }

    private void drain(boolean limitedLane) {
        try {
            while (deliverOne(limitedLane)) {
                // keep delivering while anything is due
            }
        } catch (RuntimeException e) {
            LOG.error("notification delivery failed; retrying on the next poll", e);
        } finally {
            if (limitedLane) {
                limitedLaneBusy.set(false);
            } else {
                busySenders.decrementAndGet();
            }
        }
    }

    // ---- delivery ----

    private boolean deliverOne(boolean limitedLane) {
        Instant now = clock.instant();
        Optional<Delivery> leased = tx.execute(s -> deliveries.lease(now, now.plus(lease), limits.perMinute().keySet(), limitedLane));
        if (leased == null || leased.isEmpty()) {
            return false;
        }
        Delivery d = leased.get();
        Optional<IncidentRow> incident = d.incidentId() == null ? Optional.empty() : incidents.find(d.incidentId());
        if ("PAGE".equals(d.kind()) && incident.isPresent() && !"TRIGGERED".equals(incident.get().status())) {
            String why = incident.get().status().toLowerCase() + " before this page went out";
            tx.executeWithoutResult(s -> {
                deliveries.cancel(d.id(), why);
                timeline.say(d.incidentId(), "DELIVERY_CANCELLED", List.of(d.personId()), d.channel() + " to " + d.personId()
                        + " by " + d.contactMethod() + " not sent: " + why);
            });
            return true;
        }
        List<Delivery> bundle = List.of();
        Integer limit = limits.perMinute(d.channel());
        if (limit != null) {
            List<Instant> recent = deliveries.sentTo(d.channel(), d.address(), now.minus(DestinationLimits.WINDOW));
            if (recent.size() >= limit) {
                Instant until = recent.get(recent.size() - limit).plus(DestinationLimits.WINDOW);
                tx.executeWithoutResult(s -> {
                    deliveries.throttle(d.id(), until);
                    timeline.say(d.incidentId(), "DELIVERY_THROTTLED", List.of(d.personId()), d.channel() + " to " + d.personId() + " by "
                            + d.contactMethod() + " held back: " + recent.size() + " sent to " + d.address() + " in the last minute (limit "
                            + limit + "); it goes out at " + until + " with anything else waiting for that number");
                });
                return true;
            }
            // When one message each would go past the limit, one message carries everything waiting for
            // the number: nothing is dropped and the phone does not ring ten times.
            List<Delivery> waiting = bundleable(d, now);
            if (recent.size() + 1 + waiting.size() > limit) {
                bundle = waiting;
            } else {
                tx.executeWithoutResult(s -> waiting.forEach(w -> deliveries.releaseLease(w.id())));
            }
        }
        Message message = bundle.isEmpty() ? composer.of(d, incident) : composer.bundled(d, bundle);
        long started = System.nanoTime();
        SendResult result = channels.send(d.channel(), message);
        long millis = (System.nanoTime() - started) / 1_000_000;
        List<Delivery> carried = bundle;
        tx.executeWithoutResult(s -> {
            record(d, result, millis);
            for (Delivery b : carried) {
                if (result.outcome() == SendResult.Outcome.SENT) {
                    deliveries.markBundled(b.id(), d.id(), clock.instant());
                    timeline.say(b.incidentId(), "DELIVERED", List.of(b.personId()), b.channel() + " to " + b.personId() + " by "
                            + b.contactMethod() + " delivered inside one message with " + (carried.size()) + " other(s) (delivery "
                            + d.id() + ", " + result.providerStatus() + ")");
                } else {
                    deliveries.releaseLease(b.id());
                }
            }
        });
        return true;
    }

    /** Other deliveries due for the same number; pages of incidents no longer triggered are cancelled, not bundled. */
    private List<Delivery> bundleable(Delivery carrier, Instant now) {
        List<Delivery> leased = tx.execute(s -> deliveries.leaseSameDestination(carrier, now, now.plus(lease)));
        List<Delivery> out = new java.util.ArrayList<>();
        for (Delivery b : leased == null ? List.<Delivery>of() : leased) {
            Optional<IncidentRow> i = b.incidentId() == null ? Optional.empty() : incidents.find(b.incidentId());
            if ("PAGE".equals(b.kind()) && i.isPresent() && !"TRIGGERED".equals(i.get().status())) {
                String why = i.get().status().toLowerCase() + " before this page went out";
                tx.executeWithoutResult(s -> {
                    deliveries.cancel(b.id(), why);
                    timeline.say(b.incidentId(), "DELIVERY_CANCELLED", List.of(b.personId()), b.channel() + " to " + b.personId()
                            + " by " + b.contactMethod() + " not sent: " + why);
                });
            } else {
                out.add(b);
            }
        }
        return out;
    }

    private void record(Delivery d, SendResult r, long millis) {
        Instant now = clock.instant();
        // What an operator watches: attempts per channel and outcome, and how long providers take.
        meters.counter("tocsin.notifications.attempts", "channel", d.channel(), "kind", d.kind().toLowerCase(),
                "outcome", r.outcome().name().toLowerCase()).increment();
        meters.timer("tocsin.notifications.latency", "channel", d.channel()).record(Duration.ofMillis(millis));
        String what = d.channel() + " to " + d.personId() + " by " + d.contactMethod();
        String attempt = "attempt " + d.attempts();
        switch (r.outcome()) {
            case SENT -> {
                deliveries.markSent(d.id(), now, r.providerStatus());
                timeline.say(d.incidentId(), "DELIVERED", List.of(d.personId()), what + " delivered (" + r.providerStatus() + ", "
                        + millis + " ms, " + attempt + ")");
            }
            case RETRY -> {
                if (d.attempts() >= maxAttempts) {
                    dead(d, r, what + " failed " + d.attempts() + " times; last answer " + r.providerStatus() + detail(r));
                } else {
                    Duration wait = r.retryAfter() != null ? r.retryAfter() : backoff(d.attempts());
                    deliveries.retryAt(d.id(), now.plus(wait), r.providerStatus(), r.detail());
                    timeline.say(d.incidentId(), "DELIVERY_FAILED", List.of(d.personId()), what + " failed (" + r.providerStatus()
                            + detail(r) + ", " + millis + " ms, " + attempt + "); retrying in " + wait.toMillis() / 1000.0 + " s");
                    fallBack(d, now);
                }
            }
            case PERMANENT -> dead(d, r, what + " failed for good (" + r.providerStatus() + detail(r) + ")");
        }
    }

    private void dead(Delivery d, SendResult r, String text) {
        meters.counter("tocsin.notifications.dead", "channel", d.channel()).increment();
        deliveries.markDead(d.id(), r.providerStatus(), r.detail());
        timeline.say(d.incidentId(), "DELIVERY_DEAD", List.of(d.personId()), text + "; in the dead letters as delivery " + d.id());
        fallBack(d, clock.instant());
    }

    /** The person's next contact method is tried at once when one fails (once per failing delivery). */
    private void fallBack(Delivery d, Instant now) {
        if (d.outboxId() == null || d.attempts() > 1) {
            return;
        }
        deliveries.advanceNextStep(d.outboxId(), d.step(), now).filter(next -> next.dueAt().isAfter(now))
                .ifPresent(next -> timeline.say(d.incidentId(), "DELIVERY_FALLBACK", List.of(d.personId()), "trying "
                        + d.personId() + "'s next contact method now: " + next.channel() + " by " + next.contactMethod()));
    }

    static Duration backoff(int attempts) {
        long base = 1000L << Math.min(attempts - 1, 8);
        long jitter = ThreadLocalRandom.current().nextLong(base / 2 + 1);
        return Duration.ofMillis(Math.min(base + jitter, Duration.ofMinutes(5).toMillis()));
    }

    private static String detail(SendResult r) {
        return r.detail() == null || r.detail().isBlank() ? "" : ": " + r.detail().lines().findFirst().orElse("");
    }
}
