package io.tocsin.web;

import io.tocsin.testing.TestDatabases;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class UiFlowOnH2Test extends UiFlowContract {
    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.use(registry, TestDatabases.h2());
    }
}
