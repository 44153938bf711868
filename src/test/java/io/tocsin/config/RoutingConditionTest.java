package io.tocsin.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingConditionTest {
    static Map<String, Object> vars(Map<String, String> labels) {
        return Map.of("event", Map.of("summary", "x", "labels", labels), "labels", labels, "local_hour", 3L, "local_weekday", "sun");
    }

    @Test
    void errorRateThresholdsOfSeed002() {
        RoutingCondition page = RoutingCondition.compile("double(labels.error_rate) > 5.0");
        RoutingCondition chat = RoutingCondition.compile("double(labels.error_rate) >= 1.0 && double(labels.error_rate) <= 5.0");
        assertThat(page.matches(vars(Map.of("error_rate", "7.5")))).isTrue();
        assertThat(page.matches(vars(Map.of("error_rate", "3")))).isFalse();
        assertThat(chat.matches(vars(Map.of("error_rate", "3")))).isTrue();
        assertThat(chat.matches(vars(Map.of("error_rate", "0.5")))).isFalse();
    }

    @Test
    void missingFieldsDoNotMatchAndBadExpressionsAreRefusedAtCompileTime() {
        RoutingCondition c = RoutingCondition.compile("event.labels.alertname == 'HighErrorRate' && local_weekday == 'sun'");
        assertThat(c.matches(vars(Map.of("alertname", "HighErrorRate")))).isTrue();
        assertThat(c.matches(vars(Map.of()))).isFalse();
        assertThatThrownBy(() -> RoutingCondition.compile("labels.error_rate >")).hasMessageStartingWith("CEL:");
        assertThatThrownBy(() -> RoutingCondition.compile("labels.error_rate")).hasMessageStartingWith("CEL:");
        assertThatThrownBy(() -> RoutingCondition.compile("unknown_var == 1")).hasMessageStartingWith("CEL:");
    }
}
