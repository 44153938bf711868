package io.tocsin.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;

@Command(name = "incident", description = "Act on incidents of a running server: list, show, ack, unack, resolve, escalate, note, update, severity, tag, affects, reassign, deescalate, role, release-role, war-room, join, tick, postmortem, action-item.",
        subcommands = {IncidentCommand.ListIncidents.class, IncidentCommand.Show.class, IncidentCommand.PostmortemCmd.class, IncidentCommand.ActionItem.class, IncidentCommand.Ack.class,
                IncidentCommand.Unack.class, IncidentCommand.Resolve.class, IncidentCommand.Escalate.class,
                IncidentCommand.NoteCmd.class, IncidentCommand.Update.class, IncidentCommand.SeverityCmd.class,
                IncidentCommand.Tag.class, IncidentCommand.Affects.class, IncidentCommand.Reassign.class, IncidentCommand.Deescalate.class,
                IncidentCommand.Role.class, IncidentCommand.ReleaseRole.class, IncidentCommand.WarRoomCmd.class, IncidentCommand.Join.class,
                IncidentCommand.Tick.class})
class IncidentCommand {

    /** Shared behaviour: call the server, print the answer, exit 0 on 2xx, 1 otherwise. */
    abstract static class Action implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerOptions server;

        abstract String path();

        /** The JSON body to POST, or null for a GET. */
        String body() {
            return "{}";
        }

        @java.lang.Override
        public Integer call() throws Exception {
            JsonNode json = ServerCall.json(spec, server, path(), body());
            if (json == null) {
                return 1;
            }
            PrintWriter out = spec.commandLine().getOut();
            print(out, json);
            return 0;
        }

        private java.time.ZoneId zone;

        /** The organisation's zone, asked of the server once, for commands that print times. */
        java.time.ZoneId zone() throws InterruptedException {
            if (zone == null) {
                zone = ServerCall.organisationZone(spec, server);
            }
            return zone;
        }

        String local(JsonNode instant) {
            try {
                return ServerCall.local(instant, zone());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return instant.asString();
            }
        }

