package io.tocsin.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * A schedule: layers in priority order (first = primary), each answering "who is on call" on its
 * own, plus overrides. Immutable; {@link #withOverrides} gives a new schedule with more overrides.
 */
public final class Schedule {
    private final String id;
    private final String name;
    private final ZoneId zone;
    private final List<Layer> layers;
    private final List<ScheduleOverride> overrides;
    private final Map<String, Layer> layersById = new LinkedHashMap<>();
    private final Map<String, OverrideTimeline> overridesByLayer = new LinkedHashMap<>();

    public Schedule(String id, String name, ZoneId zone, List<Layer> layers, List<ScheduleOverride> overrides) {
        if (layers == null || layers.isEmpty()) {
            throw new IllegalArgumentException("schedule " + id + " has no layers");
        }
        this.id = id;
        this.name = name == null ? id : name;
        this.zone = zone;
        this.layers = List.copyOf(layers);
        List<ScheduleOverride> resolved = new ArrayList<>();
        for (ScheduleOverride o : overrides == null ? List.<ScheduleOverride>of() : overrides) {
            String layer = o.layer() == null ? this.layers.get(0).id() : o.layer();
            resolved.add(new ScheduleOverride(o.id(), layer, o.person(), o.start(), o.end(), o.reason()));
        }
        this.overrides = List.copyOf(resolved);
        for (Layer layer : this.layers) {
            if (layersById.put(layer.id(), layer) != null) {
                throw new IllegalArgumentException("schedule " + id + " has two layers named " + layer.id());
            }
            overridesByLayer.put(layer.id(), new OverrideTimeline(
                    resolved.stream().filter(o -> o.layer().equals(layer.id())).toList()));
        }
        for (ScheduleOverride o : resolved) {
            if (!layersById.containsKey(o.layer())) {
                throw new IllegalArgumentException("override names unknown layer " + o.layer());
            }
        }
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    public ZoneId zone() {
        return zone;
    }

    public List<Layer> layers() {
        return layers;
    }

    public List<ScheduleOverride> overrides() {
        return overrides;
    }

    public Optional<Layer> layer(String layerId) {
        return Optional.ofNullable(layersById.get(layerId));
    }

    public Schedule withOverrides(List<ScheduleOverride> more) {
        List<ScheduleOverride> all = new ArrayList<>(overrides);
        all.addAll(more);
        return new Schedule(id, name, zone, layers, all);
    }

    /** Who is on call in {@code layerId} at {@code at}; empty in a gap. */
    public OnCall onCall(String layerId, Instant at) {
        Layer layer = requireLayer(layerId);
        long t = at.getEpochSecond();
        String overridden = overridesByLayer.get(layerId).personAt(t);
        if (overridden != null) {
            // The reason of the override that answers: the last one given for this person at this instant.
            String reason = null;
            for (ScheduleOverride o : overrides) {
                if (o.layer().equals(layerId) && o.person().equals(overridden) && !o.start().isAfter(at) && o.end().isAfter(at)) {
                    reason = o.reason();
                }
            }
            return new OnCall(layerId, Optional.of(overridden), true, reason);
        }
        return new OnCall(layerId, Optional.ofNullable(layer.rotationPersonAt(t)), false);
    }

    /** The answer of every layer, in priority order. */
    public List<OnCall> onCall(Instant at) {
        List<OnCall> out = new ArrayList<>(layers.size());
        for (Layer layer : layers) {
            out.add(onCall(layer.id(), at));
        }
        return out;
    }

    /** Final shifts of one layer in [from, to): rotation cut by restrictions, with overrides applied. */
    public List<Shift> shifts(String layerId, Instant from, Instant to) {
        Interval range = Interval.of(from, to);
        List<Segment> segments = segments(requireLayer(layerId), range);
        List<Shift> out = new ArrayList<>(segments.size());
        for (Segment s : segments) {
            out.add(new Shift(layerId, s.person(), Instant.ofEpochSecond(s.start()), Instant.ofEpochSecond(s.end()), s.override()));
        }
        return out;
    }

    /** Final shifts of every layer in [from, to), ordered by layer priority then time. */
    public List<Shift> shifts(Instant from, Instant to) {
        List<Shift> out = new ArrayList<>();
        for (Layer layer : layers) {
            out.addAll(shifts(layer.id(), from, to));
        }
        return out;
    }

    /** Periods in [from, to) where nobody is on call in {@code layerId}. */
    public List<Gap> gaps(String layerId, Instant from, Instant to) {
        Interval range = Interval.of(from, to);
        List<Interval> covered = segments(requireLayer(layerId), range).stream()
                .map(s -> new Interval(s.start(), s.end())).toList();
        return Intervals.complement(range, covered).stream()
                .map(i -> new Gap(layerId, Instant.ofEpochSecond(i.start()), Instant.ofEpochSecond(i.end())))
                .toList();
    }

    /** Gaps of every layer in [from, to). */
    public List<Gap> gaps(Instant from, Instant to) {
        List<Gap> out = new ArrayList<>();
        for (Layer layer : layers) {
            out.addAll(gaps(layer.id(), from, to));
        }
        return out;
    }

    /**
     * The first instant after {@code at} at which the answer for {@code layerId} changes (to another
     * person, or to nobody), looking ahead at most {@code horizonDays}.
     */
    public Optional<Instant> nextHandoff(String layerId, Instant at, int horizonDays) {
        Instant until = at.plusSeconds(horizonDays * 86_400L);
        Optional<String> current = onCall(layerId, at).person();
        long cursor = at.getEpochSecond();
        for (Shift s : shifts(layerId, at, until)) {
            long start = s.start().getEpochSecond();
            if (start > cursor) {
                // A gap lies ahead: the answer changes when it opens, or, if we are in it, when it closes.
                return Optional.of(Instant.ofEpochSecond(current.isPresent() ? cursor : start));
            }
            if (!s.person().equals(current.orElse(null))) {
                return Optional.of(s.start());
            }
            cursor = s.end().getEpochSecond();
        }
        return cursor < until.getEpochSecond() && current.isPresent()
                ? Optional.of(Instant.ofEpochSecond(cursor)) : Optional.empty();
    }

    private List<Segment> segments(Layer layer, Interval range) {
        List<Segment> base = layer.rotationSegments(range);
        OverrideTimeline timeline = overridesByLayer.get(layer.id());
        if (timeline.isEmpty()) {
            return base;
        }
        List<Segment> overridden = timeline.within(range);
        List<Interval> overrideSpans = overridden.stream().map(s -> new Interval(s.start(), s.end())).toList();
        List<Segment> out = new ArrayList<>(overridden);
        for (Segment s : base) {
            for (Interval free : Intervals.complement(new Interval(s.start(), s.end()), overrideSpans)) {
                out.add(new Segment(s.person(), free.start(), free.end(), false));
            }
        }
        out.sort(Comparator.comparingLong(Segment::start));
        return out;
    }

    private Layer requireLayer(String layerId) {
        Layer layer = layersById.get(layerId);
        if (layer == null) {
            throw new NoSuchElementException("schedule " + id + " has no layer " + layerId);
        }
        return layer;
    }
}
