package io.tocsin;

import io.tocsin.cli.TocsinCommand;
import picocli.CommandLine;

/** Entry point of the one jar: server ({@code serve}) and command line. */
public final class Tocsin {
    private Tocsin() {
    }

    public static void main(String[] args) {
        TocsinCommand root = new TocsinCommand();
        CommandLine cli = TocsinCommand.commandLine(root);
        int code = cli.execute(args.length == 0 ? new String[] {"serve"} : args);
        cli.getOut().flush();
        cli.getErr().flush();
        if (!root.isServing()) {
            System.exit(code);
        }
    }
}
