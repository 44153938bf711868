package io.tocsin.notify;

import io.tocsin.config.OrganisationConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Whether the active organisation's people can be reached from this server: the contact-method types
 * it uses that no provider here delivers (e-mail without an SMTP server, SMS without Twilio...), and
 * the people none of whose methods can be delivered. A fresh installation (the demo organisation, no
 * provider set) pages nobody, and nothing else would say so before the first missed page: the server
 * says it at start and in {@code /actuator/health} ({@code deliveryReadiness}).
 */
@Component
class DeliveryReadiness implements HealthIndicator {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryReadiness.class);
    /** The settings that give each contact-method type its provider. */
    private static final Map<String, String> SETTINGS = Map.of(
            "email", "spring.mail.host",
            "push", "tocsin.notify.ntfy.base-url",
            "sms", "tocsin.notify.twilio.account-sid, auth-token and from",
            "voice", "tocsin.notify.twilio.account-sid, auth-token and from",
            "slack", "tocsin.notify.slack.bot-token");

    /** What cannot be delivered: type → its setting, and the people left with no deliverable method. */
    record Gaps(Map<String, String> missingProviders, List<String> unreachablePeople) {
        boolean none() {
            return missingProviders.isEmpty() && unreachablePeople.isEmpty();
        }

        Optional<String> warning() {
            if (none()) {
                return Optional.empty();
            }
            List<String> parts = new ArrayList<>();
            missingProviders.forEach((type, setting) -> parts.add(type + " (set " + setting + ")"));
            String text = "no provider is configured for " + String.join(", ", parts)
                    + ": deliveries to these contact methods fail at once and each person's next method is tried";
            if (!unreachablePeople.isEmpty()) {
                text += "; " + unreachablePeople.size() + " " + (unreachablePeople.size() == 1 ? "person has" : "people have")
                        + " no contact method this server can deliver to and will not be paged: " + String.join(", ", unreachablePeople);
            }
            return Optional.of(text);
        }
    }

    private final io.tocsin.config.ActiveConfiguration active;
    private final Channels channels;

    DeliveryReadiness(io.tocsin.config.ActiveConfiguration active, Channels channels) {
        this.active = active;
        this.channels = channels;
    }

    /**
     * From the active configuration as held in memory: people's contact methods are configuration, and
     * health must answer at once while the database is down (the running organisation's view reads the
     * run-time schedule overrides from it).
     */
    Gaps gaps() {
        OrganisationConfig config = active.current().config();
        Map<String, String> missing = new TreeMap<>();
        TreeSet<String> unreachable = new TreeSet<>();
        for (OrganisationConfig.Person p : config.people()) {
            boolean reachable = false;
            for (OrganisationConfig.ContactMethod m : p.contactMethods()) {
                if (deliverable(m)) {
                    reachable = true;
                } else {
                    missing.put(m.type(), SETTINGS.getOrDefault(m.type(), "a provider for " + m.type()));
                }
            }
            if (!reachable) {
                unreachable.add(p.id());
            }
        }
        return new Gaps(missing, List.copyOf(unreachable));
    }

    private boolean deliverable(OrganisationConfig.ContactMethod m) {
        Optional<Channel> channel = channels.forType(m.type());
        if (channel.isEmpty()) {
            return false;
        }
        return !(channel.get() instanceof SlackChannel slack) || slack.canReach(m.address() == null ? "" : m.address().trim());
    }

    @EventListener(ApplicationReadyEvent.class)
    void sayAtStart() {
        gaps().warning().ifPresent(LOG::warn);
    }

    @java.lang.Override
    public Health health() {
        Gaps gaps = gaps();
        Health.Builder health = Health.up();
        if (!gaps.missingProviders().isEmpty()) {
            health.withDetail("missing_providers", gaps.missingProviders());
        }
        if (!gaps.unreachablePeople().isEmpty()) {
            health.withDetail("unreachable_people", gaps.unreachablePeople());
        }
        gaps.warning().ifPresent(w -> health.withDetail("warning", w));
        return health.build();
    }
}
