package io.tocsin.incident;

import io.tocsin.testing.TestDatabases;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class PagingRulesOnH2Test extends PagingRulesContract {
    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.use(registry, TestDatabases.h2());
    }
}
