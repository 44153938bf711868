package io.tocsin.testing;

/** A database server of the test's own, which the test can stop and start again like an outage. */
public interface StoppableDatabase extends AutoCloseable {
    String jdbcUrl();

    String user();

    /** Stops the server; returns once it accepts no connection. */
    void stop();

    /** Starts it again on the same port with the same data; returns once it accepts connections. */
    void start();

    @java.lang.Override
    void close();
}
