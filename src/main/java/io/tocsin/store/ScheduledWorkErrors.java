package io.tocsin.store;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.task.ThreadPoolTaskSchedulerCustomizer;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.util.ErrorHandler;

/**
 * What a background poll (heartbeats, following other nodes' configuration, housekeeping) that fails
 * writes to the log. While the database is down every poll fails every few hundred milliseconds, and
 * Spring's default wrote a full stack trace for each: an operator reading the log during an outage
 * got pages of identical traces that hid everything else. An unreachable database is one line, at most
 * once every {@link #QUIET_FOR_SECONDS} seconds per poll and kind of failure (the health endpoint
 * already says DOWN); every other failure keeps its stack trace.
 */
@Component
class ScheduledWorkErrors implements ThreadPoolTaskSchedulerCustomizer, ErrorHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledWorkErrors.class);
    static final long QUIET_FOR_SECONDS = 10;

    private final ConcurrentHashMap<String, Long> lastSaid = new ConcurrentHashMap<>();

    @Override
    public void customize(ThreadPoolTaskScheduler scheduler) {
        scheduler.setErrorHandler(this);
    }

    @Override
    public void handleError(Throwable failure) {
        if (!DatabaseFailures.isUnavailable(failure)) {
            LOG.error("a background task failed; it runs again at its next turn", failure);
            return;
        }
        String where = where(failure);
        long now = System.nanoTime();
        Long last = lastSaid.get(where);
        if (last != null && now - last < TimeUnit.SECONDS.toNanos(QUIET_FOR_SECONDS)) {
            return;
        }
        lastSaid.put(where, now);
        LOG.warn("{}: the database cannot be reached ({}); retrying at its next turn", where, rootMessage(failure));
    }

    /** The outermost frame of Tocsin's own code, the scheduled method itself: which poll failed. */
    static String where(Throwable failure) {
        String where = "a background task";
        for (StackTraceElement e : failure.getStackTrace()) {
            if (e.getClassName().startsWith("io.tocsin.") && !e.getClassName().contains("$$")) {
                where = e.getClassName().substring(e.getClassName().lastIndexOf('.') + 1) + "." + e.getMethodName();
            }
        }
        return where;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
