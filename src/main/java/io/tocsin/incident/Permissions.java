package io.tocsin.incident;

import io.tocsin.config.Organisation;
import io.tocsin.config.OrganisationConfig;
import io.tocsin.store.ApiTokenStore.Issued;
import io.tocsin.store.ApiTokenStore.Kind;
import io.tocsin.store.ApiTokenStore.Scope;
import io.tocsin.store.IncidentRow;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.stereotype.Service;

/**
 * What an authenticated caller may do, in one place for the API and the UI (which also hides what it
 * would refuse). Who the caller is was decided before ({@link Actors}); this decides what they may do.
 * <ul>
 * <li>A token's scope caps everything its holder may do (read, write, admin).</li>
 * <li>The bootstrap admin token, and a service token, act by their scope alone, organisation-wide:
 *     neither is a person the configuration could grant a role.</li>
 * <li>A person (a personal token, a password or any other sign-in) acts by the roles the configuration
 *     grants them ({@code access:} organisation-wide, {@code teams[].access:} for one team):
 *     <b>viewer</b> reads; <b>responder</b> also works the incidents of the team's services and changes
 *     their own shifts on the team's schedules (overrides, swaps); <b>manager</b> also changes anyone's
 *     shifts on the team's schedules and, organisation-wide, runs what is shared (status-page
 *     maintenance notices, dead letters, test pages to others); <b>admin</b> (organisation-wide only)
 *     also governs Tocsin: activating configuration, the switches, the audit log, everyone's tokens,
 *     passwords and feed links. Each role includes those below it; a person without any role does
 *     nothing. Whoever an incident paged may also work that incident ({@link #toRespond}).</li>
 * <li>An organisation that grants no role at all has not adopted roles: every token acts by its scope,
 *     as before roles existed, so upgrading locks nobody out.</li>
 * </ul>
 */
@Service
public class Permissions {
    /** An access role, least first: each includes those before it. */
    public enum Role {
        VIEWER, RESPONDER, MANAGER, ADMIN;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        boolean includes(Role other) {
            return compareTo(other) >= 0;
        }
    }

    /** What a caller asks to do: the scope it takes, the least role, and whether a team's role is enough. */
    public enum Action {
        /** Read anything: any role, anywhere. */
        READ(Scope.READ, Role.VIEWER, true),
        /** Work an incident: acknowledge, resolve, escalate, notes, updates, roles, postmortem... */
        RESPOND(Scope.WRITE, Role.RESPONDER, true),
        /** Change one's own shifts on a schedule: one's own overrides, swaps one asks for or is asked. */
        OWN_SHIFTS(Scope.WRITE, Role.RESPONDER, true),
        /** Change anyone's shifts on a schedule. */
        MANAGE_SCHEDULE(Scope.WRITE, Role.MANAGER, true),
        /** What the whole organisation shares: status-page maintenance, dead letters, test pages to others. */
        OPERATE(Scope.WRITE, Role.MANAGER, false),
        /** Govern Tocsin itself. */
        ADMINISTER(Scope.ADMIN, Role.ADMIN, false);

        public final Scope scope;
        public final Role role;
        /** Whether a role held for one of the subject's teams is enough (else only organisation-wide counts). */
        final boolean byTeam;

        Action(Scope scope, Role role, boolean byTeam) {
            this.scope = scope;
            this.role = role;
            this.byTeam = byTeam;
        }
    }

    /** Why a caller may not: the scope it lacks, or the role it needs and where. */
    public record Refusal(Scope scope, Role role, String message) {
    }

    /** A refusal as an exception, for the API (403 problem) and the UI (403 page). */
    public static final class Refused extends RuntimeException {
        public final Refusal refusal;

        public Refused(Refusal refusal) {
            super(refusal.message());
            this.refusal = refusal;
        }
    }

    /** The roles a person holds: organisation-wide, and per team. */
    public record Grants(Set<Role> organisation, Map<String, Set<Role>> teams) {
        public boolean isEmpty() {
            return organisation.isEmpty() && teams.isEmpty();
        }
    }

    private final IncidentEngine engine;
    private final Incidents incidents;

