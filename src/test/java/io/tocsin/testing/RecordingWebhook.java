package io.tocsin.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A receiving webhook server, as a team's own pager bridge would be: it records every request it gets
 * with its {@code Idempotency-Key} and the instant it arrived, and answers 200. A path can be told to
 * hang its first requests (a receiver that takes a page and never answers), so the sender is
 * mid-send when a test kills it; every request can be slowed a little, so that some sends are always
 * in flight.
 */
public final class RecordingWebhook implements AutoCloseable {
    /** One request as it arrived. */
    public record Arrival(String path, String key, Instant at) {
    }

    private final HttpServer server;
    private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> hangFirst = new ConcurrentHashMap<>();
    private volatile Duration slow = Duration.ZERO;

    public RecordingWebhook() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The first {@code n} requests to {@code path} get no answer for a minute. */
    public void hangFirst(String path, int n) {
        hangFirst.put(path, new AtomicInteger(n));
    }

    /** Every answer takes this long. */
    public void slow(Duration each) {
        slow = each;
    }

    public List<Arrival> arrivals() {
        return new ArrayList<>(arrivals);
    }

    public List<Arrival> arrivalsTo(String path) {
        return arrivals.stream().filter(a -> a.path().equals(path)).toList();
    }

    public List<Arrival> arrivalsOf(String key) {
        return arrivals.stream().filter(a -> key.equals(a.key())).toList();
    }

    /** How many times each idempotency key arrived. */
    public Map<String, Long> countsByKey() {
        return arrivals.stream().collect(Collectors.groupingBy(Arrival::key, Collectors.counting()));
    }

    private void handle(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            in.readAllBytes();
        }
        String path = ex.getRequestURI().getPath();
        String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
        arrivals.add(new Arrival(path, key == null ? "" : key, Instant.now()));
        AtomicInteger hang = hangFirst.get(path);
        long wait = hang != null && hang.getAndDecrement() > 0 ? 60_000 : slow.toMillis();
        if (wait > 0) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        try (OutputStream out = ex.getResponseBody()) {
            ex.sendResponseHeaders(200, body.length);
            out.write(body);
        } catch (IOException senderGone) {
            // the sender timed out or was killed; there is nobody to answer
        }
    }

    @java.lang.Override
    public void close() {
        server.stop(0);
    }
}
