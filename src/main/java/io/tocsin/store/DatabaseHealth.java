package io.tocsin.store;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The "database" component of /actuator/health and of readiness, answered from what the probe last
 * saw: a health check never waits on an unreachable database, so it says DOWN at once.
 */
@Component("database")
class DatabaseHealth implements HealthIndicator {
    private final DatabaseAvailability availability;

    DatabaseHealth(DatabaseAvailability availability) {
        this.availability = availability;
    }

    @java.lang.Override
    public Health health() {
        DatabaseAvailability.State s = availability.state();
        return s.up() ? Health.up().withDetail("since", s.since().toString()).build()
                : Health.down().withDetail("since", s.since().toString()).withDetail("reason", s.reason()).build();
    }
}
