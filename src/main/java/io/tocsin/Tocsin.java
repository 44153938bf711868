package io.tocsin;

import io.tocsin.cli.TocsinCommand;
import io.tocsin.config.ConfigLoader;
import picocli.CommandLine;

/**
 * Entry point of the one jar: server ({@code serve}) and command line. Started by Spring Boot's
 * launcher as the jar's Start-Class (after {@code io.tocsin.launch.Main}), or directly on a flat class path.
 */
public final class Tocsin {
    private Tocsin() {
    }

    public static void main(String[] args) {
        String[] command = args.length == 0 ? new String[] {"serve"} : args;
        io.tocsin.launch.Main.asyncPoolOfAtLeastTwo();
        if (readsConfigurationFiles(command)) {
            // overlaps the slow first-use parts of loading with picocli's parsing (ConfigLoader)
            ConfigLoader.warmUpInBackground();
        }
        TocsinCommand root = new TocsinCommand();
        CommandLine cli = TocsinCommand.commandLine(root, command);
        int code = cli.execute(command);
        cli.getOut().flush();
        cli.getErr().flush();
        if (!root.isServing()) {
            System.exit(code);
        }
    }

    /** The offline commands, and {@code apply}, which validates locally first. */
    private static boolean readsConfigurationFiles(String[] args) {
        String command = args[0];
        if (command.equals("validate") || command.equals("apply")) {
            return true;
        }
        return !command.equals("serve") && java.util.Arrays.asList(args).contains("--config");
    }
}
