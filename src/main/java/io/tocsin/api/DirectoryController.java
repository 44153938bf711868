package io.tocsin.api;

import io.tocsin.config.LiveSchedules;
import io.tocsin.config.OrganisationConfig;
import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What a responder reads in the running configuration, in one answer: what each severity means (its
 * criteria, examples and impact, to pick the right one), who the people are and what time it is where
 * they live (before waking them), the roles, teams, domains and vendors to reach, and what each service,
 * escalation policy, path, level, routing rule and maintenance window is for. These keys change no
 * escalation; this is where they act.
 */
@RestController
class DirectoryController {
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm xxx");

    record Organisation(String id, String name, String timeZone, List<Holiday> holidays) {
    }

    record Holiday(String date, String name) {
    }

    record Severity(String id, String name, List<String> aliases, String response, List<String> criteria, List<String> examples,
                    String impact) {
    }

    record Person(String id, String name, String timeZone, String localTime) {
    }

    record Role(String id, String name, List<String> heldBy) {
    }

    record Team(String id, String name, List<String> members, List<String> leads, String chatChannel) {
    }

    record Domain(String id, String name, List<String> experts, List<String> backup, String chatChannel) {
    }

    record Vendor(String id, String name, String supportPortal, String priorityLine, String accountManager) {
    }

    record Service(String id, String name, String description, String team, String domain, String escalationPolicy,
                   boolean enabled) {
    }

    record Level(String id, String name) {
    }

    record Path(String id, String name, String description, List<Level> levels) {
    }

    record Policy(String id, String name, String description, List<Path> paths) {
    }

    record RoutingRule(String id, String description) {
    }

    record MaintenanceWindow(String id, String name, List<String> services) {
    }

    record Directory(Organisation organisation, List<Severity> severities, List<Person> people, List<Role> roles, List<Team> teams,
                     List<Domain> domains, List<Vendor> vendors, List<Service> services, List<Policy> escalationPolicies,
                     List<RoutingRule> routingRules, List<MaintenanceWindow> maintenanceWindows) {
    }

    /** One person's access roles: organisation-wide, and per team (team id to roles). */
    record PersonRoles(String person, List<String> organisation, java.util.Map<String, List<String>> teams) {
        static PersonRoles of(String person, io.tocsin.incident.Permissions.Grants g) {
            java.util.Map<String, List<String>> teams = new java.util.LinkedHashMap<>();
            g.teams().forEach((team, roles) -> teams.put(team, wire(roles)));
            return new PersonRoles(person, wire(g.organisation()), teams);
        }

        private static List<String> wire(java.util.Set<io.tocsin.incident.Permissions.Role> roles) {
            return roles.stream().map(io.tocsin.incident.Permissions.Role::wire).toList();
        }
    }

    /**
     * {@code enforced}: whether the configuration grants roles at all (if not, every token acts by its
     * scopes alone); {@code caller}: who asks, and {@code caller_roles} theirs (null for a token that is no
     * person: it acts by its scopes, organisation-wide); {@code people}: everyone's.
     */
    record Roles(boolean enforced, String caller, PersonRoles callerRoles, List<PersonRoles> people) {
    }

    private final LiveSchedules schedules;
    private final Clock clock;
    private final io.tocsin.incident.Permissions permissions;

    DirectoryController(LiveSchedules schedules, Clock clock, io.tocsin.incident.Permissions permissions) {
        this.schedules = schedules;
        this.clock = clock;
        this.permissions = permissions;
    }

    /** Who may do what (docs/configuration.md, "Access roles"), written in the configuration under access: and teams[].access:. */
    @GetMapping("/api/v1/roles")
    Roles roles(java.security.Principal who) {
        io.tocsin.store.ApiTokenStore.Issued caller = ApiSecurity.asking(who);
        List<PersonRoles> people = permissions.everyone().entrySet().stream().map(e -> PersonRoles.of(e.getKey(), e.getValue())).toList();
        PersonRoles own = caller.kind() != io.tocsin.store.ApiTokenStore.Kind.PERSON ? null
                : people.stream().filter(p -> p.person().equals(caller.person())).findFirst().orElse(null);
        return new Roles(permissions.enforced(), caller.actor(), own, people);
    }

    @GetMapping("/api/v1/directory")
    Directory directory() {
        OrganisationConfig c = schedules.organisation().config();
        OrganisationConfig.Organisation o = c.organisation();
        ZoneId orgZone = ZoneId.of(o.timeZone());
        return new Directory(
                new Organisation(o.id(), o.name(), o.timeZone(), o.holidays().stream().map(h -> new Holiday(h.date(), h.name())).toList()),
                c.severities().stream().map(s -> new Severity(s.id(), s.name(), s.aliases(), s.response(), s.criteria(), s.examples(),
                        s.impact())).toList(),
                c.people().stream().map(p -> {
                    // A person without a zone of their own lives in the organisation's.
                    ZoneId zone = p.timeZone() == null ? orgZone : ZoneId.of(p.timeZone());
                    return new Person(p.id(), p.name(), zone.getId(), clock.instant().atZone(zone).format(LOCAL));
                }).toList(),
                c.roles().stream().map(r -> new Role(r.id(), r.name(), r.heldBy())).toList(),
                c.teams().stream().map(t -> new Team(t.id(), t.name(), t.members(), t.leads(), t.chatChannel())).toList(),
                c.domains().stream().map(d -> new Domain(d.id(), d.name(), d.experts(), d.backup(), d.chatChannel())).toList(),
                c.vendors().stream().map(v -> new Vendor(v.id(), v.name(), v.supportPortal(), v.priorityLine(), v.accountManager())).toList(),
                c.services().stream().map(s -> new Service(s.id(), s.name(), s.description(), s.team(), s.domain(), s.escalationPolicy(),
                        !Boolean.FALSE.equals(s.enabled()))).toList(),
                c.escalationPolicies().stream().map(p -> new Policy(p.id(), p.name(), p.description(), p.paths().stream()
                        .map(path -> new Path(path.id(), path.name(), path.description(), path.levels().stream()
                                .map(l -> new Level(l.id(), l.name())).toList())).toList())).toList(),
                c.routingRules().stream().map(r -> new RoutingRule(r.id(), r.description())).toList(),
                c.maintenanceWindows().stream().map(w -> new MaintenanceWindow(w.id(), w.name(), w.services())).toList());
    }
}
