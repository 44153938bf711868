package io.tocsin.schedule;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The overrides of one layer flattened into disjoint, sorted segments (later overrides win), so that
 * a lookup is a binary search rather than a scan.
 */
final class OverrideTimeline {
    private final long[] starts;
    private final long[] ends;
    private final String[] persons;

    OverrideTimeline(List<ScheduleOverride> inPrecedenceOrder) {
        List<Segment> flat = new ArrayList<>();
        for (ScheduleOverride o : inPrecedenceOrder) {
            long s = o.start().getEpochSecond();
            long e = o.end().getEpochSecond();
            List<Segment> next = new ArrayList<>();
            for (Segment seg : flat) {
                if (seg.end() <= s || seg.start() >= e) {
                    next.add(seg);
                    continue;
                }
                if (seg.start() < s) {
                    next.add(new Segment(seg.person(), seg.start(), s, true));
                }
                if (seg.end() > e) {
                    next.add(new Segment(seg.person(), e, seg.end(), true));
                }
            }
            if (e > s) {
                next.add(new Segment(o.person(), s, e, true));
            }
            flat = next;
        }
        flat.sort(Comparator.comparingLong(Segment::start));
        starts = new long[flat.size()];
        ends = new long[flat.size()];
        persons = new String[flat.size()];
        for (int i = 0; i < flat.size(); i++) {
            starts[i] = flat.get(i).start();
            ends[i] = flat.get(i).end();
            persons[i] = flat.get(i).person();
        }
    }

    String personAt(long t) {
        int i = Arrays.binarySearch(starts, t);
        if (i < 0) {
            i = -i - 2;
        }
        return i >= 0 && t < ends[i] ? persons[i] : null;
    }

    List<Segment> within(Interval range) {
        List<Segment> out = new ArrayList<>();
        for (int i = 0; i < starts.length; i++) {
            Interval part = new Interval(starts[i], ends[i]).intersect(range);
            if (!part.isEmpty()) {
                out.add(new Segment(persons[i], part.start(), part.end(), true));
            }
        }
        return out;
    }

    boolean isEmpty() {
        return starts.length == 0;
    }
}
