package io.tocsin.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Limits failed sign-ins, per account (so a password cannot be guessed slowly from many addresses) and
 * per client address (so one client cannot try many accounts): after {@link #PER_ACCOUNT} failures for
 * one person, or {@link #PER_CLIENT} from one address, within {@link #WINDOW}, further attempts are
 * refused unchecked until the oldest failure leaves the window. A success clears the account's count.
 * Counted per node, in memory: behind a load balancer an attacker gets that many tries per node.
 */
final class LoginThrottle {
    static final int PER_ACCOUNT = 5;
    static final int PER_CLIENT = 20;
    static final Duration WINDOW = Duration.ofMinutes(15);
    private static final int PRUNE_ABOVE = 10_000;

    private final Clock clock;
    private final Map<String, Deque<Instant>> accounts = new HashMap<>();
    private final Map<String, Deque<Instant>> clients = new HashMap<>();

    LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    /** Whether an attempt for this account from this client may be checked at all. */
    synchronized boolean allows(String account, String client) {
        Instant now = clock.instant();
        return recent(accounts, account, now) < PER_ACCOUNT && recent(clients, client, now) < PER_CLIENT;
    }

    synchronized void failed(String account, String client) {
        Instant now = clock.instant();
        if (accounts.size() + clients.size() > PRUNE_ABOVE) {
            // many distinct names or addresses (a spray): drop what left the window, so memory stays bounded
            prune(accounts, now);
            prune(clients, now);
        }
        accounts.computeIfAbsent(account, k -> new ArrayDeque<>()).addLast(now);
        clients.computeIfAbsent(client, k -> new ArrayDeque<>()).addLast(now);
    }

    synchronized void succeeded(String account) {
        accounts.remove(account);
    }

    private static void prune(Map<String, Deque<Instant>> failures, Instant now) {
        for (String key : java.util.List.copyOf(failures.keySet())) {
            recent(failures, key, now);
        }
    }

    private static int recent(Map<String, Deque<Instant>> failures, String key, Instant now) {
        Deque<Instant> times = failures.get(key);
        if (times == null) {
            return 0;
        }
        while (!times.isEmpty() && !times.peekFirst().plus(WINDOW).isAfter(now)) {
            times.removeFirst();
        }
        if (times.isEmpty()) {
            failures.remove(key);
            return 0;
        }
        return times.size();
    }
}
