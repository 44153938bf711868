package io.tocsin.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tocsin.testing.FakeChatServer;
import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.HttpCalls.Answer;
import io.tocsin.testing.MutableClock;
import io.tocsin.testing.TestClockConfig;
import io.tocsin.testing.WorkerCycle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A monitoring event pages the on-call person in Slack through the Web API, and the buttons in that
 * page act on the incident, against a local server speaking Slack's and Teams' documented APIs.
 * Every test marks its incident with a unique summary and looks only at requests carrying it, because
 * incidents of earlier tests keep escalating when a later test moves the clock.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + SlackFlowContract.TOKEN,
        "tocsin.admin-token-file=target/test-admin-token",
        "tocsin.timers.poll-interval=50ms",
        "tocsin.notify.poll-interval=50ms",
        "tocsin.notify.slack.bot-token=" + SlackFlowContract.BOT_TOKEN,
        "tocsin.notify.slack.signing-secret=" + SlackFlowContract.SIGNING_SECRET})
@Import(TestClockConfig.class)
// The fake server is shared by the H2 and PostgreSQL runs; a context left polling would page into it.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
abstract class SlackFlowContract {
    static final String TOKEN = "slack-flow-token-0123456789";
    static final String BOT_TOKEN = "xoxb-1111-2222-tocsintest";
    static final String SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    static final String API_KEY = "b2222222222222222222222222222222";
    static final String WEB_KEY = "c3333333333333333333333333333333";
    static final Duration WITHIN = Duration.ofSeconds(10);
    static final FakeChatServer FAKE = new FakeChatServer(BOT_TOKEN);

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    io.tocsin.incident.TimerWorker timers;

    @Autowired
    Dispatcher dispatcher;

    @Autowired
    JdbcClient jdbc;

    HttpCalls api;

    @DynamicPropertySource
    static void chat(DynamicPropertyRegistry registry) {
        registry.add("tocsin.notify.slack.base-url", FAKE::slackApi);
        registry.add("tocsin.notify.slack.response-url-prefix", () -> FAKE.baseUrl() + "/actions/");
        registry.add("tocsin.config.path", SlackFlowContract::organisation);
    }

    /** orgs/chat with the fake server's address where the Teams webhooks go. */
    static String organisation() {
        return io.tocsin.testing.TestOrganisations.copy("src/test/resources/orgs/chat", "http://fake-chat.invalid", FAKE.baseUrl()).toString();
    }

    /** Incident numbers start again in each database: what the previous run recorded would match. */
    @BeforeAll
    static void freshFake() {
        FAKE.clear();
    }

    @BeforeEach
    void setUp() {
        api = new HttpCalls("http://localhost:" + port, TOKEN);
    }

    @Test
    void aPagerDutyEventPagesTheOnCallPersonInSlackWithButtonsForTheIncident() {
        String marker = marker("db-down");
        long id = trigger(API_KEY, marker);

        FakeChatServer.Request post = FAKE.await(slackTo("U0ALICE", marker), WITHIN, "chat.postMessage to U0ALICE");
        assertThat(post.header("Authorization")).isEqualTo("Bearer " + BOT_TOKEN);
        assertThat(post.header("Content-Type")).startsWith("application/json");
        JsonNode body = post.json();
        assertThat(body.path("channel").asString()).isEqualTo("U0ALICE");
        assertThat(body.path("text").asString()).contains(marker).contains("INC-" + id);
        JsonNode blocks = body.path("blocks");
        assertThat(blocks.get(0).path("type").asString()).isEqualTo("section");
        assertThat(blocks.get(0).path("text").path("text").asString()).contains(marker);
        assertThat(blocks.get(1).path("type").asString()).isEqualTo("actions");
        List<String> actions = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (JsonNode button : blocks.get(1).path("elements")) {
            assertThat(button.path("type").asString()).isEqualTo("button");
            assertThat(button.path("value").asString()).isEqualTo(String.valueOf(id));
            actions.add(button.path("action_id").asString());
            labels.add(button.path("text").path("text").asString());
        }
        assertThat(actions).containsExactly("acknowledge", "resolve", "escalate");
        assertThat(labels).containsExactly("Acknowledge", "Resolve", "Escalate");
        awaitTimeline(id, "DELIVERED", "slack to alice by slack delivered (ok");
    }

