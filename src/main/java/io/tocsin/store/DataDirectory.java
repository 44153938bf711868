package io.tocsin.store;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The data directory ({@code tocsin.data-dir}, {@code ./data}) holds the embedded database, with the
 * webhook and link signing secrets in it, and the admin token: only its owner may read any of it.
 * The directory is made 700 and everything in it 600 (700 for directories) before the database is
 * opened, which also tightens what an earlier version left readable; Java cannot set a umask, so a
 * file that appears later (H2's trace and temporary files) is tightened the moment it is created
 * (the 700 directory already keeps others out meanwhile). An H2 database kept elsewhere has its own
 * files tightened the same way, without touching the directory it is in.
 */
@Component
public class DataDirectory implements BeanFactoryPostProcessor, EnvironmentAware, DisposableBean {
    private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private final Map<Path, String> prefixes = new ConcurrentHashMap<>();
    private Environment environment;
    private WatchService watcher;

    @java.lang.Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    /** Runs before any bean is made, so before the database file is opened. */
    @java.lang.Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Path dir = Path.of(environment.getProperty("tocsin.data-dir", "./data")).toAbsolutePath().normalize();
        Optional<Path> h2 = h2File(environment.getProperty("spring.datasource.url", ""));
        Path token = Path.of(environment.getProperty("tocsin.admin-token-file", dir.resolve("admin-token").toString()))
                .toAbsolutePath().normalize();
        try {
            if (Files.isDirectory(dir) || token.startsWith(dir) || h2.filter(f -> f.startsWith(dir)).isPresent()) {
                if (!Files.isDirectory(dir)) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
                }
                tightenTree(dir);
                watch(dir, null);
            }
            if (h2.isPresent() && !h2.get().startsWith(dir) && Files.isDirectory(h2.get().getParent())) {
                String prefix = h2.get().getFileName() + ".";
                try (Stream<Path> files = Files.list(h2.get().getParent())) {
                    files.filter(f -> f.getFileName().toString().startsWith(prefix)).forEach(DataDirectory::tighten);
                }
                watch(h2.get().getParent(), prefix);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot make " + dir + " readable only by its owner", e);
        }
    }

    /** The file an embedded H2 database URL names (jdbc:h2:file:./data/tocsin;...), if it names one. */
    static Optional<Path> h2File(String url) {
        if (!url.startsWith("jdbc:h2:")) {
            return Optional.empty();
        }
        String rest = url.substring("jdbc:h2:".length());
        int semicolon = rest.indexOf(';');
        rest = semicolon < 0 ? rest : rest.substring(0, semicolon);
        if (rest.startsWith("file:")) {
            rest = rest.substring("file:".length());
        } else if (rest.matches("^[a-z]+:.*") && !rest.matches("^[A-Za-z]:[\\\\/].*")) {
            return Optional.empty(); // mem:, tcp:, ssl:, zip: ... nothing of ours on this disk
        }
        if (rest.startsWith("~")) {
            rest = System.getProperty("user.home") + rest.substring(1);
        }
        return rest.isBlank() ? Optional.empty() : Optional.of(Path.of(rest).toAbsolutePath().normalize());
    }

    private static void tightenTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            all.forEach(DataDirectory::tighten);
        }
    }

    private static void tighten(Path p) {
        try {
            if (Files.isSymbolicLink(p)) {
                return;
            }
            Files.setPosixFilePermissions(p, Files.isDirectory(p) ? DIRECTORY : FILE);
        } catch (IOException e) {
            // gone already (a temporary file), or not ours to change: say so, do not stop the server
            LOG.debug("cannot tighten the permissions of {}: {}", p, e.toString());
        }
    }

    /** Tightens every file that appears in {@code dir} (only those starting with {@code prefix} when given). */
    private synchronized void watch(Path dir, String prefix) throws IOException {
        if (watcher == null) {
            watcher = FileSystems.getDefault().newWatchService();
            Thread t = new Thread(this::tightenNewFiles, "data-dir-permissions");
            t.setDaemon(true);
            t.start();
        }
        prefixes.put(dir, prefix == null ? "" : prefix);
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
    }

    private void tightenNewFiles() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                Path dir = (Path) key.watchable();
                String prefix = prefixes.getOrDefault(dir, "");
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        // events were lost: look at everything again
                        try (Stream<Path> files = Files.list(dir)) {
                            files.filter(f -> f.getFileName().toString().startsWith(prefix)).forEach(DataDirectory::tighten);
                        } catch (IOException e) {
                            LOG.debug("cannot list {}: {}", dir, e.toString());
                        }
                    } else if (event.context() instanceof Path name && name.toString().startsWith(prefix)) {
                        tighten(dir.resolve(name));
                    }
                }
                key.reset();
            }
        } catch (InterruptedException | ClosedWatchServiceException stopped) {
            // the server is stopping
        }
    }

    @java.lang.Override
    public synchronized void destroy() throws IOException {
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
    }
}
