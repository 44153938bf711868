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

@Command(name = "token", description = "API tokens of a running server: list them (never their secret), issue one, revoke one. "
        + "A personal token acts as its person, a service token as service:NAME; scopes are read, write and admin.",
        subcommands = {TokenCommand.ListTokens.class, TokenCommand.Create.class, TokenCommand.Revoke.class})
class TokenCommand {

    @Command(name = "list", description = "The API tokens you may manage (all of them with the admin scope): id, name, who it acts as, scopes, expiry.")
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
                java.util.List<String> scopes = new java.util.ArrayList<>();
                t.path("scopes").forEach(x -> scopes.add(x.asString()));
                String expiry = t.path("expires_at").isNull() || t.path("expires_at").isMissingNode() ? "never expires"
                        : (t.path("expired").asBoolean() ? "expired " : "expires ") + ServerCall.local(t.path("expires_at"), zone);
                out.printf("%d  %s  %s as %s  [%s]  issued %s, %s%n", t.path("id").asLong(), t.path("name").asString(),
                        t.path("kind").asString(), t.path("actor").asString(), String.join(",", scopes),
                        ServerCall.local(t.path("created_at"), zone), expiry);
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

        @Option(names = "--person", paramLabel = "PERSON",
                description = "Issue a personal token acting as this person (id or e-mail). Without it: a service token "
                        + "(a personal token of your own when you use your own token).")
        String person;

        @Option(names = "--scopes", split = ",", paramLabel = "SCOPE",
                description = "read, write, admin (comma-separated; default read,write). Never more than your own token holds.")
        java.util.List<String> scopes;

        @Option(names = "--expires-in-days", paramLabel = "DAYS", description = "Days until it stops working (default 90).")
        Integer days;

        @java.lang.Override
        public Integer call() throws Exception {
            Map<String, Object> body = new java.util.LinkedHashMap<>();
            body.put("name", name);
            if (person != null) {
                body.put("person", person);
            }
            if (scopes != null) {
                body.put("scopes", scopes);
            }
            if (days != null) {
                body.put("expires_in_days", days);
            }
            JsonNode answer = ServerCall.json(spec, server, "/api/v1/tokens", Json.MAPPER.writeValueAsString(body));
            if (answer == null) {
                return 1;
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("token %d (%s): %s%n", answer.path("id").asLong(), answer.path("name").asString(), answer.path("token").asString());
            out.printf("acts as %s, expires %s%n", answer.path("actor").asString(),
                    ServerCall.local(answer.path("expires_at"), ServerCall.organisationZone(spec, server)));
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
