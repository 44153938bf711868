package io.tocsin.migration;

import static io.tocsin.migration.Values.instant;

import io.tocsin.config.Durations;
import java.io.IOException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * PagerDuty's configuration (REST API v2) as Tocsin configuration.
 *
 * <p>Schedules are the delicate part. PagerDuty stacks a schedule's layers: at each instant the
 * highest layer with someone on call answers, and an override replaces the answer. Tocsin's layers
 * answer side by side (primary, secondary), so each PagerDuty layer becomes a Tocsin layer restricted
 * to its own windows minus those of every higher layer; the layers then never overlap, and a rule
 * that targets the schedule notifies all of them, which reaches exactly the one person PagerDuty
 * would. An override is given on every layer, so it answers alone wherever it applies.
 */
public final class PagerDutyImport {
    /** Tocsin's PagerDuty Events API v2 endpoint, where a routing key is looked up among the services' pagerduty keys. */
    static final String EVENTS_ENDPOINT = "https://TOCSIN-HOST/v2/enqueue";
    static final List<String> SEVERITIES = List.of("critical", "error", "warning", "info");

    private final ExportSource export;
    private final ImportOptions options;
    /** Schedules (PagerDuty ids) whose layer list is read lowest priority first instead of highest first. */
    private final Set<String> lowestFirst;
    private final ImportReport report;
    private final Ids people = new Ids("person");
    private final Ids teams = new Ids("team");
    private final Ids schedules = new Ids("schedule");
    private final Ids policies = new Ids("policy");
    private final Ids services = new Ids("service");
    /** Tocsin layer ids of each imported schedule (by PagerDuty id), for targets. */
    private final Map<String, List<String>> layersOf = new LinkedHashMap<>();
    private final Map<String, List<ScheduleComparison.Entry>> rendered = new LinkedHashMap<>();
    private final Map<String, String> scheduleNames = new LinkedHashMap<>();
    private final Map<String, String> scheduleSources = new LinkedHashMap<>();
    private final List<Map<String, Object>> teamList = new ArrayList<>();
    private final Map<String, Map<String, Object>> policyById = new LinkedHashMap<>();
    /** The Tocsin team of each policy (by PagerDuty id), the owner of its services that name none. */
    private final Map<String, String> policyTeam = new LinkedHashMap<>();

    private PagerDutyImport(ExportSource export, ImportOptions options, Set<String> lowestFirst) {
        this.export = export;
        this.options = options;
        this.lowestFirst = lowestFirst;
        this.report = new ImportReport("PagerDuty", export.describe());
    }

    /** The whole conversion; {@code lowestFirst} names schedules whose layers are listed lowest priority first. */
    public static Conversion convert(ExportSource export, ImportOptions options, Set<String> lowestFirst) throws IOException {
        return new PagerDutyImport(export, options, lowestFirst).run();
    }

    private Conversion run() throws IOException {
        List<JsonNode> users = export.list("users", "users", Map.of("include[]", "contact_methods,notification_rules"));
        List<Map<String, Object>> personList = new ArrayList<>();
        for (JsonNode u : users) {
            personList.add(person(u));
        }
        for (JsonNode t : export.list("teams", "teams", Map.of())) {
            teamList.add(team(t));
        }
        List<Map<String, Object>> scheduleList = new ArrayList<>();
        Map<String, Long> zones = new LinkedHashMap<>();
        for (JsonNode listed : export.list("schedules", "schedules", Map.of())) {
            Map<String, Object> s = schedule(listed.path("id").asString());
            if (s != null) {
                scheduleList.add(s);
                zones.merge((String) s.get("time_zone"), 1L, Long::sum);
            }
        }
        List<Map<String, Object>> policyList = new ArrayList<>();
        for (JsonNode p : export.list("escalation_policies", "escalation_policies", Map.of())) {
            policyList.add(policy(p));
        }
        List<Map<String, Object>> serviceList = new ArrayList<>();
        for (JsonNode s : export.list("services", "services", Map.of("include[]", "integrations"))) {
            Map<String, Object> service = service(s);
            if (service != null) {
                serviceList.add(service);
            }
        }
        Map<String, Map<String, Object>> files = Sections.files(organisation(Sections.organisationZone(options, zones)), personList, teamList,
                scheduleList, policyList, serviceList);
        return new Conversion(files, rendered, scheduleNames, scheduleSources, report);
    }

