package io.tocsin.engine;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * An incident's war room: declared by rule or by hand, named in seed 001's format
 * ({@code #incident-YYYYMMDD-short-description}), with who joined it.
 */
public record WarRoom(Instant declaredAt, String channel, String why, Set<String> joined) {
    public WarRoom {
        joined = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(joined == null ? Set.of() : joined));
    }

    WarRoom join(String person) {
        Set<String> next = new LinkedHashSet<>(joined);
        next.add(person);
        return new WarRoom(declaredAt, channel, why, next);
    }
}
