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
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Opsgenie's configuration (REST API v2) as Tocsin configuration.
 *
 * <p>An Opsgenie schedule's rotations are on call together (everyone any rotation names), which is
 * how Tocsin's layers answer, so each rotation becomes a layer and a rule that notifies the schedule
 * notifies every layer. Opsgenie routes alerts to teams rather than services: each team that owns an
 * integration or a heartbeat becomes a service of the same id, escalating by the team's escalation.
 */
public final class OpsgenieImport {
    static final List<String> PRIORITIES = List.of("P1", "P2", "P3", "P4", "P5");
    private final ExportSource export;
    private final ImportOptions options;
    private final ImportReport report;
    private final Ids people = new Ids("person");
    private final Ids teams = new Ids("team");
    private final Ids schedules = new Ids("schedule");
    private final Ids policies = new Ids("policy");
    private final Map<String, List<String>> layersOf = new LinkedHashMap<>();
    private final Map<String, List<ScheduleComparison.Entry>> rendered = new LinkedHashMap<>();
    private final Map<String, String> scheduleNames = new LinkedHashMap<>();
    private final Map<String, String> scheduleSources = new LinkedHashMap<>();
    /** Opsgenie team id → the id of the first escalation it owns, for the team's service. */
    private final Map<String, String> teamPolicy = new LinkedHashMap<>();
    /** Opsgenie team id → its service, made when an integration or heartbeat needs one. */
    private final Map<String, Map<String, Object>> teamService = new LinkedHashMap<>();
    private final Map<String, String> teamNames = new LinkedHashMap<>();

    private OpsgenieImport(ExportSource export, ImportOptions options) {
        this.export = export;
        this.options = options;
        this.report = new ImportReport("Opsgenie", export.describe());
    }

    public static Conversion convert(ExportSource export, ImportOptions options) throws IOException {
        return new OpsgenieImport(export, options).run();
    }

    private Conversion run() throws IOException {
        List<Map<String, Object>> personList = new ArrayList<>();
        for (JsonNode u : export.list("users", "data", Map.of())) {
            personList.add(person(u));
        }
        List<Map<String, Object>> teamList = new ArrayList<>();
        for (JsonNode t : export.list("teams", "data", Map.of())) {
            teamList.add(team(t));
        }
        List<Map<String, Object>> scheduleList = new ArrayList<>();
        Map<String, Long> zones = new LinkedHashMap<>();
        for (JsonNode s : export.list("schedules", "data", Map.of("expand", "rotation"))) {
            Map<String, Object> schedule = schedule(s);
            if (schedule != null) {
                scheduleList.add(schedule);
                zones.merge((String) schedule.get("time_zone"), 1L, Long::sum);
            }
        }
        List<Map<String, Object>> policyList = new ArrayList<>();
        for (JsonNode e : export.list("escalations", "data", Map.of())) {
            Map<String, Object> policy = policy(e);
            if (policy != null) {
                policyList.add(policy);
            }
        }
        integrations();
        heartbeats();
        Map<String, Map<String, Object>> files = Sections.files(organisation(Sections.organisationZone(options, zones)), personList, teamList,
                scheduleList, policyList, new ArrayList<>(teamService.values()));
        return new Conversion(files, rendered, scheduleNames, scheduleSources, report);
    }

    private Map<String, Object> organisation(ZoneId zone) {
        List<Map<String, Object>> severities = new ArrayList<>();
        for (String p : PRIORITIES) {
            Map<String, Object> sev = new LinkedHashMap<>();
            sev.put("id", p);
            sev.put("name", "Opsgenie " + p);
            sev.put("aliases", List.of(p.toLowerCase(Locale.ROOT)));
            // Opsgenie notifies for every priority by each person's rules.
            sev.put("response", "page");
            severities.add(sev);
        }
        return Sections.organisation(options, zone, null, "P3", severities);
    }

    // ---- people ---------------------------------------------------------------------------------

