package io.tocsin.ingest;

import io.tocsin.testing.TestDatabases;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class IncidentFlowOnH2Test extends IncidentFlowContract {
    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.Target db = TestDatabases.h2();
        TestDatabases.use(registry, db);
    }
}
