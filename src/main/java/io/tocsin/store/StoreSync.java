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
 * that call starts is waited for by H2's own store lock, and whatever it missed is written then). One
 * more thing: with a write delay H2's background thread also writes the store, and it hands the
 * serialising and the writing of its chunk to two threads of its own and returns; a {@code commit()}
 * that finds nothing left unsaved then returns at once, while that chunk, holding this transaction, may
 * not be in the file yet. So after {@code commit()} the writer also waits until those two threads have
 * done all they were given (each runs its work in order; the serialising one hands its chunk to the
 * writing one before it finishes). Their executors are private fields of H2's {@code FileStore}: when a
 * future H2 renames them, {@link #of} says so and H2 is run as before, every commit written on its own.
 */
final class StoreSync {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StoreSync.class);

    private final org.h2.mvstore.MVStore store;
    private final java.lang.reflect.Field serializing;
    private final java.lang.reflect.Field saving;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition written = lock.newCondition();
    /** Guarded by {@code lock}: tickets handed out, the highest one written, whether a write is under way. */
    private long requested;
    private long stored;
    private boolean writing;

    private StoreSync(org.h2.mvstore.MVStore store, java.lang.reflect.Field serializing, java.lang.reflect.Field saving) {
        this.store = store;
        this.serializing = serializing;
        this.saving = saving;
    }

    /** A group commit for {@code store}, or empty when this H2 does not let it wait for its own writes. */
    static java.util.Optional<StoreSync> of(org.h2.mvstore.MVStore store) {
        try {
            java.lang.reflect.Field serializing = org.h2.mvstore.FileStore.class.getDeclaredField("serializationExecutor");
            java.lang.reflect.Field saving = org.h2.mvstore.FileStore.class.getDeclaredField("bufferSaveExecutor");
            serializing.setAccessible(true);
            saving.setAccessible(true);
            return java.util.Optional.of(new StoreSync(store, serializing, saving));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("H2: cannot wait for the store's own writes ({}); every commit is written on its own", e.toString());
            return java.util.Optional.empty();
        }
    }

    /** Writes what is unsaved, then waits for the chunks H2's background thread handed to its writing threads. */
    private void write() {
        store.commit();
        Object fileStore = store.getFileStore();
        for (java.lang.reflect.Field executor : new java.lang.reflect.Field[] {serializing, saving}) {
            try {
                if (executor.get(fileStore) instanceof java.util.concurrent.ExecutorService threads) {
                    threads.submit(() -> { }).get();
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the database file was written", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
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
                    write();
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