    private Map<String, Object> person(JsonNode u) throws IOException {
        String username = u.path("username").asString("");
        String name = u.path("fullName").asString(username);
        String sourceId = u.path("id").asString();
        String subject = "user " + name;
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("id", people.of(sourceId, Sections.personName(username, name)));
        p.put("name", name);
        Sections.personZone(p, u.path("timeZone").asString(""), subject, report);
        String role = u.path("role").path("name").asString("");
        if (!role.isEmpty() && !role.equals("User")) {
            report.notCarried(subject, "role " + role, Sections.NO_ACCOUNT_ROLES);
        }
        Ids methodIds = new Ids("contact");
        Map<String, String> methodByAddress = new LinkedHashMap<>();
        List<Map<String, Object>> methods = new ArrayList<>();
        for (JsonNode c : export.listOrReport("users/" + sourceId + "/contacts", "data", Map.of(), report, subject, "contact methods")) {
            String method = c.path("method").asString("");
            String to = c.path("to").asString("");
            String type = switch (method) {
                case "email" -> "email";
                case "sms" -> "sms";
                case "voice" -> "voice";
                default -> null;
            };
            if (type == null) {
                report.notCarried(subject, "contact method " + method + " (" + to + ")",
                        method.equals("mobile") ? "Opsgenie's mobile app push has no equivalent; Tocsin pushes through ntfy (type push): add an ntfy topic"
                                : "no Tocsin channel of this type");
                continue;
            }
            String address = type.equals("email") ? to : "+" + to.replaceAll("[^0-9]", "");
            String id = methodIds.of(c.path("id").asString(), type);
            methodByAddress.put(method + ":" + to, id);
            methods.add(Values.contactMethod(id, type, address));
        }
        if (!methods.isEmpty()) {
            p.put("contact_methods", methods);
        }
        List<Map<String, Object>> steps = notificationSteps(sourceId, subject, methodByAddress);
        if (!steps.isEmpty()) {
            p.put("notification_rules", Map.of("high_urgency", steps));
        }
        return p;
    }

