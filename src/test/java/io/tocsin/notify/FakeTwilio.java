package io.tocsin.notify;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local server speaking the part of Twilio's REST API Tocsin uses: Messages and Calls, HTTP Basic
 * auth with the account SID and auth token, form-encoded bodies, 201 with a SID, and Twilio's error
 * JSON. Tests queue the answers the next requests get (500, 429 with Retry-After, 400...).
 */
final class FakeTwilio {
    private static final Pattern PATH = Pattern.compile("^/2010-04-01/Accounts/([^/]+)/(Messages|Calls)\\.json$");

    /** One request Twilio accepted or refused, with the SID it answered with when it took it. */
    record Request(String resource, Map<String, String> form, int answeredStatus, String sid) {
        String to() {
            return form.get("To");
        }
    }

    record Canned(int status, String body, String retryAfter) {
    }

    private final String accountSid;
    private final String authToken;
    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedDeque<Canned> messageAnswers = new ConcurrentLinkedDeque<>();
    private final AtomicLong sids = new AtomicLong(1);
    private volatile java.time.Duration messageDelay = java.time.Duration.ZERO;

    private FakeTwilio(String accountSid, String authToken) throws IOException {
        this.accountSid = accountSid;
        this.authToken = authToken;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        // requests side by side, as Twilio takes them: a slow answer holds up only its own sender
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-twilio");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    static FakeTwilio start(String accountSid, String authToken) {
        try {
            return new FakeTwilio(accountSid, authToken);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next Messages request gets this answer instead of a 201. */
    void answerNextMessage(int status, String body, String retryAfter) {
        messageAnswers.add(new Canned(status, body, retryAfter));
    }

    /** Every Messages request is answered this much later: the time a sender spends inside a send. */
    void answerMessagesAfter(java.time.Duration delay) {
        messageDelay = delay;
    }

    /** Forgets queued answers and recorded requests: the H2 and PostgreSQL contexts number incidents alike. */
    void reset() {
        messageAnswers.clear();
        requests.clear();
        messageDelay = java.time.Duration.ZERO;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Matcher m = PATH.matcher(ex.getRequestURI().getPath());
            if (!"POST".equals(ex.getRequestMethod()) || !m.matches()) {
                answer(ex, 404, error(20404, "The requested resource " + ex.getRequestURI().getPath() + " was not found", 404), null);
                return;
            }
            String expected = "Basic " + Base64.getEncoder().encodeToString((accountSid + ":" + authToken).getBytes(StandardCharsets.UTF_8));
            if (!m.group(1).equals(accountSid) || !expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                answer(ex, 401, error(20003, "Authenticate", 401), null);
                return;
            }
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            if (type == null || !type.startsWith("application/x-www-form-urlencoded")) {
                answer(ex, 400, error(20001, "Content-Type must be application/x-www-form-urlencoded", 400), null);
                return;
            }
            Map<String, String> form = parse(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String resource = m.group(2);
            if (!form.containsKey("To") || !form.containsKey("From")) {
                record(resource, form, 400, null);
                answer(ex, 400, error(21604, "A 'To' and a 'From' phone number are required.", 400), null);
                return;
            }
            if ("Messages".equals(resource) && form.getOrDefault("Body", "").isEmpty()) {
                record(resource, form, 400, null);
                answer(ex, 400, error(21602, "Message body is required.", 400), null);
                return;
            }
            if ("Calls".equals(resource) && !form.containsKey("Twiml") && !form.containsKey("Url")) {
                record(resource, form, 400, null);
                answer(ex, 400, error(21205, "Url parameter is required.", 400), null);
                return;
            }
            // The provider's own latency (what a sender waits on inside its send), not a test waiting for Tocsin.
            if ("Messages".equals(resource) && !messageDelay.isZero()) {
                try {
                    Thread.sleep(messageDelay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Canned canned = "Messages".equals(resource) ? messageAnswers.poll() : null;
            if (canned != null) {
                record(resource, form, canned.status(), null);
                answer(ex, canned.status(), canned.body(), canned.retryAfter());
                return;
            }
            String sid = ("Messages".equals(resource) ? "SM" : "CA") + String.format("%032x", sids.getAndIncrement());
            record(resource, form, 201, sid);
            answer(ex, 201, "{\"sid\":\"" + sid + "\",\"account_sid\":\"" + accountSid + "\",\"to\":\"" + form.get("To")
                    + "\",\"from\":\"" + form.get("From") + "\",\"status\":\"queued\",\"api_version\":\"2010-04-01\"}", null);
        }
    }

    private void record(String resource, Map<String, String> form, int status, String sid) {
        requests.add(new Request(resource, form, status, sid));
    }

    static String error(int code, String message, int status) {
        return "{\"code\":" + code + ",\"message\":\"" + message.replace("\"", "\\\"") + "\",\"more_info\":\"https://www.twilio.com/docs/errors/"
                + code + "\",\"status\":" + status + "}";
    }

    private static void answer(HttpExchange ex, int status, String body, String retryAfter) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (retryAfter != null) {
            ex.getResponseHeaders().set("Retry-After", retryAfter);
        }
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> parse(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (!pair.isEmpty()) {
                String[] kv = pair.split("=", 2);
                out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return out;
    }
}
