package io.tocsin.config;

import io.tocsin.store.ConfigVersion;
import io.tocsin.store.ConfigVersionStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
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
 * {@code --config} path (which must be valid, or the server refuses to start); otherwise the newest
 * stored version; otherwise the demo organisation bundled in the jar.
 *
 * <p>Files given at start never roll the cluster back: a node restarted with the same command line
 * (by hand, or by a service manager after a crash) would otherwise re-activate its files over a
 * newer version someone activated through the API or another node, for every node. When the newest
 * stored version is newer than the files — they were activated before as an older version, or they
 * were last changed before the newest version was activated — the node runs the newest version and
 * says so in its log and in {@code /actuator/health}; {@code --replace-newer} activates the files
 * anyway.
 */
@Component
class ConfigBootstrap implements SmartInitializingSingleton {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigBootstrap.class);
    static final String DEMO = "classpath:demo/*.yaml";

    private final ActiveConfiguration active;
    private final ConfigVersionStore versions;
    private final String configPaths;
    private final boolean replaceNewer;
    private volatile String warning;

    ConfigBootstrap(ActiveConfiguration active, ConfigVersionStore versions, @Value("${tocsin.config.path:}") String configPaths,
                    @Value("${tocsin.config.replace-newer:false}") boolean replaceNewer) {
        this.active = active;
        this.versions = versions;
        this.configPaths = configPaths;
        this.replaceNewer = replaceNewer;
        // The configuration is loaded once every bean exists; until then its slow first-use parts get ready
        // on the side (this runs while the context is still being built).
        ConfigLoader.warmUpInBackground();
    }

    @java.lang.Override
    public void afterSingletonsInstantiated() {
        if (!configPaths.isBlank()) {
            List<Path> paths = Arrays.stream(configPaths.split(",")).map(String::trim).map(Path::of).toList();
            LoadedConfig loaded = ConfigLoader.load(paths);
            if (!loaded.isValid()) {
                throw new InvalidConfigurationException(loaded.problems());
            }
            List<SourceFile> files = ConfigLoader.relativeNames(paths, loaded.sources());
            Optional<String> newer = replaceNewer ? Optional.empty() : newerThan(files, lastChanged(paths, loaded.sources()));
            // A newer version this build cannot load (stored by a newer build) is no reason to refuse to start.
            if (newer.isPresent() && active.activateLatestStored()) {
                warning = newer.get();
                LOG.warn(warning);
                return;
            }
            report(applyAtStart(() -> active.apply(files, "startup")));
            return;
        }
        if (active.activateLatestStored()) {
            LOG.info("running stored configuration version {}", active.currentVersion());
            return;
        }
        report(applyAtStart(() -> active.apply(demo(), "startup")));
    }

    /**
     * Nodes started together each activate the files they were given; the one that loses the race for
     * the next version number applies again, and finds the same text already active (the many-nodes
     * harness saw a node refuse to start over it).
     */
    private static <T> T applyAtStart(java.util.function.Supplier<T> apply) {
        for (int attempt = 1; ; attempt++) {
            try {
                return apply.get();
            } catch (ActiveConfiguration.ConcurrentActivationException race) {
                if (attempt == 5) {
                    throw race;
                }
            }
        }
    }

    /** Why the files given at start were not activated, when they were not; empty when they were. */
    Optional<String> warning() {
        return Optional.ofNullable(warning);
    }

    /** Says why the newest stored version is newer than {@code files}, or empty when the files may be activated. */
    private Optional<String> newerThan(List<SourceFile> files, Instant filesChanged) {
        Optional<ConfigVersion> latest = versions.latest();
        String checksum = ConfigText.checksum(ConfigText.join(files));
        if (latest.isEmpty() || latest.get().checksum().equals(checksum)) {
            return Optional.empty();
        }
        ConfigVersion newest = latest.get();
        String running = "version " + newest.version() + " (activated at " + newest.appliedAt() + " by " + newest.appliedBy() + ")";
        String keep = "; running " + running + " instead. Start with --replace-newer to activate the files over it";
        Optional<Long> same = versions.versionWithChecksum(checksum);
        if (same.isPresent()) {
            return Optional.of("configuration files given at start (" + configPaths + ") are version " + same.get()
                    + ", older than " + running + keep);
        }
        if (!filesChanged.isAfter(newest.appliedAt())) {
            return Optional.of("configuration files given at start (" + configPaths + ") were last changed at " + filesChanged
                    + ", before " + running + " was activated" + keep);
        }
        return Optional.empty();
    }

    /** When the files were last changed: the newest modification of a file read or of a directory given (a deleted file). */
    private static Instant lastChanged(List<Path> roots, List<SourceFile> read) {
        Instant newest = Instant.EPOCH;
        List<Path> all = new ArrayList<>(roots);
        read.forEach(f -> all.add(Path.of(f.name())));
        for (Path p : all) {
            try {
                Instant modified = Files.getLastModifiedTime(p).toInstant();
                newest = modified.isAfter(newest) ? modified : newest;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return newest;
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
