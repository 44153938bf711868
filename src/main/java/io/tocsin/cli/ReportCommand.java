package io.tocsin.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** {@code tocsin report incidents|people|weekly}: a running server's reports, as a table, its JSON or its CSV. */
@Command(name = "report", description = "Reports of a running server: incidents (MTTA, MTTR, targets, escalations), people (on-call load), weekly (hand-off).",
        subcommands = {ReportCommand.Incidents.class, ReportCommand.People.class, ReportCommand.Weekly.class})
class ReportCommand {

    /** What every report takes: the server, the output form. */
    abstract static class ReportCall implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerOptions server;

        @Option(names = "--json", description = "Print the server's JSON.")
        boolean json;

        @Option(names = "--csv", description = "Print the server's CSV.")
        boolean csv;

        abstract String path();

        abstract void print(JsonNode answer, PrintWriter out);

        @java.lang.Override
        public Integer call() throws Exception {
            if (csv) {
                ServerOptions.Reply reply = server.sendOrSay(spec, "GET", path() + (path().contains("?") ? "&" : "?") + "format=csv", null);
                if (reply == null) {
                    return 1;
                }
                if (reply.status() / 100 != 2) {
                    spec.commandLine().getErr().printf("server answered %d: %s%n", reply.status(), reply.body());
                    return 1;
                }
                spec.commandLine().getOut().print(reply.body());
                spec.commandLine().getOut().flush();
                return 0;
            }
            JsonNode answer = ServerCall.json(spec, server, path(), null);
            if (answer == null) {
                return 1;
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.MAPPER.writeValueAsString(answer));
            } else {
                print(answer, out);
            }
            return 0;
        }

        static String query(String path, String... pairs) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < pairs.length; i += 2) {
                if (pairs[i + 1] != null) {
                    parts.add(pairs[i] + "=" + URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
                }
            }
            return parts.isEmpty() ? path : path + "?" + String.join("&", parts);
        }

        static String minutes(JsonNode seconds) {
            return seconds == null || seconds.isNull() || seconds.isMissingNode() ? "-" : String.format(java.util.Locale.ROOT, "%.1f min",
                    seconds.asDouble() / 60);
        }

        static String percent(JsonNode ratio) {
            return ratio == null || ratio.isNull() || ratio.isMissingNode() ? "-" : Math.round(ratio.asDouble() * 100) + "%";
        }
    }

    @Command(name = "incidents", description = "MTTA, MTTR, target and update-cadence adherence, escalations, per severity, service, team or period.")
    static class Incidents extends ReportCall {
        @Option(names = "--from", description = "Start: a date (local midnight) or an ISO-8601 instant (default: 30 days before --to).")
        String from;

        @Option(names = "--to", description = "End, exclusive (default: now).")
        String to;

        @Option(names = "--by", description = "severity, service, team, day, week or month (default severity).")
        String by;

        @java.lang.Override
        String path() {
            return query("/api/v1/reports/incidents", "from", from, "to", to, "by", by);
        }

        @java.lang.Override
        void print(JsonNode r, PrintWriter out) {
            out.printf("%s to %s, by %s%n", r.path("from").asString(), r.path("to").asString(), r.path("by").asString());
            out.printf("%-16s %9s %10s %10s %8s %8s %8s %8s %11s %9s%n", "group", "incidents", "MTTA", "MTTR", "ack", "update", "resolve",
                    "cadence", "escalations", "esc.rate");
            List<JsonNode> rows = new ArrayList<>();
            r.path("groups").forEach(rows::add);
            rows.add(r.path("total"));
            for (JsonNode g : rows) {
                JsonNode t = g.path("targets");
                out.printf("%-16s %9d %10s %10s %8s %8s %8s %8s %11d %9s%n", g.path("group").asString(), g.path("incidents").asInt(),
                        minutes(g.path("mtta_seconds")), minutes(g.path("mttr_seconds")), percent(t.path(0).path("adherence")),
                        percent(t.path(1).path("adherence")), percent(t.path(2).path("adherence")), percent(g.path("cadence_adherence")),
                        g.path("escalations").asInt(), percent(g.path("escalation_rate")));
            }
        }
    }

    @Command(name = "people", description = "On-call hours and pages per person, in business, off and sleep (22:00-07:00) hours of their own time zone.")
    static class People extends ReportCall {
        @Option(names = "--from", description = "Start: a date or an ISO-8601 instant (default: 30 days before --to).")
        String from;

        @Option(names = "--to", description = "End, exclusive (default: now).")
        String to;

        @java.lang.Override
        String path() {
            return query("/api/v1/reports/people", "from", from, "to", to);
        }

        @java.lang.Override
        void print(JsonNode r, PrintWriter out) {
            out.printf("%-20s %-20s %9s %9s %9s %6s %6s %6s%n", "person", "time zone", "on-call h", "off h", "sleep h", "pages", "off", "sleep");
            for (JsonNode p : r.path("people")) {
                out.printf("%-20s %-20s %9.1f %9.1f %9.1f %6d %6d %6d%n", p.path("person").asString(), p.path("time_zone").asString(),
                        p.path("on_call_hours").asDouble(), p.path("on_call_seconds_off").asLong() / 3600.0,
                        p.path("on_call_seconds_sleep").asLong() / 3600.0, p.path("pages").asInt(), p.path("pages_off").asInt(),
                        p.path("pages_sleep").asInt());
            }
        }
    }

    @Command(name = "weekly", description = "The hand-off report: incidents this week against last, open incidents, the noisiest alerts.")
    static class Weekly extends ReportCall {
        @Option(names = "--from", description = "Start of the week: a date or an ISO-8601 instant (default: seven days ago).")
        String from;

        @java.lang.Override
        String path() {
            return query("/api/v1/reports/weekly", "from", from);
        }

        @java.lang.Override
        void print(JsonNode r, PrintWriter out) {
            out.printf("week %s to %s: %d incident(s), %d the week before (%s)%n", r.path("from").asString(), r.path("to").asString(),
                    r.path("incidents").asInt(), r.path("previous_week").asInt(), r.path("trend").asString());
            out.println("open incidents:");
            for (JsonNode i : r.path("open_incidents")) {
                out.printf("  %s %s %s %s: %s%n", i.path("number").asString(), i.path("status").asString(), i.path("severity").asString(),
                        i.path("service").asString(), i.path("summary").asString());
            }
            out.println("noisiest alerts:");
            for (JsonNode a : r.path("noisiest_alerts")) {
                out.printf("  %5d events  %d incident(s)  %s/%s  %s%n", a.path("events").asLong(), a.path("incidents").asInt(),
                        a.path("service").asString(), a.path("dedup_key").asString(), a.path("summary").asString());
            }
        }
    }
}
