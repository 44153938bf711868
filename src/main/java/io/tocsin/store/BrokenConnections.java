package io.tocsin.store;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;

/**
 * Tells the pool to drop a connection that failed because the database went away. The pool knows
 * only PostgreSQL's connection errors; H2's (a connection to an H2 server that stopped, say) left
 * it lending the dead connection again and again, so under steady load the node never recovered.
 * Configured as {@code spring.datasource.hikari.exception-override-class-name}.
 */
public class BrokenConnections implements SQLExceptionOverride {
    @java.lang.Override
    public Override adjudicate(SQLException e) {
        return DatabaseFailures.isUnavailable(e) ? Override.MUST_EVICT : Override.CONTINUE_EVICT;
    }
}
