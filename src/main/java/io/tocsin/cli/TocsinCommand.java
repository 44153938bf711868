package io.tocsin.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "tocsin", mixinStandardHelpOptions = true, version = "tocsin 0.1.0",
        description = "On-call and escalation: server and command line.",
        subcommands = {ServeCommand.class, ValidateCommand.class, ApplyCommand.class, OnCallCommand.class,
                ShiftsCommand.class, CoverageCommand.class, SimulateCommand.class, IncidentCommand.class, DeadLetterCommand.class,
                TestPageCommand.class, TokenCommand.class, FeedCommand.class, SwitchCommand.class, ReportCommand.class,
                CommandLine.HelpCommand.class})
public class TocsinCommand {
    private boolean serving;

    public boolean isServing() {
        return serving;
    }

    void markServing() {
        serving = true;
    }

    public static CommandLine commandLine(TocsinCommand root) {
        CommandLine cli = new CommandLine(root);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }
}
