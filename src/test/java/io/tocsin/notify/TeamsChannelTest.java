package io.tocsin.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.testing.FakeChatServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class TeamsChannelTest {
    static final FakeChatServer FAKE = new FakeChatServer("unused");
    final TeamsChannel teams = new TeamsChannel(new ProviderCall(Duration.ofSeconds(2), Duration.ofSeconds(5)));

    @AfterAll
    static void stop() {
        FAKE.close();
    }

    @BeforeEach
    void clear() {
        FAKE.clear();
    }

    @Test
    void aPageIsAnAdaptiveCardWithOpenUrlButtonsAndA202IsSent() {
        Message m = new Message("k", FAKE.baseUrl() + "/teams/workflow", "[P1] api: disk full (INC-3)", "INC-3 P1 on api: disk full\n",
                "<p/>", true, "INC-3", "http://tocsin/links/a", "http://tocsin/links/r");
        SendResult r = teams.send(m);
        assertThat(r.outcome()).isEqualTo(SendResult.Outcome.SENT);
        assertThat(r.providerStatus()).isEqualTo("202");
        JsonNode body = FAKE.requests().get(0).json();
        assertThat(body.path("type").asString()).isEqualTo("message");
        JsonNode card = body.path("attachments").get(0).path("content");
        assertThat(body.path("attachments").get(0).path("contentType").asString()).isEqualTo("application/vnd.microsoft.card.adaptive");
        assertThat(card.path("type").asString()).isEqualTo("AdaptiveCard");
        assertThat(card.path("version").asString()).isEqualTo("1.4");
        assertThat(card.path("body").get(0).path("text").asString()).isEqualTo("[P1] api: disk full (INC-3)");
        assertThat(card.path("body").get(1).path("text").asString()).isEqualTo("INC-3 P1 on api: disk full");
        assertThat(card.path("actions").get(0).path("type").asString()).isEqualTo("Action.OpenUrl");
        assertThat(card.path("actions").get(0).path("title").asString()).isEqualTo("Acknowledge");
        assertThat(card.path("actions").get(0).path("url").asString()).isEqualTo("http://tocsin/links/a");
        assertThat(card.path("actions").get(1).path("title").asString()).isEqualTo("Resolve");
        assertThat(card.path("actions").get(1).path("url").asString()).isEqualTo("http://tocsin/links/r");
    }

    @Test
    void aNoticeHasNoButtons() {
        teams.send(new Message("k", FAKE.baseUrl() + "/teams/w", "acknowledged", "by alice", "", false, "INC-3", null, null));
        assertThat(FAKE.requests().get(0).json().path("attachments").get(0).path("content").has("actions")).isFalse();
    }

    @Test
    void anAddressThatIsNotAUrlFailsForGood() {
        SendResult r = teams.send(new Message("k", "alice@example.com", "s", "t", "", false, null, null, null));
        assertThat(r.outcome()).isEqualTo(SendResult.Outcome.PERMANENT);
        assertThat(FAKE.requests()).isEmpty();
    }

    @Test
    void aLegacyWebhookRefusalInsideA200IsAFailure() {
        assertThat(TeamsChannel.legacyAnswer(200, "1").outcome()).isEqualTo(SendResult.Outcome.SENT);
        assertThat(TeamsChannel.legacyAnswer(200, "Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 429")
                .outcome()).isEqualTo(SendResult.Outcome.RETRY);
        assertThat(TeamsChannel.legacyAnswer(200, "Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 403")
                .outcome()).isEqualTo(SendResult.Outcome.PERMANENT);
    }

    @Test
    void aMarkdownLinkFromAnAlertIsALinkOnlyWhenItIsHttp() {
        Message m = new Message("k", FAKE.baseUrl() + "/teams/workflow", "[P1] api: x (INC-4)",
                "note: [click](javascript:alert(1)) and [dashboard](https://grafana.example/d/1) and [file](file:///etc/passwd)\n",
                "<p/>", true, "INC-4", null, null);
        assertThat(teams.send(m).outcome()).isEqualTo(SendResult.Outcome.SENT);
        String text = FAKE.requests().get(0).json().path("attachments").get(0).path("content").path("body").get(1).path("text").asString();
        assertThat(text).isEqualTo("note: click (javascript:alert(1)) and [dashboard](https://grafana.example/d/1) and file (file:///etc/passwd)");
        // The subject's own brackets are not a link and stay as they are.
        assertThat(TeamsChannel.inertLinks("[P1] api: disk full (INC-3)")).isEqualTo("[P1] api: disk full (INC-3)");
    }
}
