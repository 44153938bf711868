package io.tocsin.config;

import io.tocsin.config.OrganisationConfig.EscalationPolicy;
import io.tocsin.config.OrganisationConfig.Level;
import io.tocsin.config.OrganisationConfig.Path;
import io.tocsin.config.OrganisationConfig.Person;
import io.tocsin.config.OrganisationConfig.Target;
import io.tocsin.config.OrganisationConfig.Trigger;
import io.tocsin.schedule.ShiftLength;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks what a JSON Schema cannot: references between sections (with "did you mean"), unique ids,
 * parseable durations, zones, dates and times, rotation rules, and cycles between escalation paths.
 * Collects every problem rather than stopping at the first.
 */
final class ConfigValidator {
    /**
     * A problem at {@code path}; {@code line} and {@code column} (1-based, 0 when unknown) locate it
     * inside the scalar at that path, for problems inside a template.
     */
    record Finding(ConfigPath path, String message, int line, int column) {
        Finding(ConfigPath path, String message) {
            this(path, message, 0, 0);
        }
    }

    static final Set<String> DAYS = Set.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

    private final OrganisationConfig config;
    private final List<Finding> findings = new ArrayList<>();
    private final Set<String> people = new LinkedHashSet<>();
    private final Set<String> roles = new LinkedHashSet<>();
    private final Set<String> teams = new LinkedHashSet<>();
    private final Set<String> domains = new LinkedHashSet<>();
    private final Set<String> vendors = new LinkedHashSet<>();
    private final Map<String, Set<String>> scheduleLayers = new LinkedHashMap<>();
    private final Set<String> severities = new LinkedHashSet<>();
    private final Set<String> policies = new LinkedHashSet<>();
    private final Set<String> services = new LinkedHashSet<>();

    private ConfigValidator(OrganisationConfig config) {
        this.config = config;
    }

    static List<Finding> validate(OrganisationConfig config) {
        ConfigValidator v = new ConfigValidator(config);
        v.run();
        return v.findings;
    }

    private void run() {
        ConfigPath root = ConfigPath.ROOT;
        collectIds(root.key("people"), "person", config.people(), Person::id, people);
        collectIds(root.key("roles"), "role", config.roles(), OrganisationConfig.DirectoryRole::id, roles);
        collectIds(root.key("teams"), "team", config.teams(), OrganisationConfig.Team::id, teams);
        collectIds(root.key("domains"), "domain", config.domains(), OrganisationConfig.Domain::id, domains);
        collectIds(root.key("vendors"), "vendor", config.vendors(), OrganisationConfig.Vendor::id, vendors);
        Set<String> scheduleIds = new LinkedHashSet<>();
        collectIds(root.key("schedules"), "schedule", config.schedules(), OrganisationConfig.Schedule::id, scheduleIds);
        for (OrganisationConfig.Schedule s : config.schedules()) {
            Set<String> layers = new LinkedHashSet<>();
            s.layers().forEach(l -> layers.add(l.id()));
            scheduleLayers.putIfAbsent(s.id(), layers);
        }
        collectIds(root.key("severities"), "severity", config.severities(), OrganisationConfig.Severity::id, severities);
        collectIds(root.key("escalation_policies"), "escalation policy", config.escalationPolicies(), EscalationPolicy::id, policies);
        collectIds(root.key("services"), "service", config.services(), OrganisationConfig.Service::id, services);
        collectIds(root.key("routing_rules"), "routing rule", config.routingRules(), OrganisationConfig.RoutingRule::id, new HashSet<>());
        collectIds(root.key("maintenance_windows"), "maintenance window", config.maintenanceWindows(), OrganisationConfig.MaintenanceWindow::id, new HashSet<>());

        organisation(root.key("organisation"));
        for (int i = 0; i < config.people().size(); i++) {
            person(root.key("people").index(i), config.people().get(i));
        }
        for (int i = 0; i < config.roles().size(); i++) {
            ConfigPath p = root.key("roles").index(i);
            refs(p.key("held_by"), "person", config.roles().get(i).heldBy(), people);
            if (config.roles().get(i).heldBy().isEmpty()) {
                add(p.key("held_by"), "role \"" + config.roles().get(i).id() + "\" is held by nobody");
            }
        }
        for (int i = 0; i < config.teams().size(); i++) {
            ConfigPath p = root.key("teams").index(i);
            refs(p.key("members"), "person", config.teams().get(i).members(), people);
            refs(p.key("leads"), "person", config.teams().get(i).leads(), people);
            access(p.key("access"), config.teams().get(i).access());
        }
        access(root.key("access"), config.access());
        for (int i = 0; i < config.domains().size(); i++) {
            ConfigPath p = root.key("domains").index(i);
            refs(p.key("experts"), "person", config.domains().get(i).experts(), people);
            refs(p.key("backup"), "person", config.domains().get(i).backup(), people);
        }
        for (int i = 0; i < config.schedules().size(); i++) {
            schedule(root.key("schedules").index(i), config.schedules().get(i));
        }
        severityScale(root.key("severities"));
        for (int i = 0; i < config.escalationPolicies().size(); i++) {
            policy(root.key("escalation_policies").index(i), config.escalationPolicies().get(i));
        }
        services(root.key("services"));
        routingRules(root.key("routing_rules"));
        maintenanceWindows(root.key("maintenance_windows"));
        notifications(root.key("notifications"));
    }