    @Test
    void pressingAcknowledgeInSlackAcknowledgesAsThePersonAndStopsTheLadder() {
        String marker = marker("ack-button");
        long id = trigger(API_KEY, marker);
        // Nobody presses anything on this one: once it escalates to bob, the timer has surely run for both.
        String controlMarker = marker("ack-control");
        long control = trigger(API_KEY, controlMarker);
        FAKE.await(slackTo("U0ALICE", marker), WITHIN, "the page to alice");

        Answer pressed = press("U0ALICE", "acknowledge", String.valueOf(id));
        assertThat(pressed.status()).as(pressed.body()).isEqualTo(200);
        assertThat(pressed.json().path("text").asString()).isEqualTo("INC-" + id + " acknowledged by alice (now acknowledged)");
        // Slack shows nothing from the HTTP answer to a press: the presser hears back through the response URL.
        FakeChatServer.Request reply = FAKE.await(r -> r.path().equals("/actions/T0TOCSIN/" + id + "/U0ALICE"), WITHIN,
                "the reply to alice's press");
        assertThat(reply.json().path("response_type").asString()).isEqualTo("ephemeral");
        assertThat(reply.json().path("replace_original").asBoolean(true)).isFalse();
        assertThat(reply.json().path("text").asString()).isEqualTo("INC-" + id + " acknowledged by alice (now acknowledged)");
        JsonNode incident = api.get("/api/v1/incidents/" + id).json();
        assertThat(incident.path("incident").path("status").asString()).isEqualTo("ACKNOWLEDGED");
        JsonNode ack = entry(incident, "ACKNOWLEDGED");
        assertThat(ack.path("actor").asString()).isEqualTo("alice");
        assertThat(ack.path("via").asString()).isEqualTo("slack");

        clock.advance(Duration.ofMinutes(16));
        FAKE.await(slackTo("U0BOB", controlMarker), WITHIN, "the unacknowledged control incident escalating to bob");
        // Alice's own next step (Teams after 5 minutes) is cancelled rather than sent.
        awaitTimeline(id, "DELIVERY_CANCELLED", "teams to alice by teams not sent");
        assertThat(notified(id)).containsExactly("on-call:alice");
        assertThat(notified(control)).containsExactly("on-call:alice", "secondary:bob");
        assertThat(FAKE.matching(slackTo("U0BOB", marker))).isEmpty();
        assertThat(FAKE.matching(r -> r.path().equals("/teams/alice") && r.body().contains(marker))).isEmpty();
    }

    @Test
    void aForgedOrStalePressIsRefusedAndChangesNothing() {
        String marker = marker("forged");
        long id = trigger(API_KEY, marker);
        String body = form(payload("U0ALICE", "acknowledge", String.valueOf(id)));
        String now = String.valueOf(clock.instant().getEpochSecond());

        Answer forged = interactions(body, now, "v0=" + sign("not-the-secret", now, body));
        assertThat(forged.status()).isEqualTo(401);
        Answer altered = interactions(body.replace("U0ALICE", "U0BOB"), now, "v0=" + sign(SIGNING_SECRET, now, body));
        assertThat(altered.status()).isEqualTo(401);
        Answer unsigned = interactions(body, now, null);
        assertThat(unsigned.status()).isEqualTo(401);
        String stale = String.valueOf(clock.instant().minus(Duration.ofMinutes(6)).getEpochSecond());
        Answer replayed = interactions(body, stale, "v0=" + sign(SIGNING_SECRET, stale, body));
        assertThat(replayed.status()).isEqualTo(401);
        String future = String.valueOf(clock.instant().plus(Duration.ofMinutes(6)).getEpochSecond());
        assertThat(interactions(body, future, "v0=" + sign(SIGNING_SECRET, future, body)).status()).isEqualTo(401);

        JsonNode incident = api.get("/api/v1/incidents/" + id).json();
        assertThat(incident.path("incident").path("status").asString()).isEqualTo("TRIGGERED");
        assertThat(incident.path("timeline").toString()).doesNotContain("ACKNOWLEDGED");

        // The same body with a genuine signature is accepted: the refusals above were about the signature alone.
        assertThat(interactions(body, now, "v0=" + sign(SIGNING_SECRET, now, body)).status()).isEqualTo(200);
        assertThat(status(id)).isEqualTo("ACKNOWLEDGED");
        FAKE.await(r -> r.path().startsWith("/actions/T0TOCSIN/" + id + "/"), WITHIN, "the reply to the genuine press");
        assertThat(FAKE.matching(r -> r.path().startsWith("/actions/T0TOCSIN/" + id + "/"))).as("refused presses get no reply").hasSize(1);
    }

