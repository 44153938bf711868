package io.tocsin.cli;

import io.tocsin.TocsinApplication;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.springframework.boot.SpringApplication;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Unmatched;

@Command(name = "serve", description = "Run the server (API and UI on port 8080, H2 under ./data unless TOCSIN_DB_URL is set).")
class ServeCommand implements Callable<Integer> {
    @ParentCommand
    TocsinCommand parent;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", split = ",", description = "Configuration files or directories to activate at start (default: the newest stored version, else the demo organisation).")
    List<Path> config = new ArrayList<>();

    @Option(names = "--replace-newer", description = "Activate the --config files even when the database holds a newer version "
            + "(activated through the API or by another node since); without it the newer version keeps running and the server warns.")
    boolean replaceNewer;

    @Option(names = "--port", description = "HTTP port (default 8080).")
    Integer port;

    @Unmatched
    List<String> springArgs = new ArrayList<>();

    @java.lang.Override
    public Integer call() {
        List<String> args = new ArrayList<>(springArgs);
        if (!config.isEmpty()) {
            args.add("--tocsin.config.path=" + config.stream().map(Path::toString).collect(Collectors.joining(",")));
        }
        if (replaceNewer) {
            if (config.isEmpty()) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--replace-newer needs --config: it says which files replace the newer version");
            }
            args.add("--tocsin.config.replace-newer=true");
        }
        if (port != null) {
            args.add("--server.port=" + port);
        }
        SpringApplication.run(TocsinApplication.class, args.toArray(String[]::new));
        parent.markServing();
        return 0;
    }
}