    private void organisation(ConfigPath p) {
        OrganisationConfig.Organisation org = config.organisation();
        if (org == null) {
            add(ConfigPath.ROOT, "missing \"organisation\" section (id, name, time_zone)");
            return;
        }
        zone(p.key("time_zone"), org.timeZone(), true);
        for (int i = 0; i < org.workingWeek().size(); i++) {
            day(p.key("working_week").index(i), org.workingWeek().get(i));
        }
        if (org.workingWeek().isEmpty()) {
            add(p.key("working_week"), "the working week needs at least one day (business-day targets count on it)");
        }
        int opens = time(p.key("business_hours").key("start"), org.businessHours().start(), false);
        int closes = time(p.key("business_hours").key("end"), org.businessHours().end(), true);
        if (opens >= 0 && closes >= 0 && closes <= opens) {
            add(p.key("business_hours").key("end"), "business hours must end after they start (" + org.businessHours().start()
                    + "-" + org.businessHours().end() + ")");
        }
        int sleeps = time(p.key("sleep_hours").key("start"), org.sleepHours().start(), false);
        int wakes = time(p.key("sleep_hours").key("end"), org.sleepHours().end(), true);
        if (sleeps >= 0 && wakes >= 0 && (sleeps == wakes || (sleeps == 0 && wakes == 24 * 60))) {
            // A window from 22:00 to 22:00 is either no night or all night; neither splits the people report.
            add(p.key("sleep_hours").key("end"), "sleep hours must end at another time than they start (" + org.sleepHours() + ")");
        }
        for (int i = 0; i < org.holidays().size(); i++) {
            date(p.key("holidays").index(i).key("date"), org.holidays().get(i).date());
        }
        if (org.defaultSeverity() != null) {
            ref(p.key("default_severity"), "severity", org.defaultSeverity(), severities);
        }
        for (Map.Entry<String, Map<String, String>> source : org.sourceSeverities().entrySet()) {
            for (Map.Entry<String, String> mapping : source.getValue().entrySet()) {
                ref(p.key("source_severities").key(source.getKey()).key(mapping.getKey()), "severity", mapping.getValue(), severities);
            }
        }
        if (org.warRoom() != null && org.warRoom().whenServicesAffected() != null && org.warRoom().whenServicesAffected() < 2) {
            add(p.key("war_room").key("when_services_affected"), "must be at least 2");
        }
    }

    private void person(ConfigPath p, Person person) {
        if (person.timeZone() != null) {
            zone(p.key("time_zone"), person.timeZone(), true);
        }
        Set<String> methods = new LinkedHashSet<>();
        for (int i = 0; i < person.contactMethods().size(); i++) {
            String id = person.contactMethods().get(i).id();
            if (id != null && !methods.add(id)) {
                add(p.key("contact_methods").index(i).key("id"), "duplicate contact method id \"" + id + "\"");
            }
        }
        steps(p.key("notification_rules").key("high_urgency"), person.notificationRules().highUrgency(), methods);
        steps(p.key("notification_rules").key("low_urgency"), person.notificationRules().lowUrgency(), methods);
    }

