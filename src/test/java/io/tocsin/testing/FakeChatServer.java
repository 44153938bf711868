package io.tocsin.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * A local server speaking what Tocsin's chat channels call, as the providers document it:
 * Slack's Web API {@code POST /api/chat.postMessage} (bearer bot token, HTTP 200 with
 * {@code ok:false} for most errors, HTTP 429 with Retry-After for {@code ratelimited}), Slack
 * incoming webhooks under {@code /hooks/} and interaction response URLs under {@code /actions/}
 * (both a plain {@code ok}), and Teams workflows under
 * {@code /teams/} (202). Every request is recorded; scripted answers are matched on the body, so a
 * stray page from another test cannot use up the one a test set up.
 */
public final class FakeChatServer implements AutoCloseable {
    public record Request(String method, String path, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().get(0)).orElse(null);
        }

        public JsonNode json() {
            return HttpCalls.JSON.readTree(body);
        }
    }

    /** A canned answer for the next {@code times} requests whose body contains {@code bodyContains}. */
    private record Scripted(String bodyContains, int status, Map<String, String> headers, String body, AtomicInteger left) {
    }

    private final HttpServer server;
    private final String botToken;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Scripted> scripted = new ConcurrentLinkedQueue<>();
    private final AtomicLong ts = new AtomicLong(1_774_746_000_000_100L);

    public FakeChatServer(String botToken) {
        this.botToken = botToken;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** What Tocsin's {@code tocsin.notify.slack.base-url} points at. */
    public String slackApi() {
        return baseUrl() + "/api";
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public void clear() {
        requests.clear();
        scripted.clear();
    }

    /** Both strings, for a script that must hit one request among several carrying the same marker. */
    public static String allOf(String... parts) {
        return String.join("\u0000", parts);
    }

    /** The next {@code times} Web API calls whose body contains {@code marker} get Slack's {@code ok:false} with this error. */
    public void failWith(String marker, String error, int times) {
        scripted.add(new Scripted(marker, 200, Map.of(), "{\"ok\":false,\"error\":\"" + error + "\"}", new AtomicInteger(times)));
    }

    /** Slack's rate limiting: HTTP 429, Retry-After in seconds, {@code error: ratelimited}. */
    public void rateLimit(String marker, int retryAfterSeconds, int times) {
        scripted.add(new Scripted(marker, 429, Map.of("Retry-After", String.valueOf(retryAfterSeconds)),
                "{\"ok\":false,\"error\":\"ratelimited\"}", new AtomicInteger(times)));
    }

    /** Any answer at all, for what a provider should never say (a 200 that is not JSON). */
    public void answer(String marker, int status, String body, int times) {
        scripted.add(new Scripted(marker, status, Map.of(), body, new AtomicInteger(times)));
    }

    /** Waits until a request matches, polling; fails with what did arrive. */
    public Request await(Predicate<Request> wanted, Duration within, String what) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            for (Request r : requests) {
                if (wanted.test(r)) {
                    return r;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + within.toMillis() + " ms; received " + requests);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    public List<Request> matching(Predicate<Request> p) {
        return requests.stream().filter(p).toList();
    }

    private void handle(HttpExchange x) throws IOException {
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Request r = new Request(x.getRequestMethod(), x.getRequestURI().getPath(), Map.copyOf(x.getRequestHeaders()), body);
        requests.add(r);
        String path = r.path();
        if (path.startsWith("/teams/")) {
            respond(x, 202, "text/plain", "");
            return;
        }
        if (path.startsWith("/hooks/") || path.startsWith("/actions/")) {
            respond(x, 200, "text/plain", "ok");
            return;
        }
        if (!path.equals("/api/chat.postMessage") || !"POST".equals(r.method())) {
            respond(x, 404, "text/plain", "unknown_method");
            return;
        }
        for (Scripted s : scripted) {
            if (java.util.Arrays.stream(s.bodyContains().split("\u0000")).allMatch(body::contains) && s.left().getAndDecrement() > 0) {
                s.headers().forEach((k, v) -> x.getResponseHeaders().add(k, v));
                respond(x, s.status(), "application/json; charset=utf-8", s.body());
                return;
            }
        }
        String auth = r.header("Authorization");
        if (auth == null || !auth.startsWith("Bearer ")) {
            slack(x, "{\"ok\":false,\"error\":\"not_authed\"}");
            return;
        }
        if (!auth.substring(7).equals(botToken)) {
            slack(x, "{\"ok\":false,\"error\":\"invalid_auth\"}");
            return;
        }
        JsonNode json;
        try {
            json = r.json();
        } catch (RuntimeException e) {
            slack(x, "{\"ok\":false,\"error\":\"invalid_json\"}");
            return;
        }
        String channel = json.path("channel").asString("");
        if (channel.isEmpty()) {
            slack(x, "{\"ok\":false,\"error\":\"channel_not_found\"}");
            return;
        }
        if (json.path("text").asString("").isEmpty() && !json.path("blocks").isArray()) {
            slack(x, "{\"ok\":false,\"error\":\"no_text\"}");
            return;
        }
        // Posting to a user id lands in the bot's direct-message channel with them.
        String landed = channel.startsWith("U") ? "D" + channel.substring(1) : channel;
        long t = ts.incrementAndGet();
        slack(x, "{\"ok\":true,\"channel\":\"" + landed + "\",\"ts\":\"" + t / 1_000_000 + "." + String.format("%06d", t % 1_000_000)
                + "\",\"message\":{\"type\":\"message\",\"text\":" + HttpCalls.JSON.writeValueAsString(json.path("text").asString("")) + "}}");
    }

    private static void slack(HttpExchange x, String json) throws IOException {
        respond(x, 200, "application/json; charset=utf-8", json);
    }

    private static void respond(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(bytes);
            }
        }
        x.close();
    }

    @java.lang.Override
    public void close() {
        server.stop(0);
    }
}
