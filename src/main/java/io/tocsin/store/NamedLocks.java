package io.tocsin.store;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Locks by name, shared by every node through the database: one row each in {@code named_lock},
 * locked {@code FOR UPDATE} until the transaction that took it ends. For a decision that reads
 * something and acts on what it read (how many messages went to a number this minute; how many
 * times a service was resolved this month), made by any node at any moment: whoever holds the name
 * decides alone, and sees what the one before decided.
 */
@Repository
public class NamedLocks {
    /** What {@link #tryLock} found. */
    public enum Outcome { TAKEN, HELD_ELSEWHERE, NOT_MADE }

    private final JdbcClient jdbc;
    private final TransactionTemplate own;

    public NamedLocks(JdbcClient jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.own = new TransactionTemplate(transactions);
        this.own.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /**
     * Takes the lock for this transaction if no other transaction holds it; never waits, so a caller
     * holding other locks can never deadlock on it, nor stall behind a node stalled mid-decision.
     * {@code NOT_MADE} when the name has no row yet: {@link #make} it outside this transaction.
     */
    public Outcome tryLock(String name) {
        if (!jdbc.sql("SELECT name FROM named_lock WHERE name = ? FOR UPDATE SKIP LOCKED").param(name).query(String.class).list().isEmpty()) {
            return Outcome.TAKEN;
        }
        return jdbc.sql("SELECT COUNT(*) FROM named_lock WHERE name = ?").param(name).query(Long.class).single() > 0
                ? Outcome.HELD_ELSEWHERE : Outcome.NOT_MADE;
    }

    /**
     * Takes the lock for this transaction, waiting for whoever holds it. Only for a transaction that
     * holds no other lock yet (it cannot then be part of a deadlock). False when the name has no row yet.
     */
    public boolean lock(String name) {
        return !jdbc.sql("SELECT name FROM named_lock WHERE name = ? FOR UPDATE").param(name).query(String.class).list().isEmpty();
    }

    /**
     * Makes the row of a name, in a transaction of its own, whatever the caller is in (a duplicate key
     * ends a PostgreSQL transaction, so it must not be the caller's). Another node making it first is
     * the same outcome.
     */
    public void make(String name) {
        try {
            own.executeWithoutResult(s -> jdbc.sql("INSERT INTO named_lock (name) SELECT ? WHERE NOT EXISTS "
                    + "(SELECT 1 FROM named_lock WHERE name = ?)").params(name, name).update());
        } catch (DuplicateKeyException madeMeanwhile) {
            // made by another transaction between our look and our insert: it is there to lock now
        }
    }
}