    private void steps(ConfigPath p, List<OrganisationConfig.NotificationStep> steps, Set<String> methods) {
        for (int i = 0; i < steps.size(); i++) {
            duration(p.index(i).key("after"), steps.get(i).after(), false);
            ref(p.index(i).key("via"), "contact method", steps.get(i).via(), methods);
        }
    }

    /** Everyone granted a role is a person of the organisation (the schema keeps admins organisation-wide). */
    private void access(ConfigPath p, OrganisationConfig.Access access) {
        refs(p.key("admins"), "person", access.admins(), people);
        refs(p.key("managers"), "person", access.managers(), people);
        refs(p.key("responders"), "person", access.responders(), people);
        refs(p.key("viewers"), "person", access.viewers(), people);
    }

    private void schedule(ConfigPath p, OrganisationConfig.Schedule s) {
        if (s.team() != null) {
            ref(p.key("team"), "team", s.team(), teams);
        }
        if (s.timeZone() != null) {
            zone(p.key("time_zone"), s.timeZone(), true);
        }
        if (s.layers().isEmpty()) {
            add(p.key("layers"), "schedule \"" + s.id() + "\" has no layers");
        }
        Set<String> layerIds = new HashSet<>();
        // A layer id may come back only as a later definition of that layer: with an effective_from
        // after the one of the entry before it.
        Map<String, OffsetDateTime> lastEffective = new HashMap<>();
        for (int i = 0; i < s.layers().size(); i++) {
            ConfigPath lp = p.key("layers").index(i);
            OrganisationConfig.Layer layer = s.layers().get(i);
            OffsetDateTime effective = layer.effectiveFrom() == null ? null : instant(lp.key("effective_from"), layer.effectiveFrom());
            if (layer.id() != null && !layerIds.add(layer.id())) {
                OffsetDateTime previous = lastEffective.get(layer.id());
                if (layer.effectiveFrom() == null) {
                    add(lp.key("id"), "duplicate layer id \"" + layer.id() + "\" in schedule \"" + s.id()
                            + "\" (a later definition of a layer needs effective_from: the instant it takes over)");
                } else if (effective != null && previous != null && !effective.isAfter(previous)) {
                    add(lp.key("effective_from"), "must be after " + previous + ", when the previous definition of layer \""
                            + layer.id() + "\" takes effect");
                }
            }
            if (layer.id() != null && effective != null) {
                lastEffective.put(layer.id(), effective);
            }
            if (layer.participants().isEmpty()) {
                add(lp.key("participants"), "rotation has no one in it");
            }
            refs(lp.key("participants"), "person", layer.participants(), people);
            ShiftLength shift = null;
            try {
                shift = ShiftLength.parse(layer.shift());
            } catch (IllegalArgumentException e) {
                add(lp.key("shift"), e.getMessage());
            }
            if (layer.handoff() == null) {
                add(lp, "missing handoff");
            } else {
                time(lp.key("handoff").key("time"), layer.handoff().time(), false);
                boolean weekly = shift != null && shift.isWholeWeeks();
                if (layer.handoff().day() != null) {
                    day(lp.key("handoff").key("day"), layer.handoff().day());
                    if (shift != null && !weekly) {
                        add(lp.key("handoff").key("day"), "a hand-off day only applies to shifts of whole weeks (shift is " + layer.shift() + ")");
                    }
                } else if (weekly) {
                    add(lp.key("handoff"), "a weekly rotation needs a hand-off day, like { day: mon, time: \"09:00\" }");
                }
            }
            date(lp.key("start"), layer.start());
            if ("iso_week".equals(layer.numbering()) && shift != null && shift.days() != 7) {
                add(lp.key("numbering"), "iso_week numbering needs a shift of exactly 1w");
            }
            for (int r = 0; r < layer.restrictions().size(); r++) {
                ConfigPath rp = lp.key("restrictions").index(r);
                OrganisationConfig.Restriction restriction = layer.restrictions().get(r);
                for (int d = 0; d < restriction.days().size(); d++) {
                    day(rp.key("days").index(d), restriction.days().get(d));
                }
                if (restriction.from() != null) {
                    time(rp.key("from"), restriction.from(), false);
                }
                if (restriction.to() != null) {
                    time(rp.key("to"), restriction.to(), true);
                }
            }
        }
        for (int i = 0; i < s.overrides().size(); i++) {
            ConfigPath op = p.key("overrides").index(i);
            OrganisationConfig.Override o = s.overrides().get(i);
            ref(op.key("person"), "person", o.person(), people);
            if (o.layer() != null) {
                ref(op.key("layer"), "layer of schedule \"" + s.id() + "\"", o.layer(), layerIds);
            }
            OffsetDateTime start = instant(op.key("start"), o.start());
            OffsetDateTime end = instant(op.key("end"), o.end());
            if (start != null && end != null && !end.isAfter(start)) {
                add(op.key("end"), "override must end after it starts");
            }
        }
    }

