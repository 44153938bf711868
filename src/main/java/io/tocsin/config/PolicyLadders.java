package io.tocsin.config;

import io.tocsin.engine.Directory;
import io.tocsin.engine.EscalationEngine;
import io.tocsin.engine.EscalationPath;
import io.tocsin.engine.EscalationPolicy;
import io.tocsin.engine.IncidentState;
import io.tocsin.engine.Level;
import io.tocsin.engine.Opening;
import io.tocsin.engine.Target;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Service;

/**
 * The escalation policies as ladders for people to read: each path's levels in order, when each one
 * starts, and whom each target would reach now. Policies come compiled by {@link EngineModel} and
 * targets are resolved by the {@link OrganisationDirectory} over {@link LiveSchedules}, as the server
 * pages, so the ladder drawn is the one that would be climbed.
 */
@Service
public class PolicyLadders {
    /** One target of a level: the directory's own words for it and the people it reaches now (names). */
    public record Reach(String target, List<String> people) {
    }

    public record Rung(String id, String name, String starts, boolean stoppedByAcknowledgement, List<Reach> reaches) {
    }

    public record Ladder(String id, String name, List<String> severities, boolean isDefault, int repeat, List<Rung> rungs) {
    }

    /**
     * A policy, with the services that follow it; {@code example} is the service whose hypothetical
     * incident resolves the targets that depend on the incident (owning team, domain experts), null when
     * no service follows the policy.
     */
    public record Policy(String id, String name, String description, List<String> services, String example, List<Ladder> ladders,
                         List<String> triggers) {
    }

    private final LiveSchedules live;
    private final Clock clock;

    public PolicyLadders(LiveSchedules live, Clock clock) {
        this.live = live;
        this.clock = clock;
    }

    public List<Policy> policies() {
        Organisation org = live.organisation();
        Instant now = clock.instant();
        EscalationEngine engine = EngineModel.engine(org);
        Directory directory = new OrganisationDirectory(org);
        List<Policy> out = new ArrayList<>();
        for (OrganisationConfig.EscalationPolicy declared : org.config().escalationPolicies()) {
            EscalationPolicy policy = engine.rules().policy(declared.id()).orElseThrow();
            List<String> services = org.config().services().stream()
                    .filter(s -> declared.id().equals(s.escalationPolicy())).map(OrganisationConfig.Service::id).toList();
            String example = services.isEmpty() ? null : services.get(0);
            // The incident that targets depending on it are resolved for: a new one on the first service, of the default severity.
            IncidentState incident = example == null ? null
                    : engine.open("PREVIEW-1", Opening.paging(example, org.defaultSeverity(), Set.of()), now).state();
            List<Ladder> ladders = new ArrayList<>();
            for (EscalationPath path : policy.paths()) {
                List<Rung> rungs = new ArrayList<>();
                for (Level level : path.levels()) {
                    List<Reach> reaches = new ArrayList<>();
                    for (Target t : level.targets()) {
                        reaches.add(reach(org, directory, t, incident, now));
                    }
                    rungs.add(new Rung(level.id(), level.name(), level.start().describe(), level.start().stoppedByAcknowledgement(), reaches));
                }
                boolean isDefault = path.id().equals(policy.defaultPath()) || (policy.defaultPath() == null && path == policy.paths().get(0));
                ladders.add(new Ladder(path.id(), path.name(), path.severities().stream().sorted().toList(), isDefault, path.repeat(), rungs));
            }
            List<String> triggers = new ArrayList<>();
            declared.triggers().forEach(t -> triggers.add(t.id()));
            declared.paths().forEach(p -> p.triggers().forEach(t -> triggers.add(p.id() + ": " + t.id())));
            out.add(new Policy(declared.id(), declared.name() == null ? declared.id() : declared.name(), declared.description(), services,
                    example, ladders, triggers));
        }
        return out;
    }

    private static Reach reach(Organisation org, Directory directory, Target t, IncidentState incident, Instant now) {
        // A round-robin pick and the incident's own team or domain depend on an incident; without a service there is none.
        boolean needsIncident = t instanceof Target.OwningTeam || t instanceof Target.DomainExperts
                || (t instanceof Target.Team team && team.members() == Target.TeamMembers.ROUND_ROBIN);
        if (needsIncident && incident == null) {
            return new Reach(t instanceof Target.OwningTeam ? "owning team" : t instanceof Target.Team team ? "team " + team.team()
                    + " (round robin)" : "domain experts", List.of());
        }
        Directory.Resolution r = directory.resolve(t, incident, now);
        return new Reach(r.description(), r.people().stream().map(p -> Rotas.name(org, p)).toList());
    }
}
