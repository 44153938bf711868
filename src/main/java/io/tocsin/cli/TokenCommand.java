package io.tocsin.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

@Command(name = "token", description = "API tokens of a running server: list them (never their secret), issue one, revoke one.",
        subcommands = {TokenCommand.ListTokens.class, TokenCommand.Create.class, TokenCommand.Revoke.class})
class TokenCommand {

    @Command(name = "list", description = "Every API token: id, name, when it was issued.")
    static class ListTokens implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerOptions server;

        @Option(names = "--json", description = "Print the server's JSON.")
        boolean json;

        @java.lang.Override
        public Integer call() throws Exception {
            JsonNode answer = ServerCall.json(spec, server, "/api/v1/tokens", null);
            if (answer == null) {
                return 1;
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.MAPPER.writeValueAsString(answer));
                return 0;
            }
            java.time.ZoneId zone = ServerCall.organisationZone(spec, server);
            for (JsonNode t : answer) {
                out.printf("%d  %s  issued %s%n", t.path("id").asLong(), t.path("name").asString(), ServerCall.local(t.path("created_at"), zone));
            }
            return 0;
        }
    }

    @Command(name = "create", description = "Issue a new API token; it is printed once and cannot be shown again.")
    static class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerOptions server;

        @Parameters(paramLabel = "NAME", description = "Who or what the token is for; the audit log names it.")
        String name;

        @java.lang.Override
        public Integer call() throws Exception {
            JsonNode answer = ServerCall.json(spec, server, "/api/v1/tokens", Json.MAPPER.writeValueAsString(Map.of("name", name)));
            if (answer == null) {
                return 1;
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("token %d (%s): %s%n", answer.path("id").asLong(), answer.path("name").asString(), answer.path("token").asString());
            out.println("keep it now: only its hash is stored");
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revoke an API token: the API, the CLI and UI sessions signed in with it stop working at once.")
    static class Revoke implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerOptions server;

        @Parameters(paramLabel = "ID", description = "The token id shown by token list.")
        long id;

        @java.lang.Override
        public Integer call() throws Exception {
            JsonNode answer = ServerCall.json(spec, server, "DELETE", "/api/v1/tokens/" + id, null);
            if (answer == null) {
                return 1;
            }
            spec.commandLine().getOut().printf("revoked token %d (%s)%n", id, answer.path("name").asString());
            return 0;
        }
    }
}
