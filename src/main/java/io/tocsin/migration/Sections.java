package io.tocsin.migration;

import io.tocsin.config.Durations;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of Tocsin's configuration every importer writes the same way, whatever the source: the
 * files and what each holds, the organisation, a schedule, a policy's ladder and what it repeats, an
 * integration. What a source calls these things differs; what Tocsin makes of them must not differ
 * between importers, so each rule is written here once. Maps keep their keys in the order written,
 * so the YAML reads the same from one run to the next.
 */
final class Sections {
    /** How long after its last level Tocsin runs a ladder again (EngineModel's default). */
    static final Duration REPEAT_AFTER = Duration.ofMinutes(15);
    /** Tocsin's endpoint for its own (generic) event format. */
    static final String GENERIC_ENDPOINT = "https://TOCSIN-HOST/api/v1/events";

    private Sections() {
    }

    /** The configuration's files: organisation, people, teams, schedules, policies, services; a file with nothing to hold is left out. */
    static Map<String, Map<String, Object>> files(Map<String, Object> organisation, List<Map<String, Object>> people,
                                                  List<Map<String, Object>> teams, List<Map<String, Object>> schedules,
                                                  List<Map<String, Object>> policies, List<Map<String, Object>> services) {
        Map<String, Map<String, Object>> files = new LinkedHashMap<>();
        files.put("organisation.yaml", organisation);
        files.put("people.yaml", Values.section("people", people));
        files.put("teams.yaml", Values.section("teams", teams));
        files.put("schedules.yaml", Values.section("schedules", schedules));
        files.put("escalation.yaml", Values.section("escalation_policies", policies));
        files.put("services.yaml", Values.section("services", services));
        files.values().removeIf(Map::isEmpty);
        return files;
    }

    /** The organisation's zone: the one the import was given, else the one most imported schedules use, else UTC. */
    static ZoneId organisationZone(ImportOptions options, Map<String, Long> scheduleZones) {
        return options.zone() != null ? options.zone()
                : scheduleZones.entrySet().stream().max(Map.Entry.comparingByValue()).map(e -> ZoneId.of(e.getKey())).orElse(ZoneId.of("UTC"));
    }

    /**
     * organisation.yaml: the organisation as the import was told to call it, in {@code zone}, and the
     * severities the source's own ones became; {@code sourceSeverities} (null: none) maps the
     * source's severity names for its events.
     */
    static Map<String, Object> organisation(ImportOptions options, ZoneId zone, Map<String, ?> sourceSeverities, String defaultSeverity,
                                            List<Map<String, Object>> severities) {
        Map<String, Object> org = new LinkedHashMap<>();
        org.put("id", options.orgId());
        org.put("name", options.orgName());
        org.put("time_zone", zone.getId());
        if (sourceSeverities != null) {
            org.put("source_severities", sourceSeverities);
        }
        org.put("default_severity", defaultSeverity);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("organisation", org);
        out.put("severities", severities);
        return out;
    }

    /** A person's id: the part of the login before the {@code @} when the login is an address, else the name. */
    static String personName(String login, String name) {
        return login.contains("@") ? login.substring(0, login.indexOf('@')) : name;
    }

    /** A person's own time zone when the source has a valid one; a zone Tocsin cannot read is reported. */
    static void personZone(Map<String, Object> person, String tz, String subject, ImportReport report) {
        if (tz.isEmpty()) {
            return;
        }
        if (Values.validZone(tz)) {
            person.put("time_zone", tz);
        } else {
            report.notCarried(subject, "time zone " + tz, "not an IANA time zone name; the organisation's zone applies");
        }
    }

    /** Why an account role is not carried over, whatever the source calls its roles. */
    static final String NO_ACCOUNT_ROLES = "Tocsin's configuration has no account roles; give access with API tokens or a login (docs/api.md)";

    /** A team entry of teams.yaml; no members or no leads are left out. */
    static Map<String, Object> team(String id, String name, List<String> members, List<String> leads) {
        Map<String, Object> team = new LinkedHashMap<>();
        team.put("id", id);
        team.put("name", name);
        if (!members.isEmpty()) {
            team.put("members", members);
        }
        if (!leads.isEmpty()) {
            team.put("leads", leads);
        }
        return team;
    }

