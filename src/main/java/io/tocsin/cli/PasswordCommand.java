package io.tocsin.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

@Command(name = "password", description = "People's UI passwords on a running server.",
        subcommands = {PasswordCommand.Set.class})
class PasswordCommand {

    @Command(name = "set", description = "Set a person's UI password (an admin token, or the person's own token).")
    static class Set implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerOptions server;

        @Parameters(paramLabel = "PERSON", description = "The person's id or e-mail.")
        String person;

        // A file, not an argument: an argument is visible to every user in the process list and in shell history.
        @Option(names = "--password-file", required = true, paramLabel = "FILE",
                description = "A file holding the password on its first line; - reads it from standard input.")
        String file;

        @java.lang.Override
        public Integer call() throws Exception {
            String text = "-".equals(file) ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file), StandardCharsets.UTF_8);
            String password = text.lines().findFirst().orElse("");
            JsonNode answer = ServerCall.json(spec, server, "PUT", "/api/v1/people/" + person + "/password",
                    Json.MAPPER.writeValueAsString(Map.of("password", password)));
            if (answer == null) {
                return 1;
            }
            spec.commandLine().getOut().printf("password set for %s%n", answer.path("person").asString());
            return 0;
        }
    }
}
