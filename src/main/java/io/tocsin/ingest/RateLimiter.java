package io.tocsin.ingest;

import io.tocsin.store.IngestBucketStore;
import io.tocsin.store.TokenHash;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * A token bucket per integration key, so one noisy source is refused instead of crowding out every
 * other service's events. The bucket is a database row shared by every node, so the documented
 * limit holds for the cluster, not per node.
 *
 * <p>To keep the database out of most events, a node takes a few tokens at a time (at most one
 * second's refill) and spends them locally within {@link #LOCAL_WINDOW}; what is left then is
 * dropped, never returned, so the cluster passes at most one second's refill more than a single
 * bucket would. A refusal is remembered until the instant the shared bucket has a token again (other
 * nodes can only take tokens, never add any), so a storm above the limit is answered without a
 * database round trip.
 */
@Component
class RateLimiter {
    /** Whether an event may pass and, if not, in how many whole seconds (at least 1) its key has a token again. */
    record Decision(boolean allowed, long retryAfterSeconds) {
    }

    /** How long tokens a node took from the shared bucket stay usable on that node. */
    static final Duration LOCAL_WINDOW = Duration.ofSeconds(1);
    private static final int MAX_CHUNK = 1000;

    /** This node's share of one key: tokens taken and not yet spent, and a refusal it already knows of. */
    private static final class Local {
        final String keyHash;
        int tokens;
        Instant tokensUntil = Instant.MIN;
        Instant refusedUntil = Instant.MIN;
        /**
         * Until when (System.nanoTime: real waiting, not the organisation's clock) the shared bucket is
         * known to be unreachable, and what said so.
         */
        long unreachableUntil = System.nanoTime();
        RuntimeException unreachable;

        Local(String keyHash) {
            this.keyHash = keyHash;
        }
    }

    private final IngestBucketStore buckets;
    private final Clock clock;
    private final IngestBucketStore.Shape shape;
    private final double perSecond;
    private final int chunk;
    private final ConcurrentHashMap<String, Local> locals = new ConcurrentHashMap<>();

    /**
     * On the wall clock, not the server's injected one: a rate is about how fast senders send in real
     * time (as the per-node bucket before it, on {@code System.nanoTime}), and a test's virtual clock,
     * which jumps by minutes to escalate and back between tests, must neither refill a bucket nor
     * freeze one. The clock is the same on every node, which the shared bucket needs.
     */
    RateLimiter(IngestBucketStore buckets, @Value("${tocsin.ingest.rate-per-minute:120}") int perMinute,
                @Value("${tocsin.ingest.burst:120}") int burst) {
        if (perMinute < 1 || burst < 1) {
            throw new IllegalStateException("tocsin.ingest.rate-per-minute and tocsin.ingest.burst must be at least 1");
        }
        this.buckets = buckets;
        this.clock = Clock.systemUTC();
        this.perSecond = perMinute / 60.0;
        this.shape = new IngestBucketStore.Shape(burst, perSecond / 1000.0);
        this.chunk = (int) Math.max(1, Math.min(Math.min(burst, MAX_CHUNK), Math.floor(perSecond * LOCAL_WINDOW.toSeconds())));
    }

    Decision acquire(String key) {
        Local local = locals.computeIfAbsent(key, k -> new Local(TokenHash.sha256(k)));
        synchronized (local) {
            Instant now = clock.instant();
            if (now.isBefore(local.refusedUntil)) {
                return refuse(now, local.refusedUntil);
            }
            if (local.tokens > 0 && now.isBefore(local.tokensUntil)) {
                local.tokens--;
                return new Decision(true, 0);
            }
            if (local.unreachable != null && System.nanoTime() - local.unreachableUntil < 0) {
                // Requests that queued on this key while the bucket's database call waited out its
                // connection timeout are refused with that answer (503, come back), not each after a
                // timeout of its own, one after another.
                throw new org.springframework.dao.DataAccessResourceFailureException("the database was unreachable a moment ago",
                        local.unreachable);
            }
            try {
                return fromTheBucket(local, now);
            } catch (RuntimeException e) {
                if (io.tocsin.store.DatabaseFailures.isUnavailable(e)) {
                    local.unreachable = e;
                    local.unreachableUntil = System.nanoTime() + UNREACHABLE_REMEMBERED.toNanos();
                }
                throw e;
            }
        }
    }

    /** How long a bucket found unreachable is not asked again by requests already waiting for it. */
    private static final Duration UNREACHABLE_REMEMBERED = Duration.ofSeconds(1);

    private Decision fromTheBucket(Local local, Instant now) {
        long millis = now.toEpochMilli();
        // A whole chunk when the bucket has it, else the last single tokens one at a time.
        for (int n : chunk > 1 ? new int[] {chunk, 1} : new int[] {1}) {
            if (buckets.take(local.keyHash, n, millis, shape)) {
                local.tokens = n - 1;
                local.tokensUntil = now.plus(LOCAL_WINDOW);
                return new Decision(true, 0);
            }
        }
        local.tokens = 0;
        double available = buckets.available(local.keyHash, millis, shape).orElse(shape.capacity());
        long waitMillis = (long) Math.ceil(Math.max(0, 1 - available) / shape.perMilli());
        local.refusedUntil = now.plusMillis(Math.max(1, waitMillis));
        return refuse(now, local.refusedUntil);
    }

    private static Decision refuse(Instant now, Instant until) {
        // for the refused-events count, which sees only the answer's status
        org.springframework.web.context.request.RequestAttributes request =
                org.springframework.web.context.request.RequestContextHolder.getRequestAttributes();
        if (request != null) {
            request.setAttribute(IngestMeters.THROTTLED, Boolean.TRUE, org.springframework.web.context.request.RequestAttributes.SCOPE_REQUEST);
        }
        long millis = Duration.between(now, until).toMillis();
        return new Decision(false, Math.max(1, (millis + 999) / 1000));
    }
}
