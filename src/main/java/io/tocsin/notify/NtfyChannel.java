package io.tocsin.notify;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

/**
 * Push through ntfy (self-hostable): the contact method's address is the topic. High-urgency pages go
 * out at priority 5 (ntfy's "max", which breaks through do-not-disturb on the phone app), with a
 * button that opens the signed acknowledgement page.
 */
final class NtfyChannel implements Channel {
    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder().build();

    private final ProviderCall call;
    private final String baseUrl;
    private final String token;

    NtfyChannel(ProviderCall call, String baseUrl, String token) {
        this.call = call;
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.token = token;
    }

    @java.lang.Override
    public String type() {
        return "push";
    }

    @java.lang.Override
    public SendResult send(Message m) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/" + URLEncoder.encode(m.address(), StandardCharsets.UTF_8)))
                .header("Title", ascii(m.subject()))
                .header("Priority", m.highUrgency() ? "5" : "3")
                .header("Tags", m.highUrgency() ? "rotating_light" : "information_source")
                .POST(HttpRequest.BodyPublishers.ofString(m.text()));
        if (m.acknowledgeUrl() != null) {
            request.header("Actions", "view, Acknowledge, " + m.acknowledgeUrl() + "; view, Resolve, " + m.resolveUrl());
        }
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token);
        }
        // ntfy answers the published message as JSON; anything else (a proxy's error page with a 200)
        // means the message may not have been published, so it is tried again under the same key.
        return call.send(request, a -> {
            try {
                String id = JSON.readTree(a.body()).path("id").asString("");
                return id.isEmpty() ? SendResult.retry("malformed-answer", null, "no message id in ntfy's answer")
                        : SendResult.sent(a.status() + " " + id);
            } catch (tools.jackson.core.JacksonException e) {
                return SendResult.retry("malformed-answer", null, "ntfy's answer is not JSON: " + e.getOriginalMessage());
            }
        });
    }

    /** HTTP header values must be ASCII; ntfy documents RFC 2047 for more, plain replacement is enough for a title. */
    private static String ascii(String s) {
        return s.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
