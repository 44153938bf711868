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

    /** A scripted answer; {@code hangMillis} delays it, {@code reset} drops the connection without an answer. */
    public record Reply(int status, Map<String, String> headers, String body, long hangMillis, boolean reset) {
        public static Reply status(int status) {
            return new Reply(status, Map.of(), "{}", 0, false);
        }

        public static Reply status(int status, String body) {
            return new Reply(status, Map.of(), body, 0, false);
        }

        public static Reply retryAfter(int seconds) {
            return new Reply(429, Map.of("Retry-After", String.valueOf(seconds)), "{\"error\":\"slow down\"}", 0, false);
        }

        public static Reply hang(long millis) {
            return new Reply(200, Map.of(), "{}", millis, false);
        }

        public static Reply resetConnection() {
            return new Reply(0, Map.of(), "", 0, true);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
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

    public List<Request> requestsTo(String path) {
        return requests(r -> r.path().equals(path));
    }

    public void clear() {
        requests.clear();
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
        requests.add(new Request(ex.getRequestMethod(), path, Map.copyOf(ex.getRequestHeaders()), body));
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
        if (reply.reset()) {
            // Closing the exchange before any answer drops the connection: the client sees an I/O error.
            ex.close();
            return;
        }
        if (reply.hangMillis() > 0) {
            try {
                Thread.sleep(reply.hangMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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

    @java.lang.Override
    public void close() {
        server.stop(0);
    }
}
