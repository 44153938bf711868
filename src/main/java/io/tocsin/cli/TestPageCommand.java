package io.tocsin.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** Seed 001's "test alert routing (send test page)": every contact method of a person, each result reported. */
@Command(name = "test-page", description = "Send a test page to a person through every contact method and report each result; exit 1 if any failed.")
class TestPageCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Parameters(paramLabel = "PERSON", description = "The person's id.")
    String person;

    @java.lang.Override
    public Integer call() throws Exception {
        JsonNode answer = ServerCall.json(spec, server, "/api/v1/people/" + java.net.URLEncoder.encode(person,
                java.nio.charset.StandardCharsets.UTF_8) + "/test-page", "{}");
        if (answer == null) {
            return 1;
        }
        PrintWriter out = spec.commandLine().getOut();
        for (JsonNode r : answer.path("results")) {
            out.printf("%-8s %-12s %-6s %s%s (%d ms)%n", r.path("channel").asString(), r.path("contact_method").asString(),
                    r.path("outcome").asString(), r.path("provider_status").asString(""),
                    r.path("detail").isNull() || r.path("detail").asString("").isBlank() ? "" : ": " + r.path("detail").asString(),
                    r.path("millis").asLong());
        }
        if (answer.path("results").isEmpty()) {
            out.println(person + " has no contact methods");
        }
        return answer.path("all_sent").asBoolean() ? 0 : 1;
    }
}
