package io.tocsin.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * The embedded H2 database writes committed changes to its file up to half a second later by
 * default, so a {@code kill -9} right after a 202 could lose the event it acknowledged (invariant 1).
 * With no write delay every commit reaches the file (the operating system's cache, which outlives
 * the process) before it returns. Replaced chunks are kept one second instead of 45, so the file
 * reuses its space under a storm instead of growing by gigabytes. A lock is waited for up to 10 s
 * (H2's default is 2 s). The settings are stored in the
 * database; PostgreSQL needs nothing.
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
            LOG.info("H2: every commit is written to the database file before it returns; replaced chunks are reused after 1 s");
        }
    }
}
