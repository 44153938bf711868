package io.tocsin.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.testing.FakeChatServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class SlackChannelTest {
    static final String TOKEN = "xoxb-unit-test";
    static final FakeChatServer FAKE = new FakeChatServer(TOKEN);
    final ProviderCall call = new ProviderCall(Duration.ofSeconds(2), Duration.ofSeconds(5));
    /** Threads kept in memory here; the server keeps them in the database (ChatThreads.in). */
    final java.util.Map<String, io.tocsin.store.NotificationStore.ChatThread> remembered = new java.util.concurrent.ConcurrentHashMap<>();
    final ChatThreads threads = new ChatThreads() {
        @java.lang.Override
        public java.util.Optional<io.tocsin.store.NotificationStore.ChatThread> find(long incidentId, String address) {
            return java.util.Optional.ofNullable(remembered.get(incidentId + " " + address));
        }

        @java.lang.Override
        public void remember(long incidentId, String address, io.tocsin.store.NotificationStore.ChatThread first) {
            remembered.putIfAbsent(incidentId + " " + address, first);
        }
    };
    final SlackChannel slack = new SlackChannel(call, FAKE.slackApi() + "/", TOKEN, threads);

    @AfterAll
    static void stop() {
        FAKE.close();
    }

    @BeforeEach
    void clear() {
        FAKE.clear();
    }

    static Message page(String address, String text) {
        return new Message("key-1", address, "[P1] api: " + text + " (INC-12)", "INC-12 P1 on api: " + text, "<p>html</p>", true,
                "INC-12", "http://tocsin/links/ack", "http://tocsin/links/resolve");
    }

    static Message notice(String address, String text) {
        return new Message("key-2", address, "[P1] api: INC-12 acknowledged", text, "<p>html</p>", false, "INC-12", null, null);
    }

    @Test
    void noticesOfAnIncidentAreRepliesInTheThreadOfItsFirstPostButAPageNeverHidesInAThread() {
        assertThat(slack.send(notice("#incidents", "INC-12 opened")).outcome()).isEqualTo(SendResult.Outcome.SENT);
        assertThat(slack.send(notice("#incidents", "INC-12 acknowledged by alice")).outcome()).isEqualTo(SendResult.Outcome.SENT);
        assertThat(slack.send(page("U0ALICE", "first page")).outcome()).isEqualTo(SendResult.Outcome.SENT);
        assertThat(slack.send(page("U0ALICE", "page again")).outcome()).isEqualTo(SendResult.Outcome.SENT);
        assertThat(slack.send(notice("U0ALICE", "INC-12 resolved")).outcome()).isEqualTo(SendResult.Outcome.SENT);

        List<FakeChatServer.Request> posts = FAKE.requests();
        JsonNode opened = posts.get(0).json();
        assertThat(opened.has("thread_ts")).isFalse();
        JsonNode acknowledged = posts.get(1).json();
        assertThat(acknowledged.path("channel").asString()).isEqualTo("#incidents");
        assertThat(acknowledged.path("thread_ts").asString()).isEqualTo(remembered.get("12 #incidents").threadTs()).isNotEmpty();
        assertThat(posts.get(2).json().has("thread_ts")).isFalse();
        assertThat(posts.get(3).json().has("thread_ts")).as("a second page is a page of its own").isFalse();
        // A post to a user id lands in a direct-message conversation: its replies go there.
        JsonNode resolved = posts.get(4).json();
        assertThat(resolved.path("channel").asString()).isEqualTo("D0ALICE");
        assertThat(resolved.path("thread_ts").asString()).isEqualTo(remembered.get("12 U0ALICE").threadTs());
    }

    @Test
    void aPageGoesToTheWebApiWithButtonsCarryingTheIncidentNumber() {
        SendResult r = slack.send(page("U0ALICE", "disk <full> & @channel"));
        assertThat(r.outcome()).isEqualTo(SendResult.Outcome.SENT);
        assertThat(r.providerStatus()).isEqualTo("ok");
        FakeChatServer.Request req = FAKE.requests().get(0);
        assertThat(req.path()).isEqualTo("/api/chat.postMessage");
        assertThat(req.header("Authorization")).isEqualTo("Bearer " + TOKEN);
        JsonNode body = req.json();
        assertThat(body.path("channel").asString()).isEqualTo("U0ALICE");
        assertThat(body.path("text").asString()).isEqualTo("[P1] api: disk &lt;full&gt; &amp; @channel (INC-12)");
        // Slack reads <...> as links and mentions: the section shows the summary, it cannot ping or forge a link.
        assertThat(body.path("blocks").get(0).path("text").path("text").asString())
                .isEqualTo("INC-12 P1 on api: disk &lt;full&gt; &amp; @channel");
        assertThat(body.path("blocks").get(0).path("text").path("type").asString()).isEqualTo("mrkdwn");
        JsonNode actions = body.path("blocks").get(1);
        assertThat(actions.path("type").asString()).isEqualTo("actions");
        List<String> ids = new ArrayList<>();
        actions.path("elements").forEach(b -> {
            ids.add(b.path("action_id").asString());
            assertThat(b.path("value").asString()).isEqualTo("12");
        });
        assertThat(ids).containsExactly("acknowledge", "resolve", "escalate");
    }

    @Test
    void aNoticeOrATestPageHasNoButtons() {
        assertThat(slack.send(notice("#incidents", "acknowledged by alice")).outcome()).isEqualTo(SendResult.Outcome.SENT);
        JsonNode body = FAKE.requests().get(0).json();
        assertThat(body.path("channel").asString()).isEqualTo("#incidents");
        assertThat(body.path("blocks").size()).isEqualTo(1);
        assertThat(slack.send(new Message("t", "C0INCIDENTS", "Tocsin test page", "test", "", false, null, null, null)).outcome())
                .isEqualTo(SendResult.Outcome.SENT);
        assertThat(FAKE.requests().get(1).json().path("blocks").size()).isEqualTo(1);
    }

    @Test
    void okFalseIsAFailureClassifiedBySlacksError() {
        FAKE.failWith("perm", "invalid_auth", 1);
        FAKE.failWith("gone", "channel_not_found", 1);
        FAKE.failWith("noauth", "not_authed", 1);
        FAKE.failWith("later", "internal_error", 1);
        FAKE.failWith("novel", "something_slack_adds_next_year", 1);
        assertPermanent(slack.send(page("U0ALICE", "perm")), "invalid_auth");
        assertPermanent(slack.send(page("U0ALICE", "gone")), "channel_not_found");
        assertPermanent(slack.send(page("U0ALICE", "noauth")), "not_authed");
        assertRetry(slack.send(page("U0ALICE", "later")), "internal_error");
        assertRetry(slack.send(page("U0ALICE", "novel")), "something_slack_adds_next_year");
        // The real fake checks the token too: a wrong one is Slack's invalid_auth, for good.
        assertPermanent(new SlackChannel(call, FAKE.slackApi(), "xoxb-wrong", threads).send(page("U0ALICE", "x")), "invalid_auth");
    }

    @Test
    void rateLimitingIsRetriedAfterWhatSlackSays() {
        FAKE.rateLimit("busy", 17, 1);
        SendResult r = slack.send(page("U0ALICE", "busy"));
        assertRetry(r, "ratelimited");
        assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(17));
        // ratelimited in a 200 (no Retry-After to read) still retries, on the dispatcher's backoff.
        FAKE.failWith("busy200", "ratelimited", 1);
        assertRetry(slack.send(page("U0ALICE", "busy200")), "ratelimited");
    }

    @Test
    void aTwoHundredThatIsNotSlacksJsonIsRetried() {
        FAKE.answer("html", 200, "<html>proxy error</html>", 1);
        FAKE.answer("array", 200, "[]", 1);
        FAKE.answer("noerror", 200, "{\"ok\":false}", 1);
        assertRetry(slack.send(page("U0ALICE", "html")), "malformed");
        assertRetry(slack.send(page("U0ALICE", "array")), "malformed");
        assertRetry(slack.send(page("U0ALICE", "noerror")), "malformed");
        FAKE.answer("bad-gateway", 502, "bad gateway", 1);
        assertRetry(slack.send(page("U0ALICE", "bad-gateway")), "502");
    }

    @Test
    void anIncomingWebhookAddressIsPostedToDirectlyWithoutTheToken() {
        SlackChannel noToken = new SlackChannel(call, FAKE.slackApi(), "", threads);
        SendResult r = noToken.send(page(FAKE.baseUrl() + "/hooks/T0/B0/xyz", "via hook"));
        assertThat(r.outcome()).isEqualTo(SendResult.Outcome.SENT);
        FakeChatServer.Request req = FAKE.requests().get(0);
        assertThat(req.path()).isEqualTo("/hooks/T0/B0/xyz");
        assertThat(req.header("Authorization")).isNull();
        JsonNode body = req.json();
        assertThat(body.has("channel")).isFalse();
        assertThat(body.path("text").asString()).contains("via hook");
        assertThat(body.path("blocks").get(1).path("elements").size()).isEqualTo(3);
    }

    @Test
    void withoutABotTokenOnlyWebhooksCanBeReached() {
        SendResult r = new SlackChannel(call, FAKE.slackApi(), " ", threads).send(page("U0ALICE", "x"));
        assertThat(r.outcome()).isEqualTo(SendResult.Outcome.PERMANENT);
        assertThat(r.detail()).contains("no Slack bot token configured");
        assertThat(FAKE.requests()).isEmpty();
    }

    @Test
    void anUnreachableSlackIsRetried() {
        SlackChannel nowhere = new SlackChannel(call, "http://127.0.0.1:1/api", TOKEN, threads);
        assertThat(nowhere.send(page("U0ALICE", "x")).outcome()).isEqualTo(SendResult.Outcome.RETRY);
    }

    static void assertPermanent(SendResult r, String status) {
        assertThat(r.outcome()).as(r.toString()).isEqualTo(SendResult.Outcome.PERMANENT);
        assertThat(r.providerStatus()).isEqualTo(status);
    }

    static void assertRetry(SendResult r, String status) {
        assertThat(r.outcome()).as(r.toString()).isEqualTo(SendResult.Outcome.RETRY);
        assertThat(r.providerStatus()).isEqualTo(status);
    }
}
