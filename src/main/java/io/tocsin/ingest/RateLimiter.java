package io.tocsin.ingest;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per integration key, so one noisy source is refused instead of crowding out every
 * other service's events. Per node; with N nodes the effective limit is N times this.
 */
final class RateLimiter {
    /** Whether an event may pass and, if not, in how many whole seconds (at least 1) its key has a token again. */
    record Decision(boolean allowed, long retryAfterSeconds) {
    }

    private static final class Bucket {
        double tokens;
        long refilledAtNanos;
    }

    private final double capacity;
    private final double perSecond;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(int perMinute, int burst) {
        this.capacity = burst;
        this.perSecond = perMinute / 60.0;
    }

    Decision acquire(String key) {
        Bucket b = buckets.computeIfAbsent(key, k -> {
            Bucket nb = new Bucket();
            nb.tokens = capacity;
            nb.refilledAtNanos = System.nanoTime();
            return nb;
        });
        synchronized (b) {
            long now = System.nanoTime();
            b.tokens = Math.min(capacity, b.tokens + (now - b.refilledAtNanos) / 1e9 * perSecond);
            b.refilledAtNanos = now;
            if (b.tokens < 1) {
                return new Decision(false, Math.max(1, (long) Math.ceil((1 - b.tokens) / perSecond)));
            }
            b.tokens -= 1;
            return new Decision(true, 0);
        }
    }
}
