package io.tocsin.schedule;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;

/**
 * One layer of a schedule (primary, secondary, shadow...): a rotation of participants, optionally
 * limited to recurring local windows. Shift boundaries are computed in local time from the first
 * hand-off, never by adding fixed durations, so a Monday 09:00 hand-off stays Monday 09:00 for years.
 * A layer can be redefined from an instant on ({@link #from}): before it the earlier definition
 * answers, so a rotation edit can wait for the end of the shift it would otherwise cut.
 */
public final class Layer {
    private final String id;
    private final String name;
    private final List<String> participants;
    private final ShiftLength shift;
    private final Handoff handoff;
    private final LocalDate start;
    private final Numbering numbering;
    private final List<Restriction> restrictions;
    private final ZoneId zone;
    private final LocalDateTime firstHandoff;
    private final long firstEpoch;
    /** Epoch second this definition applies from; {@link Long#MIN_VALUE} when always. */
    private final long effectiveFrom;
    /** The definition that answers before {@link #effectiveFrom}; null: nobody is on call then. */
    private final Layer before;

    public Layer(String id, String name, List<String> participants, ShiftLength shift, Handoff handoff,
                 LocalDate start, Numbering numbering, List<Restriction> restrictions, ZoneId zone) {
        this(id, name, participants, shift, handoff, start, numbering, restrictions, zone, Long.MIN_VALUE, null);
    }

    private Layer(String id, String name, List<String> participants, ShiftLength shift, Handoff handoff,
                  LocalDate start, Numbering numbering, List<Restriction> restrictions, ZoneId zone, long effectiveFrom, Layer before) {
        if (participants == null || participants.isEmpty()) {
            throw new IllegalArgumentException("layer " + id + " has no participants");
        }
        this.id = id;
        this.name = name == null ? id : name;
        this.participants = List.copyOf(participants);
        this.shift = shift;
        this.handoff = handoff;
        this.start = start;
        this.numbering = numbering == null ? Numbering.SEQUENCE : numbering;
        this.restrictions = restrictions == null ? List.of() : List.copyOf(restrictions);
        this.zone = zone;
        LocalDate firstDay = start;
        if (shift.isWholeWeeks() && handoff.day() != null) {
            firstDay = start.with(TemporalAdjusters.nextOrSame(handoff.day()));
        }
        this.firstHandoff = firstDay.atTime(handoff.time());
        this.firstEpoch = LocalTimes.epochSecond(firstHandoff, zone);
        this.effectiveFrom = effectiveFrom;
        this.before = before;
    }

    /**
     * This definition from {@code instant} on; before it {@code earlier} answers (null: nobody, for
     * a layer that begins then).
     */
    public Layer from(Instant instant, Layer earlier) {
        if (earlier != null && !earlier.id.equals(id)) {
            throw new IllegalArgumentException("layer " + id + " cannot follow layer " + earlier.id);
        }
        if (earlier != null && earlier.effectiveFrom >= instant.getEpochSecond()) {
            throw new IllegalArgumentException("layer " + id + ": a definition must take effect after the one before it");
        }
        return new Layer(id, name, participants, shift, handoff, start, numbering, restrictions, zone, instant.getEpochSecond(), earlier);
    }

    /** When this definition takes effect; empty when it always applied. */
    public java.util.Optional<Instant> effectiveFrom() {
        return effectiveFrom == Long.MIN_VALUE ? java.util.Optional.empty() : java.util.Optional.of(Instant.ofEpochSecond(effectiveFrom));
    }

