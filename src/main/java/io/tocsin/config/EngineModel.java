package io.tocsin.config;

import io.tocsin.engine.BusinessCalendar;
import io.tocsin.engine.Deadline;
import io.tocsin.engine.EscalationEngine;
import io.tocsin.engine.EscalationPath;
import io.tocsin.engine.EscalationRules;
import io.tocsin.engine.EscalationPolicy;
import io.tocsin.engine.Level;
import io.tocsin.engine.ResponseTarget;
import io.tocsin.engine.Severity;
import io.tocsin.engine.StartCondition;
import io.tocsin.engine.Target;
import io.tocsin.engine.Trigger;
import io.tocsin.engine.UpdateCadence;
import io.tocsin.engine.WarRoomRules;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles validated declarations into the engine's model (policies, severities, which policy each
 * service follows, the business calendar), and assembles the engine. The server, the simulator and
 * the coverage report all get their engine from {@link #engine}, so they decide alike.
 */
public final class EngineModel {
    /** Repeat a ladder this long after its last level when the path does not say. */
    static final Duration DEFAULT_REPEAT_AFTER = Duration.ofMinutes(15);

    private EngineModel() {
    }

    /** The engine for a validated organisation, resolving targets against it. */
    public static EscalationEngine engine(Organisation org) {
        return new EscalationEngine(rules(org.config()), new OrganisationDirectory(org));
    }

    public static EscalationRules rules(OrganisationConfig config) {
        Map<String, String> servicePolicies = new LinkedHashMap<>();
        config.services().forEach(s -> servicePolicies.put(s.id(), s.escalationPolicy()));
        return new EscalationRules(policies(config), severities(config), servicePolicies, calendar(config.organisation()),
                warRoom(config));
    }

    /** When a war room opens on its own: a severity's {@code war_room.after}, the organisation's services count and tags. */
    static WarRoomRules warRoom(OrganisationConfig config) {
        Map<String, Duration> after = new LinkedHashMap<>();
        config.severities().stream().filter(s -> s.warRoom() != null && s.warRoom().after() != null)
                .forEach(s -> after.put(s.id(), Durations.parse(s.warRoom().after())));
        OrganisationConfig.WarRoomCriteria c = config.organisation().warRoom();
        return new WarRoomRules(after, c == null ? null : c.whenServicesAffected(), c == null ? Set.of() : Set.copyOf(c.whenTags()),
                c == null ? List.of() : c.roles());
    }

    /** The working week, business hours and holidays that business-day targets count on. */
    static BusinessCalendar calendar(OrganisationConfig.Organisation org) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        org.workingWeek().forEach(d -> days.add(ScheduleCompiler.day(d)));
        Set<LocalDate> holidays = new java.util.HashSet<>();
        org.holidays().forEach(h -> holidays.add(LocalDate.parse(h.date())));
        return new BusinessCalendar(ZoneId.of(org.timeZone()), days, TimesOfDay.minuteOfDay(org.businessHours().start(), false),
                TimesOfDay.minuteOfDay(org.businessHours().end(), true), holidays);
    }

    public static Map<String, EscalationPolicy> policies(OrganisationConfig config) {
        Map<String, EscalationPolicy> out = new LinkedHashMap<>();
        for (OrganisationConfig.EscalationPolicy p : config.escalationPolicies()) {
            List<EscalationPath> paths = new ArrayList<>();
            for (OrganisationConfig.Path path : p.paths()) {
                List<Level> levels = new ArrayList<>();
                for (OrganisationConfig.Level l : path.levels()) {
                    levels.add(new Level(l.id(), l.name() == null ? l.id() : l.name(), start(l.start()), targets(l.targets())));
                }
                paths.add(new EscalationPath(path.id(), path.name() == null ? path.id() : path.name(),
                        Set.copyOf(path.severities()), path.repeat() == null ? 0 : path.repeat(), DEFAULT_REPEAT_AFTER,
                        levels, triggers(path.triggers(), p.id() + "/" + path.id())));
            }
            out.put(p.id(), new EscalationPolicy(p.id(), p.name(), p.defaultPath(), paths, triggers(p.triggers(), p.id()),
                    p.acknowledgementTimeout() == null ? null : Durations.parse(p.acknowledgementTimeout())));
        }
        return out;
    }

    public static Map<String, Severity> severities(OrganisationConfig config) {
        Map<String, Severity> out = new LinkedHashMap<>();
        List<OrganisationConfig.Severity> scale = config.severities();
        for (int i = 0; i < scale.size(); i++) {
            OrganisationConfig.Severity s = scale.get(i);
            out.put(s.id(), new Severity(s.id(), i, "page".equals(s.response()), deadline(s.targets().acknowledge()),
                    deadline(s.targets().firstUpdate()), deadline(s.targets().resolve()), cadence(s.updateCadence()), s.checklist(),
                    postmortem(s.postmortem()), Boolean.TRUE.equals(s.statusPage())));
        }
        return out;
    }

    static StartCondition start(OrganisationConfig.StartCondition s) {
        if (s == null || s.after() != null) {
            return new StartCondition.After(s == null ? Duration.ZERO : Durations.parse(s.after()));
        }
        if (s.unacknowledgedFor() != null) {
            return new StartCondition.UnacknowledgedFor(Durations.parse(s.unacknowledgedFor()));
        }
        if (s.unresolvedFor() != null) {
            return new StartCondition.UnresolvedFor(Durations.parse(s.unresolvedFor()));
        }
        if (s.noUpdateFor() != null) {
            return new StartCondition.NoUpdateFor(Durations.parse(s.noUpdateFor()));
        }
        return new StartCondition.WhenTagged(s.whenTagged());
    }

    static List<Target> targets(List<OrganisationConfig.Target> targets) {
        List<Target> out = new ArrayList<>();
        for (OrganisationConfig.Target t : targets) {
            if (t.person() != null) {
                out.add(new Target.Person(t.person()));
            } else if (t.schedule() != null) {
                out.add(new Target.OnCall(t.schedule(), t.layer()));
            } else if (t.team() != null) {
                out.add(new Target.Team(t.team(), members(t.members())));
            } else if (t.owningTeam() != null) {
                out.add(new Target.OwningTeam(members(t.owningTeam())));
            } else if (t.domainExperts() != null) {
                out.add(new Target.DomainExperts("backup".equals(t.domainExperts())));
            } else if (t.role() != null) {
                out.add(new Target.Role(t.role()));
            } else if (t.vendor() != null) {
                out.add(new Target.Vendor(t.vendor()));
            }
        }
        return out;
    }

    static Target.TeamMembers members(String text) {
        if ("leads".equals(text)) {
            return Target.TeamMembers.LEADS;
        }
        if ("round_robin".equals(text)) {
            return Target.TeamMembers.ROUND_ROBIN;
        }
        return Target.TeamMembers.ALL;
    }

    static List<Trigger> triggers(List<OrganisationConfig.Trigger> triggers, String owner) {
        List<Trigger> out = new ArrayList<>();
        for (int i = 0; i < triggers.size(); i++) {
            OrganisationConfig.Trigger t = triggers.get(i);
            OrganisationConfig.TriggerCondition on = t.on();
            Trigger.Condition condition = new Trigger.Condition(on.tagAdded(), Boolean.TRUE.equals(on.severityRaised()),
                    on.targetBreached() == null ? null : ResponseTarget.valueOf(on.targetBreached().toUpperCase()),
                    duration(on.unacknowledgedFor()), duration(on.unresolvedFor()), duration(on.noUpdateFor()),
                    on.servicesAffected(), Set.copyOf(on.severities()), Set.copyOf(on.tags()));
            OrganisationConfig.TriggerAction a = t.action();
            Trigger.Action action;
            if (a.switchPath() != null) {
                action = new Trigger.Action.SwitchPath(a.switchPath());
            } else if (a.addPath() != null) {
                action = new Trigger.Action.AddPath(a.addPath());
            } else if (a.escalate() != null) {
                action = new Trigger.Action.Escalate(a.escalate());
            } else if (a.goToLevel() != null) {
                action = new Trigger.Action.GoToLevel(a.goToLevel());
            } else {
                action = new Trigger.Action.Notify(targets(a.targets()));
            }
            out.add(new Trigger(t.id() != null ? t.id() : owner + "#" + (i + 1), condition, action));
        }
        return out;
    }

    static UpdateCadence cadence(List<OrganisationConfig.UpdateCadence> bands) {
        List<UpdateCadence.Band> out = new ArrayList<>();
        for (OrganisationConfig.UpdateCadence b : bands) {
            out.add(new UpdateCadence.Band(Durations.parse(b.every()), UpdateCadence.Status.of(b.until())));
        }
        return new UpdateCadence(out);
    }

    /** A response target: business days ({@code 1bd}) count working time only, anything else is a plain duration. */
    static io.tocsin.engine.PostmortemRule postmortem(OrganisationConfig.PostmortemRule p) {
        if (p == null || p.required() == null) {
            return io.tocsin.engine.PostmortemRule.NONE;
        }
        var required = io.tocsin.engine.PostmortemRule.Requirement.valueOf(p.required().toUpperCase(java.util.Locale.ROOT));
        return new io.tocsin.engine.PostmortemRule(required, deadline(p.within()),
                p.repeated() == null || p.repeated().count() == null ? 0 : p.repeated().count(),
                p.repeated() == null ? null : duration(p.repeated().within()));
    }

    static Deadline deadline(String text) {
        if (text == null) {
            return null;
        }
        return Durations.isBusinessDays(text) ? new Deadline.BusinessDays(Durations.businessDays(text))
                : new Deadline.Fixed(Durations.parse(text));
    }

    private static Duration duration(String text) {
        return text == null ? null : Durations.parse(text);
    }
}
