package io.tocsin.web;

import io.tocsin.testing.TestDatabases;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class StatusAndPostmortemOnH2Test extends StatusAndPostmortemContract {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.Target db = TestDatabases.h2();
        TestDatabases.use(registry, db);
        providers(registry);
    }
}