    private void severityScale(ConfigPath p) {
        Map<String, String> names = new HashMap<>();
        for (int i = 0; i < config.severities().size(); i++) {
            OrganisationConfig.Severity s = config.severities().get(i);
            ConfigPath sp = p.index(i);
            if (s.id() != null) {
                names.putIfAbsent(s.id().toLowerCase(Locale.ROOT), s.id());
            }
            for (int a = 0; a < s.aliases().size(); a++) {
                String alias = s.aliases().get(a).toLowerCase(Locale.ROOT);
                String owner = names.putIfAbsent(alias, s.id());
                if (owner != null && !owner.equals(s.id())) {
                    add(sp.key("aliases").index(a), "alias \"" + s.aliases().get(a) + "\" already names severity \"" + owner + "\"");
                }
            }
            ConfigPath tp = sp.key("targets");
            duration(tp.key("acknowledge"), s.targets().acknowledge(), true);
            duration(tp.key("first_update"), s.targets().firstUpdate(), true);
            businessOrDuration(tp.key("resolve"), s.targets().resolve());
            for (int c = 0; c < s.updateCadence().size(); c++) {
                duration(sp.key("update_cadence").index(c).key("every"), s.updateCadence().get(c).every(), false);
            }
            if (s.postmortem() != null) {
                businessOrDuration(sp.key("postmortem").key("within"), s.postmortem().within());
                if ("when_repeated".equals(s.postmortem().required()) && s.postmortem().repeated() == null) {
                    add(sp.key("postmortem"), "required: when_repeated needs repeated: { count, within }");
                }
                if (s.postmortem().repeated() != null) {
                    duration(sp.key("postmortem").key("repeated").key("within"), s.postmortem().repeated().within(), true);
                }
            }
            if (s.warRoom() != null) {
                duration(sp.key("war_room").key("after"), s.warRoom().after(), true);
            }
        }
        if (config.organisation() != null && config.severities().isEmpty()) {
            add(p, "the organisation needs a severity scale (at least one severity)");
        }
    }

