package io.tocsin.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.notify.AckLinks;
import io.tocsin.notify.TwilioSignature;
import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.MutableClock;
import io.tocsin.testing.TestClockConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The bad-input corpus (src/test/resources/bad-input) against every endpoint of a real server, on a
 * raw socket so that what java.net.http refuses to send (NUL in a header, invalid UTF-8 in a path,
 * HTTP/1.0, a lying Content-Length) is sent too. No answer may be a 5xx, and a refused request (4xx)
 * may write no row. CI runs a deterministic share of the mutations; {@code -Dbad-input=full} runs all
 * of them and the 10 MB bodies on every endpoint (docs/operations.md).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + BadInputCorpusContract.TOKEN,
        "tocsin.admin-token-file=target/test-admin-token-corpus",
        "tocsin.config.path=src/test/resources/orgs/acme",
        // Nothing runs in the background, so every row that appears was written by the request just sent.
        "tocsin.timers.enabled=false",
        "tocsin.notify.enabled=false",
        "tocsin.handoff.enabled=false",
        "tocsin.config.poll-interval=1h",
        // The corpus is not about rate limits: thousands of events on one key must all be read.
        "tocsin.ingest.rate-per-minute=1000000",
        "tocsin.ingest.burst=1000000",
        "tocsin.notify.slack.signing-secret=" + BadInputCorpusContract.SLACK_SECRET,
        "tocsin.notify.twilio.auth-token=" + BadInputCorpusContract.TWILIO_AUTH,
        "tocsin.public-url=" + BadInputCorpusContract.PUBLIC_URL})
@Import(TestClockConfig.class)
// Each subclass has a database of its own, so its context is never reused: close it and give back
// its connections (PostgreSQL allows a hundred in all).
@org.springframework.test.annotation.DirtiesContext(classMode = org.springframework.test.annotation.DirtiesContext.ClassMode.AFTER_CLASS)
abstract class BadInputCorpusContract {
    static final String TOKEN = "corpus-token-0123456789";
    static final String SLACK_SECRET = "slack-signing-secret-for-the-corpus";
    static final String TWILIO_AUTH = "twilio-auth-token-for-the-corpus";
    static final String PUBLIC_URL = "https://tocsin.example.test";
    static final String ACME = "src/test/resources/orgs/acme";
    static final boolean FULL = "full".equalsIgnoreCase(System.getProperty("bad-input", ""));
    /** The tables a refused request must leave as they were. */
    static final List<String> TABLES = List.of("incident", "incident_entry", "outbox", "audit_entry", "config_version", "service_change",
            "schedule_override", "swap_request", "feed_token", "notification", "postmortem", "postmortem_action", "status_update",
            "status_subscriber", "status_maintenance");
    /** Endpoints CI sends the 10 MB bodies to (all of them with -Dbad-input=full): one of each way a body is read. */
    static final Set<String> TEN_MB_IN_CI = Set.of("POST /v2/enqueue (json)", "POST /api/v1/events (json)",
            "POST /api/v1/integrations/alertmanager/am-api-0123456789 (json)", "POST /api/v1/incidents/{incident}/notes (json)",
            "POST /api/v1/config (yaml)", "POST /api/v1/config/validate (json)", "POST /api/v1/simulate (json)",
            "POST /api/v1/integrations/slack/interactions (form)", "POST /api/v1/integrations/twilio/sms (form)",
            "POST /ui/incidents/{incident}/acknowledge (form)", "POST /login (form)");

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AckLinks links;

    @Autowired
    MutableClock clock;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    HttpCalls api;
    final Map<String, String> fixtures = new LinkedHashMap<>();
    final List<String> failures = new ArrayList<>();
    final Map<Integer, Integer> statuses = new TreeMap<>();
    Session session;