    public Permissions(IncidentEngine engine, Incidents incidents) {
        this.engine = engine;
        this.incidents = incidents;
    }

    /** Whether roles apply: the organisation granted at least one. */
    public static boolean enforced(Organisation organisation) {
        OrganisationConfig c = organisation.config();
        return !c.access().isEmpty() || c.teams().stream().anyMatch(t -> !t.access().isEmpty());
    }

    /** The roles the configuration grants {@code person}. */
    public static Grants grants(Organisation organisation, String person) {
        OrganisationConfig c = organisation.config();
        Set<Role> org = held(c.access(), person);
        Map<String, Set<Role>> teams = new LinkedHashMap<>();
        for (OrganisationConfig.Team t : c.teams()) {
            Set<Role> roles = held(t.access(), person);
            if (!roles.isEmpty()) {
                teams.put(t.id(), roles);
            }
        }
        return new Grants(org, teams);
    }

    private static Set<Role> held(OrganisationConfig.Access access, String person) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        if (access.admins().contains(person)) {
            roles.add(Role.ADMIN);
        }
        if (access.managers().contains(person)) {
            roles.add(Role.MANAGER);
        }
        if (access.responders().contains(person)) {
            roles.add(Role.RESPONDER);
        }
        if (access.viewers().contains(person)) {
            roles.add(Role.VIEWER);
        }
        return roles;
    }

    /**
     * The rule: may {@code caller} do {@code action} to a subject of {@code teams} (the teams of an
     * incident's services, a schedule's team)? A subject of no team is every team's: a role held for any
     * team counts. Empty when it may.
     */
    public static Optional<Refusal> check(Organisation organisation, Issued caller, Action action, Set<String> teams) {
        if (!caller.may(action.scope)) {
            return Optional.of(new Refusal(action.scope, null, "this token lacks the " + action.scope.wire() + " scope"));
        }
        if (caller.kind() != Kind.PERSON || !enforced(organisation)) {
            return Optional.empty();
        }
        Grants grants = grants(organisation, caller.person());
        if (grants.organisation().stream().anyMatch(r -> r.includes(action.role))) {
            return Optional.empty();
        }
        if (action.byTeam) {
            for (Map.Entry<String, Set<Role>> t : grants.teams().entrySet()) {
                // a subject of no team (a service or schedule without one) is every team's to work
                boolean counts = action == Action.READ || teams.isEmpty() || teams.contains(t.getKey());
                if (counts && t.getValue().stream().anyMatch(r -> r.includes(action.role))) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(new Refusal(null, action.role, caller.person() + " " + needs(action, teams)));
    }

    /** Where the role is needed, in words: "needs the responder role in team payments (or organisation-wide)". */
    private static String needs(Action action, Set<String> teams) {
        String role = "the " + action.role.wire() + " role";
        if (action == Action.READ) {
            return "holds no role; reading needs at least " + role;
        }
        if (!action.byTeam) {
            return "needs " + role + " organisation-wide";
        }
        if (teams.isEmpty()) {
            return "needs " + role + " in any team (or organisation-wide)";
        }
        return "needs " + role + " in team " + String.join(" or ", new TreeSet<>(teams)) + " (or organisation-wide)";
    }

    /** {@link #check} against the running organisation. */
    public Optional<Refusal> check(Issued caller, Action action, Set<String> teams) {
        return check(engine.organisation(), caller, action, teams);
    }

    public void require(Issued caller, Action action, Set<String> teams) {
        check(caller, action, teams).ifPresent(r -> {
            throw new Refused(r);
        });
    }

    /**
     * May {@code caller} act on the incident (and so see its action buttons)? By a role for one of its
     * teams, or as one of its people: whoever it paged or notified, was handed to or holds one of its
     * roles may work it, whatever their team. A ladder may well reach past the team (a secondary from
     * another team, the VP at the last level), and a page that wakes someone must be one they can answer.
     */
    public Optional<Refusal> toRespond(Issued caller, IncidentRow incident) {
        Optional<Refusal> byRole = check(caller, Action.RESPOND, teamsOf(incident));
        if (byRole.isEmpty() || byRole.get().scope() != null || caller.kind() != Kind.PERSON) {
            return byRole;
        }
        return isOneOfItsPeople(caller.person(), incident) ? Optional.empty() : byRole;
    }

    /**
     * May {@code caller} reach incident {@code number} at all (read it, and ask to act on it, which
     * {@link #toRespond} then decides)? Any role, anywhere, reads; a person holding none may still reach
     * an incident that paged or notified them, was handed to them or gave them one of its roles: the page
     * that woke them links to it, and they may work it. Every other incident (and every list) stays refused.
     */
    public Optional<Refusal> toReach(Issued caller, long number) {
        Optional<Refusal> byRole = check(caller, Action.READ, Set.of());
        if (byRole.isEmpty() || byRole.get().scope() != null || caller.kind() != Kind.PERSON) {
            return byRole;
        }
        return incidents.find(number).filter(row -> isOneOfItsPeople(caller.person(), row)).isPresent() ? Optional.empty() : byRole;
    }

    private boolean isOneOfItsPeople(String person, IncidentRow incident) {
        return incidents.readableState(incident).map(s -> s.engaged().contains(person) || s.paged().contains(person)
                || s.assignees().contains(person) || s.roles().containsValue(person) || person.equals(s.acknowledgedBy())).orElse(false);
    }

    /**
     * The incident a request is about, from its path ({@code /api/v1/incidents/INC-42/...},
     * {@code /ui/incidents/42/postmortem}), or empty: what {@link #toReach} is asked about.
     */
    public static Optional<Long> incidentOf(String path) {
        java.util.regex.Matcher m = INCIDENT_PATH.matcher(path);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(m.group(1)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static final java.util.regex.Pattern INCIDENT_PATH = java.util.regex.Pattern.compile(
            "/(?:api/v1|ui)/incidents/(?:[Ii][Nn][Cc]-)?([0-9]{1,18})(?:/[^/]+)*/?");

    public void requireToRespond(Issued caller, IncidentRow incident) {
        toRespond(caller, incident).ifPresent(r -> {
            throw new Refused(r);
        });
    }

    /**
     * May {@code caller} change the shifts of {@code people} on {@code schedule}: their own as a responder
     * of the schedule's team, anyone's as its manager.
     */
    public void requireToChangeShifts(Issued caller, String schedule, Set<String> people) {
        boolean own = caller.kind() == Kind.PERSON && Set.of(caller.person()).equals(people);
        require(caller, own ? Action.OWN_SHIFTS : Action.MANAGE_SCHEDULE, teamOfSchedule(engine.organisation(), schedule));
    }

    /**
     * A test page to {@code person}: testing one's own phone is reading what one's rules do; paging
     * someone else to test is an operation.
     */
    public void requireToTestPage(Issued caller, String person) {
        boolean own = caller.kind() == Kind.PERSON && person.equals(caller.person());
        require(caller, own ? Action.READ : Action.OPERATE, Set.of());
    }

    /** The teams whose services the incident concerns: its own service and any added since. */
    public Set<String> teamsOf(IncidentRow incident) {
        Set<String> services = new LinkedHashSet<>();
        services.add(incident.serviceId());
        incidents.readableState(incident).ifPresent(s -> services.addAll(s.services()));
        Set<String> teams = new LinkedHashSet<>();
        for (OrganisationConfig.Service s : engine.organisation().config().services()) {
            if (services.contains(s.id()) && s.team() != null) {
                teams.add(s.team());
            }
        }
        return teams;
    }

    static Set<String> teamOfSchedule(Organisation organisation, String schedule) {
        return organisation.config().schedules().stream().filter(s -> s.id().equals(schedule) && s.team() != null)
                .map(OrganisationConfig.Schedule::team).findFirst().map(Set::of).orElse(Set.of());
    }

    /** Every person's roles, for the API's listing. */
    public Map<String, Grants> everyone() {
        Organisation organisation = engine.organisation();
        Map<String, Grants> all = new LinkedHashMap<>();
        for (String person : organisation.people().keySet()) {
            all.put(person, grants(organisation, person));
        }
        return all;
    }

    /** Whether roles apply in the running organisation. */
    public boolean enforced() {
        return enforced(engine.organisation());
    }
}
