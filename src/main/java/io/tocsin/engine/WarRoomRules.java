package io.tocsin.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * When an organisation opens a war room on its own (seed 001: a P1 lasting more than 30 minutes,
 * several services affected, a data loss or a confirmed breach), and which incident roles it calls
 * in. {@code afterBySeverity}: the severities that open one after lasting this long.
 */
public record WarRoomRules(Map<String, Duration> afterBySeverity, Integer servicesAffected, Set<String> tags, List<String> roles) {
    public static final WarRoomRules NONE = new WarRoomRules(Map.of(), null, Set.of(), List.of());

    public WarRoomRules {
        afterBySeverity = Map.copyOf(afterBySeverity);
        tags = Set.copyOf(tags);
        roles = List.copyOf(roles);
    }
}