    @BeforeEach
    void setUp() {
        api = new HttpCalls("http://localhost:" + port, TOKEN);
        clock.set(TestClockConfig.START);
        fixtures.put("{token}", TOKEN);
        fixtures.put("{incident}", openIncident());
        Answer feed = answer(api.postJson("/api/v1/schedules/backend-primary/feed", "{}"));
        fixtures.put("{feed-schedule}", feed.json().path("url").asString().replaceAll(".*token=", ""));
        fixtures.put("{feed-person}", answer(api.postJson("/api/v1/people/alice/feed", "{}")).json().path("url").asString()
                .replaceAll(".*token=", ""));
    }

    record Answer(HttpCalls.Answer a) {
        JsonNode json() {
            return a.json();
        }
    }

    static Answer answer(HttpCalls.Answer a) {
        assertThat(a.status()).as(a.body()).isBetween(200, 299);
        return new Answer(a);
    }

    // ---- the catalogue covers the server ----

    @Test
    void theCorpusNamesEveryEndpointTheServerHas() {
        Set<String> served = new TreeSet<>();
        mappings.getHandlerMethods().keySet().forEach(info -> info.getPatternValues().forEach(pattern -> {
            if (!pattern.equals("/error")) {
                info.getMethodsCondition().getMethods().forEach(m -> served.add(m.name() + " " + pattern));
            }
        }));
        Set<String> listed = new TreeSet<>();
        new BadInputCorpus(false).endpoints.forEach(e -> listed.add(e.method() + " " + e.mapping()));
        assertThat(listed).as("every endpoint needs an entry in src/test/resources/bad-input/endpoints.yaml").containsAll(served);
    }

    // ---- the corpus ----

    @Test
    void noBadInputToAnyEndpointAnswersAFiveHundredOrWritesARowWhenRefused() throws Exception {
        BadInputCorpus corpus = new BadInputCorpus(FULL);
        int sent = 0;
        for (BadInputCorpus.Endpoint e : corpus.endpoints) {
            freshFixtures();
            JsonNode sample = sample(e);
            String yaml = e.type().equals("yaml") ? yamlSample(e) : null;
            for (BadInputCorpus.Case c : corpus.cases(e, sample, yaml)) {
                run(c, c.body(), false);
                sent++;
            }
            if (e.path().equals("/api/v1/config")) {
                restoreConfiguration();
            }
        }
        System.out.println("bad-input corpus (" + (FULL ? "full" : "CI share") + "): " + sent + " requests, answers " + statuses);
        assertThat(failures).as(failures.size() + " of " + sent + " requests").isEmpty();
    }

