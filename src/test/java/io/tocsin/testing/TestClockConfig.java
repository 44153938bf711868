package io.tocsin.testing;

import java.time.Clock;
import java.time.Instant;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** Replaces the system clock with one the test controls: Sunday 2026-03-29 03:00 in Bucharest (01:00Z). */
@TestConfiguration
public class TestClockConfig {
    public static final Instant START = Instant.parse("2026-03-29T01:00:00Z");

    @Bean
    @Primary
    public MutableClock testClock() {
        return new MutableClock(START);
    }
}
