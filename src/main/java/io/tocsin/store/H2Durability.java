package io.tocsin.store;

import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The embedded H2 database writes committed changes to its file up to half a second later by
 * default, so a {@code kill -9} right after a 202 could lose the event it acknowledged (invariant 1).
 * With no write delay every commit reaches the file (the operating system's cache, which outlives
 * the process) before it returns. Replaced chunks are kept one second instead of 45. A lock is waited
 * for up to 10 s (H2's default is 2 s). The settings are stored in the database; PostgreSQL needs
 * nothing.
 *
 * <p>No write delay has a cost H2 does not document: its store's background thread, which also
 * rewrites half-empty chunks and moves live ones together so that the file's space is reused, only
 * runs when there is a write delay. Without it the file only grows (354 MB for 3,000 incidents in
 * the timer benchmark). {@link #housekeeping()} runs that same step of H2's, on Tocsin's scheduler.
 */
@Component
class H2Durability implements InitializingBean, DisposableBean {
    private static final Logger LOG = LoggerFactory.getLogger(H2Durability.class);

    private final DataSource dataSource;
    /** The store's own background step and the store it runs on; null on PostgreSQL. */
    private volatile Method step;
    private volatile Object fileStore;

    H2Durability(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @java.lang.Override
    public void afterPropertiesSet() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (!"H2".equals(c.getMetaData().getDatabaseProductName())) {
                return;
            }
            try (Statement st = c.createStatement()) {
                st.execute("SET WRITE_DELAY 0");
                // H2 keeps every replaced chunk for 45 s by default; at hundreds of commits a second that is
                // gigabytes of dead pages it cannot reuse yet. One second still lets readers finish (0 is unsafe).
                st.execute("SET RETENTION_TIME 1000");
                // H2 gives up on a row lock after 2 s (PostgreSQL waits). Openings take the incident counter
                // in turn, and one Alertmanager group of thousands of alerts is one transaction of seconds on
                // a small machine: the openings behind it should wait for it, not be refused.
                st.execute("SET DEFAULT_LOCK_TIMEOUT 10000");
                st.execute("SET LOCK_TIMEOUT 10000");
            }
            cacheIdentities(c);
            LOG.info("H2: every commit is written to the database file before it returns; replaced chunks are reused after 1 s");
            findHousekeeping(c);
        }
    }

    /**
     * H2 hands out an identity column's values from a cache of 32 and, each time the cache runs out,
     * writes the sequence's new high mark in a transaction of its own: with no write delay, a whole commit
     * of the store (a chunk written) every 32 timeline entries and every 32 deliveries, which a storm's
     * profile showed as a tenth of the intake writer's commits. A cache of 1,024 takes those commits out.
     * What it costs: after a crash the ids of a table jump by up to 1,024 (the values cached and not
     * used); nothing reads meaning into a gap, only the order of ids. PostgreSQL needs nothing (its
     * sequences are not transactional).
     */
    private static void cacheIdentities(Connection c) throws SQLException {
        List<String[]> columns = new java.util.ArrayList<>();
        try (Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT TABLE_NAME, COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS "
                     + "WHERE IS_IDENTITY = 'YES' AND TABLE_SCHEMA = SCHEMA()")) {
            while (rs.next()) {
                columns.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        try (Statement st = c.createStatement()) {
            for (String[] column : columns) {
                st.execute("ALTER TABLE \"" + column[0] + "\" ALTER COLUMN \"" + column[1] + "\" SET CACHE " + IDENTITY_CACHE);
            }
        }
    }

    static final int IDENTITY_CACHE = 1024;

    /**
     * H2's {@code FileStore.writeInBackground()}: what its background thread does every few hundred
     * milliseconds (commit what is pending, which with no write delay is nothing; then, by H2's own
     * judgement of fill rates and of whether the store is idle, rewrite sparse chunks and move chunks
     * to shrink the file). Package-private in H2, so reached by reflection; when a future H2 renames it,
     * Tocsin says so once and runs on without it (the file then grows as before).
     */
    private void findHousekeeping(Connection c) {
        try {
            org.h2.engine.SessionLocal session = (org.h2.engine.SessionLocal) c.unwrap(org.h2.jdbc.JdbcConnection.class).getSession();
            Object store = session.getDatabase().getStore().getMvStore().getFileStore();
            if (store == null) {
                return; // an in-memory database (tests): no file whose space to reuse
            }
            Method m = org.h2.mvstore.FileStore.class.getDeclaredMethod("writeInBackground");
            m.setAccessible(true);
            fileStore = store;
            step = m;
        } catch (ReflectiveOperationException | RuntimeException | SQLException e) {
            LOG.warn("H2: cannot run the store's housekeeping ({}); the database file will not reuse its space online", e.toString());
        }
    }

    /**
     * Every half second, as H2's own thread would with a write delay of 1.5 s. Synchronized with
     * {@link #destroy()}: H2 stops its own background thread before it closes the store, and this step
     * must likewise never run while the store closes (it moves chunks; a step cut by the close could
     * leave a file the next start cannot read).
     */
    @Scheduled(fixedDelay = 500, initialDelay = 500)
    synchronized void housekeeping() {
        Method m = step;
        if (m == null) {
            return;
        }
        try {
            m.invoke(fileStore);
        } catch (ReflectiveOperationException | RuntimeException e) {
            step = null;
            LOG.warn("H2: the store's housekeeping failed and is stopped; the database file will not reuse its space online", e);
        }
    }

    /**
     * Stops the housekeeping, after a step under way has finished. Spring destroys this bean before the
     * data source it depends on, so the database is closed only after this returns.
     */
    @java.lang.Override
    public synchronized void destroy() {
        step = null;
        fileStore = null;
    }
}
