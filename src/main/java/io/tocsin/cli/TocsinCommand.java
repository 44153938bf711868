package io.tocsin.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The root command. Its subcommands are added here rather than listed in the annotation: picocli
 * builds a subcommand's model by reflection over its class, its options and its own subcommands,
 * which for all of them is a third of a second of a command-line run; a run that names its
 * subcommand first needs only that one ({@link #commandLine(TocsinCommand, String[])}).
 */
@Command(name = "tocsin", mixinStandardHelpOptions = true, version = "tocsin 0.1.0",
        description = "On-call and escalation: server and command line.")
public class TocsinCommand {
    /** Every subcommand by the name its {@code @Command} gives it, in the order help lists them. */
    static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

    private boolean serving;

    public boolean isServing() {
        return serving;
    }

    void markServing() {
        serving = true;
    }

    /** The whole command line, every subcommand included. */
    public static CommandLine commandLine(TocsinCommand root) {
        CommandLine cli = new CommandLine(root);
        for (Map.Entry<String, Class<?>> sub : SUBCOMMANDS.entrySet()) {
            cli.addSubcommand(sub.getKey(), sub.getValue());
        }
        return finish(cli);
    }

    /**
     * The command line for running {@code args}: only the subcommand they name when they start with
     * one, else (root options, help, a mistyped name) all of them, so that help and "did you mean"
     * list every command.
     */
    public static CommandLine commandLine(TocsinCommand root, String[] args) {
        Class<?> only = args.length == 0 || "help".equals(args[0]) ? null : SUBCOMMANDS.get(args[0]);
        if (only == null) {
            return commandLine(root);
        }
        CommandLine cli = new CommandLine(root);
        cli.addSubcommand(args[0], only);
        return finish(cli);
    }

    /** What every command line gets, however many subcommands it was built with. */
    private static CommandLine finish(CommandLine cli) {
        helpEverywhere(cli);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }

    /**
     * Every command answers {@code -h}/{@code --help} with its own usage, so that no subcommand is
     * left out (CommandTreeHelpTest walks them all); the root also has {@code --version}.
     */
    private static void helpEverywhere(CommandLine cli) {
        CommandLine.Model.CommandSpec spec = cli.getCommandSpec();
        if (!spec.helpCommand() && spec.optionsMap().get("--help") == null) {
            String[] names = spec.optionsMap().containsKey("-h") ? new String[] {"--help"} : new String[] {"-h", "--help"};
            spec.addOption(CommandLine.Model.OptionSpec.builder(names).usageHelp(true)
                    .description("Show this help message and exit.").build());
        }
        cli.getSubcommands().values().forEach(TocsinCommand::helpEverywhere);
    }

    private static Map<String, Class<?>> subcommands() {
        Map<String, Class<?>> out = new LinkedHashMap<>();
        out.put("serve", ServeCommand.class);
        out.put("validate", ValidateCommand.class);
        out.put("apply", ApplyCommand.class);
        out.put("oncall", OnCallCommand.class);
        out.put("shifts", ShiftsCommand.class);
        out.put("coverage", CoverageCommand.class);
        out.put("simulate", SimulateCommand.class);
        out.put("incident", IncidentCommand.class);
        out.put("dlq", DeadLetterCommand.class);
        out.put("test-page", TestPageCommand.class);
        out.put("token", TokenCommand.class);
        out.put("password", PasswordCommand.class);
        out.put("feed", FeedCommand.class);
        out.put("switch", SwitchCommand.class);
        out.put("report", ReportCommand.class);
        out.put("import", ImportCommand.class);
        out.put("help", HelpCommand.class);
        return out;
    }
}
