package io.tocsin.notify;

import io.tocsin.store.NotificationStore;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;

/**
 * The channels this server can deliver on, built from its settings. Provider base URLs are settings
 * so a self-hosted ntfy (or a test server speaking the provider's API) takes the place of the SaaS.
 * A contact-method type with no channel here fails permanently and the person's next method is tried.
 */
@Component
class Channels {
    private final Map<String, Channel> byType = new LinkedHashMap<>();

    Channels(ObjectProvider<JavaMailSender> mail, NotificationStore store, Clock clock,
             @Value("${tocsin.notify.email.from:tocsin@localhost}") String from,
             @Value("${tocsin.public-url:}") String publicUrl,
             @Value("${tocsin.notify.webhook.signing-secret:}") String webhookSecret,
             @Value("${tocsin.notify.ntfy.base-url:}") String ntfyBase,
             @Value("${tocsin.notify.ntfy.token:}") String ntfyToken,
             @Value("${tocsin.notify.slack.base-url:https://slack.com/api}") String slackBase,
             @Value("${tocsin.notify.slack.bot-token:}") String slackToken,
             @Value("${tocsin.notify.connect-timeout:5s}") Duration connectTimeout,
             @Value("${tocsin.notify.timeout:10s}") Duration timeout,
             TwilioSettings twilio, AckLinks links) {
        ProviderCall call = new ProviderCall(connectTimeout, timeout);
        JavaMailSender sender = mail.getIfAvailable();
        if (sender != null) {
            add(new EmailChannel(sender, from, publicUrl));
        }
        String secret = webhookSecret.isBlank()
                ? store.secret("webhook-signing", () -> java.util.UUID.randomUUID().toString() + java.util.UUID.randomUUID())
                : webhookSecret;
        add(new WebhookChannel(call, secret, clock));
        // No default server: pages name incidents and people, so they go to a public ntfy.sh only
        // when an operator says so, never because a setting was left out.
        if (!ntfyBase.isBlank()) {
            add(new NtfyChannel(call, ntfyBase, ntfyToken));
        }
        add(new SlackChannel(call, slackBase, slackToken, ChatThreads.in(store)));
        add(new TeamsChannel(call));
        if (twilio.configured()) {
            TwilioApi api = new TwilioApi(call, twilio, store);
            add(new SmsChannel(api));
            add(new VoiceChannel(api, links));
        }
    }

    private void add(Channel c) {
        byType.put(c.type(), c);
    }

    /**
     * Where a chat channel named in configuration goes: a Slack channel (#name or an id) through the
     * bot, a Slack incoming webhook, or a Teams workflow URL. Empty when this server has no way to
     * post there (no Slack bot token), so nothing is queued that can only fail.
     */
    Optional<String> chatType(String channel) {
        String c = channel.trim();
        if (c.startsWith("https://") || c.startsWith("http://")) {
            return Optional.of(java.net.URI.create(c).getHost() != null && java.net.URI.create(c).getHost().endsWith("slack.com") ? "slack" : "teams");
        }
        return byType.get("slack") instanceof SlackChannel slack && slack.canReach(c) ? Optional.of("slack") : Optional.empty();
    }

    /** Sends on the channel of this contact-method type; a type this server cannot deliver fails for good. */
    SendResult send(String type, Message m) {
        Channel c = byType.get(type);
        return c == null ? SendResult.permanent("no-provider", "no " + type + " provider is configured on this server") : c.send(m);
    }

    Optional<Channel> forType(String type) {
        return Optional.ofNullable(byType.get(type));
    }
}
