package io.tocsin.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * Chooses the configuration at start, before the web server takes requests: an explicit
 * {@code --config} path wins (and must be valid, or the server refuses to start); otherwise the
 * newest stored version; otherwise the demo organisation bundled in the jar.
 */
@Component
class ConfigBootstrap implements SmartInitializingSingleton {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigBootstrap.class);
    static final String DEMO = "classpath:demo/*.yaml";

    private final ActiveConfiguration active;
    private final String configPaths;

    ConfigBootstrap(ActiveConfiguration active, @Value("${tocsin.config.path:}") String configPaths) {
        this.active = active;
        this.configPaths = configPaths;
    }

    @java.lang.Override
    public void afterSingletonsInstantiated() {
        if (!configPaths.isBlank()) {
            List<Path> paths = Arrays.stream(configPaths.split(",")).map(String::trim).map(Path::of).toList();
            LoadedConfig loaded = ConfigLoader.load(paths);
            if (!loaded.isValid()) {
                throw new InvalidConfigurationException(loaded.problems());
            }
            report(active.apply(ConfigLoader.relativeNames(paths, loaded.sources()), "startup"));
            return;
        }
        if (active.activateLatestStored()) {
            LOG.info("running stored configuration version {}", active.currentVersion());
            return;
        }
        report(active.apply(demo(), "startup"));
    }

    private void report(ActiveConfiguration.Activation activation) {
        if (!activation.activated()) {
            throw new InvalidConfigurationException(activation.problems());
        }
        LOG.info("configuration version {} active ({})", activation.version().version(),
                activation.unchanged() ? "unchanged" : "new");
    }

    static List<SourceFile> demo() {
        try {
            Resource[] resources = new PathMatchingResourcePatternResolver().getResources(DEMO);
            List<SourceFile> out = new ArrayList<>();
            for (Resource r : Arrays.stream(resources).sorted(Comparator.comparing(Resource::getFilename)).toList()) {
                out.add(new SourceFile(r.getFilename(), r.getContentAsString(StandardCharsets.UTF_8)));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Startup with an invalid configuration stops the server, naming every problem. */
    static final class InvalidConfigurationException extends RuntimeException {
        InvalidConfigurationException(List<ConfigProblem> problems) {
            super("configuration is invalid:\n" + problems.stream().map(ConfigProblem::format).collect(Collectors.joining("\n")));
        }
    }
}