    private void policy(ConfigPath p, EscalationPolicy policy) {
        Set<String> pathIds = new LinkedHashSet<>();
        Set<String> levelIds = new LinkedHashSet<>();
        for (int i = 0; i < policy.paths().size(); i++) {
            Path path = policy.paths().get(i);
            if (path.id() != null && !pathIds.add(path.id())) {
                add(p.key("paths").index(i).key("id"), "duplicate path id \"" + path.id() + "\"");
            }
            path.levels().forEach(l -> levelIds.add(l.id()));
        }
        if (policy.paths().isEmpty()) {
            add(p.key("paths"), "an escalation policy needs at least one path");
        }
        duration(p.key("acknowledgement_timeout"), policy.acknowledgementTimeout(), true);
        if (policy.acknowledgementTimeout() != null) {
            try {
                if (Durations.parse(policy.acknowledgementTimeout()).isZero()) {
                    add(p.key("acknowledgement_timeout"), "an acknowledgement timeout of zero would undo every acknowledgement at once");
                }
            } catch (IllegalArgumentException reportedAbove) {
                // the duration check just above has already named this problem
            }
        }
        if (policy.defaultPath() != null) {
            ref(p.key("default_path"), "path", policy.defaultPath(), pathIds);
        } else if (policy.paths().size() > 1 && policy.paths().stream().allMatch(x -> !x.severities().isEmpty())
                && !coversAllSeverities(policy)) {
            add(p.key("default_path"), "no default_path, and the paths' severities do not cover every severity");
        }
        for (int i = 0; i < policy.paths().size(); i++) {
            ConfigPath pp = p.key("paths").index(i);
            Path path = policy.paths().get(i);
            refs(pp.key("severities"), "severity", path.severities(), severities);
            if (path.repeat() != null && path.repeat() < 0) {
                add(pp.key("repeat"), "repeat cannot be negative");
            }
            if (path.levels().isEmpty()) {
                add(pp.key("levels"), "path \"" + path.id() + "\" has no levels");
            }
            Set<String> seen = new HashSet<>();
            for (int l = 0; l < path.levels().size(); l++) {
                ConfigPath lp = pp.key("levels").index(l);
                Level level = path.levels().get(l);
                if (level.id() != null && !seen.add(level.id())) {
                    add(lp.key("id"), "duplicate level id \"" + level.id() + "\" in path \"" + path.id() + "\"");
                }
                startCondition(lp.key("start"), level.start());
                if (level.targets().isEmpty()) {
                    add(lp.key("notify"), "a level needs at least one target");
                }
                targets(lp.key("notify"), level.targets());
            }
            triggers(pp.key("triggers"), path.triggers(), pathIds, levelIds);
        }
        triggers(p.key("triggers"), policy.triggers(), pathIds, levelIds);
        pathCycles(p, policy);
    }

    private boolean coversAllSeverities(EscalationPolicy policy) {
        Set<String> covered = new HashSet<>();
        policy.paths().forEach(x -> covered.addAll(x.severities()));
        return covered.containsAll(severities);
    }

    private void startCondition(ConfigPath p, OrganisationConfig.StartCondition start) {
        if (start == null) {
            return;
        }
        int set = 0;
        for (String[] field : new String[][] {{"after", start.after()}, {"unacknowledged_for", start.unacknowledgedFor()},
                {"unresolved_for", start.unresolvedFor()}, {"no_update_for", start.noUpdateFor()}}) {
            if (field[1] != null) {
                set++;
                duration(p.key(field[0]), field[1], false);
            }
        }
        if (start.whenTagged() != null) {
            set++;
        }
        if (set != 1) {
            add(p, "a level starts on exactly one of after, unacknowledged_for, unresolved_for, no_update_for, when_tagged");
        }
    }

    private void targets(ConfigPath p, List<Target> targets) {
        for (int i = 0; i < targets.size(); i++) {
            ConfigPath tp = p.index(i);
            Target t = targets.get(i);
            if (t == null) {
                add(tp, "empty target");
                continue;
            }
            int kinds = 0;
            if (t.person() != null) {
                kinds++;
                ref(tp.key("person"), "person", t.person(), people);
            }
            if (t.schedule() != null) {
                kinds++;
                Set<String> layers = scheduleLayers.get(t.schedule());
                if (ref(tp.key("schedule"), "schedule", t.schedule(), scheduleLayers.keySet()) && t.layer() != null) {
                    ref(tp.key("layer"), "layer of schedule \"" + t.schedule() + "\"", t.layer(), layers);
                }
            } else if (t.layer() != null) {
                add(tp.key("layer"), "layer needs a schedule");
            }
            if (t.team() != null) {
                kinds++;
                ref(tp.key("team"), "team", t.team(), teams);
            } else if (t.members() != null) {
                add(tp.key("members"), "members needs a team");
            }
            if (t.owningTeam() != null) {
                kinds++;
            }
            if (t.domainExperts() != null) {
                kinds++;
            }
            if (t.role() != null) {
                kinds++;
                ref(tp.key("role"), "role", t.role(), roles);
            }
            if (t.vendor() != null) {
                kinds++;
                ref(tp.key("vendor"), "vendor", t.vendor(), vendors);
            }
            if (kinds != 1) {
                add(tp, "a target names exactly one of person, schedule, team, owning_team, domain_experts, role, vendor");
            }
        }
    }

