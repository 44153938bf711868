package io.tocsin.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.TransactionSystemException;

class DatabaseFailuresTest {

    /**
     * The shape PostgreSQL's shutdown left behind in the outage harness: the commit failed with 57P01,
     * Spring rolled back, and the rollback on the pool's closed connection replaced the commit's failure.
     */
    @Test
    void aRollbackThatFailedOnTheClosedConnectionOfACommitLostToAnOutageIsAnOutage() {
        TransactionSystemException rollbackFailed = new TransactionSystemException("JDBC rollback failed",
                new SQLException("Connection is closed"));
        assertThat(DatabaseFailures.isUnavailable(rollbackFailed)).isTrue();
    }

    @Test
    void otherFailuresAreNot() {
        assertThat(DatabaseFailures.isUnavailable(new TransactionSystemException("JDBC rollback failed",
                new SQLException("Connection is closed", "42000")))).isFalse();
        assertThat(DatabaseFailures.isUnavailable(new DataIntegrityViolationException("duplicate key",
                new SQLException("duplicate key value violates unique constraint", "23505")))).isFalse();
        assertThat(DatabaseFailures.isUnavailable(new IllegalStateException("no"))).isFalse();
    }

    @Test
    void aConnectionFailureAnywhereInTheCausesIsAnOutage() {
        assertThat(DatabaseFailures.isUnavailable(new RuntimeException(new SQLException("terminating connection", "57P01")))).isTrue();
        assertThat(DatabaseFailures.isUnavailable(new RuntimeException(new SQLException("refused", "08001")))).isTrue();
    }
}
