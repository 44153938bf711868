package io.tocsin.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * The intake's group commit when the database goes away: with one writer, requests that queued while
 * a commit waited for a connection must be refused with that commit, not wait their own turn each.
 */
class GroupCommitTest {

    @Test
    void requestsQueuedWhileTheDatabaseWasFoundGoneAreRefusedWithoutATryOfTheirOwn() throws Exception {
        CountDownLatch firstTrying = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger tries = new AtomicInteger();
        GroupCommit<String, String> commit = new GroupCommit<>("test", 1, 200,
                batch -> {
                    tries.incrementAndGet();
                    throw new IllegalStateException("a batch is never reached here");
                },
                one -> {
                    tries.incrementAndGet();
                    firstTrying.countDown();
                    await(release);
                    throw new CannotGetJdbcConnectionException("connection is not available, request timed out after 1000ms");
                },
                one -> 1);
        try {
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> commit.submit("first"));
            assertThat(firstTrying.await(5, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<String>> queued = List.of(
                    CompletableFuture.supplyAsync(() -> commit.submit("second")),
                    CompletableFuture.supplyAsync(() -> commit.submit("third")));
            org.awaitility.Awaitility.await().until(() -> queuedCount(commit) == 2);
            release.countDown();

            for (CompletableFuture<String> f : List.of(first, queued.get(0), queued.get(1))) {
                assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(CannotGetJdbcConnectionException.class);
            }
            assertThat(tries).as("only the first waited for a connection").hasValue(1);
        } finally {
            commit.stop();
        }
    }

    @Test
    void aRequestThatFailsForItsOwnReasonLeavesTheQueueToBeTried() throws Exception {
        CountDownLatch firstTrying = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit<String, String> commit = new GroupCommit<>("test", 1, 200,
                batch -> batch.stream().map(s -> s + " stored").toList(),
                one -> {
                    if (one.equals("bad")) {
                        firstTrying.countDown();
                        await(release);
                        throw new IllegalArgumentException("bad request");
                    }
                    return one + " stored";
                },
                one -> 1);
        try {
            CompletableFuture<String> bad = CompletableFuture.supplyAsync(() -> commit.submit("bad"));
            assertThat(firstTrying.await(5, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<String> good = CompletableFuture.supplyAsync(() -> commit.submit("good"));
            org.awaitility.Awaitility.await().until(() -> queuedCount(commit) == 1);
            release.countDown();

            assertThatThrownBy(() -> bad.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalArgumentException.class);
            assertThat(good.get(5, TimeUnit.SECONDS)).isEqualTo("good stored");
        } finally {
            commit.stop();
        }
    }

    private static int queuedCount(GroupCommit<?, ?> commit) {
        return commit.queued();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
