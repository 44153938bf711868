package io.tocsin.engine;

/**
 * Who a level or trigger notifies. Resolution to people happens at notification time through a
 * {@link Directory}, because "whoever is on call" depends on the instant.
 */
public sealed interface Target {
    record Person(String id) implements Target {
    }

    /** Whoever is on call in a schedule's layer ({@code layer} null = its first layer). */
    record OnCall(String schedule, String layer) implements Target {
    }

    record Team(String team, TeamMembers members) implements Target {
    }

    /** The owning team of the incident's service. */
    record OwningTeam(TeamMembers members) implements Target {
    }

    /** Experts (or their backups) of the incident's service domain. */
    record DomainExperts(boolean backup) implements Target {
    }

    record Role(String role) implements Target {
    }

    record Vendor(String vendor) implements Target {
    }

    enum TeamMembers { ALL, LEADS, ROUND_ROBIN }
}
