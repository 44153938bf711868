package io.tocsin.notify;

import io.tocsin.testing.TestDatabases;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class DeliveryResilienceOnH2Test extends DeliveryResilienceContract {
    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.Target db = TestDatabases.h2();
        TestDatabases.use(registry, db);
        providers(registry);
    }
}
