package io.tocsin.migration;

import static io.tocsin.migration.Values.instant;
import static io.tocsin.migration.Values.validZone;

import io.tocsin.config.Durations;
import java.io.IOException;
import java.net.URI;
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
import tools.jackson.databind.JsonNode;

/**
 * GoAlert's configuration (its GraphQL API) as Tocsin configuration.
 *
 * <p>A GoAlert schedule puts its targets (rotations and users) on call inside their rules' windows,
 * all of them at once, which is how Tocsin's layers answer: each target becomes a layer restricted to
 * its rules. A rotation named directly by an escalation step becomes a schedule of its own. GoAlert
 * has no teams; Tocsin's services need an owner, so the services belong to one imported team.
 */
public final class GoAlertImport {
    static final String TEAM = "goalert-services";
    private final ExportSource export;
    private final ImportOptions options;
    private final ImportReport report;
    private final Ids people = new Ids("person");
    private final Ids schedules = new Ids("schedule");
    private final Ids policies = new Ids("policy");
    private final Ids services = new Ids("service");
    private final Map<String, JsonNode> rotations = new LinkedHashMap<>();
    private final Map<String, String> userNames = new LinkedHashMap<>();
    /** GoAlert schedule or rotation id → its Tocsin schedule's layers. */
    private final Map<String, List<String>> layersOf = new LinkedHashMap<>();
    private final List<Map<String, Object>> scheduleList = new ArrayList<>();
    private final Map<String, List<ScheduleComparison.Entry>> rendered = new LinkedHashMap<>();
    private final Map<String, String> scheduleNames = new LinkedHashMap<>();
    private final Map<String, String> scheduleSources = new LinkedHashMap<>();

    private GoAlertImport(ExportSource export, ImportOptions options) {
        this.export = export;
        this.options = options;
        this.report = new ImportReport("GoAlert", export.describe());
    }

    public static Conversion convert(ExportSource export, ImportOptions options) throws IOException {
        return new GoAlertImport(export, options).run();
    }

    private Conversion run() throws IOException {
        List<Map<String, Object>> personList = new ArrayList<>();
        for (JsonNode u : export.list("users", "data.users.nodes", Map.of())) {
            personList.add(person(u));
        }
        for (JsonNode r : export.list("rotations", "data.rotations.nodes", Map.of())) {
            rotations.put(r.path("id").asString(), r);
        }
        Map<String, String> range = new LinkedHashMap<>();
        range.put("since", options.from().toString());
        range.put("until", options.to().toString());
        Map<String, List<JsonNode>> overrides = new LinkedHashMap<>();
        for (JsonNode o : export.list("userOverrides", "data.userOverrides.nodes", Map.of())) {
            overrides.computeIfAbsent(o.path("target").path("id").asString(), k -> new ArrayList<>()).add(o);
        }
        Map<String, Long> zones = new LinkedHashMap<>();
        for (JsonNode s : export.list("schedules", "data.schedules.nodes", range)) {
            Map<String, Object> schedule = schedule(s, overrides.getOrDefault(s.path("id").asString(), List.of()));
            if (schedule != null) {
                scheduleList.add(schedule);
                zones.merge((String) schedule.get("time_zone"), 1L, Long::sum);
            }
        }
        List<Map<String, Object>> policyList = new ArrayList<>();
        Map<String, String> policyIds = new LinkedHashMap<>();
        for (JsonNode p : export.list("escalationPolicies", "data.escalationPolicies.nodes", Map.of())) {
            Map<String, Object> policy = policy(p);
            policyList.add(policy);
            policyIds.put(p.path("id").asString(), (String) policy.get("id"));
        }
        List<Map<String, Object>> serviceList = new ArrayList<>();
        for (JsonNode s : export.list("services", "data.services.nodes", Map.of())) {
            Map<String, Object> service = service(s, policyIds);
            if (service != null) {
                serviceList.add(service);
            }
        }
        List<Map<String, Object>> teamList = new ArrayList<>();
        if (!serviceList.isEmpty()) {
            Map<String, Object> team = new LinkedHashMap<>();
            team.put("id", TEAM);
            team.put("name", "Services imported from GoAlert");
            teamList.add(team);
            report.note("GoAlert has no teams; every service belongs to team `" + TEAM + "` (no members): give each service its own team");
        }
        Map<String, Map<String, Object>> files = Sections.files(organisation(Sections.organisationZone(options, zones)), personList, teamList,
                scheduleList, policyList, serviceList);
        return new Conversion(files, rendered, scheduleNames, scheduleSources, report);
    }

