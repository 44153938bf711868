package io.tocsin.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * How the embedded H2 database keeps what it acknowledged. H2 writes committed changes to its file up
 * to half a second later by default, so a {@code kill -9} right after a 202 could lose the event it
 * acknowledged (invariant 1). Here every commit through the application's data source returns only
 * once the store has written it to the file (the operating system's cache, which outlives the
 * process), and commits that arrive together share one write ({@link StoreSync}, group commit): H2's
 * own way of making each commit durable (no write delay) wrote the whole store once per commit, one
 * after the other, which in a storm was a third of all CPU. Replaced chunks are kept one second instead
 * of 45. A lock is waited for up to 10 s (H2's default is 2 s). The settings are stored in the
 * database; PostgreSQL needs nothing.
 *
 * <p>H2 keeps its write delay (500 ms, its default) for what it writes by itself: with one, its store's
 * background thread runs, and it also rewrites half-empty chunks and moves live ones together so that
 * the file's space is reused (with no write delay that thread stops and the file only grows: 354 MB for
 * 3,000 incidents in the timer benchmark). An H2 reached over the network (a server of its own) cannot be
 * written from here: there every commit is written as it happens (no write delay), as before.
 */
@Component
class H2Durability implements InitializingBean {
    private static final Logger LOG = LoggerFactory.getLogger(H2Durability.class);

    private final DataSource dataSource;

    H2Durability(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @java.lang.Override
    public void afterPropertiesSet() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (!"H2".equals(c.getMetaData().getDatabaseProductName())) {
                return;
            }
            org.h2.mvstore.MVStore store = fileStore(c);
            java.util.Optional<StoreSync> sync = store != null && dataSource instanceof TextSafeDataSource
                    ? StoreSync.of(store) : java.util.Optional.empty();
            boolean grouped = sync.isPresent();
            // first the wait after every commit, then the write delay: no commit in between goes unwritten
            sync.ifPresent(commits -> ((TextSafeDataSource) dataSource).syncCommits(commits));
            try (Statement st = c.createStatement()) {
                st.execute(grouped ? "SET WRITE_DELAY 500" : "SET WRITE_DELAY 0");
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
            if (grouped) {
                LOG.info("H2: every commit is written to the database file before it returns, commits arriving together in one "
                        + "write; replaced chunks are reused after 1 s");
            } else {
                LOG.info("H2: every commit is written to the database file before it returns (no write delay)");
            }
        }
    }

    /** The store of an H2 database running in this process and writing a file; null for one in memory or behind a server. */
    private static org.h2.mvstore.MVStore fileStore(Connection c) {
        try {
            if (c.unwrap(org.h2.jdbc.JdbcConnection.class).getSession() instanceof org.h2.engine.SessionLocal session) {
                org.h2.mvstore.MVStore store = session.getDatabase().getStore().getMvStore();
                return store.getFileStore() == null ? null : store;
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("H2: cannot reach the store ({}); every commit is written on its own", e.toString());
        }
        return null;
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
}
