package io.tocsin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every command of the whole tree answers {@code --help} (and {@code -h} where it is free) with its own
 * usage and exit 0, as built for a run that names it (the lazily built tree the jar uses) and as the
 * full tree; {@code help PATH...} prints the usage of the command the whole path names; a CLI without
 * a token says so instead of blaming the network.
 */
class CommandTreeHelpTest {
    /** Every command's path below the root, help itself left out (it is asked with paths, below). */
    static List<List<String>> paths() {
        List<List<String>> out = new ArrayList<>();
        walk(TocsinCommand.commandLine(new TocsinCommand()), new ArrayList<>(), out);
        return out;
    }

    private static void walk(CommandLine cli, List<String> path, List<List<String>> out) {
        cli.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec().helpCommand()) {
                return;
            }
            List<String> p = new ArrayList<>(path);
            p.add(name);
            out.add(p);
            walk(sub, p, out);
        });
    }

    record Run(int code, String out, String err) {
    }

    /** As the jar runs it: the tree built for these arguments only. */
    static Run launched(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = TocsinCommand.commandLine(new TocsinCommand(), args);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static String usageLine(String output) {
        return output.lines().filter(l -> l.startsWith("Usage: ")).findFirst().orElse("(no usage line in: " + output + ")");
    }

    @Test
    void everyCommandAnswersHelpWithItsOwnUsage() {
        List<List<String>> paths = paths();
        assertThat(paths).hasSizeGreaterThan(40).contains(List.of("incident", "list"), List.of("incident", "escalate"), List.of("serve"));
        List<String> wrong = new ArrayList<>();
        for (List<String> path : paths) {
            String own = "Usage: tocsin " + String.join(" ", path);
            for (String flag : List.of("--help", "-h")) {
                List<String> args = new ArrayList<>(path);
                args.add(flag);
                Run launched = launched(args.toArray(String[]::new));
                CliRun full = CliRun.run(args.toArray(String[]::new));
                for (Run r : List.of(launched, new Run(full.exitCode(), full.out(), full.err()))) {
                    String usage = usageLine(r.out());
                    boolean ownUsage = usage.equals(own) || usage.startsWith(own + " ");
                    // -h is left to a command that uses it for something else
                    boolean hTaken = flag.equals("-h") && r.code() != 0 && usage.startsWith("(no usage");
                    if ((r.code() != 0 || !ownUsage) && !(hTaken && hasOwnShortH(path))) {
                        wrong.add(String.join(" ", args) + " -> exit " + r.code() + ", " + usage + " " + r.err().lines().findFirst().orElse(""));
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    private static boolean hasOwnShortH(List<String> path) {
        CommandLine cli = TocsinCommand.commandLine(new TocsinCommand());
        for (String name : path) {
            cli = cli.getSubcommands().get(name);
        }
        CommandLine.Model.OptionSpec h = cli.getCommandSpec().findOption("-h");
        return h != null && !h.usageHelp();
    }

    @Test
    void helpWithAPathPrintsTheUsageOfTheCommandItNames() {
        for (List<String> path : paths()) {
            List<String> args = new ArrayList<>();
            args.add("help");
            args.addAll(path);
            Run r = launched(args.toArray(String[]::new));
            assertThat(r.code()).as(String.join(" ", args)).isZero();
            assertThat(usageLine(r.out())).as(String.join(" ", args)).startsWith("Usage: tocsin " + String.join(" ", path));
        }
        Run unknown = launched("help", "incident", "escalte");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("\"escalte\" is not a command of tocsin incident").contains("escalate");
    }

    @Test
    void noTokenIsSaidAsSuchNotAsAnUnreachableServer(@TempDir Path empty) throws Exception {
        // a process of its own, in a directory without ./data/admin-token and without TOCSIN_TOKEN
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.tocsin.Tocsin", "incident", "list", "--server", "http://127.0.0.1:9")
                .directory(empty.toFile()).redirectErrorStream(true);
        pb.environment().remove("TOCSIN_TOKEN");
        pb.environment().remove("TOCSIN_SERVER");
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(output).contains("no API token: pass --token").doesNotContain("cannot reach");
        assertThat(Files.exists(empty.resolve("data"))).isFalse();
    }
}
