package io.tocsin.engine;

import java.util.Map;
import java.util.Optional;

/**
 * Everything of an organisation the engine decides with, compiled from its configuration: escalation
 * policies, the severity scale, which policy each service follows, the business calendar that
 * business-day targets count on, and when a war room opens.
 */
public record EscalationRules(Map<String, EscalationPolicy> policies, Map<String, Severity> severities,
                              Map<String, String> servicePolicies, BusinessCalendar calendar, WarRoomRules warRoom) {
    public EscalationRules(Map<String, EscalationPolicy> policies, Map<String, Severity> severities, Map<String, String> servicePolicies,
                           BusinessCalendar calendar) {
        this(policies, severities, servicePolicies, calendar, null);
    }

    public EscalationRules {
        warRoom = warRoom == null ? WarRoomRules.NONE : warRoom;
        policies = Map.copyOf(policies);
        severities = Map.copyOf(severities);
        servicePolicies = Map.copyOf(servicePolicies);
        calendar = calendar == null ? BusinessCalendar.ALWAYS : calendar;
    }

    public Optional<EscalationPolicy> policy(String id) {
        return Optional.ofNullable(id == null ? null : policies.get(id));
    }

    /** The policy a service follows now, if the service and its policy exist. */
    public Optional<EscalationPolicy> policyOfService(String service) {
        return policy(servicePolicies.get(service));
    }

    public int rank(String severity) {
        Severity s = severities.get(severity);
        return s == null ? Integer.MAX_VALUE : s.rank();
    }

    public boolean pages(String severity) {
        Severity s = severities.get(severity);
        return s == null || s.pages();
    }
}
