package io.tocsin.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code tocsin help [COMMAND...]}: the usage of the command the whole path names ({@code help incident
 * escalate} is escalate's, where picocli's own help command stops at the first name and prints
 * incident's). A name that is not a command is said as such, with the commands there are.
 */
@Command(name = "help", helpCommand = true, description = "Show the usage of a command: help incident escalate.")
final class HelpCommand implements CommandLine.IHelpCommandInitializable2, java.util.concurrent.Callable<Integer> {
    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command, with its parent commands: incident escalate.")
    List<String> path;

    private CommandLine self;
    private CommandLine.Help.Ansi ansi;

    @java.lang.Override
    public void init(CommandLine helpCommandLine, CommandLine.Help.ColorScheme colorScheme, PrintWriter out, PrintWriter err) {
        this.self = helpCommandLine;
        this.ansi = colorScheme.ansi();
    }

    @java.lang.Override
    public Integer call() {
        CommandLine target = self.getParent();
        for (String name : path == null ? List.<String>of() : path) {
            Map<String, CommandLine> subs = target.getSubcommands();
            CommandLine next = subs.get(name);
            if (next == null) {
                self.getErr().printf("\"%s\" is not a command of %s; its commands: %s%n", name, target.getCommandSpec().qualifiedName(),
                        String.join(", ", subs.keySet()));
                self.getErr().flush();
                return CommandLine.ExitCode.USAGE;
            }
            target = next;
        }
        target.usage(self.getOut(), ansi);
        self.getOut().flush();
        return CommandLine.ExitCode.OK;
    }
}
