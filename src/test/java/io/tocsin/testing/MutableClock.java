package io.tocsin.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock tests move by hand, injected where production uses the system clock. */
public final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;

    public MutableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    public void set(Instant instant) {
        now.set(instant);
    }

    public void advance(Duration d) {
        now.updateAndGet(t -> t.plus(d));
    }

    @java.lang.Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @java.lang.Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @java.lang.Override
    public Instant instant() {
        return now.get();
    }
}