    @Test
    void tenMegabyteBodiesAreRefusedWithoutAFiveHundred() throws Exception {
        BadInputCorpus corpus = new BadInputCorpus(FULL);
        byte[] string = ("{\"text\": \"" + "x".repeat(10 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] brackets = "[".repeat(10 * 1024 * 1024).getBytes(StandardCharsets.UTF_8);
        byte[] noise = new byte[10 * 1024 * 1024];
        new Random(9).nextBytes(noise);
        int sent = 0;
        for (BadInputCorpus.Endpoint e : corpus.endpoints) {
            if (e.type().equals("none") || !(FULL || TEN_MB_IN_CI.contains(e.name()))) {
                continue;
            }
            freshFixtures();
            Map<String, byte[]> kinds = new LinkedHashMap<>();
            kinds.put("a 10 MB string", string);
            kinds.put("10 MB of [", brackets);
            kinds.put("10 MB of noise", noise);
            int k = 0;
            for (Map.Entry<String, byte[]> body : kinds.entrySet()) {
                for (boolean chunked : List.of(false, true)) {
                    // CI: one kind a endpoint, taking turns; full: all of them, with a length and chunked.
                    if (FULL || k++ == Math.floorMod(e.name().hashCode(), 6)) {
                        run(new BadInputCorpus.Case(body.getKey() + (chunked ? ", chunked" : ""), e, e.path(), Map.of(), e.headers(),
                                e.contentType(), body.getValue(), true), body.getValue(), chunked);
                        sent++;
                    }
                }
            }
        }
        System.out.println("10 MB bodies: " + sent + " requests, answers " + statuses);
        assertThat(failures).as(failures.size() + " of " + sent + " requests").isEmpty();
    }

    /**
     * The two 5xx HTTP itself prescribes for a request that is not HTTP/1.x, answered by the web server
     * before any of Tocsin's code runs (RFC 9110 15.6.6, RFC 9112 6.1): a request line naming another
     * version, and a transfer coding other than chunked. No sender of events makes either.
     */
    static final Map<String, Integer> PRESCRIBED = Map.of("HTTP/2.0 on an HTTP/1 connection", 505, "an unknown transfer coding", 501);

    final Set<String> closed = new TreeSet<>();

    /** What java.net.http cannot send: HTTP/1.0, broken framing, NUL and invalid UTF-8 in the request line and headers. */
    @Test
    void malformedHttpOnARawSocketIsAnsweredWithoutAFiveHundred() throws Exception {
        List<String> targets = List.of("/v2/enqueue", "/api/v1/incidents/{incident}/notes", "/api/v1/config/validate",
                "/api/v1/integrations/alertmanager/am-api-0123456789", "/api/v1/events", "/links/{link}");
        int sent = 0;
        for (String target : targets) {
            freshFixtures();
            String path = resolve(target);
            byte[] body = "{\"text\": \"corpus\", \"routing_key\": \"ev-api-0123456789\", \"summary\": \"raw\"}".getBytes(StandardCharsets.UTF_8);
            String auth = "Authorization: Bearer " + TOKEN + "\r\n";
            String json = "Content-Type: application/json\r\n";
            Map<String, byte[]> requests = new LinkedHashMap<>();
            requests.put("HTTP/1.0 with a length", concat("POST " + path + " HTTP/1.0\r\n" + auth + json + "Content-Length: " + body.length
                    + "\r\n\r\n", body));
            requests.put("HTTP/1.0 without a length", concat("POST " + path + " HTTP/1.0\r\n" + auth + json + "\r\n", body));
            requests.put("HTTP/0.9", ("GET " + path + "\r\n").getBytes(StandardCharsets.UTF_8));
            requests.put("HTTP/2.0 on an HTTP/1 connection", concat("POST " + path + " HTTP/2.0\r\nHost: x\r\n" + auth + json
                    + "Content-Length: " + body.length + "\r\n\r\n", body));
            requests.put("no Host on HTTP/1.1", concat("POST " + path + " HTTP/1.1\r\n" + auth + json + "Content-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n", body));
            requests.put("a 100 KB header", request(path, auth + json + "X-Big: " + "a".repeat(100_000) + "\r\n", body));
            requests.put("2000 headers", request(path, auth + json + Stream.iterate(0, i -> i + 1).limit(2000)
                    .map(i -> "X-H-" + i + ": v\r\n").collect(Collectors.joining()), body));
            requests.put("NUL in a header", request(path, auth + json + "X-Test: a\u0000b\r\nFrom: car\u0000ol\r\n", body));
            requests.put("invalid UTF-8 in a header", concat(("POST " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth + json)
                    .getBytes(StandardCharsets.UTF_8), "X-Bytes: \u00ff\u00fe\r\nFrom: \u00ff\r\n".getBytes(StandardCharsets.ISO_8859_1),
                    ("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8), body));
            requests.put("an obsolete folded header", request(path, auth + json + "X-Fold: a\r\n  continued\r\n", body));
            requests.put("a header without a colon", request(path, auth + json + "NoColonHere\r\n", body));
            requests.put("NUL in the path", concat(("POST " + path + "%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth + json
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8), body));
            requests.put("a raw NUL in the path", concat(("POST " + path + "\u0000x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth + json
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), body));
            requests.put("invalid UTF-8 in the path", concat(("POST " + path + "\u00ff\u00fe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + auth + json + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), body));
            requests.put("a 100 KB query", concat(("POST " + path + "?q=" + "a".repeat(100_000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + auth + json + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8), body));
            requests.put("an absolute URI", concat(("POST http://localhost:" + port + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + auth + json + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8), body));
            requests.put("a non-numeric Content-Length", raw(path, auth + json + "Content-Length: abc\r\n", body));
            requests.put("a negative Content-Length", raw(path, auth + json + "Content-Length: -5\r\n", body));
            requests.put("two different Content-Lengths", raw(path, auth + json + "Content-Length: 5\r\nContent-Length: " + body.length
                    + "\r\n", body));
            requests.put("a Content-Length shorter than the body", raw(path, auth + json + "Content-Length: 5\r\n", body));
            requests.put("chunked with a bad chunk size", raw(path, auth + json + "Transfer-Encoding: chunked\r\n",
                    "zz\r\nabc\r\n0\r\n\r\n".getBytes(StandardCharsets.UTF_8)));
            requests.put("chunked and a Content-Length", raw(path, auth + json + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n",
                    (Integer.toHexString(body.length) + "\r\n" + new String(body, StandardCharsets.UTF_8) + "\r\n0\r\n\r\n")
                            .getBytes(StandardCharsets.UTF_8)));
            requests.put("an unknown transfer coding", raw(path, auth + json + "Transfer-Encoding: gzip, chunked\r\n",
                    "3\r\nabc\r\n0\r\n\r\n".getBytes(StandardCharsets.UTF_8)));
            requests.put("Expect: 100-continue", raw(path, auth + json + "Expect: 100-continue\r\nContent-Length: " + body.length + "\r\n", body));
            requests.put("line feeds only", ("POST " + path + " HTTP/1.1\nHost: x\nConnection: close\n" + auth.trim() + "\n"
                    + json.trim() + "\nContent-Length: " + body.length + "\n\n" + new String(body, StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8));
            requests.put("a TLS hello on the plain port", HexFormat.of().parseHex("160301010001000100030300"));
            requests.put("garbage", "\u0001\u0002GARBAGE \u0003\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            requests.put("an unknown method", concat(("BREW " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth + json
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8), body));
            requests.put("a token with NUL", concat(("POST " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer "
                    + TOKEN + "\u0000\r\n" + json + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), body));
            for (Map.Entry<String, byte[]> r : requests.entrySet()) {
                long[] before = counts();
                Raw answer = exchange(r.getValue(), false, null);
                if (answer.status() < 0) {
                    closed.add(r.getKey());
                }
                check(target + " / " + r.getKey(), answer, before, true, PRESCRIBED.getOrDefault(r.getKey(), 0));
                sent++;
            }
        }
        System.out.println("malformed HTTP: " + sent + " requests, answers " + statuses + "; closed without an answer: " + closed);
        assertThat(failures).as(failures.size() + " of " + sent + " requests").isEmpty();
    }

    // ---- sending ----

    void run(BadInputCorpus.Case c, byte[] body, boolean chunked) throws Exception {
        String path = resolve(c.path());
        StringBuilder query = new StringBuilder();
        c.query().forEach((k, v) -> query.append(query.isEmpty() ? "?" : "&").append(k).append('=').append(resolve(v)));
        String target = path + query;
        byte[] sent = body == null ? null : resolve(body);
        StringBuilder headers = new StringBuilder();
        if (c.contentType() != null && sent != null) {
            headers.append("Content-Type: ").append(c.contentType()).append("\r\n");
        }
        c.headers().forEach((k, v) -> headers.append(k).append(": ").append(v).append("\r\n"));
        String auth = c.endpoint().auth();
        if (c.authenticated()) {
            switch (auth) {
                case "token" -> headers.append("Authorization: Bearer ").append(TOKEN).append("\r\n");
                case "slack" -> slack(headers, sent == null ? new byte[0] : sent);
                case "twilio" -> twilio(headers, target, sent == null ? new byte[0] : sent);
                case "ui", "csrf" -> {
                    Session s = session(auth.equals("ui"), path.equals("/logout") || path.equals("/login"));
                    headers.append("Cookie: ").append(s.cookie()).append("\r\nX-CSRF-TOKEN: ").append(s.csrf()).append("\r\n");
                }
                default -> {
                }
            }
        }
        byte[] head = (c.endpoint().method() + " " + target + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nConnection: close\r\n"
                + headers + (sent == null ? "" : chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + sent.length + "\r\n")
                + "\r\n").getBytes(StandardCharsets.UTF_8);
        long[] before = counts();
        Raw answer = exchange(head, chunked, sent);
        check(c.endpoint().name() + " / " + c.name(), answer, before, false, 0);
    }

    /**
     * No 5xx (but {@code prescribed}, HTTP's own answer to a request in another protocol, given before
     * Tocsin sees it); a refused request (or one the server dropped) wrote nothing.
     */
    void check(String what, Raw answer, long[] before, boolean mayCloseWithoutAnswer, int prescribed) {
        statuses.merge(answer.status(), 1, Integer::sum);
        if (answer.status() >= 500 && answer.status() != prescribed) {
            failures.add(what + ": " + answer.status() + " " + abbreviate(answer.text()));
        } else if (answer.status() < 0 && !mayCloseWithoutAnswer) {
            failures.add(what + ": no answer (" + answer.text() + ")");
        }
        if (answer.status() >= 400 || answer.status() < 0) {
            long[] after = counts();
            for (int i = 0; i < TABLES.size(); i++) {
                if (after[i] != before[i]) {
                    failures.add(what + ": refused with " + answer.status() + " but wrote " + (after[i] - before[i]) + " row(s) to "
                            + TABLES.get(i));
                }
            }
        }
    }

    record Raw(int status, String text) {
    }

    /**
     * One request on its own connection. Writing stops when the server stops reading (it may answer a
     * body that is too large before it arrives); the answer is read either way.
     */
    Raw exchange(byte[] head, boolean chunked, byte[] body) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), 5_000);
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head);
                if (body != null) {
                    if (chunked) {
                        for (int at = 0; at < body.length; at += 65_536) {
                            int n = Math.min(65_536, body.length - at);
                            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                            out.write(body, at, n);
                            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    } else {
                        out.write(body);
                    }
                }
                out.flush();
                String sentHead = new String(head, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
                if (!chunked && !sentHead.contains("transfer-encoding:")) {
                    // The end of the request is the end of the connection when nothing else frames it (HTTP/1.0
                    // without a length). After a chunked body it is not: Tomcat takes a half-close that follows
                    // the last chunk for the client leaving and drops the answer (the request itself still runs;
                    // docs/operations.md says so), which no sender of events does.
                    socket.shutdownOutput();
                }
            } catch (IOException stoppedReading) {
                // The server answered and closed before taking the whole body: its answer is what counts.
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0 && received.size() < 1_000_000; ) {
                    received.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                return new Raw(-2, "no answer within 60 s");
            } catch (IOException reset) {
                if (received.size() == 0) {
                    return new Raw(-1, "connection reset without an answer");
                }
            }
            String text = received.toString(StandardCharsets.ISO_8859_1);
            // The final answer, after any interim 1xx (100 Continue).
            Matcher status = Pattern.compile("(?m)^HTTP/1\\.[01] (\\d{3})").matcher(text);
            while (status.find()) {
                int code = Integer.parseInt(status.group(1));
                if (code >= 200) {
                    return new Raw(code, text.substring(status.start()));
                }
            }
            return new Raw(-1, "closed: " + abbreviate(text));
        } catch (IOException e) {
            return new Raw(-1, "cannot connect: " + e.getMessage());
        }
    }

    long[] counts() {
        String sql = "SELECT " + TABLES.stream().map(t -> "(SELECT COUNT(*) FROM " + t + ")").collect(Collectors.joining(", "));
        return jdbc.sql(sql).query((rs, i) -> {
            long[] out = new long[TABLES.size()];
            for (int c = 0; c < out.length; c++) {
                out[c] = rs.getLong(c + 1);
            }
            return out;
        }).single();
    }

    // ---- fixtures and placeholders ----

    /** An open incident, an override and a swap to act on, and links for them, before each endpoint's requests. */
    void freshFixtures() {
        String incident = openIncident();
        fixtures.put("{incident}", incident);
        long n = Long.parseLong(incident);
        fixtures.put("{link}", path(links.url(n, "acknowledge", "carol")));
        fixtures.put("{call}", links.callToken(n, "carol"));
        fixtures.put("{override}", String.valueOf(answer(api.postJson("/api/v1/schedules/backend-primary/overrides", Map.of("layer", "primary",
                "person", "dan", "start", "2026-07-01T10:00:00Z", "end", "2026-07-01T11:00:00Z"))).json().path("id").asLong()));
        fixtures.put("{swap}", String.valueOf(answer(api.postJson("/api/v1/schedules/backend-primary/swaps", Map.of("layer", "primary",
                "requester", "alice", "counterpart", "bob", "start", "2026-07-02T10:00:00Z", "end", "2026-07-02T11:00:00Z")))
                .json().path("id").asLong()));
        fixtures.put("{api-token}", String.valueOf(answer(api.postJson("/api/v1/tokens", Map.of("name", "corpus")))
                .json().path("id").asLong()));
        answer(api.postJson("/api/v1/people/alice/feed", "{}"));
        long feed = 0;
        for (JsonNode f : api.get("/api/v1/feeds").json()) {
            feed = Math.max(feed, f.path("id").asLong());
        }
        fixtures.put("{feed}", String.valueOf(feed));
        // A resolved P1 (acme's P1 requires a postmortem): its draft is what the postmortem endpoints act on.
        String resolved = openIncident();
        answer(api.postJson("/api/v1/incidents/" + resolved + "/resolve", "{}"));
        fixtures.put("{resolved}", resolved);
        fixtures.put("{maintenance}", String.valueOf(answer(api.postJson("/api/v1/status/maintenance", Map.of("title", "corpus",
                "services", List.of("api"), "start", "2026-07-01T10:00:00Z", "end", "2026-07-01T11:00:00Z"))).json().path("id").asLong()));
    }

    String openIncident() {
        String dedup = "corpus-" + System.nanoTime();
        answer(api.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", "a1111111111111111111111111111111", "event_action",
                "trigger", "dedup_key", dedup, "payload", Map.of("summary", "corpus", "source", "corpus", "severity", "critical"))));
        for (JsonNode i : api.get("/api/v1/incidents?limit=1000").json()) {
            if (dedup.equals(i.path("dedup_key").asString())) {
                return i.path("id").asString().substring(4);
            }
        }
        throw new AssertionError("no incident " + dedup);
    }

    static String path(String url) {
        return url.substring(url.indexOf("/links/") + "/links/".length());
    }

    String resolve(String s) {
        for (Map.Entry<String, String> f : fixtures.entrySet()) {
            s = s.replace(f.getKey(), f.getValue());
        }
        return s;
    }

    byte[] resolve(byte[] body) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        if (!text.contains("{incident}") && !text.contains("{token}")) {
            return body;
        }
        return resolve(text).getBytes(StandardCharsets.ISO_8859_1);
    }

