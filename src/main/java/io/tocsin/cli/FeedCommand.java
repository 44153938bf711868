package io.tocsin.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

@Command(name = "feed", description = "iCal feeds of a running server: list the issued feed URLs (never their token), revoke one.",
        subcommands = {FeedCommand.ListFeeds.class, FeedCommand.Revoke.class})
class FeedCommand {

    @Command(name = "list", description = "Every issued feed: id, schedule or person, path, when it was issued.")
    static class ListFeeds implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerOptions server;

        @Option(names = "--json", description = "Print the server's JSON.")
        boolean json;

        @java.lang.Override
        public Integer call() throws Exception {
            JsonNode answer = ServerCall.json(spec, server, "/api/v1/feeds", null);
            if (answer == null) {
                return 1;
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.MAPPER.writeValueAsString(answer));
                return 0;
            }
            if (answer.isEmpty()) {
                out.println("no feeds");
            }
            java.time.ZoneId zone = ServerCall.organisationZone(spec, server);
            for (JsonNode f : answer) {
                out.printf("%d  %s %s  %s  issued %s%n", f.path("id").asLong(), f.path("kind").asString(), f.path("subject").asString(),
                        f.path("path").asString(), ServerCall.local(f.path("created_at"), zone));
            }
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revoke a feed: its URL answers 404 from now on; issue a new one to share again.")
    static class Revoke implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerOptions server;

        @Parameters(paramLabel = "ID", description = "The feed id shown by feed list.")
        long id;

        @java.lang.Override
        public Integer call() throws Exception {
            JsonNode answer = ServerCall.json(spec, server, "DELETE", "/api/v1/feeds/" + id, null);
            if (answer == null) {
                return 1;
            }
            spec.commandLine().getOut().printf("revoked feed %d (%s %s)%n", id, answer.path("kind").asString(), answer.path("subject").asString());
            return 0;
        }
    }
}