    @Test
    void theTeamsSlackChannelAndTheSeveritysTeamsChannelHearOpenedAcknowledgedAndResolved() {
        String marker = marker("channel");
        long id = trigger(API_KEY, marker, "error");
        // The api service names no channel, so its owning team's #backend hears; P2's channel is a Teams workflow.
        FakeChatServer.Request opened = FAKE.await(slackTo("#backend", marker), WITHIN, "the opening post in #backend");
        assertThat(opened.body()).contains("opened as P2 on service api");
        assertThat(opened.header("Authorization")).isEqualTo("Bearer " + BOT_TOKEN);
        assertThat(opened.json().path("blocks").toString()).as("a channel post carries no personal buttons").doesNotContain("acknowledge");
        FakeChatServer.Request teams = FAKE.await(r -> r.path().equals("/teams/incidents") && r.body().contains(marker), WITHIN,
                "the opening card in the Teams channel");
        assertThat(teams.body()).contains("AdaptiveCard").contains("opened as P2");

        assertThat(press("U0ALICE", "acknowledge", String.valueOf(id)).status()).isEqualTo(200);
        FakeChatServer.Request acknowledged = FAKE.await(r -> slackTo("#backend", marker).test(r) && r.body().contains("acknowledged by alice"),
                WITHIN, "the acknowledgement in #backend");
        FAKE.await(r -> r.path().equals("/teams/incidents") && r.body().contains(marker) && r.body().contains("acknowledged by alice"),
                WITHIN, "the acknowledgement in Teams");

        api.postJson("/api/v1/incidents/" + id + "/resolve", "{}");
        FakeChatServer.Request resolved = FAKE.await(r -> slackTo("#backend", marker).test(r) && r.body().contains("resolved by"), WITHIN,
                "the resolution in #backend");
        // The channel shows one line per incident: what followed the opening post is in its thread.
        assertThat(opened.json().has("thread_ts")).isFalse();
        String thread = acknowledged.json().path("thread_ts").asString("");
        assertThat(thread).isNotEmpty();
        assertThat(resolved.json().path("thread_ts").asString()).isEqualTo(thread);
        FAKE.await(r -> r.path().equals("/teams/incidents") && r.body().contains(marker) && r.body().contains("resolved by"),
                WITHIN, "the resolution in Teams");
        assertThat(FAKE.matching(slackTo("#backend", marker))).hasSize(3);
    }

    @Test
    void aRoutingRuleCanSendAChatOnlyIncidentToItsOwnChannelAndNobodyIsPaged() throws Exception {
        String marker = marker("routed");
        Answer a = api.withToken(null).postJson("/api/v1/integrations/alertmanager/am-chat-0123456789", Map.of("version", "4",
                "status", "firing", "alerts", List.of(Map.of("status", "firing", "fingerprint", marker,
                        "labels", Map.of("alertname", "ErrorRate", "error_rate", "3.1"), "annotations", Map.of("summary", marker)))));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        // The rule's #incidents replaces P2's Teams channel; the owning team's #backend hears too.
        FakeChatServer.Request post = FAKE.await(slackTo("#incidents", marker), WITHIN, "the post in #incidents");
        assertThat(post.body()).contains("chat notification only in #incidents, #backend");
        FAKE.await(slackTo("#backend", marker), WITHIN, "the post in #backend");
        // Everything due by now is sent: a Teams post or a page wrongly queued for this incident would be among it.
        WorkerCycle.complete(timers, dispatcher, jdbc, clock);
        assertThat(FAKE.matching(r -> r.path().equals("/teams/incidents") && r.body().contains(marker))).isEmpty();
        assertThat(FAKE.matching(r -> r.body().contains(marker) && r.path().equals("/api/chat.postMessage")
                && r.json().path("channel").asString().startsWith("U"))).as("nobody is paged").isEmpty();
    }

