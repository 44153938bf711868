package io.tocsin.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code tocsin switch}: the organisation's kill switches on a running server. Without arguments it
 * shows them; {@code tocsin switch automation off}, {@code tocsin switch safe-mode on} set one (through
 * the API: audited with the token's owner and the interface {@code api}).
 */
@Command(name = "switch", description = "Show the kill switches, or set one: switch automation off | switch safe-mode on.")
class SwitchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SWITCH", description = "automation or safe-mode (safe_mode).")
    String name;

    @Parameters(index = "1", arity = "0..1", paramLabel = "on|off", description = "The state to set.")
    String state;

    @java.lang.Override
    public Integer call() throws Exception {
        JsonNode answer;
        if (name == null) {
            answer = ServerCall.json(spec, server, "/api/v1/switches", null);
        } else {
            if (state == null) {
                spec.commandLine().getErr().println("say on or off: tocsin switch " + name + " off");
                return 2;
            }
            String value = state.trim().toLowerCase(Locale.ROOT);
            if (!value.equals("on") && !value.equals("off")) {
                spec.commandLine().getErr().println("\"" + state + "\" is neither on nor off");
                return 2;
            }
            String body = Json.MAPPER.writeValueAsString(java.util.Map.of(name.trim(), value));
            answer = ServerCall.json(spec, server, "PUT", "/api/v1/switches", body);
        }
        if (answer == null) {
            return 1;
        }
        PrintWriter out = spec.commandLine().getOut();
        java.time.ZoneId zone = ServerCall.organisationZone(spec, server);
        for (var e : answer.properties()) {
            JsonNode s = e.getValue();
            out.printf("%-11s %-3s%s%n", e.getKey(), s.path("state").asString(), s.path("changed_at").isNull() || s.path("changed_at").isMissingNode()
                    ? "" : "  (" + s.path("changed_by").asString() + " via " + s.path("via").asString() + ", " + ServerCall.local(s.path("changed_at"), zone) + ")");
        }
        return 0;
    }
}
