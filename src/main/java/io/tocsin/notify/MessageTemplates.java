package io.tocsin.notify;

import io.tocsin.config.MessageTemplateSyntax;
import io.tocsin.config.OrganisationConfig;
import io.tocsin.incident.EventDetails;
import io.tocsin.incident.Redaction;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses and renders the template of each part of a message: the running configuration's
 * template for the channel, else its template for the kind, else the bundled one. The model is
 * redacted first, so no template (bundled or configured) can place a sensitive value.
 */
final class MessageTemplates {
    /** The rendered parts; the subject is on one line. */
    record Rendered(String subject, String text, String html) {
    }

    /** Model values that are links or ids made by Tocsin, never free text from an alert. */
    private static final java.util.Set<String> NOT_FREE_TEXT = java.util.Set.of("incident", "number", "acknowledge_url",
            "resolve_url", "status", "contact_method");

    private final MessageRenderer renderer = new MessageRenderer();

    /**
     * Renders {@code kind} ({@code page}, {@code notice}, {@code test}, {@code handoff}) for a contact
     * method of type {@code channel}. Adds {@code details} (the incident's details without sensitive
     * fields) and {@code links} (its http(s) links, {text, href}) to a copy of the model and masks its
     * free text.
     */
    Rendered render(OrganisationConfig.Notifications notifications, String kind, String channel, String detailsJson,
                    Map<String, Object> model) {
        Redaction.Applied redaction = new Redaction(notifications.sensitiveFields()).apply(detailsJson);
        Map<String, Object> safe = new LinkedHashMap<>();
        model.forEach((k, v) -> safe.put(k, v instanceof String s && !NOT_FREE_TEXT.contains(k) ? redaction.text(s) : v));
        EventDetails details = EventDetails.of(redaction);
        safe.put("details", details.entries());
        // Only addresses that are links: an address that is not http(s) is no use in a message.
        safe.put("links", details.links().stream().filter(l -> l.href() != null)
                .map(l -> Map.<String, Object>of("text", l.text(), "href", l.href())).toList());
        return new Rendered(part(notifications, kind, channel, "subject", safe).strip().replaceAll("\\s*\\R\\s*", " "),
                part(notifications, kind, channel, "text", safe), part(notifications, kind, channel, "html", safe));
    }

    private String part(OrganisationConfig.Notifications notifications, String kind, String channel, String part,
                        Map<String, Object> model) {
        Optional<String> configured = template(notifications, kind, channel, part);
        if (configured.isPresent()) {
            return renderer.renderText(configured.get(), "html".equals(part), model);
        }
        String bundled = kind + "-" + part;
        return renderer.hasBundled(bundled) ? renderer.render(bundled, model) : "";
    }

    /** The configured template text of a part, by precedence: the channel's, then the kind's. */
    static Optional<String> template(OrganisationConfig.Notifications notifications, String kind, String channel, String part) {
        Optional<OrganisationConfig.KindTemplates> k = notifications.templates().kind(kind);
        if (k.isEmpty()) {
            return Optional.empty();
        }
        if (MessageTemplateSyntax.CHANNEL_PARTS.getOrDefault(channel, java.util.List.of()).contains(part)) {
            Optional<String> forChannel = k.get().channel(channel).map(c -> c.part(part));
            if (forChannel.isPresent()) {
                return forChannel;
            }
        }
        return Optional.ofNullable(k.get().parts().part(part));
    }
}
