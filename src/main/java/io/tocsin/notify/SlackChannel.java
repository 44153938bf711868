package io.tocsin.notify;

import io.tocsin.store.NotificationStore;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Slack, either through the Web API as the app's bot (address: a user id, which Slack turns into a
 * direct message, or a channel id or #name) or through an incoming webhook (address: its URL). A page
 * carries Acknowledge / Resolve / Escalate buttons that come back to the interactivity endpoint, so
 * nobody has to leave Slack to stop the ladder.
 */
final class SlackChannel implements Channel {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Slack refuses a section whose text is longer than this. */
    private static final int SECTION_LIMIT = 3000;
    /**
     * Errors that name the request, the token or the workspace as wrong: sending again cannot help.
     * Anything else, including errors Slack adds later, is retried, because losing a page is worse
     * than a few wasted calls.
     */
    private static final Set<String> PERMANENT = Set.of("invalid_auth", "not_authed", "account_inactive", "token_revoked",
            "token_expired", "no_permission", "missing_scope", "not_allowed_token_type", "channel_not_found", "not_in_channel",
            "is_archived", "user_not_found", "restricted_action", "msg_too_long", "no_text", "invalid_blocks",
            "invalid_blocks_format", "invalid_arguments", "invalid_arg_name", "invalid_charset", "invalid_form_data",
            "invalid_post_type", "missing_post_type", "too_many_attachments", "ekm_access_denied", "team_access_not_granted",
            "two_factor_setup_required", "access_denied", "org_login_required", "method_deprecated", "deprecated_endpoint",
            "enterprise_is_restricted", "team_not_found", "app_missing_action_url");

    private final ProviderCall call;
    private final String baseUrl;
    private final String botToken;
    private final ChatThreads threads;

    SlackChannel(ProviderCall call, String baseUrl, String botToken, ChatThreads threads) {
        this.call = call;
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.botToken = botToken == null ? "" : botToken.trim();
        this.threads = threads;
    }

    @java.lang.Override
    public String type() {
        return "slack";
    }

    @java.lang.Override
    public SendResult send(Message m) {
        String address = m.address() == null ? "" : m.address().trim();
        Map<String, Object> body = new LinkedHashMap<>();
        if (isWebhook(address)) {
            body.put("text", fallback(m));
            body.put("blocks", blocks(m));
            // An incoming webhook answers a plain "ok"; its failures are HTTP statuses, which ProviderCall classifies.
            return call.send(post(address, body), a -> SendResult.sent(String.valueOf(a.status())));
        }
        if (botToken.isEmpty()) {
            return SendResult.permanent("no-token", "no Slack bot token configured (tocsin.notify.slack.bot-token)");
        }
        if (address.isEmpty()) {
            return SendResult.permanent("bad-address", "no Slack user or channel given");
        }
        Long incident = numericId(m.incidentId());
        Optional<NotificationStore.ChatThread> thread = incident == null ? Optional.empty() : threads.find(incident, address);
        // A notice (acknowledged, resolved, a status update) is a reply in the thread of the incident's
        // first post there; a page never is: a page hidden in a thread is a page nobody sees.
        boolean reply = thread.isPresent() && m.acknowledgeUrl() == null;
        body.put("channel", reply ? thread.get().channelId() : address);
        if (reply) {
            body.put("thread_ts", thread.get().threadTs());
        }
        body.put("text", fallback(m));
        body.put("blocks", blocks(m));
        HttpRequest.Builder request = post(baseUrl + "/chat.postMessage", body).header("Authorization", "Bearer " + botToken);
        return rateLimitNamed(call.send(request, a -> {
            SendResult r = webApiAnswer(a.body());
            if (r.outcome() == SendResult.Outcome.SENT && incident != null && thread.isEmpty()) {
                firstPost(a.body()).ifPresent(first -> threads.remember(incident, address, first));
            }
            return r;
        }));
    }