    private Map<String, Object> organisation(ZoneId zone) {
        Map<String, Object> mapping = new LinkedHashMap<>();
        SEVERITIES.forEach(s -> mapping.put(s, s));
        List<Map<String, Object>> severities = new ArrayList<>();
        for (String s : SEVERITIES) {
            Map<String, Object> sev = new LinkedHashMap<>();
            sev.put("id", s);
            sev.put("name", Character.toUpperCase(s.charAt(0)) + s.substring(1));
            // PagerDuty's default urgency rule pages at high urgency whatever the event's severity.
            sev.put("response", "page");
            severities.add(sev);
        }
        return Sections.organisation(options, zone, Map.of("pagerduty", mapping), "error", severities);
    }

    // ---- people ---------------------------------------------------------------------------------

    private Map<String, Object> person(JsonNode u) {
        String email = u.path("email").asString("");
        String name = u.path("name").asString(email);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("id", people.of(u.path("id").asString(), Sections.personName(email, name)));
        p.put("name", name);
        Sections.personZone(p, u.path("time_zone").asString(""), "user " + name, report);
        if (u.path("role").asString("").matches("admin|owner|read_only_user|read_only_limited_user|observer|restricted_access")) {
            report.notCarried("user " + name, "account role " + u.path("role").asString(), Sections.NO_ACCOUNT_ROLES);
        }
        Ids methodIds = new Ids("contact");
        Map<String, String> methodBySource = new LinkedHashMap<>();
        List<Map<String, Object>> methods = new ArrayList<>();
        JsonNode cms = u.path("contact_methods");
        if (!cms.isArray()) {
            report.notCarried("user " + name, "contact methods", "the export's user has no contact_methods (fetch users with include[]=contact_methods)");
        }
        for (JsonNode cm : cms) {
            String type = cm.path("type").asString("");
            String address = cm.path("address").asString("");
            String tocsinType = switch (type) {
                case "email_contact_method", "email_contact_method_reference" -> "email";
                case "sms_contact_method", "sms_contact_method_reference" -> "sms";
                case "phone_contact_method", "phone_contact_method_reference" -> "voice";
                default -> null;
            };
            if (tocsinType == null) {
                report.notCarried("user " + name, "contact method " + type + " (" + cm.path("label").asString(address) + ")",
                        type.startsWith("push_notification") ? "PagerDuty's mobile app push has no equivalent; Tocsin pushes through ntfy (type push): add an ntfy topic"
                                : "no Tocsin channel of this type");
                continue;
            }
            if (!tocsinType.equals("email")) {
                address = "+" + cm.path("country_code").asString("") + address.replaceAll("[^0-9]", "");
            }
            String methodId = methodIds.of(cm.path("id").asString(), tocsinType);
            methodBySource.put(cm.path("id").asString(), methodId);
            methods.add(Values.contactMethod(methodId, tocsinType, address));
        }
        if (!methods.isEmpty()) {
            p.put("contact_methods", methods);
        }
        Map<String, List<Map<String, Object>>> rules = new LinkedHashMap<>();
        List<JsonNode> sorted = new ArrayList<>();
        u.path("notification_rules").forEach(sorted::add);
        sorted.sort(Comparator.comparingInt(r -> r.path("start_delay_in_minutes").asInt(0)));
        for (JsonNode r : sorted) {
            String via = methodBySource.get(r.path("contact_method").path("id").asString());
            String urgency = r.path("urgency").asString("high");
            if (via == null) {
                report.notCarried("user " + name, urgency + "-urgency rule after " + r.path("start_delay_in_minutes").asInt(0) + " min by "
                        + r.path("contact_method").path("type").asString("?"), "its contact method was not carried over (see above)");
                continue;
            }
            rules.computeIfAbsent(urgency.equals("low") ? "low_urgency" : "high_urgency", k -> new ArrayList<>())
                    .add(Values.step(Duration.ofMinutes(r.path("start_delay_in_minutes").asInt(0)), via));
        }
        if (!rules.isEmpty()) {
            Map<String, Object> ordered = new LinkedHashMap<>();
            for (String k : List.of("high_urgency", "low_urgency")) {
                if (rules.containsKey(k)) {
                    ordered.put(k, rules.get(k));
                }
            }
            p.put("notification_rules", ordered);
        }
        return p;
    }