    private Map<String, Object> organisation(ZoneId zone) {
        Map<String, Object> sev = new LinkedHashMap<>();
        sev.put("id", "alert");
        sev.put("name", "Alert");
        // GoAlert has no severities: every alert pages.
        sev.put("response", "page");
        return Sections.organisation(options, zone, null, "alert", List.of(sev));
    }

    // ---- people ---------------------------------------------------------------------------------

    private Map<String, Object> person(JsonNode u) {
        String email = u.path("email").asString("");
        String name = u.path("name").asString(email);
        String subject = "user " + name;
        userNames.put(u.path("id").asString(), name);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("id", people.of(u.path("id").asString(), Sections.personName(email, name)));
        p.put("name", name);
        if ("admin".equals(u.path("role").asString(""))) {
            report.notCarried(subject, "role admin", Sections.NO_ACCOUNT_ROLES);
        }
        Ids methodIds = new Ids("contact");
        Map<String, String> bySource = new LinkedHashMap<>();
        List<Map<String, Object>> methods = new ArrayList<>();
        for (JsonNode cm : u.path("contactMethods")) {
            String type = switch (cm.path("type").asString("")) {
                case "SMS" -> "sms";
                case "VOICE" -> "voice";
                case "EMAIL" -> "email";
                case "WEBHOOK" -> "webhook";
                case "SLACK_DM" -> "slack";
                default -> null;
            };
            String label = cm.path("type").asString("?") + " " + cm.path("name").asString("");
            if (type == null) {
                report.notCarried(subject, "contact method " + label, "no Tocsin channel of this type");
                continue;
            }
            if (cm.path("disabled").asBoolean(false)) {
                report.note(subject + ": disabled contact method " + label + " was left out");
                continue;
            }
            String id = methodIds.of(cm.path("id").asString(), type);
            bySource.put(cm.path("id").asString(), id);
            methods.add(Values.contactMethod(id, type, cm.path("value").asString("")));
        }
        if (!methods.isEmpty()) {
            p.put("contact_methods", methods);
        }
        List<JsonNode> rules = new ArrayList<>();
        u.path("notificationRules").forEach(rules::add);
        rules.sort(Comparator.comparingInt(r -> r.path("delayMinutes").asInt(0)));
        List<Map<String, Object>> steps = new ArrayList<>();
        for (JsonNode r : rules) {
            String via = bySource.get(r.path("contactMethodID").asString());
            if (via == null) {
                report.notCarried(subject, "notification rule after " + r.path("delayMinutes").asInt(0) + " min", "its contact method was not carried over");
            } else {
                steps.add(Values.step(Duration.ofMinutes(r.path("delayMinutes").asInt(0)), via));
            }
        }
        if (!steps.isEmpty()) {
            p.put("notification_rules", Map.of("high_urgency", steps));
        }
        return p;
    }

    // ---- schedules ------------------------------------------------------------------------------

