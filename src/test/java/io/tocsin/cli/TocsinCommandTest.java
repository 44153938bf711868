package io.tocsin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line built for one subcommand behaves as the whole one does for that subcommand. */
class TocsinCommandTest {
    @Test
    void everySubcommandIsRegisteredUnderTheNameItsAnnotationGives() {
        for (Map.Entry<String, Class<?>> sub : TocsinCommand.SUBCOMMANDS.entrySet()) {
            assertThat(sub.getValue().getAnnotation(CommandLine.Command.class).name()).isEqualTo(sub.getKey());
        }
    }

    @Test
    void aRunNamingItsSubcommandBuildsOnlyThatOneAndPrintsTheSameUsage() {
        for (String name : TocsinCommand.SUBCOMMANDS.keySet()) {
            if (name.equals("help")) {
                continue;
            }
            CommandLine lazy = TocsinCommand.commandLine(new TocsinCommand(), new String[] {name, "--help"});
            CommandLine full = TocsinCommand.commandLine(new TocsinCommand());
            assertThat(lazy.getSubcommands()).containsOnlyKeys(name);
            assertThat(lazy.getSubcommands().get(name).getUsageMessage())
                    .isEqualTo(full.getSubcommands().get(name).getUsageMessage());
        }
    }

    @Test
    void rootOptionsHelpAndUnknownNamesGetEverySubcommand() {
        for (String[] args : new String[][] {{}, {"--help"}, {"help", "validate"}, {"valdate"}}) {
            CommandLine cli = TocsinCommand.commandLine(new TocsinCommand(), args);
            assertThat(cli.getSubcommands().keySet()).containsExactlyElementsOf(TocsinCommand.SUBCOMMANDS.keySet());
        }
        assertThat(TocsinCommand.commandLine(new TocsinCommand()).getUsageMessage()).contains("validate", "simulate", "report");
    }
}
