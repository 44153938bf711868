package io.tocsin.store;

import io.tocsin.testing.PostgresCluster;
import io.tocsin.testing.StoppableDatabase;
import org.junit.jupiter.api.AfterAll;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The outage harness on a PostgreSQL cluster the test creates and stops itself (never the shared one). */
class DatabaseOutageOnPostgresTest extends DatabaseOutageContract {
    static PostgresCluster cluster;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        cluster = PostgresCluster.create();
        registry.add("spring.datasource.url", cluster::jdbcUrl);
        registry.add("spring.datasource.username", cluster::user);
        registry.add("spring.datasource.password", () -> "");
    }

    @AfterAll
    static void removeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @java.lang.Override
    StoppableDatabase database() {
        return cluster;
    }
}