    private Map<String, Object> schedule(JsonNode s, List<JsonNode> overrides) {
        String sourceId = s.path("id").asString();
        String name = s.path("name").asString(sourceId);
        String subject = "schedule " + name;
        ZoneId zone = Sections.scheduleZone(s.path("timeZone").asString("UTC"), subject, report);
        if (zone == null) {
            return null;
        }
        String id = schedules.of(sourceId, name);
        Ids layerIds = new Ids("target");
        List<Map<String, Object>> layers = new ArrayList<>();
        Map<String, List<String>> participantsOf = new LinkedHashMap<>();
        for (JsonNode t : s.path("targets")) {
            WeeklyWindows windows = rules(t.path("rules"), zone);
            Map<String, Object> layer = targetLayer(t.path("target"), windows, zone, subject, layerIds);
            if (layer != null) {
                layers.add(layer);
                @SuppressWarnings("unchecked")
                List<String> participants = (List<String>) layer.get("participants");
                participantsOf.put((String) layer.get("id"), participants);
            }
        }
        if (layers.isEmpty()) {
            report.notCarried(subject, "the whole schedule", "none of its targets could be carried over");
            return null;
        }
        for (JsonNode tmp : s.path("temporarySchedules")) {
            if (instant(tmp.path("end")).isAfter(options.from())) {
                report.notCarried(subject, "temporary schedule " + tmp.path("start").asString() + " to " + tmp.path("end").asString(),
                        "Tocsin has no fixed shifts that replace a schedule; add overrides for them (the comparison shows the difference)");
            }
        }
        List<Map<String, Object>> ovs = new ArrayList<>();
        for (JsonNode o : overrides) {
            Instant start = instant(o.path("start"));
            Instant end = instant(o.path("end"));
            if (!end.isAfter(options.from())) {
                continue;
            }
            String add = people.known(o.path("addUserID").asString(""));
            String remove = people.known(o.path("removeUserID").asString(""));
            if (add == null || remove == null) {
                report.notCarried(subject, (add == null ? "remove" : "add") + " override " + start + " to " + end,
                        "Tocsin overrides replace whoever a layer names; adding or removing a person has no equivalent");
                continue;
            }
            // A replacement stands in for the person it removes: on the layers that person takes part in.
            List<String> on = new ArrayList<>();
            participantsOf.forEach((layer, participants) -> {
                if (participants.contains(remove)) {
                    on.add(layer);
                    ovs.add(Values.override(layer, add, start, end, "GoAlert override " + o.path("id").asString("") + ": in place of " + remove));
                }
            });
            report.note(subject + ": " + add + " replaces " + remove + " from " + start + " to " + end + " on layer(s) " + String.join(", ", on)
                    + "; a Tocsin override replaces whoever the layer names, GoAlert only " + remove + " (the comparison shows any difference)");
        }
        Map<String, Object> out = Sections.schedule(id, name, zone, layers, ovs);
        if (!s.path("description").asString("").isBlank()) {
            report.notCarried(subject, "description", "Tocsin schedules have no description");
        }
        layersOf.put(sourceId, List.copyOf(participantsOf.keySet()));
        scheduleNames.put(id, name);
        scheduleSources.put(id, sourceId);
        List<ScheduleComparison.Entry> shifts = new ArrayList<>();
        if (s.path("shifts").isArray()) {
            for (JsonNode sh : s.path("shifts")) {
                String person = people.known(sh.path("userID").asString());
                shifts.add(new ScheduleComparison.Entry(person == null ? "(GoAlert user " + sh.path("userID").asString() + ")" : person,
                        instant(sh.path("start")), instant(sh.path("end"))));
            }
            rendered.put(id, shifts);
        } else {
            rendered.put(id, null);
        }
        return out;
    }

