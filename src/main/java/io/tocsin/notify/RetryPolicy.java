package io.tocsin.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How long a failing delivery keeps trying: a span of time (the budget), not a count of attempts,
 * because what a page must survive is an outage of some minutes, however many attempts fit in it.
 * Waits grow exponentially with jitter (so retries from many pages do not arrive together) up to
 * {@code maxBackoff}; a provider's Retry-After wins over the computed wait. A delivery whose attempt
 * fails once the budget has passed since its first attempt goes to the dead letters. Each channel
 * (contact-method type) can have a budget and a longest wait of its own.
 *
 * <pre>
 * tocsin.notify.retry.budget=1h
 * tocsin.notify.retry.max-backoff=5m
 * tocsin.notify.retry.initial-backoff=1s
 * tocsin.notify.retry.channels.sms.budget=1h
 * </pre>
 */
@ConfigurationProperties("tocsin.notify.retry")
public record RetryPolicy(Duration budget, Duration maxBackoff, Duration initialBackoff, Map<String, ChannelRetry> channels) {
    public static final Duration DEFAULT_BUDGET = Duration.ofHours(1);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(5);
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
    /** The contact-method types a channel's own retry settings can name. */
    static final java.util.List<String> CHANNELS = java.util.List.of("email", "webhook", "push", "slack", "teams", "sms", "voice");

    /** One channel's own budget and longest wait; either may be left out to use the general one. */
    public record ChannelRetry(Duration budget, Duration maxBackoff) {
    }

    public RetryPolicy {
        budget = budget == null ? DEFAULT_BUDGET : budget;
        maxBackoff = maxBackoff == null ? DEFAULT_MAX_BACKOFF : maxBackoff;
        initialBackoff = initialBackoff == null ? DEFAULT_INITIAL_BACKOFF : initialBackoff;
        channels = channels == null ? Map.of() : Map.copyOf(channels);
        positive("tocsin.notify.retry.budget", budget, true);
        positive("tocsin.notify.retry.max-backoff", maxBackoff, false);
        positive("tocsin.notify.retry.initial-backoff", initialBackoff, false);
        channels.forEach((channel, c) -> {
            if (!CHANNELS.contains(channel)) {
                throw new IllegalArgumentException("tocsin.notify.retry.channels." + channel + ": no such channel; channels: "
                        + String.join(", ", CHANNELS));
            }
            positive("tocsin.notify.retry.channels." + channel + ".budget", c.budget(), true);
            positive("tocsin.notify.retry.channels." + channel + ".max-backoff", c.maxBackoff(), false);
        });
    }

    /** The defaults: an hour of retries (an outage of half an hour loses nothing), waits from 1 second up to 5 minutes. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(null, null, null, null);
    }

    /** How long a delivery on this channel keeps retrying after its first attempt. */
    public Duration budget(String channel) {
        ChannelRetry c = channels.get(channel);
        return c != null && c.budget() != null ? c.budget() : budget;
    }

    public Duration maxBackoff(String channel) {
        ChannelRetry c = channels.get(channel);
        return c != null && c.maxBackoff() != null ? c.maxBackoff() : maxBackoff;
    }

    /** What to do after attempt {@code attempts} failed at {@code now}: wait (and how long), or give up. */
    public Decision afterFailure(String channel, int attempts, Instant firstAttempt, Instant now, Duration retryAfter) {
        Duration spent = Duration.between(firstAttempt, now);
        if (spent.compareTo(budget(channel)) >= 0) {
            return new Decision(null, spent);
        }
        return new Decision(retryAfter != null ? retryAfter : backoff(channel, attempts), spent);
    }

    /** {@code retryIn} null: the budget is spent and the delivery is dead. */
    public record Decision(Duration retryIn, Duration spent) {
        public boolean giveUp() {
            return retryIn == null;
        }
    }

    /** initial × 2^(attempts-1), plus up to half of that again as jitter, never above the longest wait. */
    Duration backoff(String channel, int attempts) {
        long cap = maxBackoff(channel).toMillis();
        long base = Math.min(cap, initialBackoff.toMillis() << Math.min(Math.max(attempts - 1, 0), 30));
        long jitter = ThreadLocalRandom.current().nextLong(base / 2 + 1);
        return Duration.ofMillis(Math.min(base + jitter, cap));
    }

    private static void positive(String key, Duration d, boolean allowZero) {
        if (d != null && (d.isNegative() || (!allowZero && d.isZero()))) {
            throw new IllegalArgumentException(key + " must be " + (allowZero ? "zero or more" : "more than zero") + ", got " + d);
        }
    }
}
