package io.tocsin.notify;

import io.tocsin.config.Organisation;
import io.tocsin.store.KillSwitch;
import io.tocsin.store.NotificationStore;
import java.util.function.Predicate;

/**
 * What an "automated action" is, for the {@code automation} kill switch: a {@code webhook} delivery to a
 * destination that is not a person. People are reached through their own contact methods, webhooks
 * included (a pager bridge), and are paged whatever the switches say; a vendor's webhook (a remediation
 * system, a support automation, another machine that acts on what Tocsin tells it) is an action Tocsin
 * takes on the world, and that is what switching automation off stops.
 *
 * <p>The dispatcher asks {@link #effect} at the moment it sends, {@code tocsin simulate} asks it for each
 * contact method of a vendor a scenario's message reaches: one rule, so a scenario shows what the server does.
 */
public final class AutomatedActions {
    /** How the directory names a vendor among the people an entry pages. */
    static final String VENDOR = Organisation.VENDOR_PREFIX;

    /** Why a suppressed automated action did not go out, as the incident's timeline says it. */
    public static final String SUPPRESSED_BECAUSE = "automation is switched off (organisation kill switch)";

    /** What the switches do to one delivery: nothing, stop it, or send it marked safe mode. */
    public enum Effect { SEND, SUPPRESS, SAFE_MODE }

    private AutomatedActions() {
    }

    static boolean isAutomated(NotificationStore.Delivery d) {
        return isAutomated(d.channel(), d.personId());
    }

    /** A delivery by {@code channel} to {@code recipient} (a person's id, or {@code vendor:id}). */
    public static boolean isAutomated(String channel, String recipient) {
        return "webhook".equals(channel) && recipient != null && recipient.startsWith(VENDOR);
    }

    /** The switches' effect on a delivery by {@code channel} to {@code recipient}; {@code isOn} reads each switch. */
    public static Effect effect(String channel, String recipient, Predicate<KillSwitch> isOn) {
        if (!isAutomated(channel, recipient)) {
            return Effect.SEND;
        }
        if (!isOn.test(KillSwitch.AUTOMATION)) {
            return Effect.SUPPRESS;
        }
        return isOn.test(KillSwitch.SAFE_MODE) ? Effect.SAFE_MODE : Effect.SEND;
    }
}
