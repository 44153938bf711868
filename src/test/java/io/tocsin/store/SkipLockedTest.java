package io.tocsin.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.testing.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The two-step "first rows, locked, skipping what another transaction holds" that every queue of the
 * server is read with (deliveries, outbox, timers), on H2 and on the real PostgreSQL: what it returns,
 * in what order, and that a row another transaction holds is left out rather than waited for.
 */
class SkipLockedTest {
    static Stream<TestDatabases.Target> databases() {
        return Stream.of(TestDatabases.h2(), TestDatabases.postgres());
    }

    private static JdbcClient queue(SingleConnectionDataSource ds) {
        JdbcClient jdbc = JdbcClient.create(ds);
        jdbc.sql("CREATE TABLE queue_item (id BIGINT PRIMARY KEY, status VARCHAR(20) NOT NULL, due INT NOT NULL)").update();
        jdbc.sql("CREATE INDEX queue_item_due ON queue_item (status, due)").update();
        // due in the reverse order of the keys, so an answer in key order would be caught
        for (int i = 1; i <= 300; i++) {
            jdbc.sql("INSERT INTO queue_item (id, status, due) VALUES (?, ?, ?)").params(i, i % 3 == 0 ? "DONE" : "WAITING", 1000 - i).update();
        }
        return jdbc;
    }

    private static List<Long> first(TransactionTemplate tx, JdbcClient jdbc, int maxDue, int limit) {
        return tx.execute(s -> SkipLocked.first(jdbc, "queue_item", "id", "id, status, due", "status = 'WAITING' AND due <= ?",
                List.of(maxDue), "status, due", limit, (rs, i) -> rs.getLong("id")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void returnsTheFirstMatchingRowsInOrderAndLeavesOutThoseAnotherTransactionHolds(TestDatabases.Target db) throws Exception {
        SingleConnectionDataSource ds = new SingleConnectionDataSource(db.url(), db.user(), db.password(), true);
        ds.setAutoCommit(true);
        JdbcClient jdbc = queue(ds);
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));

        // The lowest due values that match belong to the highest keys not divisible by 3: 299, 298, 296, 295, ...
        assertThat(first(tx, jdbc, 1000, 4)).containsExactly(299L, 298L, 296L, 295L);
        // The condition holds for every row returned: nothing beyond the due limit, nothing DONE.
        assertThat(first(tx, jdbc, 702, 10)).containsExactly(299L, 298L);
        assertThat(first(tx, jdbc, 10, 5)).isEmpty();

        // Another transaction holds 299 and 296: they are skipped, not waited for, and the answer may be shorter than the limit.
        try (Connection other = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            other.setAutoCommit(false);
            try (Statement st = other.createStatement()) {
                st.executeQuery("SELECT id FROM queue_item WHERE id IN (299, 296) FOR UPDATE").close();
                assertThat(first(tx, jdbc, 1000, 4)).containsExactly(298L, 295L);
                other.rollback();
            }
        }
        assertThat(first(tx, jdbc, 1000, 4)).containsExactly(299L, 298L, 296L, 295L);
        ds.destroy();
    }
}
