package io.tocsin.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tocsin.testing.FuzzContract;

/**
 * Slack interaction callbacks ({@code POST /api/v1/integrations/slack/interactions}: a form whose
 * {@code payload} field holds JSON) through {@link SlackInteraction#parse}, the controller's code:
 * the press, or a {@link BadRequestException} naming {@code payload} (answered 400) — never another exception.
 */
class SlackInteractionFuzzTest {
    @FuzzTest
    void interaction(byte[] body) {
        SlackInteraction press;
        try {
            press = SlackInteraction.parse(body);
        } catch (BadRequestException refused) {
            assertThat(refused.field()).isEqualTo("payload");
            FuzzContract.namesField(refused.field(), refused.getMessage(), new String(body, java.nio.charset.StandardCharsets.UTF_8));
            return;
        }
        assertThat(press.user()).isNotNull();
        assertThat(press.actionId()).isNotNull();
        assertThat(press.value()).isNotNull();
    }
}
