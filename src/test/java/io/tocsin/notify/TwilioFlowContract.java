package io.tocsin.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.HttpCalls.Answer;
import io.tocsin.testing.MutableClock;
import io.tocsin.testing.TestClockConfig;
import io.tocsin.testing.WorkerCycle;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Pages by SMS and phone call through a local server speaking Twilio's API, and the answers coming
 * back as signed Twilio callbacks: SMS replies, keypad presses and delivery statuses.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + TwilioFlowContract.TOKEN,
        "tocsin.config.path=src/test/resources/orgs/phone",
        "tocsin.admin-token-file=target/test-admin-token-twilio",
        "tocsin.timers.poll-interval=50ms",
        "tocsin.notify.poll-interval=50ms",
        "tocsin.public-url=" + TwilioFlowContract.PUBLIC_URL,
        "tocsin.notify.twilio.account-sid=" + TwilioFlowContract.SID,
        "tocsin.notify.twilio.auth-token=" + TwilioFlowContract.AUTH,
        "tocsin.notify.twilio.from=" + TwilioFlowContract.FROM})
@Import(TestClockConfig.class)
// Each subclass has a database of its own, so its context is never reused: close it and give back
// its connections (PostgreSQL allows a hundred in all).
@org.springframework.test.annotation.DirtiesContext(classMode = org.springframework.test.annotation.DirtiesContext.ClassMode.AFTER_CLASS)
abstract class TwilioFlowContract {
    static final String TOKEN = "twilio-test-token-0123456789";
    static final String KEY = "p2222222222222222222222222222222";
    static final String SID = "AC00000000000000000000000000000001";
    static final String AUTH = "twilio-auth-token-for-tests";
    static final String FROM = "+15559990000";
    static final String PUBLIC_URL = "https://tocsin.example.test";
    static final String PAT = "+15550000001";
    static final String QUINN = "+15550000002";
    static final String ROSA = "+15550000003";
    static final String BATCH_KEY = "p3333333333333333333333333333333";
    static final Duration DEADLINE = Duration.ofSeconds(10);

    static final FakeTwilio TWILIO = FakeTwilio.start(SID, AUTH);

    @DynamicPropertySource
    static void twilio(DynamicPropertyRegistry registry) {
        registry.add("tocsin.notify.twilio.base-url", TWILIO::baseUrl);
    }

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    io.tocsin.incident.TimerWorker timers;

    @Autowired
    Dispatcher dispatcher;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @Autowired
    javax.sql.DataSource dataSource;

    static final java.util.concurrent.atomic.AtomicInteger RUNS = new java.util.concurrent.atomic.AtomicInteger();

    java.time.Instant base;

    HttpCalls api;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() {
        api = new HttpCalls("http://localhost:" + port, TOKEN);
        TWILIO.reset();
        // Each test starts ten minutes after the last one's start, as time does: a number's per-minute
        // limit counts what earlier tests sent, and a clock set back would find them "in the last minute".
        base = TestClockConfig.START.plus(Duration.ofMinutes(10L * RUNS.getAndIncrement()));
        clock.set(base);
    }

    /** Resolved incidents cancel their pending pages, so nothing of one test reaches the fake during the next. */
    @AfterEach
    void resolveEverything() {
        TWILIO.reset();
        api.resolveAllOpen();
        // The "resolved" notices go out now, in this test's minute: sent during the next one, they would
        // count against a number's limit there.
        WorkerCycle.complete(timers, dispatcher, jdbc, clock);
    }

