package io.tocsin.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * CEL routing conditions (a rule's {@code when}) compiled as the validator compiles them and
 * evaluated against an event as the router evaluates them. An input is the condition on its first
 * line, then the event's labels one {@code name=value} a line (the seeds under
 * io/tocsin/config/RoutingConditionFuzzTestInputs/). Compiling gives a condition or an
 * IllegalArgumentException in CEL's words (the validator reports it at the rule's {@code when});
 * evaluating gives true or false — an event can never make routing throw.
 */
class RoutingConditionFuzzTest {
    @FuzzTest
    void condition(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        RoutingCondition condition;
        try {
            condition = RoutingCondition.compile(lines[0]);
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).startsWith("CEL:");
            return;
        }
        Map<String, String> labels = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int eq = lines[i].indexOf('=');
            if (eq > 0) {
                labels.put(lines[i].substring(0, eq), lines[i].substring(eq + 1));
            }
        }
        Map<String, Object> event = new HashMap<>();
        event.put("summary", labels.getOrDefault("summary", "Disk full on db-1"));
        event.put("source", "prometheus");
        event.put("severity", labels.getOrDefault("severity", "critical"));
        event.put("service", "api");
        event.put("dedup_key", "k");
        event.put("integration", "alertmanager");
        event.put("labels", labels);
        Map<String, Object> vars = new HashMap<>();
        vars.put("event", event);
        vars.put("labels", labels);
        vars.put("local_hour", 3L);
        vars.put("local_weekday", "sun");
        condition.matches(vars); // true or false; anything thrown is a finding
    }
}
