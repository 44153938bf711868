package io.tocsin.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Whether this node can reach its database, known without waiting for it. A probe borrows a
 * connection every {@code tocsin.database.probe-interval} (the pool gives up after its connection
 * timeout), and any request that fails to reach the database says so at once. While it is down,
 * requests are answered 503 with Retry-After without touching the database, and health and
 * readiness say DOWN; the probe notices when it is back and everything resumes by itself.
 */
@Component
public class DatabaseAvailability implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseAvailability.class);

    /** Whether the database answered, since when, and the last reason it did not. */
    public record State(boolean up, Instant since, String reason) {
    }

    private final DataSource dataSource;
    private final Clock clock;
    private final Duration interval;
    private final Duration retryAfter;
    private volatile State state;
    private ScheduledExecutorService probe;

    DatabaseAvailability(DataSource dataSource, Clock clock,
                         @Value("${tocsin.database.probe-interval:1s}") Duration interval,
                         @Value("${tocsin.database.retry-after:5s}") Duration retryAfter) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("tocsin.database.probe-interval must be positive");
        }
        this.dataSource = dataSource;
        this.clock = clock;
        this.interval = interval;
        this.retryAfter = retryAfter;
        this.state = new State(true, clock.instant(), null);
    }

    public boolean isUp() {
        return state.up();
    }

    public State state() {
        return state;
    }

    /** What a refused client is told to wait, in whole seconds (at least one). */
    public long retryAfterSeconds() {
        return Math.max(1, retryAfter.toSeconds());
    }

    /** A request could not reach the database: everyone after it is answered at once instead of waiting too. */
    public void unreachable(Throwable cause) {
        down(cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }

    /** Borrows a connection and checks it; one probe, on the calling thread. */
    public boolean runOnce() {
        try (Connection c = dataSource.getConnection()) {
            if (c.isValid((int) Math.max(1, interval.toSeconds()))) {
                up();
                return true;
            }
            down("the connection did not answer");
        } catch (SQLException | RuntimeException e) {
            down(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return false;
    }

    private void up() {
        if (!state.up()) {
            LOG.info("the database answers again (it was unreachable since {}); requests and background work resume", state.since());
            state = new State(true, clock.instant(), null);
        }
    }

    private void down(String reason) {
        State before = state;
        if (before.up()) {
            LOG.warn("the database is unreachable ({}); answering 503 with Retry-After until it is back", reason);
            state = new State(false, clock.instant(), reason);
        } else {
            state = new State(false, before.since(), reason);
        }
    }

    @java.lang.Override
    public synchronized void start() {
        if (probe == null) {
            probe = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "database-probe");
                t.setDaemon(true);
                return t;
            });
            probe.scheduleWithFixedDelay(this::runOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @java.lang.Override
    public synchronized void stop() {
        if (probe != null) {
            probe.shutdownNow();
            probe = null;
        }
    }

    @java.lang.Override
    public synchronized boolean isRunning() {
        return probe != null;
    }
}
