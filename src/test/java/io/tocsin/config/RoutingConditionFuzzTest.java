package io.tocsin.config;

import com.code_intelligence.jazzer.junit.FuzzTest;

class RoutingConditionFuzzTest {
    @FuzzTest
    void compiles(String expression) {
        try {
            RoutingCondition.compile(expression);
        } catch (IllegalArgumentException expected) {
        }
    }
}
