package io.tocsin.api;

import io.tocsin.config.OrganisationConfig;
import io.tocsin.engine.Command;
import io.tocsin.incident.IncidentEngine;
import io.tocsin.incident.Incidents;
import io.tocsin.notify.SlackReplies;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Where Slack sends button presses (the app's Interactivity request URL). The signature covers the
 * raw body, so the body is read here byte for byte: letting Spring parse the form first would hand
 * back a re-encoded body whose signature no longer matches. The Slack user who pressed is the actor,
 * found through the person whose {@code slack} contact method is that user id.
 */
@RestController
class SlackInteractionsController {
    private static final Logger LOG = LoggerFactory.getLogger(SlackInteractionsController.class);
    /** Slack's payloads carry the whole original message; a megabyte is far more than any of them. */
    private static final int MAX_BODY = 1024 * 1024;

    private final Incidents incidents;
    private final IncidentEngine engine;
    private final SlackReplies replies;
    private final SlackSignature signature;

    SlackInteractionsController(Incidents incidents, IncidentEngine engine, SlackReplies replies, Clock clock,
                                @Value("${tocsin.notify.slack.signing-secret:}") String signingSecret) {
        this.incidents = incidents;
        this.engine = engine;
        this.replies = replies;
        this.signature = new SlackSignature(signingSecret, clock);
    }

    @io.swagger.v3.oas.annotations.Operation(summary = "Slack: a button pressed on a Tocsin post, signed by Slack", requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/x-www-form-urlencoded",
            schema = @io.swagger.v3.oas.annotations.media.Schema(type = "object", description = "Slack's interaction payload (payload=<JSON>), verified with X-Slack-Signature and X-Slack-Request-Timestamp."))))
    @PostMapping(value = "/api/v1/integrations/slack/interactions", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> interact(HttpServletRequest request) throws IOException {
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(text("request body too large"));
        }
        String rejection = signature.rejection(request.getHeader("X-Slack-Request-Timestamp"), request.getHeader("X-Slack-Signature"), body);
        if (rejection != null) {
            LOG.warn("Slack interaction refused: {}", rejection);
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(text("not a genuine Slack request: " + rejection));
        }
        SlackInteraction interaction;
        try {
            interaction = SlackInteraction.parse(body);
        } catch (BadRequestException e) {
            // Slack shows this text to whoever pressed, so it is said in Slack's shape, not as a problem.
            return ResponseEntity.badRequest().body(text(e.getMessage()));
        }
        String answer = act(interaction);
        replies.tell(interaction.responseUrl(), answer);
        return ResponseEntity.ok(text(answer));
    }

    /** What the press did, in words for the person who pressed. */
    private String act(SlackInteraction interaction) {
        String slackUser = interaction.user();
        String actionId = interaction.actionId();
        String value = interaction.value();
        if (actionId.isEmpty()) {
            // Other interactions (shortcuts, view submissions) are not ours; Slack only needs the 200.
            return "nothing to do";
        }
        Optional<OrganisationConfig.Person> person = personFor(slackUser);
        if (person.isEmpty()) {
            return "Slack user " + slackUser + " is not linked to a Tocsin person: add a contact method "
                    + "of type slack with address " + slackUser + " to your person in the configuration";
        }
        String who = person.get().id();
        Command command = switch (actionId) {
            case "acknowledge" -> new Command.Acknowledge(who);
            case "resolve" -> new Command.Resolve(who);
            case "escalate" -> new Command.Escalate(who, null);
            default -> null;
        };
        if (command == null) {
            return "unknown action " + actionId;
        }
        long id;
        try {
            id = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return "the button names no incident (value \"" + value + "\")";
        }
        Optional<Incidents.CommandResult> result;
        try {
            result = incidents.command(id, command, who, "slack");
        } catch (IllegalArgumentException | IllegalStateException e) {
            // The exception speaks Java; the person who pressed gets words, the log the details.
            LOG.warn("Slack {} on INC-{} by {} failed", actionId, id, who, e);
            return "INC-" + id + ": could not " + actionId + " it; try the link in the page or the CLI";
        }
        return result.map(r -> r.changed()
                ? r.incident().number() + " " + past(actionId) + " by " + who + " (now " + r.incident().status().toLowerCase() + ")"
                : r.incident().number() + ": no change, " + r.message())
                .orElse("no incident INC-" + id);
    }

    private Optional<OrganisationConfig.Person> personFor(String slackUser) {
        if (slackUser.isBlank()) {
            return Optional.empty();
        }
        return engine.organisation().people().values().stream()
                .filter(p -> p.contactMethods().stream().anyMatch(c -> "slack".equals(c.type()) && c.address() != null
                        && c.address().trim().equals(slackUser)))
                .findFirst();
    }

    private static String past(String action) {
        return switch (action) {
            case "acknowledge" -> "acknowledged";
            case "resolve" -> "resolved";
            default -> "escalated";
        };
    }

    /** Only the presser sees it: the channel should not fill up with receipts. */
    private static Map<String, Object> text(String text) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("response_type", "ephemeral");
        m.put("replace_original", false);
        m.put("text", text);
        return m;
    }
}
