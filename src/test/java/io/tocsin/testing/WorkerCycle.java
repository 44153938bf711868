package io.tocsin.testing;

import static org.awaitility.Awaitility.await;

import io.tocsin.incident.TimerWorker;
import io.tocsin.notify.Dispatcher;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One completed cycle of the real workers as of the virtual clock, for the checks that something was
 * NOT sent: after it, every timer due by now has fired and every page, notice and chat post due by now
 * has been sent (or failed and been put off), so a message wrongly due would already be at the fake
 * provider. A fixed sleep only hopes the scheduled pollers came round in time.
 */
public final class WorkerCycle {
    static final Duration WITHIN = Duration.ofSeconds(10);

    private WorkerCycle() {
    }

    public static void complete(TimerWorker timers, Dispatcher dispatcher, JdbcClient jdbc, Clock clock) {
        // Step on this thread; the scheduled pollers run too and may hold some of the work, so then wait
        // until nothing due is left to them either.
        timers.runOnce();
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(20)).until(() ->
                jdbc.sql("SELECT COUNT(*) FROM incident_timer WHERE due_at <= ?").param(now(clock)).query(Long.class).single() == 0);
        dispatcher.runOnce(clock.instant());
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(20)).until(() ->
                jdbc.sql("SELECT COUNT(*) FROM outbox WHERE status = 'PENDING'").query(Long.class).single() == 0
                        && jdbc.sql("SELECT COUNT(*) FROM notification WHERE status = 'PENDING' AND due_at <= ?")
                                .param(now(clock)).query(Long.class).single() == 0);
    }

    private static OffsetDateTime now(Clock clock) {
        return clock.instant().atOffset(ZoneOffset.UTC);
    }
}
