package io.tocsin.cli;

import io.tocsin.config.ConfigLoader;
import io.tocsin.config.ConfigProblem;
import io.tocsin.config.LoadedConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "validate", description = "Check configuration files completely; print every problem as file:line:column: path: message. Exit 0 when valid, 1 when not.")
class ValidateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "YAML files or directories of them.")
    List<Path> paths;

    @java.lang.Override
    public Integer call() {
        LoadedConfig loaded = ConfigLoader.load(paths);
        if (loaded.isValid()) {
            var org = loaded.organisationOrNull();
            spec.commandLine().getOut().printf("valid: organisation %s (%d people, %d schedules, %d escalation policies, %d services) in %d file(s)%n",
                    org.id(), org.config().people().size(), org.config().schedules().size(),
                    org.config().escalationPolicies().size(), org.config().services().size(), loaded.sources().size());
            return 0;
        }
        for (ConfigProblem p : loaded.problems()) {
            spec.commandLine().getErr().println(p.format());
        }
        spec.commandLine().getErr().printf("%d problem(s)%n", loaded.problems().size());
        return 1;
    }
}
