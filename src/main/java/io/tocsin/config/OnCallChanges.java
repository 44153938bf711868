package io.tocsin.config;

import io.tocsin.schedule.Layer;
import io.tocsin.schedule.Schedule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who is on call at one instant under one configuration and under another, per schedule and layer:
 * what a person applying a rotation edit mid-shift must see before it takes effect, because the
 * person it takes the pager from is not told by the diff of the YAML.
 */
public final class OnCallChanges {
    /** One layer whose answer differs; null person means nobody (a gap, or no such layer). */
    public record Change(String schedule, String layer, String was, String now) {
        public String describe() {
            return schedule + "/" + layer + ": now: " + name(now) + ", was: " + name(was);
        }

        private static String name(String person) {
            return person == null ? "nobody" : person;
        }
    }

    private OnCallChanges() {
    }

    /** Every schedule and layer of either configuration whose person on call at {@code at} differs. */
    public static List<Change> between(Organisation before, Organisation after, Instant at) {
        Set<String> schedules = new LinkedHashSet<>(before.schedules().keySet());
        schedules.addAll(after.schedules().keySet());
        List<Change> out = new ArrayList<>();
        for (String id : schedules) {
            Optional<Schedule> was = Optional.ofNullable(before.schedules().get(id));
            Optional<Schedule> now = Optional.ofNullable(after.schedules().get(id));
            Set<String> layers = new LinkedHashSet<>();
            was.ifPresent(s -> s.layers().stream().map(Layer::id).forEach(layers::add));
            now.ifPresent(s -> s.layers().stream().map(Layer::id).forEach(layers::add));
            for (String layer : layers) {
                String a = person(was, layer, at);
                String b = person(now, layer, at);
                if (!java.util.Objects.equals(a, b)) {
                    out.add(new Change(id, layer, a, b));
                }
            }
        }
        return out;
    }

    /** The lines the diff of a version starts with when it moved the pager. */
    public static String describe(List<Change> changes, Instant at) {
        StringBuilder b = new StringBuilder("who is on call now (" + at + ") changes:\n");
        for (Change c : changes) {
            b.append("  ").append(c.describe()).append('\n');
        }
        return b.toString();
    }

    private static String person(Optional<Schedule> schedule, String layer, Instant at) {
        return schedule.filter(s -> s.layer(layer).isPresent()).flatMap(s -> s.onCall(layer, at).person()).orElse(null);
    }
}
