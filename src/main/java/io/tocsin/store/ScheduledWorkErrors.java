package io.tocsin.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.task.ThreadPoolTaskSchedulerCustomizer;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.util.ErrorHandler;

/**
 * What a scheduled poll (heartbeats, following other nodes' configuration, housekeeping) that fails
 * writes to the log: an unreachable database in a line now and then ({@link OutageLog}) instead of
 * Spring's stack trace on every poll; every other failure with its trace.
 */
@Component
class ScheduledWorkErrors implements ThreadPoolTaskSchedulerCustomizer, ErrorHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledWorkErrors.class);

    private final OutageLog outage = new OutageLog(LOG);

    @Override
    public void customize(ThreadPoolTaskScheduler scheduler) {
        scheduler.setErrorHandler(this);
    }

    @Override
    public void handleError(Throwable failure) {
        if (!outage.quietly(where(failure), failure)) {
            LOG.error("a background task failed; it runs again at its next turn", OutageLog.explained(failure));
        }
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
}