    /** A schedule's zone; null (and reported) when Tocsin cannot read it, and then the schedule is not imported. */
    static ZoneId scheduleZone(String tz, String subject, ImportReport report) {
        if (!Values.validZone(tz)) {
            report.notCarried(subject, "time zone " + tz, "not an IANA time zone name; the schedule was not imported");
            return null;
        }
        return ZoneId.of(tz);
    }

    /** A schedule entry of schedules.yaml; {@code overrides} is left out when empty. */
    static Map<String, Object> schedule(String id, String name, ZoneId zone, List<Map<String, Object>> layers, List<Map<String, Object>> overrides) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("name", name);
        out.put("time_zone", zone.getId());
        out.put("layers", layers);
        if (!overrides.isEmpty()) {
            out.put("overrides", overrides);
        }
        return out;
    }

    /**
     * A rotation's shift as Tocsin writes it ("2d") from the rotation type both GoAlert and Opsgenie
     * use (hourly, daily, weekly) and its length; null for any other type, which Tocsin cannot express.
     */
    static String shift(String type, int length) {
        return switch (type) {
            case "hourly" -> length + "h";
            case "daily" -> length + "d";
            case "weekly" -> length + "w";
            default -> null;
        };
    }

    /** Notes how many of a schedule's overrides ended before the import's start and were left out as history. */
    static void pastOverrides(int past, String subject, ImportReport report) {
        if (past > 0) {
            report.note(subject + ": " + past + " override(s) that ended before the import's start are history and were not imported");
        }
    }

    /**
     * A policy level's targets for a schedule: every one of its layers. The imported layers answer side
     * by side, so notifying them all reaches whoever the source's schedule had on call.
     */
    static List<Map<String, Object>> scheduleTargets(String schedule, List<String> layers) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String layer : layers) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("schedule", schedule);
            m.put("layer", layer);
            out.add(m);
        }
        return out;
    }

    /** An escalation policy's entry, before its paths; a blank description is left out. */
    static Map<String, Object> policy(String id, String name, String description) {
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("id", id);
        policy.put("name", name);
        if (!description.isBlank()) {
            policy.put("description", description);
        }
        return policy;
    }

    /** The level a policy gets when none of the source's could be carried over: a Tocsin policy needs one. */
    static Map<String, Object> teamLeadsLevel() {
        Map<String, Object> level = new LinkedHashMap<>();
        level.put("id", "team-leads");
        level.put("start", Map.of("after", "0m"));
        level.put("notify", List.of(Map.of("owning_team", "leads")));
        return level;
    }

    /**
     * A policy's one path: its levels, run again {@code repeat} times (0: once). Tocsin runs a ladder
     * again {@link #REPEAT_AFTER} after its last level; a source that waits another time
     * ({@code waitMinutes}) is reported under {@code what} ("repeat 30 min after the last step").
     */
    static Map<String, Object> path(String name, List<Map<String, Object>> levels, int repeat, long waitMinutes, String what,
                                    String subject, ImportReport report) {
        Map<String, Object> path = new LinkedHashMap<>();
        path.put("id", "default");
        path.put("name", name);
        if (repeat > 0) {
            path.put("repeat", repeat);
            if (Duration.ofMinutes(waitMinutes).compareTo(REPEAT_AFTER) != 0) {
                report.notCarried(subject, what, "Tocsin repeats a ladder " + Durations.format(REPEAT_AFTER) + " after its last level");
            }
        }
        path.put("levels", levels);
        return path;
    }

    /** A service entry of services.yaml, before its integrations; a blank description is left out. */
    static Map<String, Object> service(String id, String name, String description, String team, String policy) {
        Map<String, Object> service = new LinkedHashMap<>();
        service.put("id", id);
        service.put("name", name);
        if (!description.isBlank()) {
            service.put("description", description);
        }
        service.put("team", team);
        service.put("escalation_policy", policy);
        return service;
    }

    /** An integration of a service: its type and key. */
    static Map<String, Object> integration(String type, String key) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("key", key);
        return m;
    }

    /** A heartbeat of service {@code serviceId} as its integration, listed in the report's keys with the address to ping. */
    static Map<String, Object> heartbeat(String serviceId, String name, String key, Duration interval, ImportReport report) {
        Map<String, Object> hb = integration("heartbeat", key);
        hb.put("interval", Durations.format(interval));
        report.key(new ImportReport.Key(serviceId, name + " (heartbeat)", "heartbeat", key, "https://TOCSIN-HOST/api/v1/heartbeats/" + key));
        return hb;
    }
}
