package io.tocsin.engine;

import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

/**
 * Progress of one path for one incident. {@code done} holds the indexes of levels notified (or
 * skipped because they reached nobody) in this cycle, and {@code doneLevels} their ids: a new
 * configuration may add, remove or reorder the levels of a path under an open incident, and what was
 * done is then found again by id ({@link #alignedTo}), so removing level 2 does not make level 3 count
 * as done. {@code doneLevels} is null in a state written before it existed; it is filled in from the
 * indexes against the path as it is the first time the incident is stepped. Acknowledgement-driven
 * levels are not marked done when an incident is acknowledged, only passed over, so a later "+1 level"
 * (no progress, impact expanding) still finds them. {@code promoteNext} makes the next level due at
 * once, set when a level found nobody to notify. {@code exhausted} is set once the timeline has said
 * that the path ran out of levels and repeats with nobody acknowledging.
 */
public record PathRun(String path, int cycle, Instant startedAt, Instant lastNotifiedAt, Set<Integer> done, boolean promoteNext,
                      boolean exhausted, Set<String> doneLevels) {
    public PathRun {
        done = Set.copyOf(done);
        doneLevels = doneLevels == null ? null : Set.copyOf(doneLevels);
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
     * This run against {@code p} as the configuration now writes it: the levels done are those whose
     * ids were done, wherever they now stand (a level removed is simply gone; one added is not done).
     */
    PathRun alignedTo(EscalationPath p) {
        if (doneLevels == null) {
            Set<String> ids = new TreeSet<>();
            done.stream().filter(i -> i < p.levels().size()).forEach(i -> ids.add(p.levels().get(i).id()));
            return new PathRun(path, cycle, startedAt, lastNotifiedAt, done, promoteNext, exhausted, ids);
        }
        Set<Integer> at = indexesOf(doneLevels, p);
        return at.equals(done) ? this : new PathRun(path, cycle, startedAt, lastNotifiedAt, at, promoteNext, exhausted, doneLevels);
    }

    /** Where the levels {@code ids} stand in {@code p}. */
    static Set<Integer> indexesOf(Set<String> ids, EscalationPath p) {
        Set<Integer> at = new TreeSet<>();
        for (int i = 0; i < p.levels().size(); i++) {
            if (ids.contains(p.levels().get(i).id())) {
                at.add(i);
            }
        }
        return at;
    }

    /**
     * Level {@code index} was notified now; jumping to it also closes every level before it, except
     * levels that wait for a tag: they stand apart from the ladder's order and still fire when it comes.
     */
    PathRun notified(int index, Instant at, EscalationPath p) {
        Set<Integer> next = upTo(index, p);
        return new PathRun(path, cycle, startedAt, at, next, false, false, ids(next, p));
    }

    PathRun skipped(int index, EscalationPath p) {
        Set<Integer> next = upTo(index, p);
        return new PathRun(path, cycle, startedAt, lastNotifiedAt, next, true, false, ids(next, p));
    }

    PathRun repeated(Instant now) {
        return new PathRun(path, cycle + 1, now, now, Set.of(), false, false, Set.of());
    }

    PathRun noteExhausted() {
        return new PathRun(path, cycle, startedAt, lastNotifiedAt, done, promoteNext, true, doneLevels);
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

    /** The ids of levels {@code indexes} of {@code p}, with those done before that {@code p} no longer has. */
    private Set<String> ids(Set<Integer> indexes, EscalationPath p) {
        Set<String> out = new TreeSet<>(doneLevels == null ? Set.of() : doneLevels);
        indexes.forEach(i -> out.add(p.levels().get(i).id()));
        return out;
    }

    static PathRun start(String path, Instant now) {
        return new PathRun(path, 0, now, now, Set.of(), false, false, Set.of());
    }

    /** A run of {@code path} from a run of another path, keeping its clock (a policy or severity move). */
    static PathRun movedFrom(PathRun from, String path, Set<Integer> done, Set<String> doneLevels) {
        return new PathRun(path, 0, from.startedAt(), from.lastNotifiedAt(), done, false, false, doneLevels);
    }
}
