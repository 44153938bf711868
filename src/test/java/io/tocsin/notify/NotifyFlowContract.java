package io.tocsin.notify;

import static io.tocsin.testing.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import io.tocsin.testing.FakeProvider;
import io.tocsin.testing.FakeProvider.Reply;
import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.HttpCalls.Answer;
import io.tocsin.testing.MutableClock;
import io.tocsin.testing.TestClockConfig;
import io.tocsin.testing.WorkerCycle;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;

/**
 * Pages reach people end to end: an event posted over HTTP becomes a signed webhook call and an
 * e-mail in a real SMTP server (GreenMail), the link in the page acknowledges, and providers that
 * fail (500, 503, 429 with Retry-After, a hang, a reset connection, malformed JSON, a refusing SMTP
 * server) still get the page delivered on retry, or it lands in the dead letters while the person's
 * next contact method is tried.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + NotifyFlowContract.TOKEN,
        "tocsin.admin-token-file=target/test-admin-token",
        "tocsin.timers.poll-interval=50ms",
        "tocsin.notify.poll-interval=50ms",
        "tocsin.notify.webhook.signing-secret=" + NotifyFlowContract.SIGNING_SECRET,
        "tocsin.notify.timeout=700ms",
        "tocsin.notify.connect-timeout=500ms",
        "tocsin.notify.retry.budget=20s",
        "tocsin.notify.email.from=tocsin@example.com"})
@Import(TestClockConfig.class)
// Each subclass has a database of its own, so its context is never reused: close it and give back
// its connections (PostgreSQL allows a hundred in all).
@org.springframework.test.annotation.DirtiesContext(classMode = org.springframework.test.annotation.DirtiesContext.ClassMode.AFTER_CLASS)
abstract class NotifyFlowContract {
    static final String TOKEN = "notify-test-token-0123456789";
    static final String SIGNING_SECRET = "webhook-signing-secret-for-tests";
    static final String KEY = "b2222222222222222222222222222222";

    static final FakeProvider HOOKS = new FakeProvider();
    static volatile GreenMail mail = startMail(0);
    static final int MAIL_PORT = mail.getSmtp().getPort();
    static final Path ORG = io.tocsin.testing.TestOrganisations.copy("src/test/resources/orgs/notify", "${HOOK}", HOOKS.baseUrl());

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    io.tocsin.incident.BacklogGauges backlog;

    @Autowired
    io.tocsin.incident.TimerWorker timers;

    @Autowired
    Dispatcher dispatcher;

    @Autowired
    JdbcClient jdbc;

    HttpCalls api;

    static GreenMail startMail(int port) {
        return io.tocsin.testing.LocalSmtp.start(port);
    }

    /** The test organisation with the fake provider's address put into its contact methods. */
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("tocsin.config.path", ORG::toString);
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> MAIL_PORT);
        registry.add("tocsin.notify.ntfy.base-url", () -> HOOKS.baseUrl() + "/ntfy");
    }

    @BeforeEach
    void setUp() throws Exception {
        api = new HttpCalls("http://localhost:" + port, TOKEN);
        clock.set(TestClockConfig.START);
        // Incidents left open by an earlier test would escalate too when this test moves the clock.
        api.resolveAllOpen();
        HOOKS.clear();
        mail.purgeEmailFromAllMailboxes();
    }

    // ---- the happy path ----

    @Test
    void aPageReachesTheWebhookSignedAndItsLinkAcknowledgesAndStopsTheEscalation() throws Exception {
        String summary = "disk full " + System.nanoTime();
        String id = trigger(summary, "critical");

        FakeProvider.Request call = awaitOne("/hook/alice", summary);
        JsonNode body = HttpCalls.JSON.readTree(call.body());
        assertThat(body.path("incident").asString()).isEqualTo("INC-" + id);
        assertThat(body.path("urgency").asString()).isEqualTo("high");
        assertThat(body.path("subject").asString()).contains("P1").contains("api").contains(summary);
        assertThat(call.header("Idempotency-Key")).contains("INC-" + id);
        String timestamp = call.header("X-Tocsin-Timestamp");
        assertThat(call.header("X-Tocsin-Signature")).isEqualTo("v1=" + WebhookChannel.sign(SIGNING_SECRET, timestamp + "." + call.body()));
        awaitTimeline(id, e -> e.path("kind").asString().equals("DELIVERED") && e.path("text").asString().startsWith("webhook to alice by hook delivered (200"));

        // Opening the link shows a button and changes nothing: mail scanners open links on their own.
        String link = local(body.path("acknowledge_url").asString());
        Answer shown = api.withToken(null).get(link);
        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.body()).contains("Acknowledge as alice");
        assertThat(status(id)).isEqualTo("TRIGGERED");

        Answer pressed = api.withToken(null).post(link, "application/x-www-form-urlencoded", "");
        assertThat(pressed.status()).isEqualTo(200);
        assertThat(status(id)).isEqualTo("ACKNOWLEDGED");
        assertThat(timeline(id)).anyMatch(e -> e.path("kind").asString().equals("ACKNOWLEDGED")
                && e.path("actor").asString().equals("alice") && e.path("via").asString().equals("link"));
        Answer again = api.withToken(null).post(link, "application/x-www-form-urlencoded", "");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body()).contains("already acknowledged by alice");

        // Alice's e-mail, due five minutes after the page, is cancelled; the secondary is never paged.
        clock.advance(Duration.ofMinutes(5));
        awaitTimeline(id, e -> e.path("kind").asString().equals("DELIVERY_CANCELLED") && e.path("text").asString().contains("email to alice"));
        clock.advance(Duration.ofMinutes(11));
        // The secondary's level came due: the cycle that would page bob, had the acknowledgement not stopped it.
        WorkerCycle.complete(timers, dispatcher, jdbc, clock);
        assertThat(notified(id)).containsExactly("on-call:alice");
        assertThat(mailsTo("alice@example.com", summary)).isEmpty();
        assertThat(mailsTo("bob@example.com", summary)).isEmpty();
        assertThat(HOOKS.requestsTo("/hook/alice")).hasSize(1);
    }

    @Test
    void aVendorIsPagedThroughItsOwnContactMethodsWithoutLinksToActAsSomeone() throws Exception {
        String summary = "cdn errors " + System.nanoTime();
        String id = trigger(summary, "critical");
        awaitOne("/hook/alice", summary);
        assertThat(api.postJson("/api/v1/incidents/" + id + "/tags", Map.of("tags", List.of("vendor"))).status()).isEqualTo(200);

        FakeProvider.Request call = awaitOne("/hook/cdn", summary);
        JsonNode body = HttpCalls.JSON.readTree(call.body());
        assertThat(body.path("incident").asString()).isEqualTo("INC-" + id);
        // The vendor is no person of the organisation: nothing in its page acts as someone.
        assertThat(body.path("acknowledge_url").isNull()).as(call.body()).isTrue();
        awaitTimeline(id, e -> e.path("kind").asString().equals("DELIVERED")
                && e.path("text").asString().startsWith("webhook to vendor:cdn by support-hook delivered"));
        assertThat(timeline(id)).anyMatch(e -> e.path("kind").asString().equals("NOTIFIED")
                && e.path("text").asString().contains("vendor cdn (CDN Co; priority line +40 21 555 0100)"));
    }

    @Test
    void aNoticeGoesByTheFirstLowUrgencyMethodAndAPageByTheHighUrgencyOnes() throws Exception {
        String summary = "queue stuck " + System.nanoTime();
        String id = trigger(summary, "critical");
        // High urgency: alice's webhook at once (her e-mail only after 5 minutes, and the clock stands still).
        awaitOne("/hook/alice", summary);
        assertThat(api.asPerson("bob").post("/api/v1/incidents/" + id + "/acknowledge", "application/json", "").status())
                .isEqualTo(200);
        // The acknowledgement is a notice: it goes to alice by e-mail, her first low-urgency method.
        await(() -> !mailsTo("alice@example.com", summary).isEmpty(), () -> "no notice by e-mail to alice");
        assertThat(mailsTo("alice@example.com", summary).get(0).getSubject()).contains("INC-" + id).contains("acknowledged");
        assertThat(HOOKS.requests(r -> r.path().equals("/hook/alice") && r.body().contains(summary))).hasSize(1);
    }

    @Test
    void anEmailPageNamesSeverityServiceAndIncidentAndItsLinkAcknowledges() throws Exception {
        String summary = "queue backlog " + System.nanoTime();
        String id = trigger(summary, "critical");
        awaitOne("/hook/alice", summary);
        clock.advance(Duration.ofMinutes(15));
        MimeMessage page = awaitMail("bob@example.com", summary);
        // Alice, paged first, hears that it went on to the secondary.
        // This incident's notice: one left retrying by an earlier test can arrive once the clock passes its time again.
        MimeMessage escalated = awaitMail("alice@example.com", "INC-" + id + " escalated");
        assertThat(escalated.getSubject()).contains("INC-" + id);
        assertThat(GreenMailUtil.getBody(escalated)).contains("bob");
        assertThat(page.getSubject()).contains("P1").contains("api").contains("INC-" + id);
        MimeMultipart parts = (MimeMultipart) page.getContent();
        String all = GreenMailUtil.getBody(page);
        assertThat(all).contains("text/plain").contains("text/html");
        assertThat(parts.getCount()).isGreaterThanOrEqualTo(1);
        Matcher m = Pattern.compile("Acknowledge: (\\S+)").matcher(GreenMailUtil.getBody(page).replace("=\r\n", ""));
        assertThat(m.find()).as("the text part carries the acknowledgement link").isTrue();

        Answer pressed = api.withToken(null).post(local(m.group(1).replace("=3D", "=")), "application/x-www-form-urlencoded", "");
        assertThat(pressed.status()).isEqualTo(200);
        assertThat(status(id)).isEqualTo("ACKNOWLEDGED");
        // Everyone else already paged hears who acknowledged.
        MimeMessage notice = awaitMail("alice@example.com", "acknowledged");
        assertThat(GreenMailUtil.getBody(notice)).contains("bob");
        // One thread per incident in the reader's mail client; each message an id of its own (a client
        // drops a second message with an id it has), on the sender's domain since no public URL is set.
        String thread = "<inc-" + id + "@example.com>";
        for (MimeMessage mail : List.of(page, escalated, notice)) {
            assertThat(mail.getHeader("In-Reply-To")).as(mail.getSubject()).containsExactly(thread);
            assertThat(mail.getHeader("References")).as(mail.getSubject()).containsExactly(thread);
            assertThat(mail.getMessageID()).as(mail.getSubject()).endsWith(".tocsin@example.com>");
        }
        assertThat(java.util.Set.of(page.getMessageID(), escalated.getMessageID(), notice.getMessageID())).hasSize(3);
        clock.advance(Duration.ofMinutes(20));
        WorkerCycle.complete(timers, dispatcher, jdbc, clock);
        assertThat(notified(id)).containsExactly("on-call:alice", "secondary:bob");
    }

    // ---- faults ----

    @Test
    void a500ThenSuccessIsDeliveredOnRetryWithTheSameIdempotencyKeyWhileTheFallbackGoesOutAtOnce() throws Exception {
        HOOKS.script("/hook/alice", Reply.status(500, "{\"error\":\"boom\"}"));
        String summary = "five hundred " + System.nanoTime();
        String id = trigger(summary, "critical");
        awaitTimeline(id, e -> e.path("kind").asString().equals("DELIVERY_FAILED") && e.path("text").asString().contains("(500"));
        // The next contact method is tried at once instead of five minutes later.
        awaitMail("alice@example.com", summary);
        assertThat(timeline(id)).anyMatch(e -> e.path("kind").asString().equals("DELIVERY_FALLBACK"));
        clock.advance(Duration.ofSeconds(3));
        awaitTimeline(id, e -> e.path("kind").asString().equals("DELIVERED") && e.path("text").asString().contains("webhook to alice"));
        List<FakeProvider.Request> calls = HOOKS.requests(r -> r.path().equals("/hook/alice") && r.body().contains(summary));
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).header("Idempotency-Key")).isEqualTo(calls.get(1).header("Idempotency-Key"));
    }

    @Test
    void a429IsRetriedNoSoonerThanItsRetryAfter() throws Exception {
        HOOKS.script("/hook/alice", Reply.retryAfter(30));
        String summary = "throttled " + System.nanoTime();
        String id = trigger(summary, "critical");
        awaitTimeline(id, e -> e.path("kind").asString().equals("DELIVERY_FAILED") && e.path("text").asString().contains("retrying in 30.0 s"));
        clock.advance(Duration.ofSeconds(20));
        // Everything due by now is sent: a retry that ignored Retry-After would be among it.
        WorkerCycle.complete(timers, dispatcher, jdbc, clock);
        assertThat(HOOKS.requests(r -> r.path().equals("/hook/alice") && r.body().contains(summary))).hasSize(1);
        clock.advance(Duration.ofSeconds(11));
        awaitTimeline(id, e -> e.path("kind").asString().equals("DELIVERED") && e.path("text").asString().contains("webhook to alice"));
        assertThat(HOOKS.requests(r -> r.path().equals("/hook/alice") && r.body().contains(summary))).hasSize(2);
    }

    @Test
    void aNodeNeverTakesOverItsOwnSendStillInFlightWhenItsClockJumps() throws Exception {
        // The provider answers within the timeout (700 ms) but slowly; meanwhile the clock jumps past the
        // lease (timeout + 5 s margin). The send is alive on this node: no second send, no "abandoned".
        HOOKS.script("/hook/alice", Reply.hang(450));
        String summary = "in flight " + System.nanoTime();
        String id = trigger(summary, "critical");
        await(() -> !HOOKS.requests(r -> r.path().equals("/hook/alice") && r.body().contains(summary)).isEmpty(), () -> "no call");
        // past the lease (5.7 s), within the retry budget (20 s)
        clock.advance(Duration.ofSeconds(8));
        awaitTimeline(id, e -> e.path("kind").asString().equals("DELIVERED") && e.path("text").asString().contains("webhook to alice"));
        List<JsonNode> entries = timeline(id);
        assertThat(entries.stream().map(e -> e.path("kind").asString())).doesNotContain("DELIVERY_ABANDONED", "DELIVERY_TAKEN_OVER");
        // one call, and one more only for an attempt that failed (a starved machine can miss the 700 ms timeout)
        long failed = entries.stream().filter(e -> e.path("kind").asString().equals("DELIVERY_FAILED")
                && e.path("text").asString().contains("webhook to alice")).count();
        assertThat(HOOKS.requests(r -> r.path().equals("/hook/alice") && r.body().contains(summary))).hasSize(1 + (int) failed);
    }

    @Test
    void aProviderThatHangsPastTheTimeoutAndOneThatResetsTheConnectionAreRetried() throws Exception {
        HOOKS.script("/hook/alice", Reply.hang(2_000), Reply.resetConnection());
        String summary = "hang " + System.nanoTime();
        String id = trigger(summary, "critical");
        awaitTimeline(id, e -> e.path("kind").asString().equals("DELIVERY_FAILED") && e.path("text").asString().contains("(timeout"));
        clock.advance(Duration.ofSeconds(3));
        awaitTimeline(id, e -> e.path("kind").asString().equals("DELIVERY_FAILED") && e.path("text").asString().contains("(io-error"));
        clock.advance(Duration.ofSeconds(5));
        awaitTimeline(id, e -> e.path("kind").asString().equals("DELIVERED") && e.path("text").asString().contains("webhook to alice")
                && e.path("text").asString().contains("attempt 3"));
    }

    @Test
    void repeated503sLandInTheDeadLettersWithTheProvidersAnswerAndCanBeReplayed() throws Exception {
        HOOKS.script("/hook/alice", Reply.status(503, "{\"error\":\"maintenance\"}"), Reply.status(503, "{\"error\":\"maintenance\"}"),
                Reply.status(503, "{\"error\":\"maintenance\"}"));
        String summary = "dead letter " + System.nanoTime();
        String id = trigger(summary, "critical");
        awaitTimeline(id, e -> e.path("kind").asString().equals("DELIVERY_FAILED"));
        // Each step of the clock brings the next attempt due; the next step waits until it was made (a
        // loaded machine must not merge two steps into one attempt, which left the budget at 2 tries).
        for (int attempts = 2; attempts <= 3; attempts++) {
            clock.advance(Duration.ofSeconds(10));
            int made = attempts;
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> HOOKS.requests(r -> r.path().equals("/hook/alice") && r.body().contains(summary)).size() >= made);
        }
        awaitTimeline(id, e -> e.path("kind").asString().equals("DELIVERY_DEAD") && e.path("text").asString().contains("failed 3 times"));
        awaitMail("alice@example.com", summary);

        JsonNode dead = null;
        for (JsonNode d : api.get("/api/v1/dlq").json()) {
            if (d.path("incident_id").asLong() == Long.parseLong(id) && d.path("channel").asString().equals("webhook")) {
                dead = d;
            }
        }
        assertThat(dead).as("the webhook delivery is in the dead letters").isNotNull();
        String metrics = api.withToken(null).get("/actuator/prometheus").body();
        assertThat(metrics).containsPattern("tocsin_notifications_attempts_total\\{channel=\"webhook\",kind=\"page\",outcome=\"retry\"[^}]*} [1-9]")
                .containsPattern("tocsin_notifications_dead_total\\{channel=\"webhook\"[^}]*} [1-9]")
                .contains("tocsin_notifications_latency_seconds");
        assertThat(dead.path("provider_status").asString()).isEqualTo("503");
        assertThat(dead.path("last_error").asString()).contains("maintenance");

        String server = "http://localhost:" + port;
        io.tocsin.cli.CliRun list = io.tocsin.cli.CliRun.run("dlq", "list", "--server", server, "--token", TOKEN);
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).contains(dead.path("id").asLong() + "  INC-" + id + "  webhook to alice by hook")
                .contains("503").contains("maintenance");

        io.tocsin.cli.CliRun replay = io.tocsin.cli.CliRun.run("dlq", "replay", dead.path("id").asString(), "--server", server, "--token", TOKEN);
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.out()).contains("queued again");
        awaitTimeline(id, e -> e.path("kind").asString().equals("DELIVERED") && e.path("text").asString().contains("webhook to alice"));
        assertThat(api.postJson("/api/v1/dlq/" + dead.path("id").asLong() + "/replay", "{}").status()).isEqualTo(400);
        io.tocsin.cli.CliRun again = io.tocsin.cli.CliRun.run("dlq", "replay", dead.path("id").asString(), "--server", server, "--token", TOKEN);
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("not in the dead letters");
    }

    @Test
    void aPermanentRefusalGoesStraightToTheDeadLettersAndTheNextMethodIsUsed() throws Exception {
        HOOKS.script("/hook/alice", Reply.status(410, "{\"error\":\"gone\"}"));
        String summary = "gone " + System.nanoTime();
        String id = trigger(summary, "critical");
        awaitTimeline(id, e -> e.path("kind").asString().equals("DELIVERY_DEAD") && e.path("text").asString().contains("failed for good (410"));
        awaitMail("alice@example.com", summary);
        assertThat(HOOKS.requests(r -> r.path().equals("/hook/alice") && r.body().contains(summary))).hasSize(1);
    }

    @Test
    void malformedJsonFromThePushProviderIsRetried() throws Exception {
        HOOKS.script("/ntfy/dan-pager", Reply.status(200, "<html>proxy error"));
        String summary = "push " + System.nanoTime();
        String id = trigger(summary, "critical");
        awaitOne("/hook/alice", summary);
        clock.advance(Duration.ofMinutes(30));
        awaitTimeline(id, e -> e.path("kind").asString().equals("DELIVERY_FAILED") && e.path("text").asString().contains("push to dan")
                && e.path("text").asString().contains("malformed"));
        clock.advance(Duration.ofSeconds(3));
        awaitTimeline(id, e -> e.path("kind").asString().equals("DELIVERED") && e.path("text").asString().contains("push to dan"));
        FakeProvider.Request push = HOOKS.requestsTo("/ntfy/dan-pager").get(1);
        assertThat(push.header("Priority")).isEqualTo("5");
        assertThat(push.header("Actions")).contains("Acknowledge").contains("/links/");
    }

    @Test
    void anSmtpServerThatRefusesAndThenAcceptsStillGetsTheEmail() throws Exception {
        String summary = "smtp down " + System.nanoTime();
        String id = trigger(summary, "critical");
        awaitOne("/hook/alice", summary);
        mail.stop();
        try {
            clock.advance(Duration.ofMinutes(15));
            awaitTimeline(id, e -> e.path("kind").asString().equals("DELIVERY_FAILED") && e.path("text").asString().contains("email to bob")
                    && e.path("text").asString().contains("smtp-error"));
        } finally {
            mail = startMail(MAIL_PORT);
        }
        clock.advance(Duration.ofSeconds(3));
        awaitMail("bob@example.com", summary);
        awaitTimeline(id, e -> e.path("kind").asString().equals("DELIVERED") && e.path("text").asString().contains("email to bob"));
    }

    @Test
    void aTestPageGoesThroughEveryContactMethodAndReportsEachResult() throws Exception {
        HOOKS.script("/hook/alice", Reply.status(500));
        Answer a = api.postJson("/api/v1/people/alice/test-page", "{}");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json().path("all_sent").asBoolean()).isFalse();
        List<String> outcomes = new ArrayList<>();
        a.json().path("results").forEach(r -> outcomes.add(r.path("contact_method").asString() + "=" + r.path("outcome").asString()));
        assertThat(outcomes).containsExactly("hook=retry", "email=sent");
        awaitMail("alice@example.com", "test page");
        assertThat(api.postJson("/api/v1/people/nobody/test-page", "{}").status()).isEqualTo(404);

        io.tocsin.cli.CliRun cli = io.tocsin.cli.CliRun.run("test-page", "bob", "--server", "http://localhost:" + port, "--token", TOKEN);
        assertThat(cli.exitCode()).as(cli.err()).isZero();
        assertThat(cli.out()).contains("email").contains("sent").contains("250");
        awaitMail("bob@example.com", "test page");
        HOOKS.script("/hook/alice", Reply.status(500));
        io.tocsin.cli.CliRun failing = io.tocsin.cli.CliRun.run("test-page", "alice", "--server", "http://localhost:" + port, "--token", TOKEN);
        assertThat(failing.exitCode()).isEqualTo(1);
        assertThat(failing.out()).contains("webhook").contains("retry").contains("500");
    }

    // ---- helpers ----

    String trigger(String summary, String severity) {
        String dedup = "n-" + System.nanoTime();
        Answer a = api.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", KEY, "event_action", "trigger", "dedup_key", dedup,
                "payload", Map.of("summary", summary, "source", "prometheus", "severity", severity)));
        assertThat(a.status()).isEqualTo(202);
        for (JsonNode i : api.get("/api/v1/incidents?limit=1000").json()) {
            if (i.path("dedup_key").asString().equals(dedup)) {
                return i.path("id").asString().replace("INC-", "");
            }
        }
        throw new AssertionError("no incident for " + dedup);
    }

    String local(String url) {
        return url.substring(url.indexOf("/links/"));
    }

    String status(String id) {
        return api.get("/api/v1/incidents/" + id).json().path("incident").path("status").asString();
    }

    List<JsonNode> timeline(String id) {
        List<JsonNode> out = new ArrayList<>();
        api.get("/api/v1/incidents/" + id).json().path("timeline").forEach(out::add);
        return out;
    }

    List<String> notified(String id) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : timeline(id)) {
            if (e.path("kind").asString().equals("NOTIFIED")) {
                List<String> people = new ArrayList<>();
                e.path("people").forEach(p -> people.add(p.asString()));
                out.add(e.path("level").asString() + ":" + String.join(",", people));
            }
        }
        return out;
    }

    // ---- what the operator sees ----

    @Test
    void theOperatorSeesEventOutcomesBacklogAndLatenciesInPrometheus() throws Exception {
        String summary = "metrics " + System.nanoTime();
        String dedup = "m-" + System.nanoTime();
        Map<String, Object> trigger = Map.of("routing_key", KEY, "event_action", "trigger", "dedup_key", dedup,
                "payload", Map.of("summary", summary, "source", "prometheus", "severity", "critical"));
        String before = metrics();
        assertThat(api.withToken(null).postJson("/v2/enqueue", trigger).status()).isEqualTo(202);
        assertThat(api.withToken(null).postJson("/v2/enqueue", trigger).status()).isEqualTo(202);
        assertThat(api.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", KEY, "event_action", "resolve",
                "dedup_key", "never-opened-" + System.nanoTime())).status()).isEqualTo(202);
        assertThat(api.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", KEY, "event_action", "trigger")).status())
                .isEqualTo(400);
        assertThat(api.withToken(null).postJson("/api/v1/events", Map.of("routing_key", "no-such-key-0123456789", "summary", "x"))
                .status()).isEqualTo(404);
        String id = null;
        for (JsonNode i : api.get("/api/v1/incidents?limit=1000").json()) {
            if (i.path("dedup_key").asString().equals(dedup)) {
                id = i.path("id").asString().replace("INC-", "");
            }
        }
        assertThat(id).isNotNull();
        awaitOne("/hook/alice", summary);
        // the secondary level comes due and its timer fires, late by however long the worker took
        clock.advance(java.time.Duration.ofMinutes(16));
        String incident = id;
        awaitTimeline(incident, e -> e.path("kind").asString().equals("NOTIFIED") && e.path("level").asString().equals("secondary"));
        backlog.runOnce(clock.instant());
        String after = metrics();

        assertThat(after).contains("# HELP tocsin_events_total Events received, by integration and outcome")
                .contains("# HELP tocsin_pages_latency_seconds From the moment a page was due")
                .contains("# HELP tocsin_timers_lag_seconds How late each incident timer")
                .contains("# HELP tocsin_incidents_open Open incidents by severity and status")
                .contains("# HELP tocsin_outbox_backlog ").contains("# HELP tocsin_outbox_oldest_age_seconds ")
                .contains("# HELP tocsin_deliveries_due ").contains("# HELP tocsin_timers_overdue ");
        for (String[] outcome : new String[][] {{"pagerduty", "opened", "1"}, {"pagerduty", "deduplicated", "1"},
                {"pagerduty", "no_open_incident", "1"}, {"pagerduty", "refused", "1"}, {"events-api", "refused", "1"}}) {
            String series = "tocsin_events_total{integration=\"" + outcome[0] + "\",outcome=\"" + outcome[1] + "\"}";
            assertThat(value(after, series) - value(before, series)).as(series).isEqualTo(Double.parseDouble(outcome[2]));
        }
        assertThat(value(after, "tocsin_pages_latency_seconds_count{channel=\"webhook\"}")
                - value(before, "tocsin_pages_latency_seconds_count{channel=\"webhook\"}")).isGreaterThanOrEqualTo(1);
        assertThat(after).containsPattern("tocsin_pages_latency_seconds_bucket\\{channel=\"webhook\",le=\"[0-9.]+\"}");
        assertThat(value(after, "tocsin_timers_lag_seconds_count") - value(before, "tocsin_timers_lag_seconds_count")).isGreaterThanOrEqualTo(1);
        assertThat(after).containsPattern("tocsin_timers_lag_seconds_bucket\\{le=\"[0-9.]+\"}");
        // the incident is the only one open (each test starts with none) and nobody acknowledged it
        assertThat(value(after, "tocsin_incidents_open{severity=\"P1\",status=\"triggered\"}")).isEqualTo(1);

        api.post("/api/v1/incidents/" + id + "/acknowledge", "application/json", "{}");
        backlog.runOnce(clock.instant());
        String acknowledged = metrics();
        assertThat(value(acknowledged, "tocsin_incidents_open{severity=\"P1\",status=\"acknowledged\"}")).isEqualTo(1);
        assertThat(acknowledged).doesNotContain("tocsin_incidents_open{severity=\"P1\",status=\"triggered\"}");
    }

    String metrics() {
        Answer a = api.withToken(null).get("/actuator/prometheus");
        assertThat(a.status()).isEqualTo(200);
        return a.body();
    }

    /** The value of one series in a Prometheus text exposition; 0 when it is not there yet. */
    static double value(String exposition, String series) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    void awaitTimeline(String id, java.util.function.Predicate<JsonNode> entry) {
        await(() -> timeline(id).stream().anyMatch(entry), () -> "timeline of " + id + " never had the entry; it was:\n"
                + String.join("\n", timeline(id).stream().map(e -> e.path("kind").asString() + " " + e.path("text").asString()).toList()));
    }

    FakeProvider.Request awaitOne(String path, String containing) {
        await(() -> !HOOKS.requests(r -> r.path().equals(path) && r.body().contains(containing)).isEmpty(), () -> "no call to " + path);
        return HOOKS.requests(r -> r.path().equals(path) && r.body().contains(containing)).get(0);
    }

    List<MimeMessage> mailsTo(String address, String containing) {
        return Arrays.stream(mail.getReceivedMessages()).filter(m -> {
            try {
                return Arrays.stream(m.getAllRecipients()).anyMatch(r -> r.toString().equals(address))
                        && (m.getSubject() + GreenMailUtil.getBody(m)).contains(containing);
            } catch (jakarta.mail.MessagingException e) {
                return false;
            }
        }).toList();
    }

    MimeMessage awaitMail(String address, String containing) {
        await(() -> !mailsTo(address, containing).isEmpty(), () -> "no e-mail to " + address + " containing " + containing);
        return mailsTo(address, containing).get(0);
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
