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

@Command(name = "dlq", description = "Dead letters of a running server: deliveries that failed for good, with the provider's answer; replay one.",
        subcommands = {DeadLetterCommand.ListDead.class, DeadLetterCommand.Replay.class})
class DeadLetterCommand {

    @Command(name = "list", description = "Deliveries that failed for good, newest first.")
    static class ListDead implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerOptions server;

        @Option(names = "--limit", defaultValue = "100", description = "At most this many (default ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--json", description = "Print the server's JSON.")
        boolean json;

        @java.lang.Override
        public Integer call() throws Exception {
            JsonNode answer = ServerCall.json(spec, server, "/api/v1/dlq?limit=" + limit, null);
            if (answer == null) {
                return 1;
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.MAPPER.writeValueAsString(answer));
                return 0;
            }
            if (answer.isEmpty()) {
                out.println("no dead letters");
            }
            for (JsonNode d : answer) {
                out.printf("%d  INC-%s  %s to %s by %s (%s)  attempts %d  %s: %s%n", d.path("id").asLong(),
                        d.path("incident_id").isNull() ? "-" : d.path("incident_id").asString(), d.path("channel").asString(),
                        d.path("person_id").asString(), d.path("contact_method").asString(), d.path("address").asString(),
                        d.path("attempts").asInt(), d.path("provider_status").asString(""), d.path("last_error").asString(""));
            }
            return 0;
        }
    }

    @Command(name = "replay", description = "Send a dead letter again now, under its original idempotency key.")
    static class Replay implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerOptions server;

        @Parameters(paramLabel = "ID", description = "The delivery id shown by dlq list.")
        long id;

        @java.lang.Override
        public Integer call() throws Exception {
            JsonNode answer = ServerCall.json(spec, server, "/api/v1/dlq/" + id + "/replay", "{}");
            if (answer == null) {
                return 1;
            }
            spec.commandLine().getOut().printf("delivery %d %s%n", id, answer.path("message").asString());
            return 0;
        }
    }
}