    /** The definition in force before {@link #effectiveFrom()}, if any. */
    public java.util.Optional<Layer> earlierDefinition() {
        return java.util.Optional.ofNullable(before);
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    public List<String> participants() {
        return participants;
    }

    public ShiftLength shift() {
        return shift;
    }

    public Handoff handoff() {
        return handoff;
    }

    public LocalDate start() {
        return start;
    }

    public Numbering numbering() {
        return numbering;
    }

    public List<Restriction> restrictions() {
        return restrictions;
    }

    public ZoneId zone() {
        return zone;
    }

    public Instant firstHandoff() {
        return Instant.ofEpochSecond(firstEpoch);
    }

    /** Epoch second at which shift {@code k} (0 = the first) starts. */
    long boundary(long k) {
        if (shift.isCalendar()) {
            return LocalTimes.epochSecond(firstHandoff.plusDays(k * shift.days()), zone);
        }
        if (shift.tilesADay()) {
            int perDay = 24 / shift.hours();
            return LocalTimes.epochSecond(firstHandoff.plusDays(Math.floorDiv(k, perDay))
                    .plusHours((long) Math.floorMod(k, perDay) * shift.hours()), zone);
        }
        return firstEpoch + k * shift.hours() * 3_600L;
    }

    /** Index of the rotation shift containing {@code t}, or -1 before the rotation starts. */
    long shiftIndexAt(long t) {
        if (t < firstEpoch) {
            return -1;
        }
        long k = (t - firstEpoch) / shift.nominalSeconds();
        while (k > 0 && boundary(k) > t) {
            k--;
        }
        while (boundary(k + 1) <= t) {
            k++;
        }
        return k;
    }

    String participant(long k) {
        int n = participants.size();
        if (numbering == Numbering.ISO_WEEK) {
            LocalDate shiftStart = shift.isCalendar()
                    ? firstHandoff.toLocalDate().plusDays(k * shift.days())
                    : Instant.ofEpochSecond(boundary(k)).atZone(zone).toLocalDate();
            int week = shiftStart.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
            return participants.get(Math.floorMod(week - 1, n));
        }
        return participants.get((int) Math.floorMod(k, (long) n));
    }

    /** Who the rotation names at {@code t}, ignoring overrides; null in a gap or outside the restrictions. */
    String rotationPersonAt(long t) {
        if (t < effectiveFrom) {
            return before == null ? null : before.rotationPersonAt(t);
        }
        long k = shiftIndexAt(t);
        if (k < 0 || !withinRestrictions(t)) {
            return null;
        }
        return participant(k);
    }

    boolean withinRestrictions(long t) {
        if (restrictions.isEmpty()) {
            return true;
        }
        LocalDate today = Instant.ofEpochSecond(t).atZone(zone).toLocalDate();
        for (Restriction r : restrictions) {
            for (LocalDate d = today.minusDays(1); !d.isAfter(today); d = d.plusDays(1)) {
                if (r.opensOn(d) && r.windowOpeningOn(d, zone).contains(t)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Rotation shifts cut to {@code range} and to the restriction windows, in time order; each definition in its own time. */
    List<Segment> rotationSegments(Interval range) {
        if (effectiveFrom == Long.MIN_VALUE) {
            return ownSegments(range);
        }
        List<Segment> out = new ArrayList<>();
        Interval earlier = range.intersect(new Interval(Long.MIN_VALUE, effectiveFrom));
        if (before != null && !earlier.isEmpty()) {
            out.addAll(before.rotationSegments(earlier));
        }
        Interval later = range.intersect(new Interval(effectiveFrom, Long.MAX_VALUE));
        if (!later.isEmpty()) {
            out.addAll(ownSegments(later));
        }
        return out;
    }

    private List<Segment> ownSegments(Interval range) {
        List<Segment> out = new ArrayList<>();
        if (range.isEmpty()) {
            return out;
        }
        List<Interval> windows = restrictions.isEmpty() ? List.of(range) : restrictionWindows(range);
        long k = Math.max(0, shiftIndexAt(range.start()));
        int w = 0;
        while (true) {
            long s = boundary(k);
            if (s >= range.end()) {
                break;
            }
            long e = boundary(k + 1);
            Interval shiftSpan = new Interval(s, e).intersect(range);
            if (!shiftSpan.isEmpty()) {
                String person = participant(k);
                while (w < windows.size() && windows.get(w).end() <= shiftSpan.start()) {
                    w++;
                }
                for (int i = w; i < windows.size() && windows.get(i).start() < shiftSpan.end(); i++) {
                    Interval part = windows.get(i).intersect(shiftSpan);
                    if (!part.isEmpty()) {
                        out.add(new Segment(person, part.start(), part.end(), false));
                    }
                }
            }
            k++;
        }
        return out;
    }

    /** Union of restriction windows that touch {@code range}, clipped to it, sorted and merged. */
    List<Interval> restrictionWindows(Interval range) {
        LocalDate first = Instant.ofEpochSecond(range.start()).atZone(zone).toLocalDate().minusDays(1);
        LocalDate last = Instant.ofEpochSecond(range.end()).atZone(zone).toLocalDate();
        List<Interval> raw = new ArrayList<>();
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            for (Restriction r : restrictions) {
                if (r.opensOn(d)) {
                    Interval clipped = r.windowOpeningOn(d, zone).intersect(range);
                    if (!clipped.isEmpty()) {
                        raw.add(clipped);
                    }
                }
            }
        }
        return Intervals.union(raw);
    }

    static Layer weekly(String id, List<String> participants, DayOfWeek day, java.time.LocalTime time,
                        LocalDate start, ZoneId zone) {
        return new Layer(id, id, participants, ShiftLength.ofDays(7), Handoff.weekly(day, time), start,
                Numbering.SEQUENCE, List.of(), zone);
    }
}
