package io.tocsin.notify;

import io.tocsin.config.Organisation;
import io.tocsin.config.OrganisationConfig;
import io.tocsin.store.NotificationStore;
import java.util.Optional;

/**
 * What an "automated action" is, for the {@code automation} kill switch: a {@code webhook} delivery to a
 * destination that is not a person. People are reached through their own contact methods, webhooks
 * included (a pager bridge), and are paged whatever the switches say; a vendor's webhook (a remediation
 * system, a support automation, another machine that acts on what Tocsin tells it) is an action Tocsin
 * takes on the world, and that is what switching automation off stops.
 */
final class AutomatedActions {
    /** How the directory names a vendor among the people an entry pages (see OrganisationDirectory). */
    static final String VENDOR = "vendor:";

    private AutomatedActions() {
    }

    static boolean isAutomated(NotificationStore.Delivery d) {
        return "webhook".equals(d.channel()) && d.personId() != null && d.personId().startsWith(VENDOR);
    }

    /**
     * A vendor as something to deliver to: its contact methods, all at once (a vendor has no
     * notification rules; a person without rules is reached the same way).
     */
    static Optional<OrganisationConfig.Person> vendor(Organisation org, String recipient) {
        if (recipient == null || !recipient.startsWith(VENDOR)) {
            return Optional.empty();
        }
        String id = recipient.substring(VENDOR.length());
        return org.config().vendors().stream().filter(v -> v.id().equals(id)).findFirst()
                .map(v -> new OrganisationConfig.Person(recipient, v.name(), null, v.contactMethods(), null));
    }
}
