package io.tocsin.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SlackSignatureTest {
    // The worked example in Slack's "Verifying requests from Slack" documentation.
    static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    static final String TIMESTAMP = "1531420618";
    static final byte[] BODY = ("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
            + "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
            + "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
            + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c").getBytes(StandardCharsets.UTF_8);
    static final String SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    final MutableClock clock = new MutableClock(Instant.ofEpochSecond(1531420618L));
    final SlackSignature slack = new SlackSignature(SECRET, clock);

    @Test
    void slacksDocumentedExampleIsGenuine() {
        assertThat(SlackSignature.sign(SECRET.getBytes(StandardCharsets.UTF_8), TIMESTAMP, BODY))
                .isEqualTo(SIGNATURE.substring(3));
        assertThat(slack.rejection(TIMESTAMP, SIGNATURE, BODY)).isNull();
    }

    @Test
    void anyChangeToBodyTimestampOrSignatureIsRefused() {
        byte[] altered = BODY.clone();
        altered[altered.length - 1] = 'd';
        assertThat(slack.rejection(TIMESTAMP, SIGNATURE, altered)).contains("does not match");
        assertThat(slack.rejection("1531420619", SIGNATURE, BODY)).contains("does not match");
        assertThat(slack.rejection(TIMESTAMP, SIGNATURE.replace("v0=a2", "v0=b2"), BODY)).contains("does not match");
        assertThat(slack.rejection(TIMESTAMP, SIGNATURE.substring(3), BODY)).contains("does not match");
        assertThat(slack.rejection(TIMESTAMP, "v1=" + SIGNATURE.substring(3), BODY)).contains("does not match");
        assertThat(slack.rejection(TIMESTAMP, "", BODY)).contains("does not match");
        assertThat(new SlackSignature("another-secret", clock).rejection(TIMESTAMP, SIGNATURE, BODY)).contains("does not match");
    }

    @Test
    void aRequestMoreThanFiveMinutesFromNowIsRefusedEvenWhenSigned() {
        clock.advance(Duration.ofMinutes(5));
        assertThat(slack.rejection(TIMESTAMP, SIGNATURE, BODY)).isNull();
        clock.advance(Duration.ofSeconds(1));
        assertThat(slack.rejection(TIMESTAMP, SIGNATURE, BODY)).contains("more than 5 minutes");
        clock.set(Instant.ofEpochSecond(1531420618L).minus(Duration.ofMinutes(5)).minusSeconds(1));
        assertThat(slack.rejection(TIMESTAMP, SIGNATURE, BODY)).contains("more than 5 minutes");
    }

    @Test
    void missingHeadersOrAMissingSecretRefuseEverything() {
        assertThat(slack.rejection(null, SIGNATURE, BODY)).contains("required");
        assertThat(slack.rejection(TIMESTAMP, null, BODY)).contains("required");
        assertThat(slack.rejection("yesterday", SIGNATURE, BODY)).contains("not a number");
        assertThat(new SlackSignature("", clock).rejection(TIMESTAMP, SIGNATURE, BODY)).contains("no Slack signing secret");
        assertThat(new SlackSignature(null, clock).rejection(TIMESTAMP, SIGNATURE, BODY)).contains("no Slack signing secret");
    }
}