    // ---- teams ----------------------------------------------------------------------------------

    private Map<String, Object> team(JsonNode t) throws IOException {
        String name = t.path("name").asString(t.path("id").asString());
        String id = teams.of(t.path("id").asString(), name);
        List<String> members = new ArrayList<>();
        List<String> leads = new ArrayList<>();
        for (JsonNode m : export.listOrReport("teams/" + t.path("id").asString() + "/members", "members", Map.of(), report, "team " + name, "members")) {
            String person = people.known(m.path("user").path("id").asString());
            if (person == null) {
                report.notCarried("team " + name, "member " + m.path("user").path("summary").asString(m.path("user").path("id").asString()),
                        "not among the exported users");
                continue;
            }
            members.add(person);
            if ("manager".equals(m.path("role").asString())) {
                leads.add(person);
            }
        }
        Map<String, Object> team = Sections.team(id, name, members, leads);
        if (!t.path("description").asString("").isBlank()) {
            report.notCarried("team " + name, "description", "Tocsin teams have no description");
        }
        if (!t.path("parent").isMissingNode() && !t.path("parent").isNull()) {
            report.notCarried("team " + name, "parent team " + t.path("parent").path("summary").asString(t.path("parent").path("id").asString()),
                    "Tocsin teams are not nested");
        }
        return team;
    }

    // ---- schedules ------------------------------------------------------------------------------

    /** A PagerDuty layer as read: its windows in the schedule's local week, and when it applies. */
    private record SourceLayer(JsonNode json, String name, WeeklyWindows windows, Instant start, Instant end) {
    }

