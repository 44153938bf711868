package io.tocsin.web;

import io.tocsin.testing.TestDatabases;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class UiFlowOnPostgresTest extends UiFlowContract {
    @BeforeAll
    static void requirePostgres() {
        TestDatabases.requirePostgres();
    }

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.use(registry, TestDatabases.postgres());
    }
}