    /** The steps of the person's "create alert" rules, the ones that page; other rules are reported. */
    private List<Map<String, Object>> notificationSteps(String userId, String subject, Map<String, String> methodByAddress) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        List<JsonNode> rules = export.listOrReport("users/" + userId + "/notification-rules", "data", Map.of(), report, subject, "notification rules");
        List<JsonNode[]> all = new ArrayList<>();
        for (JsonNode rule : rules) {
            String action = rule.path("actionType").asString("");
            if (!"create-alert".equals(action)) {
                report.notCarried(subject, "notification rule " + rule.path("name").asString(action) + " (" + action + ")",
                        "Tocsin's notification rules are for pages; acknowledgements, closings, hand-offs and the rest follow Tocsin's own notices");
                continue;
            }
            if (!rule.path("enabled").asBoolean(true)) {
                report.note(subject + ": disabled notification rule " + rule.path("name").asString("") + " was left out");
                continue;
            }
            for (JsonNode step : export.list("users/" + userId + "/notification-rules/" + rule.path("id").asString() + "/steps", "data", Map.of())) {
                all.add(new JsonNode[] {rule, step});
            }
        }
        all.sort(Comparator.comparingLong(s -> minutes(s[1].path("sendAfter"))));
        for (JsonNode[] rs : all) {
            JsonNode step = rs[1];
            JsonNode contact = step.path("contact");
            String via = methodByAddress.get(contact.path("method").asString("") + ":" + contact.path("to").asString(""));
            if (!step.path("enabled").asBoolean(true)) {
                report.note(subject + ": a disabled step of rule " + rs[0].path("name").asString("") + " was left out");
            } else if (via == null) {
                report.notCarried(subject, "step after " + minutes(step.path("sendAfter")) + " min by " + contact.path("method").asString("?"),
                        "its contact method was not carried over (see above)");
            } else {
                out.add(Values.step(Duration.ofMinutes(minutes(step.path("sendAfter"))), via));
            }
        }
        return out;
    }

    private static long minutes(JsonNode amount) {
        long n = amount.path("timeAmount").asLong(0);
        return switch (amount.path("timeUnit").asString("minutes")) {
            case "hours" -> n * 60;
            case "days" -> n * 1440;
            default -> n;
        };
    }

    // ---- teams ----------------------------------------------------------------------------------

    private Map<String, Object> team(JsonNode listed) throws IOException {
        String sourceId = listed.path("id").asString();
        String name = listed.path("name").asString(sourceId);
        teamNames.put(sourceId, name);
        String id = teams.of(sourceId, name);
        List<String> members = new ArrayList<>();
        List<String> leads = new ArrayList<>();
        try {
            JsonNode full = export.document("teams/" + sourceId, Map.of()).path("data");
            for (JsonNode m : full.path("members")) {
                String person = people.known(m.path("user").path("id").asString());
                if (person == null) {
                    report.notCarried("team " + name, "member " + m.path("user").path("username").asString("?"), "not among the exported users");
                    continue;
                }
                members.add(person);
                if ("admin".equals(m.path("role").asString(""))) {
                    leads.add(person);
                }
            }
        } catch (ExportSource.MissingExport e) {
            report.notCarried("team " + name, "members", e.getMessage());
        }
        Map<String, Object> team = Sections.team(id, name, members, leads);
        if (!listed.path("description").asString("").isBlank()) {
            report.notCarried("team " + name, "description", "Tocsin teams have no description");
        }
        return team;
    }

    // ---- schedules ------------------------------------------------------------------------------

    private Map<String, Object> schedule(JsonNode s) throws IOException {
        String sourceId = s.path("id").asString();
        String name = s.path("name").asString(sourceId);
        String subject = "schedule " + name;
        ZoneId zone = Sections.scheduleZone(s.path("timezone").asString("UTC"), subject, report);
        if (zone == null) {
            return null;
        }
        if (!s.path("enabled").asBoolean(true)) {
            report.notCarried(subject, "the schedule", "it is disabled in Opsgenie; Tocsin has no disabled schedules, so it was not imported");
            return null;
        }
        String id = schedules.of(sourceId, name);
        Ids layerIds = new Ids("rotation");
        List<Map<String, Object>> layers = new ArrayList<>();
        Map<String, String> layerByRotation = new LinkedHashMap<>();
        for (JsonNode r : s.path("rotations")) {
            Map<String, Object> layer = rotation(r, zone, subject, layerIds);
            if (layer != null) {
                layers.add(layer);
                layerByRotation.put(r.path("id").asString(), (String) layer.get("id"));
            }
        }
        if (layers.isEmpty()) {
            report.notCarried(subject, "the whole schedule", "it has no rotation on call after " + options.from() + " that Tocsin can express");
            return null;
        }
        scheduleNames.put(id, name);
        scheduleSources.put(id, sourceId);
        layersOf.put(sourceId, List.copyOf(layerByRotation.values()));
        Map<String, Object> out = Sections.schedule(id, name, zone, layers, overrides(sourceId, subject, layerByRotation));
        if (!s.path("description").asString("").isBlank()) {
            report.notCarried(subject, "description", "Tocsin schedules have no description");
        }
        rendered.put(id, timeline(sourceId, subject));
        return out;
    }

    private Map<String, Object> rotation(JsonNode r, ZoneId zone, String subject, Ids layerIds) {
        String name = r.path("name").asString("rotation");
        String rotationSubject = subject + ", rotation " + name;
        Instant start = instant(r.path("startDate"));
        if (r.hasNonNull("endDate")) {
            Instant end = instant(r.path("endDate"));
            if (!end.isAfter(options.from())) {
                report.note(subject + ": rotation \"" + name + "\" ended " + end + ", before the import's start; it is history and was not imported");
                return null;
            }
            report.notCarried(rotationSubject, "end at " + end, "a Tocsin layer does not end; after that instant the imported layer goes on (the comparison shows any difference in range)");
        }
        List<String> participants = new ArrayList<>();
        for (JsonNode p : r.path("participants")) {
            String type = p.path("type").asString("");
            String person = "user".equals(type) ? people.known(p.path("id").asString()) : null;
            if (person == null) {
                String what = "user".equals(type) ? "user " + p.path("username").asString("?") + " (not among the exported users)"
                        : "none".equals(type) ? "\"none\" (a turn with nobody on call)" : type + " " + p.path("name").asString(p.path("id").asString(""));
                report.notCarried(rotationSubject, "participant " + what,
                        "a Tocsin rotation takes people only; the rotation would change order, so it was not imported");
                return null;
            }
            participants.add(person);
        }
        if (participants.isEmpty()) {
            report.notCarried(rotationSubject, "the rotation", "it has no participants");
            return null;
        }
        int length = Math.max(1, r.path("length").asInt(1));
        String shift = Sections.shift(r.path("type").asString(""), length);
        if (shift == null) {
            report.notCarried(rotationSubject, "rotation type " + r.path("type").asString(), "Tocsin shifts are hours, days or weeks; not imported");
            return null;
        }
        LocalDateTime first = start.atZone(zone).toLocalDateTime().withSecond(0).withNano(0);
        return Values.layer(layerIds.of(r.path("id").asString(), name), name, zone, participants, shift, first,
                restrictions(r.path("timeRestriction")), start.isAfter(options.from()) ? start : null);
    }

    /** Opsgenie's time restriction as the minutes of the local week the rotation is on call in. */
    private static WeeklyWindows restrictions(JsonNode tr) {
        if (tr.isMissingNode() || tr.isNull()) {
            return WeeklyWindows.always();
        }
        WeeklyWindows w = WeeklyWindows.never();
        if ("time-of-day".equals(tr.path("type").asString(""))) {
            // Every day from start to end, across midnight when the end is not after the start.
            JsonNode r = tr.path("restriction");
            long length = Math.floorMod(Duration.between(clock(r, "start"), clock(r, "end")).toMinutes(), (long) WeeklyWindows.DAY);
            for (DayOfWeek d : DayOfWeek.values()) {
                w = w.plus(d, clock(r, "start"), length == 0 ? WeeklyWindows.DAY : length);
            }
            return w;
        }
        for (JsonNode r : tr.path("restrictions")) {
            DayOfWeek from = DayOfWeek.valueOf(r.path("startDay").asString("monday").toUpperCase(Locale.ROOT));
            DayOfWeek to = DayOfWeek.valueOf(r.path("endDay").asString("monday").toUpperCase(Locale.ROOT));
            w = w.plus(from, clock(r, "start"), window(from, clock(r, "start"), to, clock(r, "end")));
        }
        return w;
    }

    private static LocalTime clock(JsonNode r, String edge) {
        return LocalTime.of(r.path(edge + "Hour").asInt(0) % 24, r.path(edge + "Min").asInt(0));
    }

    /** Minutes from one day and time to the next occurrence of another (a whole week when they meet). */
    private static long window(DayOfWeek fromDay, LocalTime from, DayOfWeek toDay, LocalTime to) {
        long a = (fromDay.getValue() - 1L) * WeeklyWindows.DAY + from.getHour() * 60L + from.getMinute();
        long b = (toDay.getValue() - 1L) * WeeklyWindows.DAY + to.getHour() * 60L + to.getMinute();
        long d = Math.floorMod(b - a, (long) WeeklyWindows.WEEK);
        return d == 0 ? WeeklyWindows.WEEK : d;
    }

    private List<Map<String, Object>> overrides(String scheduleId, String subject, Map<String, String> layerByRotation) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        List<JsonNode> overrides = export.listOrReport("schedules/" + scheduleId + "/overrides", "data", Map.of(), report, subject, "overrides");
        int past = 0;
        for (JsonNode o : overrides) {
            Instant start = instant(o.path("startDate"));
            Instant end = instant(o.path("endDate"));
            if (!end.isAfter(options.from())) {
                past++;
                continue;
            }
            String person = "user".equals(o.path("user").path("type").asString("user")) ? people.known(o.path("user").path("id").asString()) : null;
            if (person == null) {
                report.notCarried(subject, "override " + o.path("alias").asString("") + " " + start + " to " + end,
                        "it names " + o.path("user").path("type").asString("?") + " " + o.path("user").path("username").asString(o.path("user").path("name").asString("?"))
                                + ", not an exported user");
                continue;
            }
            List<String> layers = new ArrayList<>();
            for (JsonNode r : o.path("rotations")) {
                String layer = layerByRotation.get(r.path("id").asString());
                if (layer == null) {
                    report.notCarried(subject, "override " + o.path("alias").asString("") + " of rotation " + r.path("name").asString("?"), "the rotation was not imported");
                } else {
                    layers.add(layer);
                }
            }
            if (o.path("rotations").isEmpty()) {
                layers.addAll(layerByRotation.values());
            }
            for (String layer : layers) {
                out.add(Values.override(layer, person, start, end, "Opsgenie override " + o.path("alias").asString("")));
            }
        }
        Sections.pastOverrides(past, subject, report);
        return out;
    }

    /** The export's final timeline: every period of every rotation, whom it names. */
    private List<ScheduleComparison.Entry> timeline(String scheduleId, String subject) throws IOException {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("date", options.from().toString());
        q.put("interval", String.valueOf(Math.max(1, Duration.between(options.from(), options.to()).toDays() / 7)));
        q.put("intervalUnit", "weeks");
        JsonNode doc;
        try {
            doc = export.document("schedules/" + scheduleId + "/timeline", q);
        } catch (ExportSource.MissingExport e) {
            return null;
        }
        List<ScheduleComparison.Entry> out = new ArrayList<>();
        for (JsonNode rotation : doc.path("data").path("finalTimeline").path("rotations")) {
            for (JsonNode period : rotation.path("periods")) {
                JsonNode who = period.path("recipient");
                String person = "user".equals(who.path("type").asString("")) ? people.known(who.path("id").asString()) : null;
                out.add(new ScheduleComparison.Entry(person == null ? "(Opsgenie " + who.path("type").asString("?") + " " + who.path("name").asString("?") + ")" : person,
                        instant(period.path("startDate")), instant(period.path("endDate"))));
            }
        }
        return out;
    }

    // ---- escalations ----------------------------------------------------------------------------

    private Map<String, Object> policy(JsonNode e) {
        String name = e.path("name").asString(e.path("id").asString());
        String subject = "escalation " + name;
        String id = policies.of(e.path("id").asString(), name);
        Map<String, Object> policy = Sections.policy(id, name, e.path("description").asString(""));
        List<JsonNode> rules = new ArrayList<>();
        e.path("rules").forEach(rules::add);
        rules.sort(Comparator.comparingLong(r -> minutes(r.path("delay"))));
        List<Map<String, Object>> levels = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            JsonNode rule = rules.get(i);
            String ruleSubject = subject + ", rule " + (i + 1);
            long delay = minutes(rule.path("delay"));
            String condition = rule.path("condition").asString("if-not-acked");
            Map<String, Object> level = new LinkedHashMap<>();
            level.put("id", "rule-" + (i + 1));
            level.put("name", "Rule " + (i + 1));
            // Opsgenie counts every rule's delay from the alert's creation, as these start conditions do.
            String d = Durations.format(Duration.ofMinutes(delay));
            level.put("start", delay == 0 ? Map.of("after", "0m")
                    : "if-not-closed".equals(condition) ? Map.of("unresolved_for", d) : Map.of("unacknowledged_for", d));
            List<Map<String, Object>> notify = new ArrayList<>();
            JsonNode recipient = rule.path("recipient");
            String type = recipient.path("type").asString("");
            String notifyType = rule.path("notifyType").asString("default");
            String label = type + " " + recipient.path("name").asString(recipient.path("username").asString(recipient.path("id").asString("")));
            switch (type) {
                case "user" -> {
                    String person = people.known(recipient.path("id").asString());
                    if (person == null) {
                        report.notCarried(ruleSubject, "recipient " + label, "not among the exported users");
                    } else {
                        notify.add(Map.of("person", person));
                    }
                }
                case "schedule" -> {
                    List<String> layers = layersOf.get(recipient.path("id").asString());
                    if (layers == null) {
                        report.notCarried(ruleSubject, "recipient " + label, "the schedule was not imported");
                    } else if (!"default".equals(notifyType)) {
                        report.notCarried(ruleSubject, "notify the " + notifyType + " on-call of " + label,
                                "Tocsin notifies whoever is on call now; a rule for the next or previous person has no equivalent");
                    } else {
                        notify.addAll(Sections.scheduleTargets(schedules.known(recipient.path("id").asString()), layers));
                    }
                }
                case "team" -> {
                    String team = teams.known(recipient.path("id").asString());
                    if (team == null) {
                        report.notCarried(ruleSubject, "recipient " + label, "the team was not exported");
                    } else {
                        String members = "admins".equals(notifyType) ? "leads" : "all";
                        Map<String, Object> t = new LinkedHashMap<>();
                        t.put("team", team);
                        t.put("members", members);
                        notify.add(t);
                        report.note(ruleSubject + ": team " + team + " is notified as its " + ("leads".equals(members) ? "leads" : "members")
                                + "; Opsgenie would follow the team's own routing to an escalation");
                    }
                }
                default -> report.notCarried(ruleSubject, "recipient " + label, "no Tocsin target of this kind");
            }
            if (notify.isEmpty()) {
                continue;
            }
            level.put("notify", notify);
            levels.add(level);
        }
        if (levels.isEmpty()) {
            report.notCarried(subject, "the escalation", "none of its rules could be carried over; it was not imported");
            return null;
        }
        JsonNode repeat = e.path("repeat");
        int count = repeat.path("count").asInt(0);
        long wait = repeat.path("waitInterval").asLong(0);
        policy.put("paths", List.of(Sections.path(name, levels, count, wait, "repeat " + wait + " min after the last rule", subject, report)));
        if (count > 0) {
            if (repeat.path("resetRecipientStates").asBoolean(false)) {
                report.notCarried(subject, "reset recipient states on repeat", "a Tocsin repeat pages everyone on the ladder again anyway");
            }
            if (repeat.path("closeAlertAfterAll").asBoolean(false)) {
                report.notCarried(subject, "close the alert after all repeats", "Tocsin never closes an incident by itself");
            }
        }
        String owner = e.path("ownerTeam").path("id").asString("");
        if (!owner.isEmpty()) {
            teamPolicy.putIfAbsent(owner, id);
        }
        return policy;
    }

    // ---- integrations and heartbeats ------------------------------------------------------------

    /** The service of an Opsgenie team (its alerts' destination), made the first time one is needed. */
    private Map<String, Object> serviceOf(String teamId, String subject) {
        Map<String, Object> existing = teamService.get(teamId);
        if (existing != null) {
            return existing;
        }
        String team = teams.known(teamId);
        String policy = teamPolicy.get(teamId);
        if (team == null || policy == null) {
            report.notCarried(subject, "the integration", team == null ? "its team was not exported" : "its team owns no escalation that was carried over");
            return null;
        }
        Map<String, Object> service = Sections.service(team, teamNames.getOrDefault(teamId, team),
                "Alerts routed to the Opsgenie team " + teamNames.getOrDefault(teamId, team), team, policy);
        service.put("integrations", new ArrayList<Map<String, Object>>());
        teamService.put(teamId, service);
        report.note("team " + teamNames.getOrDefault(teamId, team) + ": its alerts go to service `" + team + "`, escalated by policy `" + policy
                + "` (the first escalation the team owns; Opsgenie team routing rules were not read)");
        return service;
    }

    @SuppressWarnings("unchecked")
    private void integrations() throws IOException {
        for (JsonNode i : export.listOrReport("integrations", "data", Map.of(), report, "integrations", "all of them")) {
            String name = i.path("name").asString(i.path("id").asString());
            String subject = "integration " + name;
            JsonNode full = i;
            try {
                full = export.document("integrations/" + i.path("id").asString(), Map.of()).path("data");
            } catch (ExportSource.MissingExport e) {
                report.notCarried(subject, "API key", e.getMessage());
            }
            String type = full.path("type").asString(i.path("type").asString(""));
            String key = full.path("apiKey").asString("");
            String teamId = full.path("ownerTeam").path("id").asString(i.path("teamId").asString(""));
            if (!i.path("enabled").asBoolean(true)) {
                report.note(subject + ": disabled in Opsgenie and not imported");
                continue;
            }
            if (key.isEmpty()) {
                report.notCarried(subject, "the integration (" + type + ")", "the export has no API key for it");
                continue;
            }
            Map<String, Object> service = serviceOf(teamId, subject);
            if (service == null) {
                continue;
            }
            boolean prometheus = type.equalsIgnoreCase("Prometheus") || type.equalsIgnoreCase("Alertmanager");
            String tocsinType = prometheus ? "alertmanager" : "generic";
            String endpoint = prometheus ? "https://TOCSIN-HOST/api/v1/integrations/alertmanager/" + key : Sections.GENERIC_ENDPOINT;
            ((List<Map<String, Object>>) service.get("integrations")).add(Sections.integration(tocsinType, key));
            report.key(new ImportReport.Key((String) service.get("id"), name + " (" + type + ")", tocsinType, key, endpoint));
            report.notCarried(subject, "Opsgenie's " + (prometheus ? "Alertmanager receiver (opsgenie_configs)" : "Alert API") + " format",
                    "Tocsin does not speak it: the key is kept, the sender must post to " + endpoint
                            + (prometheus ? " with a webhook_configs receiver" : " in Tocsin's generic event format (docs/api.md)"));
        }
    }

    @SuppressWarnings("unchecked")
    private void heartbeats() throws IOException {
        JsonNode doc;
        try {
            doc = export.document("heartbeats", Map.of());
        } catch (ExportSource.MissingExport e) {
            report.notCarried("heartbeats", "all of them", e.getMessage());
            return;
        }
        for (JsonNode h : doc.path("data").path("heartbeats")) {
            String name = h.path("name").asString("");
            String subject = "heartbeat " + name;
            if (!h.path("enabled").asBoolean(true)) {
                report.note(subject + ": disabled in Opsgenie and not imported");
                continue;
            }
            Map<String, Object> service = serviceOf(h.path("ownerTeam").path("id").asString(""), subject);
            if (service == null) {
                continue;
            }
            long interval = h.path("interval").asLong(10) * switch (h.path("intervalUnit").asString("minutes")) {
                case "hours" -> 60;
                case "days" -> 1440;
                default -> 1;
            };
            String key = "heartbeat-" + Ids.slug(name);
            ((List<Map<String, Object>>) service.get("integrations"))
                    .add(Sections.heartbeat((String) service.get("id"), name, key, Duration.ofMinutes(interval), report));
            report.notCarried(subject, "ping URL and GenieKey", "Tocsin's heartbeat is POST /api/v1/heartbeats/" + key + " without a key header: change the pinger");
            if (!h.path("alertMessage").asString("").isBlank() || !h.path("alertPriority").asString("P3").equals("P3")) {
                report.notCarried(subject, "alert message and priority " + h.path("alertPriority").asString(""),
                        "a missed Tocsin heartbeat opens an incident with its own summary at the default severity");
            }
        }
    }
}
