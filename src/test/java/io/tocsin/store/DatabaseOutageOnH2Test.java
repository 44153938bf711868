package io.tocsin.store;

import io.tocsin.testing.H2TcpDatabase;
import io.tocsin.testing.StoppableDatabase;
import org.junit.jupiter.api.AfterAll;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The outage harness on H2 served over TCP: H2's own connection failures must be answered the same way. */
class DatabaseOutageOnH2Test extends DatabaseOutageContract {
    static H2TcpDatabase h2;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        h2 = H2TcpDatabase.create();
        registry.add("spring.datasource.url", h2::jdbcUrl);
        registry.add("spring.datasource.username", h2::user);
        registry.add("spring.datasource.password", () -> "");
    }

    @AfterAll
    static void removeDatabase() {
        if (h2 != null) {
            h2.close();
        }
    }

    @java.lang.Override
    StoppableDatabase database() {
        return h2;
    }
}
