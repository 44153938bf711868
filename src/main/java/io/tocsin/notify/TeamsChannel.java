package io.tocsin.notify;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Microsoft Teams through a Workflows webhook (or a legacy incoming webhook): the address is its URL.
 * The message is an Adaptive Card; its buttons open the signed acknowledgement links, because a
 * webhook cannot receive button presses back the way a Slack app can.
 */
final class TeamsChannel implements Channel {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ProviderCall call;

    TeamsChannel(ProviderCall call) {
        this.call = call;
    }

    @java.lang.Override
    public String type() {
        return "teams";
    }

    @java.lang.Override
    public SendResult send(Message m) {
        String address = m.address() == null ? "" : m.address().trim();
        if (!address.startsWith("https://") && !address.startsWith("http://")) {
            return SendResult.permanent("bad-address", "a Teams contact method's address is the workflow or webhook URL, not \""
                    + address + "\"");
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(address))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(message(m))));
        return call.send(request, a -> legacyAnswer(a.status(), a.body()));
    }

    static Map<String, Object> message(Message m) {
        List<Map<String, Object>> body = new ArrayList<>();
        body.add(textBlock(m.subject(), true));
        if (m.text() != null && !m.text().isBlank()) {
            body.add(textBlock(m.text().strip(), false));
        }
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        // 1.4 is the newest version every Teams client renders.
        card.put("version", "1.4");
        card.put("body", body);
        if (m.acknowledgeUrl() != null) {
            card.put("actions", List.of(
                    Map.of("type", "Action.OpenUrl", "title", "Acknowledge", "url", m.acknowledgeUrl()),
                    Map.of("type", "Action.OpenUrl", "title", "Resolve", "url", m.resolveUrl())));
        }
        return Map.of("type", "message", "attachments", List.of(Map.of(
                "contentType", "application/vnd.microsoft.card.adaptive", "content", card)));
    }

    private static Map<String, Object> textBlock(String text, boolean heading) {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("type", "TextBlock");
        block.put("text", text == null ? "" : inertLinks(text));
        block.put("wrap", true);
        if (heading) {
            block.put("weight", "Bolder");
            block.put("size", "Medium");
        }
        return block;
    }

    private static final java.util.regex.Pattern MARKDOWN_LINK = java.util.regex.Pattern.compile("\\[([^\\]\\n]*)]\\(([^)\\n]*)\\)");

    /**
     * A TextBlock renders Markdown, so an alert's detail written as {@code [x](javascript:...)} would
     * be a link: a Markdown link whose target is not http(s) is written out as plain words instead.
     */
    static String inertLinks(String text) {
        return MARKDOWN_LINK.matcher(text).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                io.tocsin.incident.EventDetails.safe(m.group(2)) != null ? m.group() : m.group(1) + " (" + m.group(2) + ")"));
    }

    /**
     * Workflows answer 202. Legacy connector webhooks answer 200 even when Teams refused the message,
     * with the refusal in the body; a refusal for throttling is worth retrying, any other is not.
     */
    static SendResult legacyAnswer(int status, String body) {
        String b = body == null ? "" : body;
        if (b.contains("Webhook message delivery failed")) {
            return b.contains("429") ? SendResult.retry("429", null, b) : SendResult.permanent(String.valueOf(status), b);
        }
        return SendResult.sent(String.valueOf(status));
    }
}
