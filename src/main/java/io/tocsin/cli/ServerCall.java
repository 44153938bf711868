package io.tocsin.cli;

import java.io.IOException;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;

/** A call to a running server whose failure (unreachable, non-2xx) is printed for the person at the terminal. */
final class ServerCall {
    private ServerCall() {
    }

    /** The answer's JSON, or null after printing why there is none. */
    static JsonNode json(CommandSpec spec, ServerOptions server, String path, String body) throws InterruptedException {
        return json(spec, server, body == null ? "GET" : "POST", path, body);
    }

    /** The same, with an HTTP method of its own (DELETE). */
    static JsonNode json(CommandSpec spec, ServerOptions server, String method, String path, String body) throws InterruptedException {
        ServerOptions.Reply reply;
        try {
            reply = server.send(method, path, body);
        } catch (IOException e) {
            spec.commandLine().getErr().println("cannot reach " + server.server + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return null;
        }
        JsonNode json = reply.body().isBlank() ? null : Json.MAPPER.readTree(reply.body());
        if (reply.status() / 100 != 2) {
            spec.commandLine().getErr().printf("server answered %d: %s%n", reply.status(),
                    json == null ? "" : json.path("detail").asString(reply.body()));
            return null;
        }
        return json == null ? Json.MAPPER.createObjectNode() : json;
    }
}
