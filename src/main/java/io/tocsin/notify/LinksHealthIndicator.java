package io.tocsin.notify;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code links} entry of {@code /actuator/health}: the address acknowledge links in pages point
 * at. An unset (or localhost) {@code tocsin.public-url} means pages carry links that the phone of the
 * person paged cannot open (and on PostgreSQL, where several nodes may share the database, each node
 * writes its own address); the node says so at start and here, since nothing else would show it
 * until someone taps a link that leads nowhere.
 */
@Component
class LinksHealthIndicator implements HealthIndicator {
    private static final Logger LOG = LoggerFactory.getLogger(LinksHealthIndicator.class);

    private final String address;
    private final Optional<String> warning;

    LinksHealthIndicator(@Value("${tocsin.public-url:}") String configured,
                         @Value("${tocsin.public-url:http://localhost:${server.port:8080}}") String address,
                         @Value("${spring.datasource.url:}") String database) {
        this.address = address;
        this.warning = warning(configured, address, database.startsWith("jdbc:postgresql:"));
        warning.ifPresent(LOG::warn);
    }

    /**
     * Unset, or set to this machine's own name: a link in a page opens on the phone of the person
     * paged, where localhost is the phone. With several nodes each also writes a different address.
     */
    static Optional<String> warning(String configured, String address, boolean shared) {
        if (configured.isBlank()) {
            return Optional.of("tocsin.public-url is not set: acknowledge links in pages point at this node's own address (" + address
                    + "), which the people paged cannot open from their phones" + (shared ? " and which differs from node to node" : "")
                    + "; set tocsin.public-url (TOCSIN_PUBLIC_URL) to the address people reach Tocsin at"
                    + (shared ? ", the same on every node" : ""));
        }
        String host;
        try {
            host = java.net.URI.create(configured.trim()).getHost();
        } catch (IllegalArgumentException e) {
            host = null;
        }
        if (host == null || host.equalsIgnoreCase("localhost") || host.startsWith("127.") || host.equals("[::1]")) {
            return Optional.of("tocsin.public-url is " + configured.trim() + ": acknowledge links in pages point at an address the "
                    + "people paged cannot open from their phones; set it to the address people reach Tocsin at");
        }
        return Optional.empty();
    }

    @java.lang.Override
    public Health health() {
        Health.Builder health = Health.up().withDetail("public_url", address);
        warning.ifPresent(w -> health.withDetail("warning", w));
        return health.build();
    }
}