    private void triggers(ConfigPath p, List<Trigger> triggers, Set<String> pathIds, Set<String> levelIds) {
        for (int i = 0; i < triggers.size(); i++) {
            ConfigPath tp = p.index(i);
            Trigger t = triggers.get(i);
            if (t.on() == null) {
                add(tp, "a trigger needs \"on\"");
            } else {
                refs(tp.key("on").key("severities"), "severity", t.on().severities(), severities);
                duration(tp.key("on").key("unacknowledged_for"), t.on().unacknowledgedFor(), true);
                duration(tp.key("on").key("unresolved_for"), t.on().unresolvedFor(), true);
                duration(tp.key("on").key("no_update_for"), t.on().noUpdateFor(), true);
            }
            if (t.action() == null) {
                add(tp, "a trigger needs \"do\"");
                continue;
            }
            ConfigPath ap = tp.key("do");
            if (t.action().switchPath() != null) {
                ref(ap.key("switch_path"), "path", t.action().switchPath(), pathIds);
            }
            if (t.action().addPath() != null) {
                ref(ap.key("add_path"), "path", t.action().addPath(), pathIds);
            }
            if (t.action().goToLevel() != null) {
                ref(ap.key("go_to_level"), "level", t.action().goToLevel(), levelIds);
            }
            targets(ap.key("notify"), t.action().targets());
        }
    }

    /**
     * A trigger that moves an incident from path A to B, and another from B back to A, could ping-pong
     * forever. Only switches move an incident; add_path runs a path beside the current one.
     */
    private void pathCycles(ConfigPath p, EscalationPolicy policy) {
        Map<String, Set<String>> edges = new LinkedHashMap<>();
        for (Path path : policy.paths()) {
            Set<String> out = edges.computeIfAbsent(path.id(), k -> new LinkedHashSet<>());
            for (Trigger t : concat(path.triggers(), policy.triggers())) {
                if (t.action() == null) {
                    continue;
                }
                String target = t.action().switchPath();
                if (target != null && !target.equals(path.id())) {
                    out.add(target);
                }
            }
        }
        Set<String> reported = new HashSet<>();
        for (String start : edges.keySet()) {
            List<String> cycle = findCycle(start, edges, new ArrayList<>(), new HashSet<>());
            if (cycle != null) {
                Set<String> key = new HashSet<>(cycle);
                if (reported.add(String.join(",", new java.util.TreeSet<>(key)))) {
                    add(p.key("triggers"), "escalation paths form a cycle: " + String.join(" -> ", cycle));
                }
            }
        }
    }

    private List<String> findCycle(String node, Map<String, Set<String>> edges, List<String> stack, Set<String> done) {
        int at = stack.indexOf(node);
        if (at >= 0) {
            List<String> cycle = new ArrayList<>(stack.subList(at, stack.size()));
            cycle.add(node);
            return cycle;
        }
        if (!done.add(node)) {
            return null;
        }
        stack.add(node);
        for (String next : edges.getOrDefault(node, Set.of())) {
            List<String> c = findCycle(next, edges, stack, done);
            if (c != null) {
                return c;
            }
        }
        stack.remove(stack.size() - 1);
        return null;
    }

    private void services(ConfigPath p) {
        Map<String, String> keys = new HashMap<>();
        for (int i = 0; i < config.services().size(); i++) {
            ConfigPath sp = p.index(i);
            OrganisationConfig.Service s = config.services().get(i);
            ref(sp.key("team"), "team", s.team(), teams);
            if (s.domain() != null) {
                ref(sp.key("domain"), "domain", s.domain(), domains);
            }
            ref(sp.key("escalation_policy"), "escalation policy", s.escalationPolicy(), policies);
            for (int k = 0; k < s.integrations().size(); k++) {
                ConfigPath ip = sp.key("integrations").index(k);
                OrganisationConfig.Integration integration = s.integrations().get(k);
                if (integration.key() != null) {
                    String owner = keys.putIfAbsent(integration.key(), s.id());
                    if (owner != null) {
                        add(ip.key("key"), "integration key is already used by service \"" + owner + "\"");
                    }
                }
                if ("heartbeat".equals(integration.type())) {
                    if (integration.interval() == null) {
                        add(ip, "a heartbeat integration needs an interval");
                    }
                } else if (integration.interval() != null) {
                    add(ip.key("interval"), "interval applies only to heartbeat integrations");
                }
                duration(ip.key("interval"), integration.interval(), true);
            }
        }
    }

