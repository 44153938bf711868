package io.tocsin.engine;

import java.util.List;

/** One rung of a ladder: its targets are notified in parallel when its start condition holds. */
public record Level(String id, String name, StartCondition start, List<Target> targets) {
    public Level {
        targets = List.copyOf(targets);
    }
}
