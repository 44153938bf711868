package io.tocsin.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.awaitility.Awaitility;

/** Waits for a condition the way the end-to-end contracts always have: up to ten seconds, looked at every 50 ms. */
public final class Eventually {
    static final Duration WITHIN = Duration.ofSeconds(10);

    private Eventually() {
    }

    /**
     * Returns once {@code condition} holds; otherwise fails naming {@code failure}, computed only when
     * the condition does not hold (it may read the incident's timeline to show what happened instead).
     */
    public static void await(BooleanSupplier condition, Supplier<String> failure) {
        Awaitility.await().atMost(WITHIN).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(condition.getAsBoolean()).as(failure).isTrue());
    }
}
