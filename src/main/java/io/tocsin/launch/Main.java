package io.tocsin.launch;

import java.lang.reflect.InvocationTargetException;
import java.util.Optional;

/**
 * The executable jar's main class. The build copies it to the jar's root, beside Spring Boot's
 * launcher, because a command that {@link FastStart} hands to another JVM is on its way before the
 * launcher has opened the nested jars: that costs a quarter of a second, as much as the fast JVM's
 * whole start. Everything else goes to the launcher as before, which starts {@code io.tocsin.Tocsin}
 * (the jar's Start-Class) and serves {@code -Djarmode}, except {@code serve} when the flat copy is at
 * hand ({@link FastStart#serveLoader}): then this class starts {@code io.tocsin.Tocsin} from it, in this JVM.
 */
public final class Main {
    static final String LAUNCHER = "org.springframework.boot.loader.launch.JarLauncher";
    /** The jar's Start-Class (pom.xml), which the launcher would start. */
    static final String START_CLASS = "io.tocsin.Tocsin";

    private Main() {
    }

    public static void main(String[] args) throws Throwable {
        asyncPoolOfAtLeastTwo();
        Optional<Integer> fast = FastStart.run(args);
        if (fast.isPresent()) {
            System.exit(fast.get());
        }
        Optional<ClassLoader> flat = FastStart.serveLoader(args);
        try {
            if (flat.isPresent()) {
                // as the launcher does with its own class loader: Spring and the libraries find classes through it
                Thread.currentThread().setContextClassLoader(flat.get());
                Class.forName(START_CLASS, true, flat.get()).getMethod("main", String[].class).invoke(null, (Object) args);
                return;
            }
            // by name: at compile time the launcher is not a dependency, it is only in the repackaged jar
            Class.forName(LAUNCHER).getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * On a machine of one or two cores the JVM's common pool has one thread, and then CompletableFuture
     * runs every asynchronous step in a new thread of its own. The JDK's HTTP client ends each
     * {@code sendAsync} with such a step: a storm's profile showed 195 threads started and ended a second,
     * one per notification sent. Two threads make the common pool the one CompletableFuture uses. Set
     * first thing in main, before anything touches the pool (its size is read once); an operator's own setting is kept.
     */
    public static void asyncPoolOfAtLeastTwo() {
        String parallelism = "java.util.concurrent.ForkJoinPool.common.parallelism";
        if (System.getProperty(parallelism) == null && Runtime.getRuntime().availableProcessors() <= 2) {
            System.setProperty(parallelism, "2");
        }
    }
}
