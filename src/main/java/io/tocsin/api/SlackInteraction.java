package io.tocsin.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Slack interaction callback as read from its body (a form whose {@code payload} field holds
 * Slack's JSON), without the server around it: the controller and the fuzz test
 * (SlackInteractionFuzzTest) run this same code. A body that is not one is a
 * {@link BadRequestException} naming {@code payload}.
 *
 * @param responseUrl where Slack takes a reply, or null
 * @param user        the Slack user id of who pressed, "" when not given
 * @param actionId    the first action's id, "" when there is none (not a button press of ours)
 * @param value       the first action's value, "" when not given
 */
record SlackInteraction(String responseUrl, String user, String actionId, String value) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static SlackInteraction parse(byte[] body) {
        JsonNode payload;
        try {
            payload = JSON.readTree(formField(new String(body, StandardCharsets.UTF_8), "payload").orElse(""));
        } catch (JacksonException | IllegalArgumentException e) {
            // IllegalArgumentException: a broken %-escape in the form
            payload = null;
        }
        if (payload == null || !payload.isObject()) {
            throw new BadRequestException("payload", "the form field payload must hold Slack's interaction JSON");
        }
        JsonNode action = payload.path("actions").path(0);
        return new SlackInteraction(payload.path("response_url").asString(null), payload.path("user").path("id").asString(""),
                action.path("action_id").asString(""), action.path("value").asString(""));
    }

    static Optional<String> formField(String form, String name) {
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return Optional.of(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }
}
