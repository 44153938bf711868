package io.tocsin.store;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit for the embedded H2 store: a caller whose transaction has committed waits here until
 * the store has written it to the database file, and every caller waiting at that moment shares one
 * write. H2 with no write delay writes a chunk (every page each change touched, up to the roots of
 * their trees) in every commit, one commit after the other; in a storm the intake writer, the senders
 * and the timer workers each paid that, and commits were a third of all CPU. Here the first caller to
 * find no write under way writes the store; callers arriving meanwhile wait for it to end and the
 * next of them writes everything committed by then, once.
 *
 * <p>Why this is safe: a caller takes its ticket after its transaction committed (in memory), and a
 * writer notes the highest ticket taken before it starts writing, so every transaction behind those
 * tickets is in the store when the writer's {@code commit()} returns (a write already under way when
 * that call starts is waited for by H2's own store lock, and whatever it missed is written then).
 */
final class StoreSync {
    private final org.h2.mvstore.MVStore store;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition written = lock.newCondition();
    /** Guarded by {@code lock}: tickets handed out, the highest one written, whether a write is under way. */
    private long requested;
    private long stored;
    private boolean writing;

    StoreSync(org.h2.mvstore.MVStore store) {
        this.store = store;
    }

    /** Returns once everything committed before this call is in the database file. */
    void await() {
        lock.lock();
        try {
            long ticket = ++requested;
            while (stored < ticket) {
                if (writing) {
                    written.awaitUninterruptibly();
                    continue;
                }
                writing = true;
                long upTo = requested;
                boolean done = false;
                lock.unlock();
                try {
                    store.commit();
                    done = true;
                } finally {
                    lock.lock();
                    writing = false;
                    if (done) {
                        stored = Math.max(stored, upTo);
                    }
                    written.signalAll();
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