    /** A schedule target as a layer: a rotation in its turn, or a user alone, inside the target's rules. */
    private Map<String, Object> targetLayer(JsonNode target, WeeklyWindows windows, ZoneId zone, String subject, Ids layerIds) {
        String type = target.path("type").asString("");
        String targetId = target.path("id").asString();
        if (windows.isEmpty()) {
            report.note(subject + ": target " + target.path("name").asString(targetId) + " has no active rule and was left out");
            return null;
        }
        if ("user".equals(type)) {
            String person = people.known(targetId);
            if (person == null) {
                report.notCarried(subject, "target user " + target.path("name").asString(targetId), "not among the exported users");
                return null;
            }
            LocalDateTime first = options.from().atZone(zone).toLocalDate().atStartOfDay();
            return Values.layer(layerIds.of(targetId, "user-" + person), userNames.getOrDefault(targetId, person), zone, List.of(person), "1w",
                    first, windows, null);
        }
        if (!"rotation".equals(type)) {
            report.notCarried(subject, "target " + type + " " + target.path("name").asString(targetId), "no Tocsin layer of this kind");
            return null;
        }
        JsonNode r = rotations.get(targetId);
        if (r == null) {
            report.notCarried(subject, "target rotation " + target.path("name").asString(targetId), "the rotation was not exported");
            return null;
        }
        return rotationLayer(r, windows, zone, subject, layerIds.of(targetId, r.path("name").asString("rotation")));
    }

    /**
     * A rotation as a layer: GoAlert keeps who is on now ({@code activeUserIndex}) and when they hand
     * over next; the current shift began one shift before that hand-off, in the rotation's own zone,
     * with the active user, and the others follow in the rotation's order.
     */
    private Map<String, Object> rotationLayer(JsonNode r, WeeklyWindows windows, ZoneId scheduleZone, String subject, String layerId) {
        String name = r.path("name").asString("rotation");
        String rotationSubject = subject + ", rotation " + name;
        List<String> users = new ArrayList<>();
        for (JsonNode u : r.path("userIDs")) {
            String person = people.known(u.asString());
            if (person == null) {
                report.notCarried(rotationSubject, "participant " + u.asString(), "not among the exported users; the rotation was not imported");
                return null;
            }
            users.add(person);
        }
        int length = Math.max(1, r.path("shiftLength").asInt(1));
        String shift = Sections.shift(r.path("type").asString(""), length);
        if (users.isEmpty() || shift == null || !r.path("nextHandoffTimes").isArray() || r.path("nextHandoffTimes").isEmpty()) {
            report.notCarried(rotationSubject, users.isEmpty() ? "the rotation (no participants)" : shift == null
                            ? "rotation type " + r.path("type").asString() : "the rotation (the export has no nextHandoffTimes)",
                    "Tocsin shifts are hours, days or weeks of a known hand-off; not imported");
            return null;
        }
        ZoneId rotationZone = validZone(r.path("timeZone").asString("")) ? ZoneId.of(r.path("timeZone").asString()) : scheduleZone;
        if (!rotationZone.equals(scheduleZone)) {
            report.note(rotationSubject + ": hands over in " + rotationZone + ", written in the schedule's zone " + scheduleZone
                    + "; a daylight-saving change in only one of them moves the hand-off by an hour");
        }
        LocalDateTime next = instant(r.path("nextHandoffTimes").get(0)).atZone(rotationZone).toLocalDateTime();
        LocalDateTime current = shift.endsWith("h") ? next.minusHours(length) : next.minusDays(shift.endsWith("w") ? 7L * length : length);
        LocalDateTime first = current.atZone(rotationZone).withZoneSameInstant(scheduleZone).toLocalDateTime();
        int active = Math.floorMod(r.path("activeUserIndex").asInt(0), users.size());
        List<String> participants = new ArrayList<>(users.subList(active, users.size()));
        participants.addAll(users.subList(0, active));
        return Values.layer(layerId, name, scheduleZone, participants, shift, first, windows, null);
    }

