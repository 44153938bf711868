package io.tocsin.cli;

import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;

/** A call to a running server whose failure (unreachable, non-2xx) is printed for the person at the terminal. */
final class ServerCall {
    private ServerCall() {
    }

    /** Local times as the CLI prints them: to the second, with the zone named. */
    private static final java.time.format.DateTimeFormatter LOCAL = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z");

    /**
     * The organisation's time zone, as the server's directory gives it, in which the CLI prints times;
     * UTC (and named so) when the server does not say.
     */
    static java.time.ZoneId organisationZone(CommandSpec spec, ServerOptions server) throws InterruptedException {
        ServerOptions.Reply reply = server.sendOrSay(spec, "GET", "/api/v1/directory", null);
        if (reply == null || reply.status() / 100 != 2) {
            return java.time.ZoneOffset.UTC;
        }
        String zone = Json.MAPPER.readTree(reply.body()).path("organisation").path("time_zone").asString("");
        try {
            return zone.isBlank() ? java.time.ZoneOffset.UTC : java.time.ZoneId.of(zone);
        } catch (java.time.DateTimeException e) {
            return java.time.ZoneOffset.UTC;
        }
    }

    /** An instant the server wrote (ISO-8601), in {@code zone} without fractions of a second; "-" for none. */
    static String local(JsonNode instant, java.time.ZoneId zone) {
        if (instant == null || !instant.isString()) {
            return "-";
        }
        try {
            return LOCAL.format(java.time.Instant.parse(instant.asString()).atZone(zone));
        } catch (java.time.format.DateTimeParseException e) {
            return instant.asString();
        }
    }

    /** The answer's JSON, or null after printing why there is none. */
    static JsonNode json(CommandSpec spec, ServerOptions server, String path, String body) throws InterruptedException {
        return json(spec, server, body == null ? "GET" : "POST", path, body);
    }

    /** The same, with an HTTP method of its own (DELETE). */
    static JsonNode json(CommandSpec spec, ServerOptions server, String method, String path, String body) throws InterruptedException {
        ServerOptions.Reply reply = server.sendOrSay(spec, method, path, body);
        return reply == null ? null : json(spec, reply);
    }

    /** One page of a list and the cursor of the next (null when it was the last), or null after printing why there is none. */
    record Page(JsonNode json, String next) {
    }

    static Page page(CommandSpec spec, ServerOptions server, String path) throws InterruptedException {
        ServerOptions.Reply reply = server.sendOrSay(spec, "GET", path, null);
        JsonNode json = reply == null ? null : json(spec, reply);
        return json == null ? null : new Page(json, reply.next());
    }

    private static JsonNode json(CommandSpec spec, ServerOptions.Reply reply) {
        JsonNode json = reply.body().isBlank() ? null : Json.MAPPER.readTree(reply.body());
        if (reply.status() / 100 != 2) {
            spec.commandLine().getErr().printf("server answered %d: %s%n", reply.status(),
                    json == null ? "" : json.path("detail").asString(reply.body()));
            return null;
        }
        return json == null ? Json.MAPPER.createObjectNode() : json;
    }
}