    /** Where Slack put a post and its timestamp, from chat.postMessage's answer. */
    static Optional<NotificationStore.ChatThread> firstPost(String answer) {
        JsonNode a = JSON.readTree(answer);
        String channel = a.path("channel").asString("");
        String ts = a.path("ts").asString("");
        return channel.isEmpty() || ts.isEmpty() ? Optional.empty() : Optional.of(new NotificationStore.ChatThread(channel, ts));
    }

    /** Whether a post to this address can work at all: a webhook needs nothing more, a channel needs the bot token. */
    boolean canReach(String address) {
        return isWebhook(address) || !botToken.isEmpty();
    }

    static boolean isWebhook(String address) {
        return address.startsWith("https://") || address.startsWith("http://");
    }

    /** The Web API says HTTP 200 for most failures; only the body's {@code ok} tells. */
    static SendResult webApiAnswer(String body) {
        JsonNode answer;
        try {
            answer = JSON.readTree(body);
        } catch (JacksonException e) {
            return SendResult.retry("malformed", null, "Slack answered 200 with a body that is not JSON: " + shorten(body));
        }
        if (answer == null || !answer.isObject()) {
            return SendResult.retry("malformed", null, "Slack answered 200 with a body that is not a JSON object: " + shorten(body));
        }
        if (answer.path("ok").asBoolean(false)) {
            return SendResult.sent("ok");
        }
        String error = answer.path("error").asString("");
        if (error.isEmpty()) {
            return SendResult.retry("malformed", null, "Slack answered ok:false without an error: " + shorten(body));
        }
        return PERMANENT.contains(error) ? SendResult.permanent(error, "Slack answered ok:false, error " + error)
                : SendResult.retry(error, null, "Slack answered ok:false, error " + error);
    }

    /**
     * Slack rate-limits with HTTP 429, a Retry-After header and {@code error: ratelimited}; ProviderCall
     * already honours the header, this only names the status the way Slack does for the timeline.
     */
    private static SendResult rateLimitNamed(SendResult r) {
        if (r.outcome() == SendResult.Outcome.RETRY && "429".equals(r.providerStatus())) {
            return new SendResult(r.outcome(), "ratelimited", r.retryAfter(), r.detail());
        }
        return r;
    }

    private static HttpRequest.Builder post(String url, Map<String, Object> body) {
        return HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    }

    /** What the phone notification and screen readers show; the blocks carry the full text. Slack reads it as mrkdwn too. */
    private static String fallback(Message m) {
        return escape(m.subject() == null || m.subject().isBlank() ? String.valueOf(m.text()) : m.subject());
    }

    static List<Map<String, Object>> blocks(Message m) {
        List<Map<String, Object>> blocks = new ArrayList<>();
        String text = escape(m.text() == null ? "" : m.text().strip());
        if (text.length() > SECTION_LIMIT) {
            text = text.substring(0, SECTION_LIMIT - 1) + "…";
        }
        blocks.add(Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text", text.isEmpty() ? " " : text)));
        Long id = numericId(m.incidentId());
        // Only a page can be acted on; a notice (acknowledged, resolved) or a test page has no buttons.
        if (m.acknowledgeUrl() != null && id != null) {
            String value = String.valueOf(id);
            blocks.add(Map.of("type", "actions", "block_id", "tocsin-incident-" + value, "elements", List.of(
                    button("acknowledge", "Acknowledge", value, "primary"),
                    button("resolve", "Resolve", value, null),
                    button("escalate", "Escalate", value, "danger"))));
        }
        return blocks;
    }

    private static Map<String, Object> button(String action, String label, String value, String style) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("type", "button");
        b.put("action_id", action);
        b.put("text", Map.of("type", "plain_text", "text", label));
        b.put("value", value);
        if (style != null) {
            b.put("style", style);
        }
        return b;
    }

    static Long numericId(String incidentId) {
        if (incidentId == null) {
            return null;
        }
        String digits = incidentId.regionMatches(true, 0, "INC-", 0, 4) ? incidentId.substring(4) : incidentId;
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Slack reads &lt; &gt; &amp; as markup (links, mentions); a summary must not ping @channel or forge a link. */
    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String shorten(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