    @Test
    void aPageGoesOutAsAnSmsWithTheReplyCodes() {
        String id = open("sms-" + System.nanoTime());
        String n = id.substring(4);
        FakeTwilio.Request sms = await("the SMS", () -> sms(id).stream().findFirst());
        assertThat(sms.to()).isEqualTo(PAT);
        assertThat(sms.form().get("From")).isEqualTo(FROM);
        assertThat(sms.form().get("Body")).contains("API 5xx above 5%").contains("P1").contains("api")
                .endsWith("Reply " + n + "a to acknowledge, " + n + "r to resolve.");
        assertThat(sms.form().get("Body").length()).isLessThanOrEqualTo(320);
        assertThat(sms.form().get("Body")).doesNotContain("error_rate").doesNotContain("7.2%").doesNotContain("Runbook");
        assertThat(sms.form().get("StatusCallback")).isEqualTo(PUBLIC_URL + "/api/v1/integrations/twilio/status");

        JsonNode delivery = await("the SMS delivery is sent", () -> delivery(id, "sms").filter(d -> d.path("status").asString().equals("SENT")));
        assertThat(delivery.path("provider_status").asString()).isEqualTo("201 queued " + sms.sid());
        assertThat(timeline(id).toString()).contains("sms to pat by sms delivered (201 queued " + sms.sid());
    }

    @Test
    void aNumberGetsNoMoreThanItsLimitAMinuteAndWhatWaitsGoesOutAsOneMessage() throws Exception {
        long run = System.nanoTime();
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = open(BATCH_KEY, "burst-" + run + "-" + i);
            all.add(id);
            await("SMS " + i, () -> requests("Messages", r -> r.form().getOrDefault("Body", "").contains("(" + id + ")")).stream().findFirst());
        }
        // The limit is 3 a minute: four more incidents in the same minute are held back, not dropped.
        // Those held back name a customer whose id is a sensitive field (customer_id): a bundle masks it too.
        String customer = "CUST-" + run;
        List<String> held = new ArrayList<>();
        for (int i = 3; i < 7; i++) {
            String id = open(BATCH_KEY, "burst-" + run + "-" + i, Map.of("summary", "API 5xx above 5% for " + customer,
                    "source", "prometheus", "severity", "critical", "custom_details", Map.of("customer_id", customer)));
            await("held back", () -> entries(id, "DELIVERY_THROTTLED").stream().findFirst());
            held.add(id);
            all.add(id);
        }
        assertThat(entries(held.get(0), "DELIVERY_THROTTLED").get(0).path("text").asString())
                .contains("3 sent to " + ROSA + " in the last minute (limit 3)");
        assertThat(requests("Messages", r -> r.to().equals(ROSA))).hasSize(3);

        clock.advance(Duration.ofSeconds(61));
        FakeTwilio.Request bundle = await("one SMS for the four", () -> requests("Messages",
                r -> r.form().getOrDefault("Body", "").startsWith("4 pages: ")).stream().findFirst());
        assertThat(bundle.to()).isEqualTo(ROSA);
        for (String id : held) {
            assertThat(bundle.form().get("Body")).contains(id + " P1 batch: API 5xx above 5% for [redacted] (reply " + id.substring(4) + "a)");
        }
        assertThat(bundle.form().get("Body")).doesNotContain(customer);
        for (String id : held) {
            await("delivered on " + id, () -> entries(id, "DELIVERED").stream().findFirst());
        }
        // nothing more to Rosa: a cycle that would have sent a fifth message has run
        WorkerCycle.complete(timers, dispatcher, jdbc, clock);
        assertThat(requests("Messages", r -> r.to().equals(ROSA))).hasSize(4);

        // A reply code from the bundle acknowledges its own incident only.
        String first = held.get(0).substring(4);
        Answer ack = signedPost("/api/v1/integrations/twilio/sms", inboundSms(ROSA, first + "a"));
        assertThat(ack.status()).isEqualTo(200);
        assertThat(status(held.get(0))).isEqualTo("ACKNOWLEDGED");
        assertThat(status(held.get(1))).isEqualTo("TRIGGERED");

