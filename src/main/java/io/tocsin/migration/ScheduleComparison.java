package io.tocsin.migration;

import io.tocsin.schedule.OnCall;
import io.tocsin.schedule.Schedule;
import io.tocsin.schedule.Shift;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Tocsin's on-call answer against the source's, instant by instant over a range. The answer only
 * changes where a shift of either side starts or ends, so each stretch between two such instants is
 * compared once, at its start. Tocsin's answer for a schedule is everyone its layers name (an imported
 * schedule's layers never overlap, so that is one person or nobody, as in the source); stretches
 * that disagree are merged into one mismatch while they disagree the same way.
 */
public final class ScheduleComparison {
    /** Who the source says is on call in [start, end); person null for nobody. */
    public record Entry(String person, Instant start, Instant end) {
    }

    public record Mismatch(Instant start, Instant end, String source, String tocsin) {
    }

    private ScheduleComparison() {
    }

    public static List<Mismatch> compare(Schedule schedule, List<Entry> source, Instant from, Instant to) {
        TreeSet<Instant> edges = new TreeSet<>(List.of(from, to));
        for (Entry e : source) {
            edges.add(e.start());
            edges.add(e.end());
        }
        for (Shift s : schedule.shifts(from, to)) {
            edges.add(s.start());
            edges.add(s.end());
        }
        List<Mismatch> out = new ArrayList<>();
        for (Instant t : edges.subSet(from, true, to, false)) {
            String want = sourceAt(source, t);
            String got = tocsinAt(schedule, t);
            if (!want.equals(got)) {
                Mismatch last = out.isEmpty() ? null : out.get(out.size() - 1);
                if (last != null && last.end().equals(t) && last.source().equals(want) && last.tocsin().equals(got)) {
                    out.set(out.size() - 1, new Mismatch(last.start(), edges.higher(t), want, got));
                } else {
                    out.add(new Mismatch(t, edges.higher(t), want, got));
                }
            }
        }
        return out;
    }

    private static String sourceAt(List<Entry> source, Instant t) {
        TreeSet<String> people = new TreeSet<>();
        for (Entry e : source) {
            if (!e.start().isAfter(t) && e.end().isAfter(t)) {
                people.add(e.person() == null ? "(unknown person)" : e.person());
            }
        }
        return people.isEmpty() ? "nobody" : String.join(", ", people);
    }

    static String tocsinAt(Schedule schedule, Instant t) {
        TreeSet<String> people = new TreeSet<>();
        for (OnCall o : schedule.onCall(t)) {
            o.person().ifPresent(people::add);
        }
        return people.isEmpty() ? "nobody" : String.join(", ", people);
    }
}