    @Test
    void aSecondPressSaysWhoAlreadyAcknowledged() {
        String marker = marker("twice");
        long id = trigger(API_KEY, marker);
        assertThat(press("U0ALICE", "acknowledge", String.valueOf(id)).status()).isEqualTo(200);
        Answer again = press("U0BOB", "acknowledge", String.valueOf(id));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("text").asString()).startsWith("INC-" + id + ": no change, already acknowledged by alice");
        FakeChatServer.Request reply = FAKE.await(r -> r.path().equals("/actions/T0TOCSIN/" + id + "/U0BOB"), WITHIN, "the reply to bob");
        assertThat(reply.json().path("text").asString()).startsWith("INC-" + id + ": no change, already acknowledged by alice");
        // Deliveries keep adding their results to the timeline; the second press itself adds nothing.
        int acknowledgements = 0;
        for (JsonNode e : api.get("/api/v1/incidents/" + id).json().path("timeline")) {
            acknowledgements += e.path("kind").asString().equals("ACKNOWLEDGED") ? 1 : 0;
        }
        assertThat(acknowledgements).isEqualTo(1);
    }

    @Test
    void aSlackUserWithNoTocsinPersonIsToldSoAndChangesNothing() {
        String marker = marker("stranger");
        long id = trigger(API_KEY, marker);
        Answer a = press("U0STRANGER", "acknowledge", String.valueOf(id));
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json().path("text").asString()).contains("U0STRANGER is not linked to a Tocsin person");
        assertThat(a.json().path("response_type").asString()).isEqualTo("ephemeral");
        assertThat(status(id)).isEqualTo("TRIGGERED");
    }

    @Test
    void escalateAndResolveButtonsActAsThePresser() {
        String marker = marker("escalate-button");
        long id = trigger(API_KEY, marker);
        Answer escalated = press("U0ALICE", "escalate", String.valueOf(id));
        assertThat(escalated.json().path("text").asString()).isEqualTo("INC-" + id + " escalated by alice (now triggered)");
        FAKE.await(slackTo("U0BOB", marker), WITHIN, "the escalation's page to bob");
        assertThat(notified(id)).containsExactly("on-call:alice", "secondary:bob");

        Answer resolved = press("U0BOB", "resolve", String.valueOf(id));
        assertThat(resolved.json().path("text").asString()).isEqualTo("INC-" + id + " resolved by bob (now resolved)");
        JsonNode resolvedEntry = entry(api.get("/api/v1/incidents/" + id).json(), "RESOLVED");
        assertThat(resolvedEntry.path("actor").asString()).isEqualTo("bob");
        assertThat(resolvedEntry.path("via").asString()).isEqualTo("slack");
        // Alice was paged and did not resolve it herself: she hears about it in Slack, without buttons, as a
        // reply under her page (in the direct-message conversation the page landed in).
        FakeChatServer.Request notice = FAKE.await(r -> slackTo("D0ALICE", marker).test(r) && r.body().contains("resolved"),
                WITHIN, "the resolution notice to alice");
        assertThat(notice.json().path("blocks").size()).isEqualTo(1);
        assertThat(notice.json().path("thread_ts").asString("")).isNotEmpty();
    }

    @Test
    void aRateLimitedPageIsSentAgainWhenSlackSaysItMay() {
        String marker = marker("ratelimited");
        // The page to alice, not the post in #backend that carries the same summary.
        FAKE.rateLimit(FakeChatServer.allOf(marker, "\"U0ALICE\""), 30, 1);
        long id = trigger(API_KEY, marker);
        FAKE.await(slackTo("U0ALICE", marker), WITHIN, "the first, rate-limited attempt");
        JsonNode failed = awaitTimeline(id, "DELIVERY_FAILED", "slack to alice by slack failed (ratelimited");
        assertThat(failed.path("text").asString()).contains("retrying in 30.0 s");
        assertThat(FAKE.matching(slackTo("U0ALICE", marker))).hasSize(1);

        clock.advance(Duration.ofSeconds(31));
        awaitTimeline(id, "DELIVERED", "slack to alice by slack delivered (ok");
        assertThat(FAKE.matching(slackTo("U0ALICE", marker))).hasSize(2);
    }

    @Test
    void aRefusedTokenPutsTheDeliveryInTheDeadLettersAndTriesTheNextContactMethod() {
        String marker = marker("invalid-auth");
        FAKE.failWith(FakeChatServer.allOf(marker, "\"U0ALICE\""), "invalid_auth", 1);
        long id = trigger(API_KEY, marker);
        // Teams is alice's step after 5 minutes; the clock does not move, so only the fallback can send it now.
        FakeChatServer.Request teams = FAKE.await(r -> r.path().equals("/teams/alice") && r.body().contains(marker), WITHIN,
                "the fallback to alice's Teams");
        assertThat(teams.body()).contains("AdaptiveCard");
        awaitTimeline(id, "DELIVERY_DEAD", "slack to alice by slack failed for good (invalid_auth");

        JsonNode dead = null;
        for (JsonNode d : api.get("/api/v1/dlq?limit=1000").json()) {
            if (d.path("incident_id").asLong() == id && "slack".equals(d.path("channel").asString())) {
                dead = d;
            }
        }
        assertThat(dead).as("the Slack delivery in the dead letters").isNotNull();
        assertThat(dead.path("status").asString()).isEqualTo("DEAD");
        assertThat(dead.path("provider_status").asString()).isEqualTo("invalid_auth");
        assertThat(dead.path("address").asString()).isEqualTo("U0ALICE");
        assertThat(FAKE.matching(slackTo("U0ALICE", marker))).hasSize(1);
    }

    @Test
    void aTeamsPageIsAnAdaptiveCardWhoseButtonsOpenTheSignedLinks() {
        String marker = marker("teams");
        long id = trigger(WEB_KEY, marker);
        FakeChatServer.Request r = FAKE.await(x -> x.path().equals("/teams/carol") && x.body().contains(marker), WITHIN,
                "the Teams card to carol");
        assertThat(r.header("Content-Type")).startsWith("application/json");
        JsonNode m = r.json();
        assertThat(m.path("type").asString()).isEqualTo("message");
        JsonNode attachment = m.path("attachments").get(0);
        assertThat(attachment.path("contentType").asString()).isEqualTo("application/vnd.microsoft.card.adaptive");
        JsonNode card = attachment.path("content");
        assertThat(card.path("type").asString()).isEqualTo("AdaptiveCard");
        assertThat(card.path("version").asString()).isEqualTo("1.4");
        assertThat(card.path("body").get(0).path("type").asString()).isEqualTo("TextBlock");
        assertThat(card.path("body").toString()).contains(marker);
        JsonNode actions = card.path("actions");
        assertThat(actions.size()).isEqualTo(2);
        assertThat(actions.get(0).path("type").asString()).isEqualTo("Action.OpenUrl");
        assertThat(actions.get(0).path("title").asString()).isEqualTo("Acknowledge");
        assertThat(actions.get(1).path("type").asString()).isEqualTo("Action.OpenUrl");
        assertThat(actions.get(1).path("title").asString()).isEqualTo("Resolve");
        String ackUrl = actions.get(0).path("url").asString();
        assertThat(ackUrl).contains("/links/");
        assertThat(actions.get(1).path("url").asString()).contains("/links/").isNotEqualTo(ackUrl);
        awaitTimeline(id, "DELIVERED", "teams to carol by teams delivered (202");

        // The card's button opens the signed link, which acknowledges as carol.
        Answer link = new HttpCalls("http://localhost:" + port, null).post(URI.create(ackUrl).getPath(), "application/x-www-form-urlencoded", "");
        assertThat(link.status()).isEqualTo(200);
        assertThat(status(id)).isEqualTo("ACKNOWLEDGED");
    }

    // ---- helpers ----

    static String marker(String what) {
        return what + "-" + System.nanoTime();
    }

    /** Opens an incident through the PagerDuty Events v2 endpoint; its summary is the marker. */
    long trigger(String key, String marker) {
        return trigger(key, marker, "critical");
    }

    long trigger(String key, String marker, String severity) {
        Answer a = api.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", key, "event_action", "trigger",
                "dedup_key", marker, "payload", Map.of("summary", marker, "source", "prometheus", "severity", severity)));
        assertThat(a.status()).as(a.body()).isEqualTo(202);
        for (JsonNode i : api.get("/api/v1/incidents?limit=1000").json()) {
            if (i.path("dedup_key").asString().equals(marker)) {
                return Long.parseLong(i.path("id").asString().substring(4));
            }
        }
        throw new AssertionError("no incident for " + marker);
    }

    static Predicate<FakeChatServer.Request> slackTo(String channel, String marker) {
        return r -> r.path().equals("/api/chat.postMessage") && r.body().contains(marker)
                && channel.equals(r.json().path("channel").asString());
    }

    String status(long id) {
        return api.get("/api/v1/incidents/" + id).json().path("incident").path("status").asString();
    }

    List<String> notified(long id) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : api.get("/api/v1/incidents/" + id).json().path("timeline")) {
            if (e.path("kind").asString().equals("NOTIFIED")) {
                List<String> people = new ArrayList<>();
                e.path("people").forEach(p -> people.add(p.asString()));
                out.add(e.path("level").asString() + ":" + String.join(",", people));
            }
        }
        return out;
    }

    static JsonNode entry(JsonNode incident, String kind) {
        for (JsonNode e : incident.path("timeline")) {
            if (e.path("kind").asString().equals(kind)) {
                return e;
            }
        }
        throw new AssertionError("no " + kind + " on the timeline: " + incident.path("timeline"));
    }

    JsonNode awaitTimeline(long id, String kind, String textStart) {
        AtomicReference<JsonNode> found = new AtomicReference<>();
        await().atMost(WITHIN).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(25)).untilAsserted(() -> {
            JsonNode timeline = api.get("/api/v1/incidents/" + id).json().path("timeline");
            for (JsonNode e : timeline) {
                if (e.path("kind").asString().equals(kind) && e.path("text").asString().startsWith(textStart)) {
                    found.set(e);
                    return;
                }
            }
            throw new AssertionError("no " + kind + " \"" + textStart + "...\" on INC-" + id + "'s timeline: " + timeline);
        });
        return found.get();
    }

    /** A block_actions payload as Slack sends it when a button in a message is pressed. */
    static String payload(String user, String action, String value) {
        return HttpCalls.JSON.writeValueAsString(Map.of(
                "type", "block_actions",
                "user", Map.of("id", user, "username", "someone", "name", "Some One", "team_id", "T0TOCSIN"),
                "api_app_id", "A0TOCSIN",
                "team", Map.of("id", "T0TOCSIN", "domain", "tocsin-test"),
                "container", Map.of("type", "message", "message_ts", "1774746000.000101", "channel_id", "D0ALICE"),
                "channel", Map.of("id", "D0ALICE", "name", "directmessage"),
                "response_url", FAKE.baseUrl() + "/actions/T0TOCSIN/" + value + "/" + user,
                "trigger_id", "1.2.3",
                "actions", List.of(Map.of("type", "button", "action_id", action, "block_id", "tocsin-incident-" + value,
                        "value", value, "text", Map.of("type", "plain_text", "text", "Press me"), "action_ts", "1774746001.1"))));
    }

    /**
     * Spaces as %20, not the + a form encoder writes: a server that re-encodes the parsed form
     * before checking the signature would compute it over different bytes and refuse the press.
     */
    static String form(String payloadJson) {
        return "payload=" + URLEncoder.encode(payloadJson, StandardCharsets.UTF_8).replace("+", "%20");
    }

    Answer press(String user, String action, String value) {
        String body = form(payload(user, action, value));
        String ts = String.valueOf(clock.instant().getEpochSecond());
        return interactions(body, ts, "v0=" + sign(SIGNING_SECRET, ts, body));
    }

    Answer interactions(String body, String timestamp, String signature) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/integrations/slack/interactions"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Slack-Request-Timestamp", timestamp)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            b.header("X-Slack-Signature", signature);
        }
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Slack's v0 signature, written out here rather than borrowed from the code under test. */
    static String sign(String secret, String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(("v0:" + timestamp + ":" + body).getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
