package io.tocsin.store;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * What background work writes to the log when the database cannot be reached. Every poll (timers every
 * 200 ms, senders, heartbeats) fails while the database is down, and each wrote a full stack trace: an
 * operator reading the log during an outage got pages of identical traces that hid everything else.
 * An unreachable database is one line per kind of work, at most once every {@link #QUIET_FOR_SECONDS}
 * seconds (the health endpoint already says DOWN, and DatabaseAvailability says when it went and came
 * back); every other failure is the caller's to log with its trace.
 */
public final class OutageLog {
    static final long QUIET_FOR_SECONDS = 10;

    private final Logger log;
    private final ConcurrentHashMap<String, Long> lastSaid = new ConcurrentHashMap<>();

    public OutageLog(Logger log) {
        this.log = log;
    }

    /**
     * True when {@code failure} is the database being unreachable: said in one line (or not at all, when
     * said for {@code what} in the last few seconds). False for anything else, which the caller logs.
     */
    public boolean quietly(String what, Throwable failure) {
        if (!DatabaseFailures.isUnavailable(failure)) {
            return false;
        }
        long now = System.nanoTime();
        Long last = lastSaid.get(what);
        if (last == null || now - last >= TimeUnit.SECONDS.toNanos(QUIET_FOR_SECONDS)) {
            lastSaid.put(what, now);
            log.warn("{}: the database cannot be reached ({}); retrying at the next turn", what, rootMessage(failure));
        }
        return true;
    }

    /**
     * {@code failure} as it should be logged: when a rollback failed too, Spring throws the rollback's
     * failure and keeps the one that caused it aside (TransactionSystemException.getApplicationException,
     * not a cause); it is added as suppressed so the log shows both. (Spring's own log line for that is
     * off: application.yaml.)
     */
    public static Throwable explained(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.springframework.transaction.TransactionSystemException tse && tse.getApplicationException() != null
                    && java.util.Arrays.stream(tse.getSuppressed()).noneMatch(x -> x == tse.getApplicationException())) {
                tse.addSuppressed(tse.getApplicationException());
            }
        }
        return failure;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
