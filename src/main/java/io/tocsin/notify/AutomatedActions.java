package io.tocsin.notify;

import io.tocsin.config.Organisation;
import io.tocsin.store.NotificationStore;

/**
 * What an "automated action" is, for the {@code automation} kill switch: a {@code webhook} delivery to a
 * destination that is not a person. People are reached through their own contact methods, webhooks
 * included (a pager bridge), and are paged whatever the switches say; a vendor's webhook (a remediation
 * system, a support automation, another machine that acts on what Tocsin tells it) is an action Tocsin
 * takes on the world, and that is what switching automation off stops.
 */
final class AutomatedActions {
    /** How the directory names a vendor among the people an entry pages. */
    static final String VENDOR = Organisation.VENDOR_PREFIX;

    private AutomatedActions() {
    }

    static boolean isAutomated(NotificationStore.Delivery d) {
        return "webhook".equals(d.channel()) && d.personId() != null && d.personId().startsWith(VENDOR);
    }
}
