package io.tocsin.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A local HTTP server standing in for a provider (a webhook receiver, ntfy, ...): it records every
 * request and answers from a per-path script (500, 429 with Retry-After, a hang, a reset connection),
 * then 200 once the script is used up.
 */
public final class FakeProvider implements AutoCloseable {
    public record Request(String method, String path, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().get(0)).orElse(null);
        }
    }

    /**
     * A scripted answer; {@code hangMillis} delays it, {@code reset} drops the connection without an
     * answer, {@code stallMillis} sends the status line, the headers and the body's first bytes at once,
     * then nothing more for that long, then drops the connection (a receiver that stalls mid-answer).
     */
    public record Reply(int status, Map<String, String> headers, String body, long hangMillis, boolean reset, long stallMillis) {
        public static Reply status(int status) {
            return new Reply(status, Map.of(), "{}", 0, false, 0);
        }

        public static Reply status(int status, String body) {
            return new Reply(status, Map.of(), body, 0, false, 0);
        }

        public static Reply retryAfter(int seconds) {
            return new Reply(429, Map.of("Retry-After", String.valueOf(seconds)), "{\"error\":\"slow down\"}", 0, false, 0);
        }

        public static Reply hang(long millis) {
            return new Reply(200, Map.of(), "{}", millis, false, 0);
        }

        public static Reply resetConnection() {
            return new Reply(0, Map.of(), "", 0, true, 0);
        }

        /** 200 and the start of a body, then silence for {@code millis}, then the connection is dropped. */
        public static Reply stallBody(long millis) {
            return new Reply(200, Map.of(), "{\"id\":\"ok\"}", 0, false, millis);
        }

        /** Whether the sender got a whole 2xx answer from this reply at once: a delivery, as the receiver sees it. */
        public boolean delivers() {
            return status / 100 == 2 && hangMillis == 0 && !reset && stallMillis == 0;
        }
    }

    /** A request and the reply it was given. */
    public record Exchange(Request request, Reply reply) {
    }

    private final HttpServer server;
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Reply>> scripts = new ConcurrentHashMap<>();
    private final Map<String, Reply> outages = new ConcurrentHashMap<>();
    private final Map<Predicate<String>, Reply> refusals = new ConcurrentHashMap<>();

    public FakeProvider() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
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

    public void script(String path, Reply... replies) {
        scripts.computeIfAbsent(path, p -> new ConcurrentLinkedDeque<>()).addAll(List.of(replies));
    }

    /** Until {@link #up}, every request to {@code path} gets {@code reply} (after any script): an outage of any length. */
    public void down(String path, Reply reply) {
        outages.put(path, reply);
    }

    /** Every request whose body matches gets {@code reply}, whatever else is scripted: a payload the receiver keeps refusing. */
    public void refuse(Predicate<String> body, Reply reply) {
        refusals.put(body, reply);
    }

    public void up(String path) {
        outages.remove(path);
    }

    public List<Request> requests(Predicate<Request> which) {
        return new ArrayList<>(requests.stream().filter(which).toList());
    }

    /** Every request with the reply it was given, in order of arrival. */
    public List<Exchange> exchanges(Predicate<Request> which) {
        return new ArrayList<>(exchanges.stream().filter(e -> which.test(e.request())).toList());
    }

    public List<Request> requestsTo(String path) {
        return requests(r -> r.path().equals(path));
    }

    public void clear() {
        requests.clear();
        exchanges.clear();
        scripts.clear();
        outages.clear();
        refusals.clear();
    }

    private void handle(HttpExchange ex) throws IOException {
        String body;
        try (InputStream in = ex.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String path = ex.getRequestURI().getPath();
        Request request = new Request(ex.getRequestMethod(), path, Map.copyOf(ex.getRequestHeaders()), body);
        requests.add(request);
        String requestBody = body;
        Reply reply = refusals.entrySet().stream().filter(e -> e.getKey().test(requestBody)).map(Map.Entry::getValue).findFirst().orElse(null);
        Deque<Reply> script = scripts.get(path);
        if (reply == null) {
            reply = script == null ? null : script.poll();
        }
        if (reply == null) {
            reply = outages.get(path);
        }
        if (reply == null) {
            reply = Reply.status(200, "{\"id\":\"ok\"}");
        }
        exchanges.add(new Exchange(request, reply));
        if (reply.reset()) {
            // Closing the exchange before any answer drops the connection: the client sees an I/O error.
            ex.close();
            return;
        }
        if (reply.stallMillis() > 0) {
            byte[] whole = reply.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            try {
                ex.sendResponseHeaders(reply.status(), whole.length);
                OutputStream out = ex.getResponseBody();
                out.write(whole, 0, 2);
                out.flush();
                holdFor(reply.stallMillis());
            } catch (IOException clientGone) {
                // the client gave up; nothing more to send
            }
            // The rest of the body never comes: the connection is dropped mid-answer.
            ex.close();
            return;
        }
        if (reply.hangMillis() > 0) {
            holdFor(reply.hangMillis());
        }
        reply.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        ex.getResponseHeaders().add("Content-Type", "application/json");
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        } catch (IOException clientGone) {
            // the client timed out and left; nothing to answer
        }
    }

    /**
     * A receiver that keeps the sender waiting: it holds its answer this long in real time (what the
     * sender's timeout is measured against), or until the provider is closed, so no handler outlives it.
     */
    private void holdFor(long millis) {
        try {
            closed.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @java.lang.Override
    public void close() {
        closed.countDown();
        server.stop(0);
    }
}
