package io.tocsin.store;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Tells "the database cannot be reached" from every other failure: the first is answered 503 with
 * Retry-After (try again, nothing was stored), the others are what they are. Looks through the
 * causes, since the same outage arrives wrapped by the pool, the driver or Spring.
 */
public final class DatabaseFailures {
    /** PostgreSQL: the server is shutting down or starting (admin_shutdown, crash_shutdown, cannot_connect_now). */
    private static final Set<String> POSTGRES_GOING_AWAY = Set.of("57P01", "57P02", "57P03");
    /** H2: connection broken, database closed, database closing. */
    private static final Set<Integer> H2_GONE = Set.of(90067, 90098, 90121);

    private DatabaseFailures() {
    }

    public static boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // A rollback that failed too hides the failure that caused it.
            if (t instanceof TransactionSystemException tse && tse.getApplicationException() != null
                    && isUnavailable(tse.getApplicationException())) {
                return true;
            }
            if (t instanceof CannotGetJdbcConnectionException || t instanceof CannotCreateTransactionException
                    || t instanceof DataAccessResourceFailureException || t instanceof TransientDataAccessResourceException
                    || t instanceof RecoverableDataAccessException
                    || t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql && isPoolsClosedConnection(sql)) {
                return true;
            }
            if (t instanceof SQLException sql && (sql.getSQLState() != null && (sql.getSQLState().startsWith("08")
                    || POSTGRES_GOING_AWAY.contains(sql.getSQLState())) || H2_GONE.contains(sql.getErrorCode()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * HikariCP closes a connection it marked broken (the server went away mid-transaction) and answers
     * any later call on it with this message and no SQL state. It matters for a commit that failed on
     * a lost connection: Spring then rolls back, the rollback fails on the closed connection, and the
     * rollback's failure replaces the commit's ("Commit exception overridden by rollback exception") —
     * all that is left of the outage is this.
     */
    private static boolean isPoolsClosedConnection(SQLException sql) {
        return sql.getSQLState() == null && "Connection is closed".equals(sql.getMessage());
    }
}
