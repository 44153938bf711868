package io.tocsin.notify;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tells the person who pressed a Slack button what happened. Slack ignores the HTTP answer to a
 * button press, so the only way to show "acknowledged" (or "already acknowledged by bob") is a
 * message to the press's {@code response_url}. Sent asynchronously: Slack wants the press answered
 * within 3 seconds. Only URLs under the configured prefix are called, so a payload cannot make this
 * server post wherever it likes.
 */
@Component
public class SlackReplies {
    private static final Logger LOG = LoggerFactory.getLogger(SlackReplies.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client;
    private final String allowedPrefix;
    private final Duration timeout;

    SlackReplies(@Value("${tocsin.notify.slack.response-url-prefix:https://hooks.slack.com/}") String allowedPrefix,
                 @Value("${tocsin.notify.connect-timeout:5s}") Duration connectTimeout,
                 @Value("${tocsin.notify.timeout:10s}") Duration timeout) {
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
        this.allowedPrefix = allowedPrefix;
        this.timeout = timeout;
    }

    /** An ephemeral message only the presser sees; the page itself stays as it was. */
    public void tell(String responseUrl, String text) {
        if (responseUrl == null || responseUrl.isBlank() || allowedPrefix.isBlank() || !responseUrl.startsWith(allowedPrefix)) {
            LOG.debug("not answering Slack at {}: not under {}", responseUrl, allowedPrefix);
            return;
        }
        String body = JSON.writeValueAsString(Map.of("response_type", "ephemeral", "replace_original", false, "text", text));
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(responseUrl)).timeout(timeout)
                    .header("Content-Type", "application/json; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        } catch (IllegalArgumentException e) {
            LOG.warn("Slack sent a response_url that is not a URL: {}", e.getMessage());
            return;
        }
        client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
            if (e != null) {
                LOG.warn("could not tell the Slack user what their button did: {}", e.toString());
            } else if (r.statusCode() / 100 != 2) {
                LOG.warn("Slack refused the reply to a button press: {} {}", r.statusCode(), r.body());
            }
        });
    }
}
