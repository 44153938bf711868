package io.tocsin.launch;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a command-line invocation of {@code java -jar tocsin.jar} in a second JVM that starts in a
 * fraction of the time: classes from a flat copy of the jar (Spring Boot's {@code -Djarmode=tools
 * extract}) instead of the nested jars, an application class-data-sharing archive of them (AppCDS:
 * classes arrive parsed and verified), and only the quick JIT tier (a command is over before the
 * optimising compiler pays back). None of that can be asked of a running JVM or written into a jar's
 * manifest, so the jar's main starts the second JVM itself; docs/benchmarks.md has the measurements.
 *
 * <p>{@link Main}, the executable jar's main class, calls it. Only for that jar and not for {@code serve}: the server keeps its own
 * process, so its process id, signals and memory stay as an operator expects; it does load its classes
 * from the same flat copy, in its own JVM ({@link #serveLoader}). The flat copy and the
 * archive are made once per jar file and JVM, under {@code $TOCSIN_CACHE_DIR} (default
 * {@code $XDG_CACHE_HOME/tocsin}, else {@code ~/.cache/tocsin}); that first command takes a few
 * seconds longer. {@code TOCSIN_FAST_START=off} runs every command in this JVM, as before. Anything
 * that goes wrong on the way (no writable cache, no {@code java} executable) does the same: the
 * command still runs, only slower.
 *
 * <p>This class runs before anything else in the jar, so it keeps to the JDK and avoids lambdas and
 * string concatenation, whose first use costs tens of milliseconds of bootstrapping.
 */
public final class FastStart {
    /** The environment variable that turns this off ({@code off}, {@code false} or {@code 0}). */
    public static final String SWITCH = "TOCSIN_FAST_START";
    static final String CACHE_DIR = "TOCSIN_CACHE_DIR";
    private static final String ARCHIVE = "tocsin.jsa";
    /** The extraction's jar: the same name as the product, next to lib/ with every dependency. */
    private static final String APP_DIR = "app";
    /** By name: this class runs from the jar's root, where the application's classes are not. */
    private static final String TRAINING = "io.tocsin.cli.CdsTraining";
    /** Locked (shared) by each server that runs from an entry: see {@link #serveLoader}. */
    private static final String IN_USE = "in-use.lock";
    /** Held for the life of the JVM: a lock whose channel is collected would be let go. */
    private static final List<FileLock> IN_USE_LOCKS = new ArrayList<>();

    private FastStart() {
    }

    /**
     * Runs the command in the fast JVM and answers its exit code, or empty when this JVM should run
     * it itself.
     */
    public static Optional<Integer> run(String[] args) {
        if (!handles(args, false)) {
            return Optional.empty();
        }
        try {
            Path[] found = jarAndEntry(true);
            if (found == null) {
                return Optional.empty();
            }
            List<String> command = javaCommand(javaExecutable(), found[1].resolve(ARCHIVE), null);
            command.add("-jar");
            command.add(found[1].resolve(APP_DIR).resolve(found[0].getFileName()).toString());
            for (String a : args) {
                command.add(a);
            }
            return Optional.of(runInheritingIo(command));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(130);
        }
    }

    /**
     * For {@code serve}: a class loader over the flat copy of the jar (extracted on the first start of
     * a new jar), so the server, in this same JVM and process, reads its classes from plain jars
     * instead of through the launcher's nested ones: a fifth less CPU to start (docs/benchmarks.md).
     * The copy is marked in use for as long as this JVM lives, so a command run after the jar was
     * replaced does not remove what the running server still loads from. Empty when it cannot be made:
     * the launcher starts the server as before.
     */
    public static Optional<ClassLoader> serveLoader(String[] args) {
        if (!handles(args, true)) {
            return Optional.empty();
        }
        try {
            Path[] found = jarAndEntry(false);
            if (found == null || !markInUse(found[1])) {
                return Optional.empty();
            }
            // the copy's manifest names every dependency (Class-Path: lib/...), in the launcher's order
            URLClassLoader loader = new URLClassLoader("tocsin",
                    new URL[] {found[1].resolve(APP_DIR).resolve(found[0].getFileName()).toUri().toURL()},
                    ClassLoader.getPlatformClassLoader());
            // opens every jar now: one removed from under the server later could not be opened any more
            Collections.list(loader.getResources("META-INF/MANIFEST.MF"));
            return Optional.of(loader);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Whether this class takes the invocation: {@code serve} (or every other command) as asked, not
     * switched off, and never under {@code -Djarmode}, which is Spring Boot's launcher's (and how the
     * extraction runs), not a command.
     */
    private static boolean handles(String[] args, boolean serve) {
        return args.length > 0 && "serve".equals(args[0]) == serve && System.getProperty("jarmode") == null
                && enabled(System.getenv(SWITCH));
    }

    /**
     * The executable jar and its cache entry (with the archive, or only the flat copy), made when
     * missing; null when this JVM was not started from the jar or the entry cannot be made.
     */
    private static Path[] jarAndEntry(boolean withArchive) throws IOException, InterruptedException {
        Path jar = executableJar();
        Path java = javaExecutable();
        if (jar == null || java == null) {
            return null;
        }
        Path entry = withArchive ? prepare(jar, java) : extracted(jar, java);
        return entry == null ? null : new Path[] {jar, entry};
    }

    /**
     * A shared lock on the entry's lock file, held until this JVM exits (the operating system releases
     * it then, also after {@code kill -9}); {@link #removeOtherEntries} leaves an entry whose lock it
     * cannot take.
     */
    private static boolean markInUse(Path entry) {
        try {
            FileChannel channel = FileChannel.open(entry.resolve(IN_USE),
                    StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            IN_USE_LOCKS.add(channel.lock(0, Long.MAX_VALUE, true));
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** True when no running server holds the entry (its lock could be taken, and is let go again). */
    private static boolean unused(Path entry) {
        Path lock = entry.resolve(IN_USE);
        if (!Files.exists(lock)) {
            return true;
        }
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock taken = channel.tryLock();
            if (taken == null) {
                return false;
            }
            taken.release();
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static boolean enabled(String value) {
        if (value == null) {
            return true;
        }
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        return !(v.equals("off") || v.equals("false") || v.equals("0") || v.equals("no"));
    }

    /**
     * The jar this JVM was started from with {@code java -jar}, when it is Spring Boot's executable jar
     * (its dependencies nested inside); null otherwise.
     */
    private static Path executableJar() {
        if (FastStart.class.getResource("/BOOT-INF/classpath.idx") == null) {
            return null;
        }
        String classPath = System.getProperty("java.class.path", "");
        if (classPath.isEmpty() || classPath.indexOf(File.pathSeparatorChar) >= 0 || !classPath.endsWith(".jar")) {
            return null;
        }
        Path jar = Path.of(classPath).toAbsolutePath();
        return Files.isRegularFile(jar) ? jar : null;
    }

    private static Path javaExecutable() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return Files.isExecutable(java) ? java : null;
    }

    /**
     * The cache entry for this jar file (by path, size and modification time) and this JVM, made
     * when missing: the extraction, then the archive from a training run. Null when it cannot be made.
     */
    static Path prepare(Path jar, Path java) throws IOException, InterruptedException {
        Path entry = extracted(jar, java);
        if (entry == null) {
            return null;
        }
        if (Files.isRegularFile(entry.resolve(ARCHIVE))) {
            return entry;
        }
        return archived(jar, java, entry);
    }

    /**
     * The cache entry for this jar file and JVM with the flat copy in it, extracted when missing. Null
     * when there is no cache or the extraction failed.
     */
    private static Path extracted(Path jar, Path java) throws IOException, InterruptedException {
        Path root = cacheRoot();
        if (root == null) {
            return null;
        }
        String jvm = new StringBuilder(System.getProperty("java.home")).append('|')
                .append(System.getProperty("java.vm.version")).toString();
        Path perJar = root.resolve(hex(jar.toString().hashCode()));
        Path entry = perJar.resolve(new StringBuilder(Long.toHexString(Files.size(jar))).append('-')
                .append(Long.toHexString(Files.getLastModifiedTime(jar).toMillis())).append('-')
                .append(hex(jvm.hashCode())).toString());
        Path app = entry.resolve(APP_DIR);
        if (Files.isRegularFile(app.resolve(jar.getFileName()))) {
            // a copy a server still used when the jar was replaced goes once that server has stopped
            removeOtherEntries(perJar, entry);
            return entry;
        }
        Files.createDirectories(perJar);
        removeOtherEntries(perJar, entry);
        Path staging = Files.createTempDirectory(perJar, "extracting-");
        try {
            List<String> extract = new ArrayList<>();
            extract.add(java.toString());
            extract.add("-Djarmode=tools");
            extract.add("-jar");
            extract.add(jar.toString());
            extract.add("extract");
            extract.add("--destination");
            extract.add(staging.resolve(APP_DIR).toString());
            if (runQuietly(extract) != 0 || !Files.isRegularFile(staging.resolve(APP_DIR).resolve(jar.getFileName()))) {
                return null;
            }
            Files.createDirectories(entry);
            try {
                Files.move(staging.resolve(APP_DIR), app, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                // another command extracted the same jar at the same time: its copy is as good
            }
        } finally {
            deleteTree(staging);
        }
        return Files.isRegularFile(app.resolve(jar.getFileName())) ? entry : null;
    }

    /** The entry once its archive is written and proved, or null when that failed. */
    private static Path archived(Path jar, Path java, Path entry) throws IOException, InterruptedException {
        Path app = entry.resolve(APP_DIR);
        // The JVM writes the archive in place and maps a damaged one with undefined results, so it is
        // written under a temporary name, proved by a run that insists on using it, and only then renamed.
        Path training = entry.resolve(new StringBuilder("training-").append(ProcessHandle.current().pid()).append(".jsa").toString());
        try {
            Path appJar = app.resolve(jar.getFileName());
            List<String> train = javaCommand(java, null, training);
            train.add("-cp");
            train.add(appJar.toString());
            train.add(TRAINING);
            if (runQuietly(train) != 0 || !Files.isRegularFile(training)) {
                return null;
            }
            List<String> proof = new ArrayList<>();
            proof.add(java.toString());
            proof.add("-Xshare:on");
            proof.add(new StringBuilder("-XX:SharedArchiveFile=").append(training).toString());
            proof.add("-jar");
            proof.add(appJar.toString());
            proof.add("--version");
            if (runQuietly(proof) != 0) {
                return null;
            }
            try {
                Files.move(training, entry.resolve(ARCHIVE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                return null;
            }
            return entry;
        } finally {
            Files.deleteIfExists(training);
        }
    }

    /** The options of the fast JVM, then this JVM's own options so that the operator's (-Xmx, -D...) win. */
    private static List<String> javaCommand(Path java, Path archive, Path dumpTo) {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.add("-XX:TieredStopAtLevel=1");
        // Unreadable for a reason the JVM can tell (another JVM build, a changed jar): it runs without
        // the archive, as it would without the option, instead of warning on every command.
        command.add("-Xlog:cds=off,cds+dynamic=off");
        if (archive != null) {
            command.add(new StringBuilder("-XX:SharedArchiveFile=").append(archive).toString());
        }
        if (dumpTo != null) {
            command.add(new StringBuilder("-XX:ArchiveClassesAtExit=").append(dumpTo).toString());
        }
        command.addAll(ownJvmOptions());
        return command;
    }

    /** What came before {@code -jar} on this JVM's command line. */
    static List<String> ownJvmOptions() {
        List<String> out = new ArrayList<>();
        Optional<String[]> arguments = ProcessHandle.current().info().arguments();
        if (arguments.isEmpty()) {
            return out;
        }
        for (String a : arguments.get()) {
            if (a.equals("-jar")) {
                return out;
            }
            out.add(a);
        }
        // no -jar: not started the way this class expects, so pass nothing on
        return new ArrayList<>();
    }

    private static int runInheritingIo(List<String> command) throws IOException, InterruptedException {
        Process child = new ProcessBuilder(command).inheritIO().start();
        // Stopped by a signal (kill, timeout), this JVM stops the command too instead of leaving it behind.
        Thread stop = new Thread(new Stopper(child), "tocsin-stop-command");
        Runtime.getRuntime().addShutdownHook(stop);
        int code = child.waitFor();
        Runtime.getRuntime().removeShutdownHook(stop);
        return code;
    }

    private static int runQuietly(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        // nothing here reads its input: the command's own input stays for the command
        p.getOutputStream().close();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private static Path cacheRoot() {
        String dir = System.getenv(CACHE_DIR);
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir).toAbsolutePath();
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "tocsin").toAbsolutePath();
        }
        String home = System.getProperty("user.home");
        if (home == null || home.isBlank() || home.equals("?")) {
            return null;
        }
        return Path.of(home, ".cache", "tocsin");
    }

    /** Copies for earlier builds of the same jar file are never used again. */
    private static void removeOtherEntries(Path perJar, Path keep) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(perJar)) {
            for (Path e : entries) {
                String name = e.getFileName().toString();
                // a neighbour's work in progress is its own to finish or delete
                if (!e.equals(keep) && !name.startsWith("extracting-") && unused(e)) {
                    deleteTree(e);
                }
            }
        } catch (IOException e) {
            // only disk space is lost
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> paths = new ArrayList<>();
            walk.forEach(paths::add);
            paths.sort(Comparator.reverseOrder());
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // only disk space is lost
        }
    }

    private static String hex(int hash) {
        return Integer.toHexString(hash);
    }

    private record Stopper(Process child) implements Runnable {
        @java.lang.Override
        public void run() {
            child.destroy();
            try {
                child.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