    JsonNode sample(BadInputCorpus.Endpoint e) {
        if (e.sample() != null && e.sample().isString() && e.sample().asString().equals("{acme-files}")) {
            ObjectNode body = HttpCalls.JSON.createObjectNode();
            ArrayNode files = body.putArray("files");
            acmeFiles().forEach((name, text) -> files.addObject().put("name", name).put("text", text));
            body.put("confirm", true);
            return body;
        }
        return e.sample() == null ? HttpCalls.JSON.createObjectNode() : e.sample();
    }

    String yamlSample(BadInputCorpus.Endpoint e) {
        String s = e.sample().asString();
        return s.equals("{acme-yaml}") ? String.join("\n", acmeFiles().values()) : s;
    }

    static Map<String, String> acmeFiles() {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(Path.of(ACME))) {
            for (Path f : files.toList()) {
                out.put(f.getFileName().toString(), Files.readString(f));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    /** Puts the organisation back as the corpus found it, should a mutation have activated a variant of it. */
    void restoreConfiguration() {
        ObjectNode body = (ObjectNode) sample(new BadInputCorpus.Endpoint("POST", "/api/v1/config", "", "token", "json",
                HttpCalls.JSON.getNodeFactory().stringNode("{acme-files}"), Map.of(), Map.of()));
        answer(api.postJson("/api/v1/config?weeks=1", body));
    }

    // ---- signatures and sessions ----

    void slack(StringBuilder headers, byte[] body) throws Exception {
        String ts = String.valueOf(clock.instant().getEpochSecond());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SLACK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update(("v0:" + ts + ":").getBytes(StandardCharsets.UTF_8));
        mac.update(body);
        headers.append("X-Slack-Request-Timestamp: ").append(ts).append("\r\nX-Slack-Signature: v0=")
                .append(HexFormat.of().formatHex(mac.doFinal())).append("\r\n");
    }

    /** Signed over the public URL and the form as the server will read it; a body no form parser reads goes unsigned. */
    void twilio(StringBuilder headers, String target, byte[] body) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        try {
            for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
                if (!pair.isEmpty()) {
                    int eq = pair.indexOf('=');
                    params.computeIfAbsent(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                            k -> new ArrayList<>()).add(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        } catch (IllegalArgumentException notAForm) {
            return;
        }
        headers.append("X-Twilio-Signature: ").append(TwilioSignature.sign(TWILIO_AUTH, PUBLIC_URL + target, params)).append("\r\n");
    }

    record Session(String cookie, String csrf, boolean signedIn) {
    }

    /** A browser session (signed in as carol, or not) and its CSRF token; a new one after /login and /logout, which end it. */
    Session session(boolean signedIn, boolean fresh) throws Exception {
        if (!fresh && session != null && session.signedIn() == signedIn) {
            return session;
        }
        java.net.CookieManager cookies = new java.net.CookieManager();
        java.net.http.HttpClient browser = java.net.http.HttpClient.newBuilder().cookieHandler(cookies)
                .followRedirects(java.net.http.HttpClient.Redirect.NEVER).build();
        String base = "http://localhost:" + port;
        String page = browser.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/login")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        if (signedIn) {
            browser.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("token=" + new HttpCalls(base, TOKEN).personalToken("carol") + "&_csrf=" + csrf(page))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            page = browser.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/ui/incidents/" + fixtures.get("{incident}")))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        }
        String cookie = cookies.getCookieStore().getCookies().stream().map(c -> c.getName() + "=" + c.getValue())
                .collect(Collectors.joining("; "));
        Session s = new Session(cookie, csrf(page), signedIn);
        session = fresh ? null : s;
        return s;
    }

    static String csrf(String html) {
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(html);
        assertThat(m.find()).as("a _csrf field in " + abbreviate(html)).isTrue();
        return m.group(1);
    }

    // ---- raw requests ----

    byte[] request(String path, String headers, byte[] body) {
        return concat(("POST " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + headers + "Content-Length: " + body.length
                + "\r\n\r\n").getBytes(StandardCharsets.UTF_8), body);
    }

    byte[] raw(String path, String headers, byte[] body) {
        return concat(("POST " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + headers + "\r\n").getBytes(StandardCharsets.UTF_8),
                body);
    }

    static byte[] concat(String head, byte[] body) {
        return concat(head.getBytes(StandardCharsets.UTF_8), body);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() > 400 ? one.substring(0, 400) + "..." : one;
    }
}
