package io.tocsin.config;

import io.tocsin.engine.Directory;
import io.tocsin.engine.IncidentState;
import io.tocsin.engine.Target;
import io.tocsin.schedule.OnCall;
import io.tocsin.schedule.Schedule;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Resolves escalation targets against an organisation: schedules at the instant, teams, roles, domains, vendors. */
public final class OrganisationDirectory implements Directory {
    private final Organisation org;
    private final Map<String, OrganisationConfig.Team> teams;
    private final Map<String, OrganisationConfig.DirectoryRole> roles;
    private final Map<String, OrganisationConfig.Domain> domains;
    private final Map<String, OrganisationConfig.Service> services;
    private final Map<String, OrganisationConfig.Vendor> vendors;

    public OrganisationDirectory(Organisation org) {
        this.org = org;
        OrganisationConfig c = org.config();
        teams = index(c.teams(), OrganisationConfig.Team::id);
        roles = index(c.roles(), OrganisationConfig.DirectoryRole::id);
        domains = index(c.domains(), OrganisationConfig.Domain::id);
        services = index(c.services(), OrganisationConfig.Service::id);
        vendors = index(c.vendors(), OrganisationConfig.Vendor::id);
    }

    @java.lang.Override
    public Resolution resolve(Target target, IncidentState incident, Instant at) {
        if (target instanceof Target.Person p) {
            return new Resolution(List.of(p.id()), "person " + p.id());
        }
        if (target instanceof Target.OnCall o) {
            Schedule s = org.schedules().get(o.schedule());
            String layer = o.layer() == null ? s.layers().get(0).id() : o.layer();
            OnCall answer = s.onCall(layer, at);
            return new Resolution(answer.person().map(List::of).orElse(List.of()), "on call in " + o.schedule() + "/" + layer);
        }
        if (target instanceof Target.Team t) {
            return team(teams.get(t.team()), t.members(), incident, "team " + t.team());
        }
        if (target instanceof Target.OwningTeam t) {
            OrganisationConfig.Service service = services.get(incident.service());
            OrganisationConfig.Team team = service == null ? null : teams.get(service.team());
            return team(team, t.members(), incident, "owning team" + (team == null ? "" : " " + team.id()));
        }
        if (target instanceof Target.DomainExperts d) {
            OrganisationConfig.Service service = services.get(incident.service());
            OrganisationConfig.Domain domain = service == null || service.domain() == null ? null : domains.get(service.domain());
            // The domain's name and channel go with the page, so the experts know what is asked of them and where to talk.
            String what = (d.backup() ? "backup " : "") + "experts of domain " + (domain == null ? "(none)" : domain.id()
                    + described(domain.name(), domain.chatChannel()));
            return new Resolution(domain == null ? List.of() : d.backup() ? domain.backup() : domain.experts(), what);
        }
        if (target instanceof Target.Role r) {
            OrganisationConfig.DirectoryRole role = roles.get(r.role());
            return new Resolution(role == null ? List.of() : role.heldBy(), "role " + r.role());
        }
        Target.Vendor v = (Target.Vendor) target;
        OrganisationConfig.Vendor vendor = vendors.get(v.vendor());
        // Vendors are contacted through their own contact methods; they are recorded as "vendor:<id>".
        // Whoever reads the page gets every way to reach the vendor that the configuration knows.
        return new Resolution(vendor == null ? List.of() : List.of(Organisation.VENDOR_PREFIX + vendor.id()), "vendor " + v.vendor()
                + (vendor == null ? "" : described(vendor.name(),
                        vendor.priorityLine() == null ? null : "priority line " + vendor.priorityLine(),
                        vendor.supportPortal() == null ? null : "support portal " + vendor.supportPortal(),
                        vendor.accountManager() == null ? null : "account manager " + vendor.accountManager())));
    }

    /** " (a; b)" of the parts given, or nothing when none is. */
    private static String described(String... parts) {
        List<String> given = java.util.Arrays.stream(parts).filter(x -> x != null && !x.isBlank()).toList();
        return given.isEmpty() ? "" : " (" + String.join("; ", given) + ")";
    }

    /**
     * The severity's channel (seed 002: SEV1/2 in #incidents, SEV3 in #incidents-low), or the one a
     * routing rule chose instead, and the service's own channel, or its owning team's when the service
     * names none.
     */
    @java.lang.Override
    public java.util.Set<String> chatChannels(IncidentState incident) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        OrganisationConfig c = org.config();
        if (incident.chatChannel() != null && !incident.chatChannel().isBlank()) {
            out.add(incident.chatChannel());
        } else {
            c.severities().stream().filter(v -> v.id().equals(incident.severity())).findFirst()
                    .map(OrganisationConfig.Severity::chatChannel).filter(ch -> ch != null && !ch.isBlank()).ifPresent(out::add);
        }
        OrganisationConfig.Service service = services.get(incident.service());
        if (service != null) {
            String own = service.chatChannel();
            if (own == null || own.isBlank()) {
                OrganisationConfig.Team team = teams.get(service.team());
                own = team == null ? null : team.chatChannel();
            }
            if (own != null && !own.isBlank()) {
                out.add(own);
            }
        }
        return out;
    }

    private Resolution team(OrganisationConfig.Team team, Target.TeamMembers members, IncidentState incident, String what) {
        if (team == null) {
            return new Resolution(List.of(), what);
        }
        return switch (members) {
            case LEADS -> new Resolution(team.leads(), what + " leads");
            case ALL -> new Resolution(team.members(), what);
            case ROUND_ROBIN -> {
                List<String> m = team.members();
                yield new Resolution(m.isEmpty() ? List.of() : List.of(m.get(turn(incident.id(), m.size()))), what + " (round robin)");
            }
        };
    }

    /**
     * Whose turn incident {@code id} is among {@code n} members. Incident numbers are handed out in
     * sequence, so taking the number modulo n gives successive incidents to successive members without
     * keeping a counter, and a retry or another node picks the same person. An id with no number
     * (hand-made in a test) falls back to its hash, still deterministic.
     */
    static int turn(String id, int n) {
        int end = id.length();
        int start = end;
        while (start > 0 && id.charAt(start - 1) >= '0' && id.charAt(start - 1) <= '9') {
            start--;
        }
        if (start == end) {
            return Math.floorMod(id.hashCode(), n);
        }
        long remainder = 0;
        for (int i = start; i < end; i++) {
            remainder = (remainder * 10 + (id.charAt(i) - '0')) % n;
        }
        // INC-1 goes to the first member.
        return (int) Math.floorMod(remainder - 1, n);
    }

    private static <T> Map<String, T> index(List<T> items, Function<T, String> id) {
        return items.stream().collect(Collectors.toMap(id, Function.identity(), (a, b) -> a));
    }
}
