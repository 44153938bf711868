package io.tocsin.incident;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many requests, one commit. Requests that arrive while a transaction is being written wait for the
 * next one, which takes all of them (up to {@code maxBatch}): under load the cost of a commit (a write
 * to disk, a round trip) is shared by every event in it, and when it is quiet a lone event commits at
 * once. Every caller is answered only after the transaction holding its work committed (invariant 1).
 * When a batch fails, its requests are done again one by one, so one bad request fails alone.
 *
 * @param <T> a request
 * @param <R> its answer
 */
final class GroupCommit<T, R> {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

    private record Pending<T, R>(T request, CompletableFuture<R> answer) {
    }

    private final java.util.concurrent.BlockingDeque<Pending<T, R>> queue = new java.util.concurrent.LinkedBlockingDeque<>();
    private final Function<List<T>, List<R>> inOneTransaction;
    private final Function<T, R> alone;
    private final java.util.function.ToIntFunction<T> weight;
    private final int maxBatch;
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean running = true;

    /**
     * @param inOneTransaction does every request of a batch in one transaction, answers in order
     * @param alone does one request in a transaction of its own (after a batch failed)
     * @param weight how much work a request is (the alerts of an Alertmanager group); a batch holds at
     *     most {@code maxBatch} of it, and a request heavier than that goes alone
     */
    GroupCommit(String name, int writerThreads, int maxBatch, Function<List<T>, List<R>> inOneTransaction, Function<T, R> alone,
                java.util.function.ToIntFunction<T> weight) {
        this.inOneTransaction = inOneTransaction;
        this.alone = alone;
        this.weight = weight;
        this.maxBatch = maxBatch;
        for (int i = 0; i < writerThreads; i++) {
            Thread t = new Thread(this::write, name + "-" + (i + 1));
            t.setDaemon(true);
            t.start();
            writers.add(t);
        }
    }

    /** Does {@code request} in the next transaction and answers once it committed; its failure is thrown here. */
    R submit(T request) {
        CompletableFuture<R> answer = new CompletableFuture<>();
        queue.add(new Pending<>(request, answer));
        try {
            return answer.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** Requests waiting for a writer (tests watch it to know a request queued). */
    int queued() {
        return queue.size();
    }

    void stop() {
        running = false;
        writers.forEach(Thread::interrupt);
    }

    private void write() {
        List<Pending<T, R>> batch = new ArrayList<>();
        while (running) {
            try {
                Pending<T, R> first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.clear();
                batch.add(first);
                fill(batch, weight.applyAsInt(first.request()));
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                batch.forEach(p -> p.answer().completeExceptionally(new IllegalStateException("the server is stopping")));
                return;
            } catch (RuntimeException | Error e) {
                // Never lose a writer: whatever it held is answered with the failure.
                LOG.error("a group commit failed outside any request", e);
                batch.forEach(p -> p.answer().completeExceptionally(e));
            }
        }
    }

    /**
     * Adds waiting requests while the batch's work stays within {@code maxBatch}. Bounded by work, not
     * by requests: a few Alertmanager groups of hundreds of alerts each made one transaction of
     * thousands of openings, which held the incident counter (and with it every other opening) for
     * seconds, until another writer's opening gave up waiting for it.
     */
    private void fill(List<Pending<T, R>> batch, int work) {
        while (work < maxBatch) {
            Pending<T, R> next = queue.pollFirst();
            if (next == null) {
                return;
            }
            int w = weight.applyAsInt(next.request());
            if (work + w > maxBatch) {
                queue.offerFirst(next); // first in the next batch, not behind later arrivals
                return;
            }
            batch.add(next);
            work += w;
        }
    }

    private void commit(List<Pending<T, R>> batch) {
        if (batch.size() > 1) {
            List<R> answers;
            try {
                answers = inOneTransaction.apply(batch.stream().map(Pending::request).toList());
            } catch (RuntimeException failed) {
                if (io.tocsin.store.DatabaseFailures.isUnavailable(failed)) {
                    // The database is gone, not one request bad: all are refused now (503, come back), not
                    // each after its own wait for a connection, which kept the last of a batch seconds.
                    batch.forEach(p -> p.answer().completeExceptionally(failed));
                    refuseQueued(failed);
                    return;
                }
                // Rolled back as a whole: each request on its own, so only the one that fails is refused.
                LOG.debug("a batch of {} failed ({}); doing them one by one", batch.size(), failed.toString());
                for (int i = 0; i < batch.size(); i++) {
                    RuntimeException gone = commitAlone(batch.get(i));
                    if (gone != null) {
                        batch.subList(i + 1, batch.size()).forEach(p -> p.answer().completeExceptionally(gone));
                        return;
                    }
                }
                return;
            }
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).answer().complete(answers.get(i));
            }
            return;
        }
        commitAlone(batch.get(0));
    }

    /** @return the failure when it was the database being gone (the queue is refused too), else null */
    private RuntimeException commitAlone(Pending<T, R> p) {
        try {
            p.answer().complete(alone.apply(p.request()));
        } catch (RuntimeException | Error e) {
            p.answer().completeExceptionally(e);
            if (e instanceof RuntimeException r && io.tocsin.store.DatabaseFailures.isUnavailable(r)) {
                refuseQueued(r);
                return r;
            }
        }
        return null;
    }

    /**
     * Refuses every request that queued while a commit found the database gone. They arrived during
     * the outage; with one writer each would otherwise wait its own turn for a connection, one after
     * another, and a request behind three such waits was answered in seconds instead of at once. A
     * request that arrives after this is tried again (the database may be back).
     */
    private void refuseQueued(RuntimeException unavailable) {
        Pending<T, R> next;
        while ((next = queue.pollFirst()) != null) {
            next.answer().completeExceptionally(unavailable);
        }
    }
}
