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

    /**
     * Once known, kept: every page and notice builds links from it, and looking a property up in
     * Spring's environment (its sources, their conversion) was a twentieth of a storm's sending. The
     * environment does not change after start; only the port becomes known once the server listens.
     */
    private volatile String known;

    /** Without a trailing slash, so a path starting with "/" can be appended. */
    public String base() {
        String base = known;
        if (base != null) {
            return base;
        }
        String configured = environment.getProperty("tocsin.public-url", "");
        if (!configured.isBlank()) {
            known = configured.trim().replaceAll("/+$", "");
            return known;
        }
        String listening = environment.getProperty("local.server.port");
        if (listening != null) {
            known = "http://localhost:" + listening;
            return known;
        }
        return "http://localhost:" + environment.getProperty("server.port", "8080");
    }

    public String resolve(String path) {
        return base() + path;
    }
}
