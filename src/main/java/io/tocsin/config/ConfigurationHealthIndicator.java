package io.tocsin.config;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code configuration} entry of {@code /actuator/health}: the version this node runs and, when
 * the files given at start were not activated because a newer version was stored, why. Up either way:
 * the node runs a valid configuration, the one the rest of the cluster runs.
 */
@Component
class ConfigurationHealthIndicator implements HealthIndicator {
    private final ActiveConfiguration active;
    private final ConfigBootstrap bootstrap;

    ConfigurationHealthIndicator(ActiveConfiguration active, ConfigBootstrap bootstrap) {
        this.active = active;
        this.bootstrap = bootstrap;
    }

    @java.lang.Override
    public Health health() {
        Health.Builder health = Health.up().withDetail("version", active.currentVersion());
        bootstrap.warning().ifPresent(w -> health.withDetail("warning", w));
        return health.build();
    }
}
