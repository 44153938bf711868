package io.tocsin.schedule;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Set operations over half-open epoch-second intervals. */
final class Intervals {
    private Intervals() {
    }

    static List<Interval> union(List<Interval> intervals) {
        List<Interval> sorted = new ArrayList<>(intervals);
        sorted.removeIf(Interval::isEmpty);
        sorted.sort(Comparator.comparingLong(Interval::start));
        List<Interval> out = new ArrayList<>();
        for (Interval i : sorted) {
            if (!out.isEmpty() && out.get(out.size() - 1).end() >= i.start()) {
                Interval last = out.remove(out.size() - 1);
                out.add(new Interval(last.start(), Math.max(last.end(), i.end())));
            } else {
                out.add(i);
            }
        }
        return out;
    }

    /** {@code range} minus the union of {@code covered}. */
    static List<Interval> complement(Interval range, List<Interval> covered) {
        List<Interval> out = new ArrayList<>();
        long cursor = range.start();
        for (Interval c : union(covered)) {
            if (c.end() <= cursor) {
                continue;
            }
            if (c.start() >= range.end()) {
                break;
            }
            if (c.start() > cursor) {
                out.add(new Interval(cursor, c.start()));
            }
            cursor = Math.max(cursor, c.end());
        }
        if (cursor < range.end()) {
            out.add(new Interval(cursor, range.end()));
        }
        return out;
    }
}