    private void routingRules(ConfigPath p) {
        for (int i = 0; i < config.routingRules().size(); i++) {
            ConfigPath rp = p.index(i);
            OrganisationConfig.RoutingRule r = config.routingRules().get(i);
            if (r.when() == null || r.when().isBlank()) {
                add(rp.key("when"), "a routing rule needs a CEL condition");
            } else {
                try {
                    RoutingCondition.compile(r.when());
                } catch (IllegalArgumentException e) {
                    add(rp.key("when"), e.getMessage());
                }
            }
            if (r.set() != null) {
                if (r.set().service() != null) {
                    ref(rp.key("set").key("service"), "service", r.set().service(), services);
                }
                if (r.set().severity() != null) {
                    ref(rp.key("set").key("severity"), "severity", r.set().severity(), severities);
                }
            }
            duration(rp.key("sustained_for"), r.sustainedFor(), true);
        }
    }

    private void maintenanceWindows(ConfigPath p) {
        for (int i = 0; i < config.maintenanceWindows().size(); i++) {
            ConfigPath wp = p.index(i);
            OrganisationConfig.MaintenanceWindow w = config.maintenanceWindows().get(i);
            refs(wp.key("services"), "service", w.services(), services);
            if (w.timeZone() != null) {
                zone(wp.key("time_zone"), w.timeZone(), true);
            }
            if (w.recurrence() != null) {
                for (int d = 0; d < w.recurrence().days().size(); d++) {
                    day(wp.key("recurrence").key("days").index(d), w.recurrence().days().get(d));
                }
                time(wp.key("recurrence").key("from"), w.recurrence().from(), false);
                time(wp.key("recurrence").key("to"), w.recurrence().to(), true);
            } else {
                OffsetDateTime start = instant(wp.key("start"), w.start());
                OffsetDateTime end = instant(wp.key("end"), w.end());
                if (start != null && end != null && !end.isAfter(start)) {
                    add(wp.key("end"), "maintenance window must end after it starts");
                }
            }
        }
    }

