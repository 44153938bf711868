package io.tocsin.cli;

import io.tocsin.config.ConfigLoader;
import io.tocsin.config.ConfigProblem;
import io.tocsin.config.LoadedConfig;
import io.tocsin.config.SourceFile;
import io.tocsin.coverage.CoverageReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;

@Command(name = "apply", description = "Validate configuration files locally, then activate them on a running server as a new version.")
class ApplyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "YAML files or directories of them.")
    List<Path> paths;

    @picocli.CommandLine.Mixin
    ServerOptions server;

    @picocli.CommandLine.Option(names = "--yes", description = "Activate even though it changes who is on call right now "
            + "(without it such a configuration is refused, saying who would be on call instead of whom).")
    boolean yes;

    @java.lang.Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LoadedConfig loaded = ConfigLoader.load(paths);
        if (!loaded.isValid()) {
            loaded.problems().stream().map(ConfigProblem::format).forEach(err::println);
            err.printf("%d problem(s); nothing was sent%n", loaded.problems().size());
            return 1;
        }
        List<Map<String, String>> files = new ArrayList<>();
        for (SourceFile f : ConfigLoader.relativeNames(paths, loaded.sources())) {
            files.add(Map.of("name", f.name(), "text", f.text()));
        }
        ServerOptions.Reply response = server.sendOrSay(spec, "POST", "/api/v1/config", Json.write(Map.of("files", files, "confirm", yes)));
        if (response == null) {
            return 1;
        }
        JsonNode body = response.body().isBlank() ? null : Json.MAPPER.readTree(response.body());
        if (response.status() == 201 || response.status() == 200) {
            long version = body.path("version").asLong();
            if (body.path("unchanged").asBoolean()) {
                out.printf("unchanged: version %d is already active%n", version);
            } else {
                out.printf("activated version %d%n%s%n", version, body.path("diff").asString());
            }
            if (body.path("open_incidents").isArray() && !body.path("open_incidents").isEmpty()) {
                out.println("open incidents whose escalation policy this version no longer has:");
                for (JsonNode i : body.path("open_incidents")) {
                    out.printf("  %s (service %s, policy %s): %s%n", i.path("incident").asString(), i.path("service").asString(),
                            i.path("policy").asString(), i.path("effect").asString());
                }
            }
            // Gaps are reported, not refused: the version is active either way (`tocsin coverage` fails on them).
            if (body.path("coverage").isObject()) {
                out.printf("%n%s", CoverageReport.fromJson(body.path("coverage")).text());
            }
            return 0;
        }
        if (response.status() == 409 && body != null && body.has("on_call_changes")) {
            err.println("this configuration changes who is on call right now:");
            for (JsonNode c : body.path("on_call_changes")) {
                err.printf("  %s/%s: now: %s, was: %s%n", c.path("schedule").asString(), c.path("layer").asString(),
                        c.path("now").asString("nobody"), c.path("was").asString("nobody"));
            }
            err.println(body.path("diff").asString());
            err.println("nothing was activated; run again with --yes to activate it");
            return 1;
        }
        if (response.status() == 422 && body != null) {
            for (JsonNode p : body.path("errors")) {
                err.printf("%s:%d:%d: %s: %s%n", p.path("file").asString(), p.path("line").asInt(), p.path("column").asInt(),
                        p.path("path").asString(), p.path("message").asString());
            }
            err.println("refused by the server; the running configuration is unchanged");
            return 1;
        }
        err.printf("server answered %d: %s%n", response.status(), body == null ? "" : body.path("detail").asString(response.body()));
        return 1;
    }

}
