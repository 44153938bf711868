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
 * at. On PostgreSQL, where several nodes may share the database, an unset {@code tocsin.public-url}
 * means every node writes its own localhost address into the pages it sends; the node says so at
 * start and here, since nothing else would show it until someone taps a link that leads nowhere.
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
        this.warning = configured.isBlank() && database.startsWith("jdbc:postgresql:")
                ? Optional.of("tocsin.public-url is not set: acknowledge links in pages point at this node's own address (" + address
                        + "), which the people paged cannot reach and which differs from node to node; set tocsin.public-url "
                        + "(TOCSIN_PUBLIC_URL) to the address people reach Tocsin at, the same on every node")
                : Optional.empty();
        warning.ifPresent(LOG::warn);
    }

    @java.lang.Override
    public Health health() {
        Health.Builder health = Health.up().withDetail("public_url", address);
        warning.ifPresent(w -> health.withDetail("warning", w));
        return health.build();
    }
}