        // Seven "resolved" notices arriving one by one within the same minute: no more than the limit
        // goes out this minute, and what is held back goes out as one message in the next.
        for (String id : all) {
            api.postJson("/api/v1/incidents/" + id + "/resolve", "{}");
        }
        // Whether the senders catch them one by one (and hold the rest back) or several at once, this
        // minute has room for two more messages, and the next minute carries what is left.
        WorkerCycle.complete(timers, dispatcher, jdbc, clock);
        assertThat(requests("Messages", r -> r.to().equals(ROSA))).hasSizeLessThanOrEqualTo(6);
        clock.advance(Duration.ofSeconds(61));
        await("all seven notices reached Rosa", () -> Optional.of(notices()).filter(n -> n.stream()
                .mapToInt(b -> b.split("resolved by admin", -1).length - 1).sum() == 7));
        WorkerCycle.complete(timers, dispatcher, jdbc, clock);
        List<String> notices = notices();
        assertThat(notices.stream().mapToInt(b -> b.split("resolved by admin", -1).length - 1).sum()).isEqualTo(7);
        assertThat(notices).as("some went out together").anyMatch(n -> n.matches("\\d pages: .*"));
        // The limit itself: in no minute did more than three messages leave for Rosa's number.
        List<Instant> sent = new ArrayList<>();
        for (String id : all) {
            for (JsonNode d : api.get("/api/v1/incidents/" + id + "/deliveries").json()) {
                if (d.path("status").asString().equals("SENT")) {
                    sent.add(Instant.parse(d.path("sent_at").asString()));
                }
            }
        }
        assertThat(sent).hasSize(requests("Messages", r -> r.to().equals(ROSA)).size());
        for (Instant t : sent) {
            assertThat(sent.stream().filter(x -> !x.isAfter(t) && x.isAfter(t.minusSeconds(60))).count()).as("sent in the minute up to " + t)
                    .isLessThanOrEqualTo(3);
        }
    }

    @Test
    void aNumberWhoseLockAnotherNodeHoldsHoldsUpNoOtherNumberAndGoesOutOnceLetGo() throws Exception {
        long run = System.nanoTime();
        // Another node deciding about Rosa's number, and stalled there (a long GC pause, a cut network):
        // it holds the number's lock, in a transaction of its own on the same database.
        try (java.sql.Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            String lock = "destination sms " + ROSA;
            try (java.sql.PreparedStatement make = other.prepareStatement("INSERT INTO named_lock (name) "
                    + "SELECT ? WHERE NOT EXISTS (SELECT 1 FROM named_lock WHERE name = ?)")) {
                make.setString(1, lock);
                make.setString(2, lock);
                make.executeUpdate();
            }
            other.commit();
            try (java.sql.PreparedStatement hold = other.prepareStatement("SELECT name FROM named_lock WHERE name = ? FOR UPDATE")) {
                hold.setString(1, lock);
                hold.executeQuery().close();
            }
            try {
                String rosas = open(BATCH_KEY, "locked-" + run);
                // This node's SMS sender finds her lock held and goes on: her page waits a moment, not the sender.
                await("Rosa's page handed back for a moment", () -> Optional.of(jdbc.sql("SELECT COUNT(*) FROM notification "
                                + "WHERE address = ? AND status = 'PENDING' AND lease_until IS NULL AND due_at > ?")
                        .params(ROSA, clock.instant().atOffset(java.time.ZoneOffset.UTC)).query(Long.class).single()).filter(n -> n == 1));
                String pats = open("while-rosa-is-locked-" + run);
                FakeTwilio.Request toPat = await("Pat's SMS", () -> sms(pats).stream().findFirst());
                assertThat(toPat.to()).isEqualTo(PAT);
                assertThat(sms(rosas)).isEmpty();
            } finally {
                other.rollback();
            }
        }
        // Let go: her page goes out at the next look, a second later, and only once.
        clock.advance(Duration.ofSeconds(2));
        FakeTwilio.Request toRosa = await("Rosa's SMS", () -> requests("Messages", r -> r.to().equals(ROSA)
                && r.form().getOrDefault("Body", "").contains("API 5xx")).stream().findFirst());
        WorkerCycle.complete(timers, dispatcher, jdbc, clock);
        assertThat(requests("Messages", r -> r.to().equals(ROSA))).containsExactly(toRosa);
    }

    static List<String> notices() {
        return requests("Messages", r -> r.to().equals(ROSA) && r.form().getOrDefault("Body", "").contains("resolved by admin"))
                .stream().map(r -> r.form().get("Body")).toList();
    }

    @Test
    void anSmsReplyAcknowledgesAndStopsTheEscalation() throws Exception {
        String id = open("ack-" + System.nanoTime());
        String n = id.substring(4);
        await("the SMS", () -> sms(id).stream().findFirst());

        Answer ack = signedPost("/api/v1/integrations/twilio/sms", inboundSms(PAT, n + "a"));
        assertThat(ack.status()).isEqualTo(200);
        assertThat(ack.contentType()).startsWith("text/xml");
        assertThat(ack.body()).isEqualTo("<Response><Message>" + id + " acknowledged by pat.</Message></Response>");
        assertThat(status(id)).isEqualTo("ACKNOWLEDGED");
        JsonNode acknowledged = entries(id, "ACKNOWLEDGED").get(0);
        assertThat(acknowledged.path("actor").asString()).isEqualTo("pat");
        assertThat(acknowledged.path("via").asString()).isEqualTo("sms");

        Answer again = signedPost("/api/v1/integrations/twilio/sms", inboundSms(PAT, " " + n + " A "));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body()).contains(id + ": no change, already acknowledged by pat");

        // Past the call at 2 minutes and the backup level at 5: the call is cancelled, nobody more is paged.
        clock.advance(Duration.ofMinutes(6));
        JsonNode voice = await("the pending call is cancelled", () -> delivery(id, "voice")
                .filter(d -> d.path("status").asString().equals("CANCELLED")));
        assertThat(voice.path("last_error").asString()).contains("acknowledged before this page went out");
        WorkerCycle.complete(timers, dispatcher, jdbc, clock);
        assertThat(calls(id)).isEmpty();
        assertThat(sms(id)).hasSize(1);
        assertThat(TWILIO.requests()).noneMatch(r -> QUINN.equals(r.to()));
        assertThat(notified(id)).containsExactly("on-call:pat");
    }

    @Test
    void repliesThatAreNotCommandsGetHelpAndStrangersGetNothing() {
        String id = open("help-" + System.nanoTime());
        await("the SMS", () -> sms(id).stream().findFirst());
        Answer help = signedPost("/api/v1/integrations/twilio/sms", inboundSms(PAT, "what is this"));
        assertThat(help.status()).isEqualTo(200);
        assertThat(help.body()).contains("12a acknowledges incident 12");
        Answer stranger = signedPost("/api/v1/integrations/twilio/sms", inboundSms("+15550009999", id.substring(4) + "a"));
        assertThat(stranger.body()).contains("not on any Tocsin person");
        Answer missing = signedPost("/api/v1/integrations/twilio/sms", inboundSms(PAT, "999999a"));
        assertThat(missing.body()).contains("There is no incident 999999");
        assertThat(status(id)).isEqualTo("TRIGGERED");
    }

    @Test
    void callbacksWithoutAGoodSignatureAreRefusedAndChangeNothing() {
        String id = open("forged-" + System.nanoTime());
        String n = id.substring(4);
        FakeTwilio.Request sms = await("the SMS", () -> sms(id).stream().findFirst());
        await("the SMS delivery is sent", () -> delivery(id, "sms").filter(d -> d.path("status").asString().equals("SENT")));
        Map<String, String> reply = inboundSms(PAT, n + "a");
        String path = "/api/v1/integrations/twilio/sms";

        assertThat(post(path, reply, null).status()).isEqualTo(401);
        assertThat(post(path, reply, "").status()).isEqualTo(401);
        assertThat(post(path, reply, sign("wrong-token", PUBLIC_URL + path, reply)).status()).isEqualTo(401);
        // Signed for the address the request arrived on rather than the public URL Twilio was given.
        assertThat(post(path, reply, sign(AUTH, "http://localhost:" + port + path, reply)).status()).isEqualTo(401);
        Map<String, String> altered = new LinkedHashMap<>(reply);
        altered.put("Body", n + "r");
        assertThat(post(path, altered, sign(AUTH, PUBLIC_URL + path, reply)).status()).isEqualTo(401);
        assertThat(post(path + "?extra=1", reply, sign(AUTH, PUBLIC_URL + path, reply)).status()).isEqualTo(401);

        Map<String, String> undelivered = Map.of("MessageSid", sms.sid(), "MessageStatus", "undelivered", "ErrorCode", "30003");
        assertThat(post("/api/v1/integrations/twilio/status", undelivered, null).status()).isEqualTo(401);
        Map<String, String> digits = Map.of("CallSid", "CA1", "Digits", "1");
        assertThat(post("/api/v1/integrations/twilio/voice/anything", digits, null).status()).isEqualTo(401);

        assertThat(status(id)).isEqualTo("TRIGGERED");
        assertThat(entries(id, "ACKNOWLEDGED")).isEmpty();
        assertThat(entries(id, "DELIVERY_STATUS")).isEmpty();
        assertThat(delivery(id, "sms").orElseThrow().path("status").asString()).isEqualTo("SENT");
        assertThat(calls(id)).isEmpty();

        // A query string is part of what Twilio signs.
        Answer withQuery = post(path + "?extra=1", reply, sign(AUTH, PUBLIC_URL + path + "?extra=1", reply));
        assertThat(withQuery.status()).isEqualTo(200);
        assertThat(status(id)).isEqualTo("ACKNOWLEDGED");
    }

    /**
     * Found by TwilioCallbackFuzzTest: the query's names were decoded with URLDecoder, which throws on
     * a broken escape, so "?%zz=1" on a callback was a 500 before the signature was even looked at.
     * Now the query is read as the request reads it (a broken pair skipped), and the signature decides.
     */
    @Test
    void aCallbackWithAnUndecodableQueryStringIsAnsweredNotAFault() throws IOException {
        String path = "/api/v1/integrations/twilio/status";
        Map<String, String> delivered = Map.of("MessageSid", "SM-query-" + System.nanoTime(), "MessageStatus", "delivered");
        String body = "MessageSid=" + delivered.get("MessageSid") + "&MessageStatus=delivered";
        String unsigned = io.tocsin.testing.RawHttp.exchange(port, "POST", path + "?%zz=1",
                Map.of("Host", "localhost", "Content-Type", "application/x-www-form-urlencoded"), body);
        assertThat(unsigned).startsWith("HTTP/1.1 401");
        String signed = io.tocsin.testing.RawHttp.exchange(port, "POST", path + "?%zz=1", Map.of("Host", "localhost",
                "Content-Type", "application/x-www-form-urlencoded", "X-Twilio-Signature", sign(AUTH, PUBLIC_URL + path + "?%zz=1", delivered)),
                body);
        assertThat(signed).startsWith("HTTP/1.1 204");
    }

    @Test
    void anUndeliveredSmsBringsTheCallForwardAtOnce() {
        String id = open("undelivered-" + System.nanoTime());
        FakeTwilio.Request sms = await("the SMS", () -> sms(id).stream().findFirst());
        await("the SMS delivery is sent", () -> delivery(id, "sms").filter(d -> d.path("status").asString().equals("SENT")));
        assertThat(calls(id)).isEmpty();

        Answer report = signedPost("/api/v1/integrations/twilio/status", Map.of("MessageSid", sms.sid(), "MessageStatus", "undelivered",
                "ErrorCode", "30003", "AccountSid", SID, "To", PAT, "From", FROM));
        assertThat(report.status()).isEqualTo(204);

        // No clock movement: the call due at two minutes goes out now.
        FakeTwilio.Request call = await("the call", () -> calls(id).stream().findFirst());
        assertThat(call.to()).isEqualTo(PAT);
        assertThat(call.form().get("From")).isEqualTo(FROM);
        assertThat(call.form().get("Twiml")).startsWith("<Response><Gather numDigits=\"1\" action=\"" + PUBLIC_URL
                + "/api/v1/integrations/twilio/voice/").contains("Press 1 to acknowledge, 2 to resolve.");
        assertThat(call.form().get("StatusCallback")).isEqualTo(PUBLIC_URL + "/api/v1/integrations/twilio/status");

        JsonNode status = entries(id, "DELIVERY_STATUS").get(0);
        assertThat(status.path("text").asString()).contains("sms to pat by sms not delivered: undelivered error 30003 " + sms.sid());
        assertThat(entries(id, "DELIVERY_FALLBACK").toString()).contains("trying pat's next contact method now: voice by voice");
        JsonNode dead = delivery(id, "sms").orElseThrow();
        assertThat(dead.path("status").asString()).isEqualTo("DEAD");
        assertThat(dlq(id).toString()).contains("undelivered error 30003");

        // Twilio repeats callbacks: the second changes nothing and places no second call.
        signedPost("/api/v1/integrations/twilio/status", Map.of("MessageSid", sms.sid(), "MessageStatus", "undelivered", "ErrorCode", "30003"));
        assertThat(entries(id, "DELIVERY_STATUS")).hasSize(1);

        // Twilio reports a call's end after it answered the request that placed it: wait until the call's
        // delivery recorded that answer (its sid), as a real callback minutes later would find it.
        await("the call delivery is sent", () -> delivery(id, "voice").filter(d -> d.path("status").asString().equals("SENT")));
        Answer completed = signedPost("/api/v1/integrations/twilio/status", Map.of("CallSid", call.sid(), "CallStatus", "completed"));
        assertThat(completed.status()).isEqualTo(204);
        assertThat(entries(id, "DELIVERY_STATUS").toString()).contains("voice to pat by voice completed");
        assertThat(calls(id)).hasSize(1);
    }

    @Test
    void pressingOneDuringTheCallAcknowledges() {
        String id = open("keypad-" + System.nanoTime());
        await("the SMS", () -> sms(id).stream().findFirst());
        clock.advance(Duration.ofMinutes(2));
        FakeTwilio.Request call = await("the call", () -> calls(id).stream().findFirst());
        assertThat(call.form().get("Twiml")).contains("API 5xx above 5%").doesNotContain("7.2%").doesNotContain("Runbook");
        Matcher action = Pattern.compile("action=\"([^\"]+)\"").matcher(call.form().get("Twiml"));
        assertThat(action.find()).isTrue();
        String path = action.group(1).substring(PUBLIC_URL.length());

        Answer unknown = signedPost(path, Map.of("CallSid", call.sid(), "Digits", "9"));
        assertThat(unknown.body()).startsWith("<Response><Gather").contains("Press 1 to acknowledge incident " + id.substring(4));
        assertThat(status(id)).isEqualTo("TRIGGERED");

        String forgedPath = path.substring(0, path.length() - 3) + "AAA";
        assertThat(signedPost(forgedPath, Map.of("CallSid", call.sid(), "Digits", "1")).body()).contains("This call has expired");
        assertThat(status(id)).isEqualTo("TRIGGERED");

        Answer one = signedPost(path, Map.of("CallSid", call.sid(), "Digits", "1", "From", FROM, "To", PAT));
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.contentType()).startsWith("text/xml");
        assertThat(one.body()).isEqualTo("<Response><Say>" + id + " acknowledged by pat. Goodbye.</Say></Response>");
        assertThat(status(id)).isEqualTo("ACKNOWLEDGED");
        assertThat(entries(id, "ACKNOWLEDGED").get(0).path("via").asString()).isEqualTo("voice");

        Answer two = signedPost(path, Map.of("CallSid", call.sid(), "Digits", "2"));
        assertThat(two.body()).contains(id + " resolved by pat.");
        assertThat(status(id)).isEqualTo("RESOLVED");
    }

    @Test
    void twilioErrorsAreRetriedUntilTheMessageIsTaken() {
        TWILIO.answerNextMessage(429, FakeTwilio.error(20429, "Too Many Requests", 429), "20");
        TWILIO.answerNextMessage(500, FakeTwilio.error(20500, "Internal Server Error", 500), null);
        Instant start = clock.instant();
        String id = open("retry-" + System.nanoTime());

        JsonNode first = await("the 429 is recorded", () -> delivery(id, "sms").filter(d -> d.path("attempts").asInt() == 1
                && d.path("provider_status").asString().startsWith("429")));
        assertThat(first.path("provider_status").asString()).isEqualTo("429 code 20429");
        assertThat(first.path("last_error").asString()).isEqualTo("Too Many Requests");
        assertThat(Instant.parse(first.path("due_at").asString())).isEqualTo(start.plusSeconds(20));

        clock.advance(Duration.ofSeconds(21));
        // Attempts count up when a delivery is leased; the answer is recorded after, and only then may the clock move.
        await("the 500 is recorded", () -> delivery(id, "sms").filter(d -> d.path("attempts").asInt() == 2
                && d.path("provider_status").asString().startsWith("500")));
        clock.advance(Duration.ofSeconds(30));
        JsonNode sent = await("the SMS is sent on the third attempt", () -> delivery(id, "sms")
                .filter(d -> d.path("status").asString().equals("SENT")));
        assertThat(sent.path("attempts").asInt()).isEqualTo(3);
        assertThat(sms(id)).extracting(FakeTwilio.Request::answeredStatus).containsExactly(429, 500, 201);
        assertThat(entries(id, "DELIVERY_FAILED").toString()).contains("429 code 20429").contains("500 code 20500: Internal Server Error");
        assertThat(entries(id, "DELIVERED").toString()).contains("attempt 3");
    }

    @Test
    void anInvalidNumberDeadLettersTheSmsAndTriesTheNextMethod() {
        TWILIO.answerNextMessage(400, FakeTwilio.error(21211, "The 'To' number " + PAT + " is not a valid phone number.", 400), null);
        String id = open("invalid-" + System.nanoTime());

        JsonNode dead = await("the SMS in the dead letters", () -> {
            for (JsonNode d : dlq(id)) {
                return Optional.of(d);
            }
            return Optional.empty();
        });
        assertThat(dead.path("channel").asString()).isEqualTo("sms");
        assertThat(dead.path("provider_status").asString()).isEqualTo("400 code 21211");
        assertThat(dead.path("last_error").asString()).contains("is not a valid phone number");
        assertThat(dead.path("attempts").asInt()).isEqualTo(1);

        FakeTwilio.Request call = await("the call, brought forward", () -> calls(id).stream().findFirst());
        assertThat(call.to()).isEqualTo(PAT);
        assertThat(clock.instant()).isEqualTo(base);
        assertThat(entries(id, "DELIVERY_DEAD").toString()).contains("400 code 21211");
        assertThat(entries(id, "DELIVERY_FALLBACK").toString()).contains("voice by voice");
    }

    // ---- helpers ----

    String open(String dedup) {
        return open(KEY, dedup);
    }

    String open(String key, String dedup) {
        // Details and links that the e-mail, chat and webhook pages list, and the SMS and the call leave out.
        return open(key, dedup, Map.of("summary", "API 5xx above 5%", "source", "prometheus", "severity", "critical",
                "custom_details", Map.of("error_rate", "7.2%")), List.of(Map.of("href", "https://runbooks.example/5xx", "text", "Runbook")));
    }

    String open(String key, String dedup, Map<String, Object> payload) {
        return open(key, dedup, payload, List.of());
    }

    String open(String key, String dedup, Map<String, Object> payload, List<Map<String, String>> links) {
        Answer a = api.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", key, "event_action", "trigger", "dedup_key", dedup,
                "payload", payload, "links", links));
        assertThat(a.status()).as(a.body()).isEqualTo(202);
        for (JsonNode i : api.get("/api/v1/incidents?limit=1000").json()) {
            if (i.path("dedup_key").asString().equals(dedup)) {
                return i.path("id").asString();
            }
        }
        throw new AssertionError("no incident with dedup key " + dedup);
    }

    /** SMS requests for this incident; its number is in every page's text as "(INC-12)". */
    static List<FakeTwilio.Request> sms(String id) {
        return requests("Messages", r -> r.form().getOrDefault("Body", "").contains("(" + id + ")"));
    }

    static List<FakeTwilio.Request> calls(String id) {
        return requests("Calls", r -> r.form().getOrDefault("Twiml", "").contains("incident " + id.substring(4) + "."));
    }

    private static List<FakeTwilio.Request> requests(String resource, Predicate<FakeTwilio.Request> p) {
        return TWILIO.requests().stream().filter(r -> r.resource().equals(resource)).filter(p).toList();
    }

    Optional<JsonNode> delivery(String id, String channel) {
        for (JsonNode d : api.get("/api/v1/incidents/" + id + "/deliveries").json()) {
            if (d.path("kind").asString().equals("PAGE") && d.path("channel").asString().equals(channel)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    List<JsonNode> dlq(String id) {
        long number = Long.parseLong(id.substring(4));
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode d : api.get("/api/v1/dlq?limit=1000").json()) {
            if (d.path("incident_id").asLong() == number && d.path("channel").asString().equals("sms")) {
                out.add(d);
            }
        }
        return out;
    }

    JsonNode timeline(String id) {
        return api.get("/api/v1/incidents/" + id).json().path("timeline");
    }

    List<JsonNode> entries(String id, String kind) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : timeline(id)) {
            if (e.path("kind").asString().equals(kind)) {
                out.add(e);
            }
        }
        return out;
    }

    String status(String id) {
        return api.get("/api/v1/incidents/" + id).json().path("incident").path("status").asString();
    }

    List<String> notified(String id) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : entries(id, "NOTIFIED")) {
            List<String> people = new ArrayList<>();
            e.path("people").forEach(p -> people.add(p.asString()));
            out.add(e.path("level").asString() + ":" + String.join(",", people));
        }
        return out;
    }

    static Map<String, String> inboundSms(String from, String body) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("MessageSid", "SMin" + System.nanoTime());
        form.put("AccountSid", SID);
        form.put("From", from);
        form.put("To", FROM);
        form.put("Body", body);
        form.put("NumMedia", "0");
        return form;
    }

    /** Signed as Twilio signs: over the public URL it was given, not the address the request arrives on. */
    Answer signedPost(String path, Map<String, String> form) {
        return post(path, form, sign(AUTH, PUBLIC_URL + path, form));
    }

    static String sign(String authToken, String url, Map<String, String> form) {
        return TwilioSignature.sign(authToken, url, form.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))));
    }

    Answer post(String path, Map<String, String> form, String signature) {
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            b.header("X-Twilio-Signature", signature);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            throw new RuntimeException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
    }

    /** Polls until {@code probe} finds something, failing with {@code what} at the deadline. */
    static <T> T await(String what, Supplier<Optional<T>> probe) {
        return org.awaitility.Awaitility.await(what).atMost(DEADLINE).pollInterval(Duration.ofMillis(25))
                .until(probe::get, Optional::isPresent).get();
    }
}