    /** GoAlert's schedule rules (a 7-day filter from Sunday, start and end clock times) as local week minutes. */
    private static WeeklyWindows rules(JsonNode rules, ZoneId zone) {
        WeeklyWindows w = WeeklyWindows.never();
        for (JsonNode rule : rules) {
            LocalTime start = LocalTime.parse(rule.path("start").asString("00:00"));
            LocalTime end = LocalTime.parse(rule.path("end").asString("00:00"));
            long length = Math.floorMod(Duration.between(start, end).toMinutes(), (long) WeeklyWindows.DAY);
            JsonNode filter = rule.path("weekdayFilter");
            for (int i = 0; i < 7; i++) {
                if (filter.path(i).asBoolean(false)) {
                    // Index 0 is Sunday; a rule whose end is its start lasts the whole day.
                    w = w.plus(DayOfWeek.of(i == 0 ? 7 : i), start, length == 0 ? WeeklyWindows.DAY : length);
                }
            }
        }
        return w;
    }

    // ---- escalation policies --------------------------------------------------------------------

    private Map<String, Object> policy(JsonNode p) {
        String name = p.path("name").asString(p.path("id").asString());
        String subject = "escalation policy " + name;
        Map<String, Object> policy = Sections.policy(policies.of(p.path("id").asString(), name), name, p.path("description").asString(""));
        List<JsonNode> steps = new ArrayList<>();
        p.path("steps").forEach(steps::add);
        steps.sort(Comparator.comparingInt(s -> s.path("stepNumber").asInt(0)));
        List<Map<String, Object>> levels = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            String stepSubject = subject + ", step " + (i + 1);
            Map<String, Object> level = new LinkedHashMap<>();
            level.put("id", "step-" + (i + 1));
            level.put("name", "Step " + (i + 1));
            int after = i == 0 ? 0 : steps.get(i - 1).path("delayMinutes").asInt(0);
            level.put("start", Map.of("after", Durations.format(Duration.ofMinutes(after))));
            List<Map<String, Object>> notify = new ArrayList<>();
            for (JsonNode t : steps.get(i).path("targets")) {
                String type = t.path("type").asString("");
                String targetId = t.path("id").asString();
                switch (type) {
                    case "user" -> {
                        String person = people.known(targetId);
                        if (person == null) {
                            report.notCarried(stepSubject, "target user " + t.path("name").asString(targetId), "not among the exported users");
                        } else {
                            notify.add(Map.of("person", person));
                        }
                    }
                    case "schedule", "rotation" -> {
                        if ("rotation".equals(type) && !layersOf.containsKey(targetId)) {
                            rotationSchedule(targetId, stepSubject);
                        }
                        List<String> layers = layersOf.get(targetId);
                        String schedule = schedules.known(targetId);
                        if (layers == null || schedule == null) {
                            report.notCarried(stepSubject, "target " + type + " " + t.path("name").asString(targetId), "it was not imported");
                        } else {
                            notify.addAll(Sections.scheduleTargets(schedule, layers));
                        }
                    }
                    default -> report.notCarried(stepSubject, "target " + type + " " + t.path("name").asString(targetId),
                            "Tocsin notifies people, schedules and teams; chat channels and webhooks go by the severity's chat_channel or a vendor");
                }
            }
            if (notify.isEmpty()) {
                report.notCarried(stepSubject, "the step", "none of its targets was carried over");
                continue;
            }
            level.put("notify", notify);
            levels.add(level);
        }
        if (levels.isEmpty()) {
            report.notCarried(subject, "the policy", "no step could be carried over; a Tocsin policy needs a level, so it notifies the services' team leads");
            levels.add(Sections.teamLeadsLevel());
        }
        int last = steps.isEmpty() ? 0 : steps.get(steps.size() - 1).path("delayMinutes").asInt(0);
        policy.put("paths", List.of(Sections.path(name, levels, p.path("repeat").asInt(0), last,
                "repeat " + last + " min after the last step", subject, report)));
        return policy;
    }

    /** A rotation an escalation step names directly, as a schedule of one layer always on call. */
    private void rotationSchedule(String rotationId, String subject) {
        JsonNode r = rotations.get(rotationId);
        if (r == null) {
            return;
        }
        String tz = r.path("timeZone").asString("UTC");
        ZoneId zone = validZone(tz) ? ZoneId.of(tz) : ZoneId.of("UTC");
        String name = r.path("name").asString(rotationId);
        String id = schedules.of(rotationId, "rotation-" + name);
        Map<String, Object> layer = rotationLayer(r, WeeklyWindows.always(), zone, subject, "rotation");
        if (layer == null) {
            return;
        }
        scheduleList.add(Sections.schedule(id, "Rotation " + name, zone, List.of(layer), List.of()));
        layersOf.put(rotationId, List.of("rotation"));
        scheduleNames.put(id, "Rotation " + name);
        scheduleSources.put(id, rotationId);
        // GoAlert renders shifts for schedules only: the report says this one was not compared.
        rendered.put(id, null);
        report.note(subject + ": rotation " + name + " is notified through schedule `" + id + "`, made of it alone");
    }

    // ---- services -------------------------------------------------------------------------------

    private Map<String, Object> service(JsonNode s, Map<String, String> policyIds) {
        String name = s.path("name").asString(s.path("id").asString());
        String subject = "service " + name;
        String policy = policyIds.get(s.path("escalationPolicyID").asString(""));
        if (policy == null) {
            report.notCarried(subject, "the service", "its escalation policy was not exported; its keys are not carried either");
            return null;
        }
        String id = services.of(s.path("id").asString(), name);
        Map<String, Object> service = Sections.service(id, name, s.path("description").asString(""), TEAM, policy);
        List<Map<String, Object>> integrations = new ArrayList<>();
        for (JsonNode k : s.path("integrationKeys")) {
            String type = k.path("type").asString("");
            String label = k.path("name").asString(type);
            String token = queryParameter(k.path("href").asString(""), "token");
            String tocsinType = switch (type) {
                case "generic" -> "generic";
                case "grafana" -> "grafana";
                case "prometheusAlertmanager" -> "alertmanager";
                default -> null;
            };
            if (tocsinType == null || token == null) {
                report.notCarried(subject, "integration key " + label + " (" + type + ")",
                        tocsinType == null ? "Tocsin has no " + type + " integration" : "its address has no token");
                continue;
            }
            integrations.add(Sections.integration(tocsinType, token));
            String endpoint = switch (tocsinType) {
                case "generic" -> Sections.GENERIC_ENDPOINT;
                default -> "https://TOCSIN-HOST/api/v1/integrations/" + tocsinType + "/" + token;
            };
            report.key(new ImportReport.Key(id, label + " (" + type + ")", tocsinType, token, endpoint));
            if ("generic".equals(tocsinType)) {
                report.notCarried(subject, "GoAlert's generic API format of " + label,
                        "Tocsin's generic events differ: the key is kept, the sender must post Tocsin's format to " + endpoint + " (docs/api.md)");
            }
        }
        for (JsonNode h : s.path("heartbeatMonitors")) {
            String href = h.path("href").asString("");
            String key = href.substring(href.lastIndexOf('/') + 1);
            if (key.length() < 8) {
                report.notCarried(subject, "heartbeat " + h.path("name").asString(""), "its address has no usable key");
                continue;
            }
            integrations.add(Sections.heartbeat(id, h.path("name").asString(""), key, Duration.ofMinutes(h.path("timeoutMinutes").asInt(15)), report));
        }
        if (!integrations.isEmpty()) {
            service.put("integrations", integrations);
        }
        return service;
    }

    private static String queryParameter(String href, String name) {
        try {
            String query = URI.create(href).getRawQuery();
            if (query == null) {
                return null;
            }
            for (String pair : query.split("&")) {
                if (pair.startsWith(name + "=")) {
                    return java.net.URLDecoder.decode(pair.substring(name.length() + 1), java.nio.charset.StandardCharsets.UTF_8);
                }
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return null;
    }
}