        void print(PrintWriter out, JsonNode json) {
            JsonNode incident = json.path("incident");
            out.printf("%s %s %s [%s] %s%n", incident.path("id").asString(), incident.path("status").asString(),
                    incident.path("severity").asString(), incident.path("service").asString(), incident.path("summary").asString());
            if (json.has("message")) {
                out.println(json.path("changed").asBoolean() ? json.path("message").asString() : "no change: " + json.path("message").asString());
            }
        }
    }

    abstract static class OnIncident extends Action {
        @Parameters(index = "0", paramLabel = "ID", description = "Incident id, like INC-42.")
        String id;
    }

    @Command(name = "list", description = "List incidents, newest first, filtered like the API's list (each filter may be repeated or comma-separated).")
    static class ListIncidents extends Action {
        @Option(names = "--open", description = "Only open incidents (--status open).")
        boolean open;

        @Option(names = "--status", description = "triggered, acknowledged, resolved or open.")
        java.util.List<String> status = new java.util.ArrayList<>();

        @Option(names = "--severity", description = "A severity id, like P1.")
        java.util.List<String> severity = new java.util.ArrayList<>();

        @Option(names = "--service", description = "A service id.")
        java.util.List<String> service = new java.util.ArrayList<>();

        @Option(names = "--team", description = "A team id: the incidents of its services.")
        java.util.List<String> team = new java.util.ArrayList<>();

        @Option(names = "--since", description = "Opened at or after: an ISO-8601 instant or a date in the organisation's zone.")
        String since;

        @Option(names = "--until", description = "Opened before: an ISO-8601 instant or a date in the organisation's zone.")
        String until;

        @Option(names = {"--search", "-q"}, description = "Text in the summary, dedup key or number.")
        String search;

        @Option(names = "--limit", description = "At most this many (1 to 1000; default ${DEFAULT-VALUE}).", defaultValue = "100")
        int limit;

        @Option(names = "--cursor", description = "The next page: the cursor printed under the previous one.")
        String cursor;

        String path() {
            StringBuilder p = new StringBuilder("/api/v1/incidents?limit=" + limit);
            if (open) {
                p.append("&status=open");
            }
            status.forEach(v -> p.append("&status=").append(encode(v)));
            severity.forEach(v -> p.append("&severity=").append(encode(v)));
            service.forEach(v -> p.append("&service=").append(encode(v)));
            team.forEach(v -> p.append("&team=").append(encode(v)));
            for (String[] kv : new String[][] {{"since", since}, {"until", until}, {"q", search}, {"cursor", cursor}}) {
                if (kv[1] != null) {
                    p.append('&').append(kv[0]).append('=').append(encode(kv[1]));
                }
            }
            return p.toString();
        }

        private static String encode(String v) {
            return java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8);
        }

        @java.lang.Override
        public Integer call() throws Exception {
            ServerCall.Page page = ServerCall.page(spec, server, path());
            if (page == null) {
                return 1;
            }
            PrintWriter out = spec.commandLine().getOut();
            print(out, page.json());
            if (page.next() != null) {
                out.printf("more: add --cursor %s for the next page%n", page.next());
            }
            return 0;
        }

        String body() {
            return null;
        }

        void print(PrintWriter out, JsonNode json) {
            for (JsonNode i : json) {
                out.printf("%-8s %-12s %-6s %-20s %s%n", i.path("id").asString(), i.path("status").asString(),
                        i.path("severity").asString(), i.path("service").asString(), i.path("summary").asString());
            }
        }
    }

    @Command(name = "postmortem", description = "Show an incident's postmortem: status, owner, deadline, sections and action items.")
    static class PostmortemCmd extends OnIncident {
        String path() {
            return "/api/v1/incidents/" + id + "/postmortem";
        }

        String body() {
            return null;
        }

        void print(PrintWriter out, JsonNode json) {
            printPostmortem(out, json, this::local);
        }
    }

    static void printPostmortem(PrintWriter out, JsonNode json, java.util.function.Function<JsonNode, String> local) {
        out.printf("Postmortem of %s: %s%s%n", json.path("incident").asString(), json.path("status").asString(),
                json.path("required").asBoolean() ? " (required)" : " (optional)");
        out.printf("owner: %s%n", json.path("owner").isNull() ? "none" : json.path("owner").asString());
        out.printf("due:   %s%n", json.path("due").isNull() ? "no deadline" : local.apply(json.path("due")));
        json.path("sections").properties().forEach(e -> {
            out.printf("%n## %s%n%n%s%n", e.getKey().replace('_', ' '), e.getValue().asString());
        });
        out.printf("%n## action items%n%n");
        if (json.path("action_items").isEmpty()) {
            out.println("none");
        }
        int n = 1;
        for (JsonNode a : json.path("action_items")) {
            out.printf("%d. %s (owner %s, due %s)%s%n", n++, a.path("text").asString(),
                    a.path("owner").isNull() ? "none" : a.path("owner").asString(), a.path("due").isNull() ? "none" : local.apply(a.path("due")),
                    a.path("done").asBoolean() ? " done" : "");
        }
        out.printf("%nMarkdown: GET %s%n", json.path("markdown").asString());
    }

    /**
     * Adds, changes, ticks off or removes one action item of an incident's postmortem. The API takes the
     * list whole ({@code PUT .../postmortem} with {@code action_items}), so the command reads the list,
     * changes the one item and sends the list back; the server checks every field as it does for the API.
     */
    @Command(name = "action-item", description = "Add an action item to an incident's postmortem (--add TEXT), or change item N "
            + "(--item N with --text, --owner, --due, --done or --not-done), or remove it (--item N --remove).")
    static class ActionItem implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerOptions server;

        @Parameters(index = "0", paramLabel = "ID", description = "Incident id, like INC-42.")
        String id;

        @Option(names = "--add", paramLabel = "TEXT", description = "A new item with this text.")
        String add;

        @Option(names = "--item", paramLabel = "N", description = "The item to change or remove, 1 for the first.")
        Integer item;

        @Option(names = "--text", paramLabel = "TEXT", description = "The item's new text.")
        String text;

        @Option(names = "--owner", paramLabel = "PERSON", description = "Who owns the item (a person id).")
        String owner;

        @Option(names = "--due", paramLabel = "DATE", description = "When it is due, YYYY-MM-DD.")
        String due;

        @Option(names = "--done", description = "The item is done.")
        boolean done;

        @Option(names = "--not-done", description = "The item is not done (after all).")
        boolean notDone;

        @Option(names = "--remove", description = "Remove item N.")
        boolean remove;

        @java.lang.Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            if ((add == null) == (item == null)) {
                err.println("give either --add TEXT or --item N");
                return 2;
            }
            if (done && notDone) {
                err.println("--done and --not-done cannot both be given");
                return 2;
            }
            if (add != null && (remove || text != null)) {
                err.println("--add takes the text itself; --text and --remove are for --item N");
                return 2;
            }
            String path = "/api/v1/incidents/" + id + "/postmortem";
            JsonNode current = ServerCall.json(spec, server, path, null);
            if (current == null) {
                return 1;
            }
            List<Map<String, Object>> items = new java.util.ArrayList<>();
            for (JsonNode a : current.path("action_items")) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("text", a.path("text").asString());
                m.put("owner", a.path("owner").isNull() ? null : a.path("owner").asString());
                m.put("due", a.path("due").isNull() ? null : a.path("due").asString());
                m.put("done", a.path("done").asBoolean());
                items.add(m);
            }
            Map<String, Object> changed;
            if (add != null) {
                changed = new LinkedHashMap<>(Map.of("text", add, "done", false));
                items.add(changed);
            } else {
                if (item < 1 || item > items.size()) {
                    err.printf("--item: no item %d; the postmortem of %s has %d%n", item, id, items.size());
                    return 1;
                }
                if (remove) {
                    items.remove(item - 1);
                    changed = null;
                } else {
                    changed = items.get(item - 1);
                }
            }
            if (changed != null) {
                if (text != null) {
                    changed.put("text", text);
                }
                if (owner != null) {
                    changed.put("owner", owner);
                }
                if (due != null) {
                    changed.put("due", due);
                }
                if (done || notDone) {
                    changed.put("done", done);
                }
            }
            JsonNode answer = ServerCall.json(spec, server, "PUT", path, Json.MAPPER.writeValueAsString(Map.of("action_items", items)));
            if (answer == null) {
                return 1;
            }
            java.time.ZoneId zone = ServerCall.organisationZone(spec, server);
            printPostmortem(spec.commandLine().getOut(), answer, instant -> ServerCall.local(instant, zone));
            return 0;
        }
    }

    @Command(name = "show", description = "Show an incident and its timeline.")
    static class Show extends OnIncident {
        String path() {
            return "/api/v1/incidents/" + id;
        }

        String body() {
            return null;
        }

        void print(PrintWriter out, JsonNode json) {
            super.print(out, json);
            JsonNode details = json.path("details");
            List<String> lines = new java.util.ArrayList<>();
            for (Map.Entry<String, JsonNode> part : details.properties()) {
                if (!part.getKey().equals("links") && !part.getKey().equals("images")) {
                    // The alert's own maps are listed by their keys, as in pages and the UI: "customer.tier: gold".
                    flatten(Set.of("custom_details", "details", "labels", "annotations").contains(part.getKey()) ? ""
                            : part.getKey(), part.getValue(), lines);
                }
            }
            if (!lines.isEmpty()) {
                out.println("Details:");
                lines.forEach(l -> out.println("  " + l));
            }
            if (details.path("links").size() > 0) {
                out.println("Links:");
                for (JsonNode l : details.path("links")) {
                    // An address that is not http(s) comes without href: its words only, never presented as a link.
                    out.println("  " + l.path("text").asString() + (l.path("href").isString() ? ": " + l.path("href").asString() : ""));
                }
            }
            if (json.path("checklist").size() > 0) {
                out.println("Checklist:");
                int n = 1;
                for (JsonNode c : json.path("checklist")) {
                    out.printf("  %d. [%s] %s%s%n", n++, c.path("ticked_at").isString() ? "x" : " ", c.path("text").asString(),
                            c.path("ticked_by").isString() ? " (" + c.path("ticked_by").asString() + ")" : "");
                }
            }
            if (json.path("targets").size() > 0) {
                out.println("Targets:");
                for (JsonNode t : json.path("targets")) {
                    out.printf("  %-13s %-16s %s%n", t.path("target").asString(), t.path("deadline").asString(), t.path("text").asString());
                }
            }
            out.println("Timeline:");
            for (JsonNode e : json.path("timeline")) {
                out.printf("  %s  %-16s %s%s%n", local(e.path("at")), e.path("kind").asString(), e.path("text").asString(),
                        e.path("actor").isNull() ? "" : "  (" + e.path("actor").asString() + " via " + e.path("via").asString() + ")");
            }
        }
    }

    /** "key: value" lines of a JSON value, nested keys joined with dots. */
    static void flatten(String key, JsonNode value, List<String> into) {
        if (value.isObject()) {
            value.properties().forEach(e -> flatten(key.isEmpty() ? e.getKey() : key + "." + e.getKey(), e.getValue(), into));
        } else {
            into.add(key + ": " + (value.isString() ? value.asString() : value.toString()));
        }
    }

    /**
     * An action on one incident (ID), several (--ids) or every open one (--all, narrowed by --service
     * and --severity): the server's bulk endpoint runs the same command on each and reports each.
     */
    abstract static class OneOrMany extends Action {
        @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "Incident id, like INC-42.")
        String id;

        @Option(names = "--ids", split = ",", paramLabel = "ID", description = "Several incidents at once: --ids INC-3,INC-4.")
        List<String> ids;

        @Option(names = "--all", description = "Every open incident (at most 500 per call; narrow with --service, --severity).")
        boolean all;

        @Option(names = "--service", description = "With --all: only this service's incidents.")
        String service;

        @Option(names = "--severity", description = "With --all: only incidents of this severity.")
        String severity;

        /** The last part of the endpoint: acknowledge, resolve. */
        abstract String verb();

        @java.lang.Override
        public Integer call() throws Exception {
            int given = (id != null ? 1 : 0) + (ids != null ? 1 : 0) + (all ? 1 : 0);
            if (given != 1) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give one of ID, --ids or --all");
            }
            if (!all && (service != null || severity != null)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--service and --severity narrow --all");
            }
            return super.call();
        }

        String path() {
            return id != null ? "/api/v1/incidents/" + id + "/" + verb() : "/api/v1/incidents/" + verb();
        }

        String body() {
            if (id != null) {
                return "{}";
            }
            if (ids != null) {
                return Json.write(Map.of("ids", ids));
            }
            Map<String, String> filter = new LinkedHashMap<>();
            if (service != null) {
                filter.put("service", service);
            }
            if (severity != null) {
                filter.put("severity", severity);
            }
            return Json.write(Map.of("filter", filter));
        }

        void print(PrintWriter out, JsonNode json) {
            if (id != null) {
                super.print(out, json);
                return;
            }
            for (JsonNode r : json.path("results")) {
                out.printf("%-8s %-10s %s%n", r.path("id").asString(), r.path("outcome").asString(), r.path("message").asString(""));
            }
            out.printf("%d of %d changed%s%n", json.path("changed").asInt(), json.path("results").size(),
                    json.path("more").asBoolean() ? "; more match: run it again" : "");
        }
    }

    @Command(name = "ack", description = "Acknowledge (one incident, --ids or --all): stops the acknowledgement-driven levels.")
    static class Ack extends OneOrMany {
        String verb() {
            return "acknowledge";
        }
    }

    @Command(name = "unack", description = "Un-acknowledge: the acknowledgement clock starts again.")
    static class Unack extends OnIncident {
        String path() {
            return "/api/v1/incidents/" + id + "/unacknowledge";
        }
    }

    @Command(name = "resolve", description = "Resolve (one incident, --ids or --all): stops all escalation.")
    static class Resolve extends OneOrMany {
        String verb() {
            return "resolve";
        }
    }

    @Command(name = "escalate", description = "Escalate to the next level, or to --level.")
    static class Escalate extends OnIncident {
        @Option(names = "--level", description = "Level id to escalate to.")
        String level;

        @Option(names = "--impact", description = "Escalation request: the impact now.")
        String impact;

        @Option(names = "--tried", description = "Escalation request: what has been tried, and with what result.")
        String tried;

        @Option(names = "--why", description = "Escalation request: why escalate (stuck, need expertise, need approval...).")
        String why;

        @Option(names = "--ask", description = "Escalation request: the specific ask of the people escalated to.")
        String ask;

        String path() {
            return "/api/v1/incidents/" + id + "/escalate";
        }

        String body() {
            Map<String, String> m = new LinkedHashMap<>();
            if (level != null) {
                m.put("level", level);
            }
            if (impact != null) {
                m.put("impact", impact);
            }
            if (tried != null) {
                m.put("tried", tried);
            }
            if (why != null) {
                m.put("why", why);
            }
            if (ask != null) {
                m.put("ask", ask);
            }
            return Json.write(m);
        }
    }

    @Command(name = "note", description = "Add a note to the timeline.")
    static class NoteCmd extends OnIncident {
        @Parameters(index = "1", paramLabel = "TEXT")
        String text;

        String path() {
            return "/api/v1/incidents/" + id + "/notes";
        }

        String body() {
            return Json.write(Map.of("text", text));
        }
    }

    @Command(name = "update", description = "Post a status update (resets the no-progress clock).")
    static class Update extends OnIncident {
        @Parameters(index = "1", paramLabel = "MESSAGE")
        String message;

        @Option(names = "--status", description = "investigating, identified, monitoring or resolved.")
        String status;

        @Option(names = "--impact", description = "Who or what is affected, in words.")
        String impact;

        @Option(names = "--next", paramLabel = "DURATION", description = "When the next update will come, like 30m (default: the severity's cadence).")
        String next;

        String path() {
            return "/api/v1/incidents/" + id + "/updates";
        }

        String body() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("message", message);
            if (status != null) {
                m.put("status", status);
            }
            if (impact != null) {
                m.put("impact", impact);
            }
            if (next != null) {
                m.put("next_update", next);
            }
            return Json.write(m);
        }
    }

    @Command(name = "severity", description = "Change the severity (raising it can escalate).")
    static class SeverityCmd extends OnIncident {
        @Parameters(index = "1", paramLabel = "SEVERITY")
        String severity;

        String path() {
            return "/api/v1/incidents/" + id + "/severity";
        }

        String body() {
            return Json.write(Map.of("severity", severity));
        }
    }

    @Command(name = "tag", description = "Add tags (security, data-loss, financial...), which can switch the escalation path.")
    static class Tag extends OnIncident {
        @Parameters(index = "1..*", paramLabel = "TAG")
        java.util.List<String> tags;

        String path() {
            return "/api/v1/incidents/" + id + "/tags";
        }

        String body() {
            return Json.write(Map.of("tags", tags));
        }
    }

    @Command(name = "role", description = "Give a person an incident role (incident-commander, ops-lead, communications-lead, scribe...), handed over from whoever held it.")
    static class Role extends OnIncident {
        @Parameters(index = "1", paramLabel = "ROLE")
        String role;

        @Parameters(index = "2", paramLabel = "PERSON")
        String person;

        String path() {
            return "/api/v1/incidents/" + id + "/roles";
        }

        String body() {
            return Json.write(Map.of("role", role, "person", person));
        }
    }

    @Command(name = "release-role", description = "Release an incident role.")
    static class ReleaseRole extends OnIncident {
        @Parameters(index = "1", paramLabel = "ROLE")
        String role;

        String path() {
            return "/api/v1/incidents/" + id + "/roles/" + role + "/release";
        }
    }

    @Command(name = "war-room", description = "Open the war room by hand: its channel is named and the war-room roles are paged.")
    static class WarRoomCmd extends OnIncident {
        @Option(names = "--reason", description = "Why.")
        String reason;

        String path() {
            return "/api/v1/incidents/" + id + "/war-room";
        }

        String body() {
            return reason == null ? "{}" : Json.write(Map.of("reason", reason));
        }
    }

    @Command(name = "tick", description = "Mark checklist item N (1 for the first) as done.")
    static class Tick extends OnIncident {
        @Parameters(index = "1", paramLabel = "N")
        int item;

        String path() {
            return "/api/v1/incidents/" + id + "/checklist/" + item + "/tick";
        }
    }

    @Command(name = "join", description = "Join the war room as the person of your personal token (tocsin token create NAME --person PERSON).")
    static class Join extends OnIncident {
        String path() {
            return "/api/v1/incidents/" + id + "/war-room/join";
        }
    }

    @Command(name = "affects", description = "Another service is affected too (several services affected can escalate).")
    static class Affects extends OnIncident {
        @Parameters(index = "1", paramLabel = "SERVICE")
        String service;

        String path() {
            return "/api/v1/incidents/" + id + "/services";
        }

        String body() {
            return Json.write(Map.of("service", service));
        }
    }

    @Command(name = "reassign", description = "Hand the incident to other people: they are paged, the acknowledgement is cleared, the ladder keeps running.")
    static class Reassign extends OnIncident {
        @Option(names = "--to", required = true, split = ",", paramLabel = "TARGET",
                description = "person:ID, schedule:ID or schedule:ID/LAYER, team:ID, role:ID (repeat or comma-separate).")
        java.util.List<String> to;

        @Option(names = "--reason", description = "Why, for the timeline.")
        String reason;

        String path() {
            return "/api/v1/incidents/" + id + "/reassign";
        }

        String body() {
            java.util.List<Map<String, String>> targets = new java.util.ArrayList<>();
            for (String t : to) {
                int colon = t.indexOf(':');
                if (colon <= 0) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--to " + t + ": write KIND:ID, like person:ana-silva");
                }
                String kind = t.substring(0, colon);
                String value = t.substring(colon + 1);
                Map<String, String> m = new LinkedHashMap<>();
                if (kind.equals("schedule") && value.contains("/")) {
                    m.put("schedule", value.substring(0, value.indexOf('/')));
                    m.put("layer", value.substring(value.indexOf('/') + 1));
                } else {
                    m.put(kind, value);
                }
                targets.add(m);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("to", targets);
            if (reason != null) {
                body.put("reason", reason);
            }
            return Json.write(body);
        }
    }

    @Command(name = "deescalate", description = "Release the people paged so far, except those kept; the ladder stops, and the timeline says who was released.")
    static class Deescalate extends OnIncident {
        @Option(names = "--keep", split = ",", paramLabel = "PERSON", description = "People who stay on the incident (repeat or comma-separate).")
        java.util.List<String> keep = new java.util.ArrayList<>();

        @Option(names = "--reason", description = "Why, for the timeline.")
        String reason;

        String path() {
            return "/api/v1/incidents/" + id + "/deescalate";
        }

        String body() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("keep", keep);
            if (reason != null) {
                body.put("reason", reason);
            }
            return Json.write(body);
        }
    }
}
