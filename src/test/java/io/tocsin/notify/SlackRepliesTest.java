package io.tocsin.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.testing.FakeChatServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class SlackRepliesTest {
    static final FakeChatServer FAKE = new FakeChatServer("unused");

    @AfterAll
    static void stop() {
        FAKE.close();
    }

    @Test
    void repliesOnlyToResponseUrlsUnderTheAllowedPrefix() {
        SlackReplies replies = new SlackReplies(FAKE.baseUrl() + "/actions/", Duration.ofSeconds(2), Duration.ofSeconds(5));
        replies.tell(FAKE.baseUrl() + "/hooks/elsewhere", "not here");
        replies.tell("https://evil.example/actions/", "not here");
        replies.tell(null, "not here");
        replies.tell(FAKE.baseUrl() + "/actions/T0/1/abc", "INC-1 acknowledged by alice");

        FakeChatServer.Request r = FAKE.await(x -> x.path().startsWith("/actions/"), Duration.ofSeconds(5), "the reply");
        assertThat(r.json().path("text").asString()).isEqualTo("INC-1 acknowledged by alice");
        assertThat(r.json().path("response_type").asString()).isEqualTo("ephemeral");
        assertThat(r.json().path("replace_original").asBoolean(true)).isFalse();
        // Refusal happens before anything is sent, so nothing else can still be on its way.
        assertThat(FAKE.requests()).hasSize(1);
    }
}
