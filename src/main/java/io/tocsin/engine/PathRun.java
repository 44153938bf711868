package io.tocsin.engine;

import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

/**
 * Progress of one path for one incident. {@code done} holds the indexes of levels notified (or
 * skipped because they reached nobody) in this cycle. Acknowledgement-driven levels are not marked
 * done when an incident is acknowledged, only passed over, so a later "+1 level" (no progress,
 * impact expanding) still finds them. {@code promoteNext} makes the next level due at once, set
 * when a level found nobody to notify. {@code exhausted} is set once the timeline has said that the
 * path ran out of levels and repeats with nobody acknowledging.
 */
public record PathRun(String path, int cycle, Instant startedAt, Instant lastNotifiedAt, Set<Integer> done, boolean promoteNext,
                      boolean exhausted) {
    public PathRun {
        done = Set.copyOf(done);
    }

    int firstPending(int levels) {
        for (int i = 0; i < levels; i++) {
            if (!done.contains(i)) {
                return i;
            }
        }
        return levels;
    }

    /**
     * Level {@code index} was notified now; jumping to it also closes every level before it, except
     * levels that wait for a tag: they stand apart from the ladder's order and still fire when it comes.
     */
    PathRun notified(int index, Instant at, EscalationPath p) {
        return new PathRun(path, cycle, startedAt, at, upTo(index, p), false, false);
    }

    PathRun skipped(int index, EscalationPath p) {
        return new PathRun(path, cycle, startedAt, lastNotifiedAt, upTo(index, p), true, false);
    }

    PathRun repeated(Instant now) {
        return new PathRun(path, cycle + 1, now, now, Set.of(), false, false);
    }

    PathRun noteExhausted() {
        return new PathRun(path, cycle, startedAt, lastNotifiedAt, done, promoteNext, true);
    }

    private Set<Integer> upTo(int index, EscalationPath p) {
        Set<Integer> next = new TreeSet<>(done);
        for (int i = 0; i <= index; i++) {
            if (i == index || !(p.levels().get(i).start() instanceof StartCondition.WhenTagged)) {
                next.add(i);
            }
        }
        return next;
    }

    static PathRun start(String path, Instant now) {
        return new PathRun(path, 0, now, now, Set.of(), false, false);
    }
}
