package io.tocsin.config;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The address people, calendars and providers reach this server at ({@code tocsin.public-url}).
 * Every link Tocsin hands out is built from it and never from a request's Host header, which the
 * client chooses: a forged Host would otherwise make Tocsin hand out a link to another site.
 * Unset, it is this machine on the port the server listens on (read when a link is made, so a
 * server on a random port names the port it got).
 */
@Component
public class PublicUrl {
    private final Environment environment;

    PublicUrl(Environment environment) {
        this.environment = environment;
    }

    /** Without a trailing slash, so a path starting with "/" can be appended. */
    public String base() {
        String configured = environment.getProperty("tocsin.public-url", "");
        if (!configured.isBlank()) {
            return configured.trim().replaceAll("/+$", "");
        }
        String port = environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
        return "http://localhost:" + port;
    }

    public String resolve(String path) {
        return base() + path;
    }
}