    /** Every template compiles and names only its kind's variables; sensitive fields are distinct. */
    private void notifications(ConfigPath p) {
        OrganisationConfig.Notifications n = config.notifications();
        for (String kind : MessageTemplateSyntax.KINDS) {
            OrganisationConfig.KindTemplates k = n.templates().kind(kind).orElse(null);
            if (k == null) {
                continue;
            }
            ConfigPath kp = p.key("templates").key(kind);
            for (String part : MessageTemplateSyntax.PARTS) {
                template(kp.key(part), kind, k.parts().part(part));
            }
            for (String channel : MessageTemplateSyntax.CHANNEL_PARTS.keySet()) {
                OrganisationConfig.PartTemplates c = k.channel(channel).orElse(null);
                if (c == null) {
                    continue;
                }
                for (String part : MessageTemplateSyntax.PARTS) {
                    template(kp.key(channel).key(part), kind, c.part(part));
                }
            }
        }
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < n.sensitiveFields().size(); i++) {
            String field = n.sensitiveFields().get(i);
            if (field == null || field.isBlank()) {
                add(p.key("sensitive_fields").index(i), "a sensitive field needs a name");
                continue;
            }
            String before = seen.putIfAbsent(SensitiveFields.normalise(field), field);
            if (before != null) {
                add(p.key("sensitive_fields").index(i), "\"" + field + "\" is the same field as \"" + before
                        + "\" (names match ignoring case, _, -, . and spaces)");
            }
        }
    }

    private void template(ConfigPath p, String kind, String text) {
        if (text == null) {
            return;
        }
        boolean multiline = text.strip().contains("\n");
        for (MessageTemplateSyntax.Problem problem : MessageTemplateSyntax.check(kind, text)) {
            String where = multiline || problem.column() > 1
                    ? "template line " + problem.line() + ", column " + problem.column() + ": " : "";
            findings.add(new Finding(p, where + problem.message(), problem.line(), problem.column()));
        }
    }

    // ---- primitive checks ----

    private <T> void collectIds(ConfigPath p, String kind, List<T> items, Function<T, String> id, Set<String> into) {
        for (int i = 0; i < items.size(); i++) {
            String value = items.get(i) == null ? null : id.apply(items.get(i));
            if (value == null) {
                add(p.index(i), kind + " has no id");
            } else if (!into.add(value)) {
                add(p.index(i).key("id"), "duplicate " + kind + " id \"" + value + "\"");
            }
        }
    }

    private void refs(ConfigPath p, String kind, List<String> values, Set<String> known) {
        for (int i = 0; i < values.size(); i++) {
            ref(p.index(i), kind, values.get(i), known);
        }
    }

    private boolean ref(ConfigPath p, String kind, String value, Set<String> known) {
        if (value == null) {
            add(p, "missing " + kind);
            return false;
        }
        if (known != null && known.contains(value)) {
            return true;
        }
        String hint = known == null ? "" : DidYouMean.closest(value, known).map(s -> " (did you mean \"" + s + "\"?)").orElse("");
        add(p, "unknown " + kind + " \"" + value + "\"" + hint);
        return false;
    }

    private void duration(ConfigPath p, String value, boolean optional) {
        if (value == null) {
            if (!optional) {
                add(p, "missing duration");
            }
            return;
        }
        try {
            Durations.parse(value);
        } catch (IllegalArgumentException e) {
            add(p, e.getMessage());
        }
    }

    private void businessOrDuration(ConfigPath p, String value) {
        if (value != null && !Durations.isBusinessDays(value)) {
            duration(p, value, true);
        } else if (value != null) {
            try {
                Durations.businessDays(value); // bounded, as the engine reads it
            } catch (IllegalArgumentException e) {
                add(p, e.getMessage());
            }
        }
    }

    private void zone(ConfigPath p, String value, boolean required) {
        if (value == null) {
            if (required) {
                add(p, "missing time zone");
            }
            return;
        }
        try {
            ZoneId.of(value);
        } catch (DateTimeException e) {
            String hint = DidYouMean.closest(value, ZoneId.getAvailableZoneIds()).map(s -> " (did you mean \"" + s + "\"?)").orElse("");
            add(p, "unknown time zone \"" + value + "\"" + hint);
        }
    }

    private void day(ConfigPath p, String value) {
        if (value == null || !DAYS.contains(value)) {
            add(p, "unknown day \"" + value + "\": use mon, tue, wed, thu, fri, sat, sun");
        }
    }

    /** The minute of day, or -1 after reporting the problem. */
    private int time(ConfigPath p, String value, boolean allow24) {
        if (value == null) {
            add(p, "missing time of day");
            return -1;
        }
        int minute = TimesOfDay.minuteOfDay(value, allow24);
        if (minute < 0) {
            add(p, "bad time of day \"" + value + "\": use HH:MM" + (allow24 ? " (24:00 allowed)" : ""));
        }
        return minute;
    }

    private void date(ConfigPath p, String value) {
        if (value == null) {
            add(p, "missing date");
            return;
        }
        try {
            LocalDate.parse(value);
        } catch (DateTimeException e) {
            add(p, "bad date \"" + value + "\": use YYYY-MM-DD");
        }
    }

    private OffsetDateTime instant(ConfigPath p, String value) {
        if (value == null) {
            add(p, "missing instant");
            return null;
        }
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeException e) {
            add(p, "bad instant \"" + value + "\": use ISO-8601 with an offset, like 2026-03-29T09:00:00+03:00");
            return null;
        }
    }

    private void add(ConfigPath p, String message) {
        findings.add(new Finding(p, message));
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
