package io.tocsin.api;

import io.tocsin.testing.TestDatabases;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class FuzzFindingsOnH2Test extends FuzzFindingsContract {
    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.Target db = TestDatabases.h2();
        TestDatabases.use(registry, db);
    }
}
