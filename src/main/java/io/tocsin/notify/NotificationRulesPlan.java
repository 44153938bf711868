package io.tocsin.notify;

import io.tocsin.config.Durations;
import io.tocsin.config.OrganisationConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a person's notification rules into deliveries. High-urgency pages follow the high-urgency
 * list, everything else the low-urgency one; a person with no rules for that urgency falls back to
 * the other list, and one with no rules at all is reached on every contact method at once, because
 * an unconfigured person must still be paged.
 */
final class NotificationRulesPlan {
    private NotificationRulesPlan() {
    }

    static List<PlannedDelivery> forPage(OrganisationConfig.Person person, boolean highUrgency) {
        List<OrganisationConfig.NotificationStep> rules = highUrgency ? person.notificationRules().highUrgency()
                : person.notificationRules().lowUrgency();
        if (rules.isEmpty()) {
            rules = highUrgency ? person.notificationRules().lowUrgency() : person.notificationRules().highUrgency();
        }
        List<PlannedDelivery> out = new ArrayList<>();
        if (rules.isEmpty()) {
            for (OrganisationConfig.ContactMethod c : person.contactMethods()) {
                out.add(new PlannedDelivery(out.size(), c.id(), c.type(), c.address(), Duration.ZERO));
            }
            return out;
        }
        for (OrganisationConfig.NotificationStep rule : rules) {
            contact(person, rule.via()).ifPresent(c -> out.add(new PlannedDelivery(out.size(), c.id(), c.type(), c.address(),
                    rule.after() == null ? Duration.ZERO : Durations.parse(rule.after()))));
        }
        return out;
    }

    /** A notice (acknowledged, escalated, resolved) is one message on the person's first low-urgency channel. */
    static Optional<PlannedDelivery> forNotice(OrganisationConfig.Person person) {
        List<PlannedDelivery> plan = forPage(person, false);
        return plan.isEmpty() ? Optional.empty() : Optional.of(new PlannedDelivery(0, plan.get(0).contactMethod(),
                plan.get(0).channel(), plan.get(0).address(), Duration.ZERO));
    }

    private static Optional<OrganisationConfig.ContactMethod> contact(OrganisationConfig.Person person, String id) {
        return person.contactMethods().stream().filter(c -> c.id().equals(id)).findFirst();
    }
}