    private Map<String, Object> schedule(String pdId) throws IOException {
        JsonNode doc = export.document("schedules/" + pdId, range());
        JsonNode s = doc.has("schedule") ? doc.path("schedule") : doc;
        String name = s.path("name").asString(pdId);
        String subject = "schedule " + name;
        ZoneId zone = Sections.scheduleZone(s.path("time_zone").asString("UTC"), subject, report);
        if (zone == null) {
            return null;
        }
        String id = schedules.of(pdId, name);
        scheduleNames.put(id, name);
        scheduleSources.put(id, pdId);
        List<JsonNode> layerJson = new ArrayList<>();
        s.path("schedule_layers").forEach(layerJson::add);
        // Read highest priority first; the export lists them so unless the comparison showed otherwise.
        if (lowestFirst.contains(pdId)) {
            java.util.Collections.reverse(layerJson);
            report.note(subject + ": its layers were listed lowest priority first (their final schedule matched only so read)");
        }
        List<SourceLayer> layers = new ArrayList<>();
        for (JsonNode l : layerJson) {
            String lname = l.path("name").asString("layer");
            Instant start = instant(l.path("start"));
            Instant end = l.path("end").isNull() || l.path("end").isMissingNode() ? null : instant(l.path("end"));
            if (end != null && !end.isAfter(options.from())) {
                report.note(subject + ": layer \"" + lname + "\" ended " + end + ", before the import's start; it is history and was not imported");
                continue;
            }
            if (end != null) {
                report.notCarried(subject + ", layer " + lname, "end at " + end,
                        "a Tocsin layer does not end; after that instant the imported layer goes on (the comparison shows any difference in range)");
            }
            layers.add(new SourceLayer(l, lname, windows(l, subject + ", layer " + lname), start, end));
        }
        List<Map<String, Object>> tocsinLayers = new ArrayList<>();
        Ids layerIds = new Ids("layer");
        List<String> layerIdList = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            List<Map<String, Object>> definitions = layerDefinitions(layers, i, zone, layerIds, subject);
            if (!definitions.isEmpty()) {
                layerIdList.add((String) definitions.get(0).get("id"));
                tocsinLayers.addAll(definitions);
            }
        }
        if (tocsinLayers.isEmpty()) {
            report.notCarried(subject, "the whole schedule", "it has no layer on call after " + options.from() + " that Tocsin can express");
            return null;
        }
        layersOf.put(pdId, layerIdList);
        Map<String, Object> out = Sections.schedule(id, name, zone, tocsinLayers, overrides(pdId, subject, layerIdList));
        if (!s.path("description").asString("").isBlank()) {
            report.notCarried(subject, "description", "Tocsin schedules have no description");
        }
        rendered.put(id, renderedEntries(s, subject));
        return out;
    }

    /** The minutes of the local week a layer may be on call in. */
    private WeeklyWindows windows(JsonNode layer, String subject) {
        JsonNode restrictions = layer.path("restrictions");
        if (!restrictions.isArray() || restrictions.isEmpty()) {
            return WeeklyWindows.always();
        }
        WeeklyWindows w = WeeklyWindows.never();
        for (JsonNode r : restrictions) {
            LocalTime at = LocalTime.parse(r.path("start_time_of_day").asString("00:00:00"));
            long seconds = r.path("duration_seconds").asLong(0);
            if (at.getSecond() != 0 || seconds % 60 != 0) {
                report.notCarried(subject, "restriction " + r.path("start_time_of_day").asString() + " for " + seconds + " s",
                        "Tocsin restrictions are in whole minutes; rounded down to the minute");
            }
            LocalTime minute = at.withSecond(0).withNano(0);
            if ("weekly_restriction".equals(r.path("type").asString())) {
                w = w.plus(DayOfWeek.of(r.path("start_day_of_week").asInt(1)), minute, seconds / 60);
            } else {
                for (DayOfWeek d : DayOfWeek.values()) {
                    w = w.plus(d, minute, Math.min(seconds / 60, WeeklyWindows.DAY));
                }
            }
        }
        return w;
    }

    /**
     * Layer {@code i} as Tocsin layer entries: its own windows minus those of the higher layers in
     * force, one entry for each stretch between the starts of higher layers that begin after the
     * import's start (a higher layer hides this one only once it has begun).
     */
    private List<Map<String, Object>> layerDefinitions(List<SourceLayer> layers, int i, ZoneId zone, Ids layerIds, String subject) {
        SourceLayer layer = layers.get(i);
        String layerSubject = subject + ", layer " + layer.name();
        JsonNode l = layer.json();
        List<String> participants = new ArrayList<>();
        for (JsonNode u : l.path("users")) {
            String pdUser = u.path("user").path("id").asString(u.path("id").asString());
            String person = people.known(pdUser);
            if (person == null) {
                report.notCarried(layerSubject, "participant " + u.path("user").path("summary").asString(pdUser), "not among the exported users");
            } else {
                participants.add(person);
            }
        }
        long turn = l.path("rotation_turn_length_seconds").asLong(0);
        String shift = turn > 0 && turn % 604_800 == 0 ? (turn / 604_800) + "w"
                : turn > 0 && turn % 86_400 == 0 ? (turn / 86_400) + "d"
                : turn > 0 && turn % 3_600 == 0 ? (turn / 3_600) + "h" : null;
        if (shift == null || participants.size() != l.path("users").size()) {
            if (shift == null) {
                report.notCarried(layerSubject, "turn of " + turn + " s", "Tocsin shifts are whole hours, days or weeks; the layer was not imported");
            } else {
                report.notCarried(layerSubject, "the layer", "a participant is missing; the rotation order would change, so the layer was not imported");
            }
            return List.of();
        }
        // Tocsin counts shifts from the first hand-off on or after its start date: move the virtual
        // start back by whole cycles until it precedes the layer's start, which keeps everyone's turn.
        LocalDateTime first = instant(l.path("rotation_virtual_start")).atZone(zone).toLocalDateTime();
        if (first.getSecond() != 0) {
            report.notCarried(layerSubject, "hand-off seconds", "Tocsin hand-offs are at whole minutes; rounded down");
            first = first.withSecond(0);
        }
        long cycleHours = turn / 3_600 * participants.size();
        while (first.atZone(zone).toInstant().isAfter(layer.start())) {
            first = turn % 86_400 == 0 ? first.minusDays(turn / 86_400 * participants.size()) : first.minusHours(cycleHours);
        }
        TreeSet<Instant> changes = new TreeSet<>();
        for (int j = 0; j < i; j++) {
            if (layers.get(j).start().isAfter(options.from())) {
                changes.add(layers.get(j).start());
            }
        }
        String id = layerIds.of(String.valueOf(i), layer.name());
        List<Map<String, Object>> out = new ArrayList<>();
        List<Instant> from = new ArrayList<>();
        from.add(layer.start().isAfter(options.from()) ? layer.start() : null);
        changes.stream().filter(c -> layer.start().isBefore(c)).forEach(from::add);
        for (Instant effective : from) {
            Instant at = effective == null ? options.from() : effective;
            WeeklyWindows hidden = WeeklyWindows.never();
            for (int j = 0; j < i; j++) {
                if (!layers.get(j).start().isAfter(at)) {
                    hidden = hidden.union(layers.get(j).windows());
                }
            }
            WeeklyWindows visible = layer.windows().minus(hidden);
            if (visible.isEmpty()) {
                if (out.isEmpty() && from.size() == 1) {
                    report.note(subject + ": layer \"" + layer.name() + "\" is hidden by higher layers all week; it was not imported");
                    return List.of();
                }
                report.notCarried(layerSubject, "hidden from " + at, "a Tocsin layer cannot stop answering at an instant; compare the result");
                continue;
            }
            Map<String, Object> def = Values.layer(id, layer.name(), zone, participants, shift, first, visible, effective);
            out.add(def);
        }
        return out;
    }

    private List<Map<String, Object>> overrides(String pdId, String subject, List<String> layerIds) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        List<JsonNode> overrides = export.listOrReport("schedules/" + pdId + "/overrides", "overrides", range(), report, subject, "overrides");
        int past = 0;
        for (JsonNode o : overrides) {
            Instant start = instant(o.path("start"));
            Instant end = instant(o.path("end"));
            if (!end.isAfter(options.from())) {
                past++;
                continue;
            }
            String person = people.known(o.path("user").path("id").asString());
            if (person == null) {
                report.notCarried(subject, "override " + start + " to " + end, "its user " + o.path("user").path("summary").asString("?") + " was not exported");
                continue;
            }
            // On every layer: Tocsin's layers answer side by side, and the override must answer alone.
            for (String layer : layerIds) {
                out.add(Values.override(layer, person, start, end, "PagerDuty override " + o.path("id").asString("")));
            }
        }
        Sections.pastOverrides(past, subject, report);
        return out;
    }

    private List<ScheduleComparison.Entry> renderedEntries(JsonNode s, String subject) {
        List<ScheduleComparison.Entry> out = new ArrayList<>();
        JsonNode entries = s.path("final_schedule").path("rendered_schedule_entries");
        if (!entries.isArray()) {
            return null;
        }
        for (JsonNode e : entries) {
            String user = e.path("user").path("id").asString();
            String person = people.known(user);
            out.add(new ScheduleComparison.Entry(person == null ? "(PagerDuty user " + user + ")" : person,
                    instant(e.path("start")), instant(e.path("end"))));
        }
        return out;
    }

    // ---- escalation policies ----------------------------------------------------------------------

    private Map<String, Object> policy(JsonNode p) {
        String name = p.path("name").asString(p.path("id").asString());
        String subject = "escalation policy " + name;
        String id = policies.of(p.path("id").asString(), name);
        Map<String, Object> policy = Sections.policy(id, name, p.path("description").asString(""));
        List<JsonNode> rules = new ArrayList<>();
        p.path("escalation_rules").forEach(rules::add);
        List<Map<String, Object>> levels = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            JsonNode rule = rules.get(i);
            String ruleSubject = subject + ", rule " + (i + 1);
            Map<String, Object> level = new LinkedHashMap<>();
            level.put("id", "rule-" + (i + 1));
            level.put("name", "Rule " + (i + 1));
            int after = i == 0 ? 0 : rules.get(i - 1).path("escalation_delay_in_minutes").asInt(0);
            level.put("start", Map.of("after", Durations.format(Duration.ofMinutes(after))));
            boolean roundRobin = "round_robin".equals(rule.path("escalation_rule_assignment_strategy").path("type").asString(""));
            List<Map<String, Object>> notify = new ArrayList<>();
            List<String> rotation = new ArrayList<>();
            boolean rotationHasSchedules = false;
            for (JsonNode t : rule.path("targets")) {
                String type = t.path("type").asString("");
                String target = t.path("id").asString();
                if (type.startsWith("user")) {
                    String person = people.known(target);
                    if (person == null) {
                        report.notCarried(ruleSubject, "target user " + t.path("summary").asString(target), "not among the exported users");
                    } else {
                        notify.add(new LinkedHashMap<>(Map.of("person", person)));
                        rotation.add(person);
                    }
                } else if (type.startsWith("schedule")) {
                    List<String> layers = layersOf.get(target);
                    if (layers == null) {
                        report.notCarried(ruleSubject, "target schedule " + t.path("summary").asString(target), "the schedule was not imported");
                        continue;
                    }
                    rotationHasSchedules = true;
                    notify.addAll(Sections.scheduleTargets(schedules.known(target), layers));
                } else {
                    report.notCarried(ruleSubject, "target " + type + " " + target, "no Tocsin target of this kind");
                }
            }
            if (roundRobin && !rotationHasSchedules && rotation.size() > 1) {
                // Tocsin rotates a team's members per incident: a team of exactly this rule's users.
                String teamId = teams.of(p.path("id").asString() + "#rule-" + (i + 1), id + "-rule-" + (i + 1) + "-round-robin");
                teamList.add(Sections.team(teamId, name + ", rule " + (i + 1) + " (round robin)", rotation, List.of()));
                notify.clear();
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("team", teamId);
                t.put("members", "round_robin");
                notify.add(t);
                report.note(ruleSubject + ": round robin became team `" + teamId + "` with members: round_robin; Tocsin takes the member by incident number (INC-1 the first), PagerDuty by its own turn, so the first person may differ");
            } else if (roundRobin) {
                report.notCarried(ruleSubject, "round robin assignment",
                        "Tocsin rotates only a team's members; this rule names schedules (or one user), so everyone it names is notified");
            }
            if (notify.isEmpty()) {
                report.notCarried(ruleSubject, "the rule", "none of its targets was carried over");
                continue;
            }
            level.put("notify", notify);
            levels.add(level);
        }
        if (levels.isEmpty()) {
            report.notCarried(subject, "the policy", "no rule could be carried over; a Tocsin policy needs a level, so it was given the services' team leads");
            levels.add(Sections.teamLeadsLevel());
        }
        int lastDelay = rules.isEmpty() ? 0 : rules.get(rules.size() - 1).path("escalation_delay_in_minutes").asInt(0);
        policy.put("paths", List.of(Sections.path(name, levels, p.path("num_loops").asInt(0), lastDelay,
                "loop " + lastDelay + " min after the last rule", subject, report)));
        if ("always".equals(p.path("on_call_handoff_notifications").asString(""))) {
            report.notCarried(subject, "on-call hand-off notifications: always",
                    "Tocsin sends hand-off notices by its own rule (docs/notifications.md), not per policy");
        }
        policyById.put(p.path("id").asString(), policy);
        for (JsonNode t : p.path("teams")) {
            String team = teams.known(t.path("id").asString());
            if (team != null) {
                policyTeam.putIfAbsent(p.path("id").asString(), team);
            }
        }
        return policy;
    }

    // ---- services -------------------------------------------------------------------------------

    private Map<String, Object> service(JsonNode s) {
        String name = s.path("name").asString(s.path("id").asString());
        String subject = "service " + name;
        String policyId = s.path("escalation_policy").path("id").asString("");
        Map<String, Object> policy = policyById.get(policyId);
        if (policy == null) {
            report.notCarried(subject, "the service", "its escalation policy " + policyId + " was not exported; integrations of this service are not carried either");
            return null;
        }
        String id = services.of(s.path("id").asString(), name);
        Map<String, Object> service = Sections.service(id, name, s.path("description").asString(""), owningTeam(s, subject), (String) policy.get("id"));
        if ("disabled".equals(s.path("status").asString(""))) {
            service.put("enabled", false);
        }
        List<Map<String, Object>> integrations = new ArrayList<>();
        for (JsonNode i : s.path("integrations")) {
            String type = i.path("type").asString("");
            String key = i.path("integration_key").asString("");
            String label = i.path("summary").asString(i.path("name").asString(type));
            if (type.contains("email")) {
                report.notCarried(subject, "e-mail integration " + label + " (" + i.path("integration_email").asString("") + ")",
                        "Tocsin takes no e-mail; send events to its PagerDuty-compatible or generic endpoint instead");
            } else if (!key.isEmpty()) {
                integrations.add(Sections.integration("pagerduty", key));
                report.key(new ImportReport.Key(id, label, "pagerduty", key, EVENTS_ENDPOINT));
                if (type.startsWith("generic_events_api")) {
                    report.notCarried(subject, "Events API v1 format of " + label,
                            "Tocsin speaks Events API v2: the key is carried over, the sender must post v2 events to /v2/enqueue");
                }
            } else {
                report.notCarried(subject, "integration " + label + " (" + type + ")", "it has no integration key (export services with include[]=integrations)");
            }
        }
        if (!integrations.isEmpty()) {
            service.put("integrations", integrations);
        }
        JsonNode ackTimeout = s.path("acknowledgement_timeout");
        if (ackTimeout.isNumber() && ackTimeout.asLong() > 0) {
            String d = Durations.format(Duration.ofSeconds(ackTimeout.asLong()));
            Object set = policy.get("acknowledgement_timeout");
            if (set == null) {
                policy.put("acknowledgement_timeout", d);
                report.note(subject + ": acknowledgement timeout " + d + " is now on escalation policy " + policy.get("id")
                        + " (Tocsin keeps it per policy): it applies to every service of that policy");
            } else if (!d.equals(set)) {
                report.notCarried(subject, "acknowledgement timeout " + d, "Tocsin keeps one per escalation policy and policy "
                        + policy.get("id") + " already has " + set + " from another service");
            }
        }
        if (s.path("auto_resolve_timeout").isNumber() && s.path("auto_resolve_timeout").asLong() > 0) {
            report.notCarried(subject, "auto-resolve after " + Durations.format(Duration.ofSeconds(s.path("auto_resolve_timeout").asLong())),
                    "Tocsin resolves when a person or the monitoring source says so, never by a timer");
        }
        JsonNode urgency = s.path("incident_urgency_rule");
        if (!urgency.isMissingNode() && !urgency.isNull()
                && !("constant".equals(urgency.path("type").asString()) && "high".equals(urgency.path("urgency").asString("high")))) {
            report.notCarried(subject, "incident urgency rule " + urgency.path("type").asString() + " " + urgency.path("urgency").asString(""),
                    "every imported severity pages at high urgency; Tocsin's urgency follows the severity's response (change a severity to chat or ticket by hand)");
        }
        if (s.path("support_hours").isObject()) {
            report.notCarried(subject, "support hours", "no per-service support hours; a routing rule on local_hour/local_weekday can lower the severity");
        }
        if (s.path("scheduled_actions").isArray() && !s.path("scheduled_actions").isEmpty()) {
            report.notCarried(subject, "scheduled actions", "no equivalent");
        }
        JsonNode grouping = s.path("alert_grouping_parameters");
        if (grouping.isObject() && !grouping.path("type").isNull() && !grouping.path("type").asString("").isEmpty()) {
            report.notCarried(subject, "alert grouping " + grouping.path("type").asString(),
                    "Tocsin groups only alerts with the same dedup key on one integration");
        }
        return service;
    }

    private String owningTeam(JsonNode s, String subject) {
        for (JsonNode t : s.path("teams")) {
            String team = teams.known(t.path("id").asString());
            if (team != null) {
                return team;
            }
        }
        String ofPolicy = policyTeam.get(s.path("escalation_policy").path("id").asString(""));
        if (ofPolicy != null) {
            return ofPolicy;
        }
        String unassigned = teams.known("#unassigned");
        if (unassigned == null) {
            unassigned = teams.of("#unassigned", "unassigned");
            // id first, as every other team is written (Map.of's order changes from one run to the next)
            Map<String, Object> team = new LinkedHashMap<>();
            team.put("id", unassigned);
            team.put("name", "Services without a team");
            teamList.add(team);
        }
        report.note(subject + ": no team in PagerDuty; Tocsin needs an owning team, so it belongs to `" + unassigned + "`");
        return unassigned;
    }

    // ---- values ---------------------------------------------------------------------------------

    /** The compared range as the API's {@code since} and {@code until}. */
    private Map<String, String> range() {
        Map<String, String> range = new LinkedHashMap<>();
        range.put("since", options.from().toString());
        range.put("until", options.to().toString());
        return range;
    }
}
