package io.tocsin.notify;

import io.tocsin.testing.TestDatabases;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class EventDetailsOnH2Test extends EventDetailsContract {
    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.use(registry, TestDatabases.h2());
        providers(registry);
    }
}
