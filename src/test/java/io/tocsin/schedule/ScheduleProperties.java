package io.tocsin.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Assume;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of schedules over random rotations, restrictions and overrides in 20 time zones,
 * including 30-minute DST (Lord Howe), 45-minute offsets (Chatham, Kathmandu) and zones that moved
 * their offsets (Apia, Casablanca). Each schedule has one to three layers, each with its own rotation
 * and restrictions, and several overrides on random layers, overlapping one another at random.
 */
class ScheduleProperties {
    static final List<String> ZONES = List.of("Europe/Bucharest", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata",
            "Pacific/Chatham", "America/Sao_Paulo", "Asia/Tehran", "Europe/London", "UTC", "America/St_Johns",
            "Asia/Kathmandu", "Pacific/Auckland", "America/Santiago", "Africa/Casablanca", "Europe/Dublin",
            "America/Los_Angeles", "Asia/Tokyo", "Australia/Adelaide", "Pacific/Apia", "America/Havana");
    static final List<String> SHIFTS = List.of("1h", "2h", "3h", "4h", "5h", "6h", "7h", "8h", "12h", "1d", "2d", "3d", "1w", "2w");

    /** A schedule's layers (ids l0, l1, ...) and the range [from, to) the properties look at. */
    record Case(ZoneId zone, List<Layer> layers, Instant from, Instant to) {
        Schedule schedule(List<ScheduleOverride> overrides) {
            return new Schedule("s", "s", zone, layers, overrides);
        }

        /** The same layer in a schedule of its own, to check that layers answer independently. */
        Schedule alone(Layer layer) {
            return new Schedule("s", "s", zone, List.of(layer), List.of());
        }

        long seconds() {
            return Duration.between(from, to).getSeconds();
        }

        Instant at(double fraction) {
            return from.plusSeconds((long) (seconds() * fraction));
        }
    }

    /** One layer's rotation, before it gets its id, zone and start date. */
    record LayerSpec(List<String> people, String shift, DayOfWeek day, LocalTime time, int startDelta, List<Restriction> restrictions) {
        Layer layer(String id, ZoneId zone, LocalDate baseStart) {
            ShiftLength length = ShiftLength.parse(shift);
            Numbering numbering = length.days() == 7 && people.size() == 2 && time.getMinute() == 0 ? Numbering.ISO_WEEK : Numbering.SEQUENCE;
            return new Layer(id, id, people, length, new Handoff(length.isWholeWeeks() ? day : null, time),
                    baseStart.plusDays(startDelta), numbering, restrictions, zone);
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        return schedules(true);
    }

    @Provide
    Arbitrary<Case> unrestricted() {
        return schedules(false);
    }

    Arbitrary<Case> schedules(boolean withRestrictions) {
        Arbitrary<ZoneId> zone = Arbitraries.of(ZONES).map(ZoneId::of);
        Arbitrary<List<LayerSpec>> specs = layerSpec(withRestrictions).list().ofMinSize(1).ofMaxSize(3);
        Arbitrary<LocalDate> start = Arbitraries.integers().between(0, 3650).map(d -> LocalDate.of(2020, 1, 1).plusDays(d));
        Arbitrary<Integer> offsetDays = Arbitraries.integers().between(-3, 400);
        Arbitrary<Integer> lengthHours = Arbitraries.integers().between(1, 24 * 45);
        return Combinators.combine(zone, specs, start, offsetDays, lengthHours).as((z, sp, st, off, len) -> {
            List<Layer> layers = new ArrayList<>();
            for (int i = 0; i < sp.size(); i++) {
                layers.add(sp.get(i).layer("l" + i, z, st));
            }
            Instant from = st.atStartOfDay(z).toInstant().plus(Duration.ofDays(off));
            return new Case(z, layers, from, from.plus(Duration.ofHours(len)));
        });
    }

    Arbitrary<LayerSpec> layerSpec(boolean withRestrictions) {
        Arbitrary<List<String>> people = Arbitraries.of("a", "b", "c", "d", "e").list().ofMinSize(1).ofMaxSize(5);
        Arbitrary<String> shift = Arbitraries.of(SHIFTS);
        Arbitrary<DayOfWeek> day = Arbitraries.of(DayOfWeek.class);
        Arbitrary<LocalTime> time = Arbitraries.integers().between(0, 47).map(i -> LocalTime.MIN.plusMinutes(30L * i));
        // Layers of one schedule start within a few weeks of each other, so the range usually sees all of them running.
        Arbitrary<Integer> startDelta = Arbitraries.integers().between(-30, 30);
        Arbitrary<List<Restriction>> restrictions = withRestrictions
                ? restriction().list().ofMaxSize(2) : Arbitraries.just(List.of());
        return Combinators.combine(people, shift, day, time, startDelta, restrictions).as(LayerSpec::new);
    }

    Arbitrary<Restriction> restriction() {
        Arbitrary<Set<DayOfWeek>> days = Arbitraries.of(DayOfWeek.class).set().ofMinSize(1).ofMaxSize(7);
        Arbitrary<Integer> minute = Arbitraries.integers().between(0, 47).map(i -> i * 30);
        return Combinators.combine(days, minute, minute).as(Restriction::new);
    }

    /** An override as fractions of the case's range: which layer (index modulo the layer count), person, start, end. */
    record OverrideSpec(int layer, String person, double a, double b) {
        ScheduleOverride in(Case c, int n) {
            Instant start = c.at(Math.min(a, b));
            Instant end = c.at(Math.max(a, b)).plusSeconds(60);
            return new ScheduleOverride("o" + n, c.layers().get(layer % c.layers().size()).id(), person, start, end, null);
        }
    }

    @Provide
    Arbitrary<List<OverrideSpec>> overrides() {
        Arbitrary<Double> fraction = Arbitraries.doubles().between(0, 0.999).ofScale(4);
        // Covering people are not in any rotation (x, y, z), so an override is always visible in the answer.
        return Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.of("x", "y", "z"), fraction, fraction)
                .as(OverrideSpec::new).list().ofMinSize(1).ofMaxSize(5);
    }

    @Property(tries = 400)
    void shiftsTileTimeWithoutOverlapAndHolesOnlyWhereRestrictionsSay(@ForAll("cases") Case c) {
        Schedule s = c.schedule(List.of());
        for (Layer layer : c.layers()) {
            List<Shift> shifts = s.shifts(layer.id(), c.from(), c.to());
            for (int i = 0; i < shifts.size(); i++) {
                Shift x = shifts.get(i);
                assertThat(x.layer()).isEqualTo(layer.id());
                assertThat(x.end()).isAfter(x.start());
                assertThat(x.start()).isAfterOrEqualTo(c.from());
                assertThat(x.end()).isBeforeOrEqualTo(c.to());
                if (i > 0) {
                    assertThat(x.start()).isAfterOrEqualTo(shifts.get(i - 1).end());
                }
                Instant mid = x.start().plus(Duration.between(x.start(), x.end()).dividedBy(2));
                assertThat(inRestrictions(layer, mid)).as("shift midpoint inside the restriction windows").isTrue();
            }
            for (Gap g : s.gaps(layer.id(), c.from(), c.to())) {
                Instant mid = g.start().plus(Duration.between(g.start(), g.end()).dividedBy(2));
                assertThat(mid.isBefore(layer.firstHandoff()) || !inRestrictions(layer, mid))
                        .as("a gap is before the rotation starts or outside the restrictions: %s", g).isTrue();
            }
        }
    }

    @Property(tries = 200)
    void eachLayerAnswersOnItsOwn(@ForAll("cases") Case c, @ForAll("fractions") List<Double> at) {
        Schedule s = c.schedule(List.of());
        for (Layer layer : c.layers()) {
            Schedule alone = c.alone(layer);
            assertThat(s.shifts(layer.id(), c.from(), c.to())).isEqualTo(alone.shifts(layer.id(), c.from(), c.to()));
            for (double f : at) {
                assertThat(s.onCall(layer.id(), c.at(f))).isEqualTo(alone.onCall(layer.id(), c.at(f)));
            }
        }
    }

    @Property(tries = 400)
    void withoutRestrictionsThereIsNoHoleAfterTheFirstHandoff(@ForAll("unrestricted") Case c) {
        Schedule s = c.schedule(List.of());
        for (Layer layer : c.layers()) {
            Instant from = c.from().isBefore(layer.firstHandoff()) ? layer.firstHandoff() : c.from();
            if (!from.isBefore(c.to())) {
                continue;
            }
            List<Shift> shifts = s.shifts(layer.id(), from, c.to());
            assertThat(shifts.get(0).start()).isEqualTo(from);
            assertThat(shifts.get(shifts.size() - 1).end()).isEqualTo(c.to());
            for (int i = 1; i < shifts.size(); i++) {
                assertThat(shifts.get(i).start()).isEqualTo(shifts.get(i - 1).end());
            }
            assertThat(s.gaps(layer.id(), from, c.to())).isEmpty();
        }
    }

    @Property(tries = 400)
    void everyHandoffFallsOnTheConfiguredLocalTime(@ForAll("unrestricted") Case c) {
        Schedule s = c.schedule(List.of());
        for (Layer layer : c.layers()) {
            ShiftLength length = layer.shift();
            if (!length.isCalendar() && !length.tilesADay()) {
                continue;
            }
            Instant from = c.from().isBefore(layer.firstHandoff()) ? layer.firstHandoff() : c.from();
            if (!from.isBefore(c.to())) {
                continue;
            }
            List<Shift> shifts = s.shifts(layer.id(), from, c.to());
            for (int i = 1; i < shifts.size(); i++) {
                assertHandoffAtConfiguredTime(layer, LocalDateTime.ofInstant(shifts.get(i).start(), layer.zone()));
            }
        }
    }

    static void assertHandoffAtConfiguredTime(Layer layer, LocalDateTime local) {
        ShiftLength length = layer.shift();
        List<LocalTime> allowed = new ArrayList<>();
        int step = length.isCalendar() ? 24 : length.hours();
        for (int h = 0; h < 24; h += step) {
            allowed.add(layer.handoff().time().plusHours(h));
        }
        if (allowed.contains(local.toLocalTime())) {
            if (length.isWholeWeeks()) {
                assertThat(local.getDayOfWeek()).isEqualTo(layer.handoff().day());
            }
            return;
        }
        // Only possible where the configured local time did not exist that day (a DST gap): java.time moves it forward.
        boolean inGap = false;
        for (LocalTime t : allowed) {
            for (LocalDate d : List.of(local.toLocalDate(), local.toLocalDate().minusDays(1))) {
                LocalDateTime wanted = d.atTime(t);
                if (layer.zone().getRules().getValidOffsets(wanted).isEmpty()
                        && !wanted.isAfter(local) && Duration.between(wanted, local).toHours() < 3) {
                    inGap = true;
                }
            }
        }
        assertThat(inGap).as("hand-off at %s is the configured time or the first instant after a DST gap", local).isTrue();
    }

    /**
     * The rule (OverrideTimeline, ScheduleOverride): overrides apply in the order they were added and a
     * later one wins where it overlaps an earlier one on the same layer; an override also covers time the
     * layer's restrictions leave empty; it never touches another layer.
     */
    static Optional<String> winningOverride(List<ScheduleOverride> overrides, String layer, Instant t) {
        Optional<String> winner = Optional.empty();
        for (ScheduleOverride o : overrides) {
            if (o.layer().equals(layer) && !t.isBefore(o.start()) && t.isBefore(o.end())) {
                winner = Optional.of(o.person());
            }
        }
        return winner;
    }

    @Property(tries = 400)
    void overridesChangeExactlyTheirIntervalsAndTheLaterOneWinsWhereTheyOverlap(@ForAll("cases") Case c,
            @ForAll("overrides") List<OverrideSpec> specs, @ForAll("fractions") List<Double> at) {
        Schedule base = c.schedule(List.of());
        List<ScheduleOverride> overrides = new ArrayList<>();
        for (OverrideSpec spec : specs) {
            overrides.add(spec.in(c, overrides.size()));
        }
        // Added one at a time, as people add them: precedence is the order of addition.
        Schedule overridden = base;
        for (ScheduleOverride o : overrides) {
            overridden = overridden.withOverrides(List.of(o));
        }
        List<Instant> probes = new ArrayList<>();
        at.forEach(f -> probes.add(c.at(f)));
        for (ScheduleOverride o : overrides) {
            // The edges are where an off-by-one would hide.
            probes.addAll(List.of(o.start(), o.end(), o.start().minusSeconds(1), o.end().minusSeconds(1)));
        }
        for (Layer layer : c.layers()) {
            for (Instant t : probes) {
                OnCall answer = overridden.onCall(layer.id(), t);
                Optional<String> winner = winningOverride(overrides, layer.id(), t);
                if (winner.isPresent()) {
                    assertThat(answer.person()).as("%s at %s", layer.id(), t).isEqualTo(winner);
                    assertThat(answer.override()).isTrue();
                } else {
                    assertThat(answer).as("%s at %s, outside every override", layer.id(), t).isEqualTo(base.onCall(layer.id(), t));
                }
            }
            List<ScheduleOverride> mine = overrides.stream().filter(o -> o.layer().equals(layer.id())).toList();
            List<Shift> outside = new ArrayList<>();
            for (Shift x : overridden.shifts(layer.id(), c.from(), c.to())) {
                if (!x.override()) {
                    outside.add(x);
                    continue;
                }
                // An override shift is one override's person over a stretch where that override is the latest.
                Instant mid = x.start().plus(Duration.between(x.start(), x.end()).dividedBy(2));
                assertThat(winningOverride(mine, layer.id(), x.start())).contains(x.person());
                assertThat(winningOverride(mine, layer.id(), mid)).contains(x.person());
                assertThat(winningOverride(mine, layer.id(), x.end().minusSeconds(1))).contains(x.person());
            }
            // Outside the overrides, the rotation's own shifts, cut at the edges of the union of the overrides.
            List<Shift> expected = new ArrayList<>();
            for (Shift x : base.shifts(layer.id(), c.from(), c.to())) {
                List<Instant[]> pieces = new ArrayList<>();
                pieces.add(new Instant[] {x.start(), x.end()});
                for (ScheduleOverride o : mine) {
                    List<Instant[]> next = new ArrayList<>();
                    for (Instant[] p : pieces) {
                        if (!p[1].isAfter(o.start()) || !p[0].isBefore(o.end())) {
                            next.add(p);
                            continue;
                        }
                        if (p[0].isBefore(o.start())) {
                            next.add(new Instant[] {p[0], o.start()});
                        }
                        if (p[1].isAfter(o.end())) {
                            next.add(new Instant[] {o.end(), p[1]});
                        }
                    }
                    pieces = next;
                }
                pieces.sort(java.util.Comparator.comparing(p -> p[0]));
                pieces.forEach(p -> expected.add(new Shift(layer.id(), x.person(), p[0], p[1], false)));
            }
            assertThat(outside).as(layer.id()).containsExactlyElementsOf(expected);
        }
    }

    @Property(tries = 400)
    void onCallAgreesWithTheShiftListingAndGapsAreItsComplement(@ForAll("cases") Case c, @ForAll("fractions") List<Double> at) {
        Schedule s = c.schedule(List.of());
        for (Layer layer : c.layers()) {
            List<Shift> shifts = s.shifts(layer.id(), c.from(), c.to());
            List<Gap> gaps = s.gaps(layer.id(), c.from(), c.to());
            long covered = 0;
            for (Shift x : shifts) {
                covered += Duration.between(x.start(), x.end()).getSeconds();
            }
            for (Gap g : gaps) {
                covered += Duration.between(g.start(), g.end()).getSeconds();
            }
            assertThat(covered).isEqualTo(c.seconds());
            for (double f : at) {
                Instant t = c.at(f);
                Optional<String> listed = shifts.stream().filter(x -> !t.isBefore(x.start()) && t.isBefore(x.end()))
                        .map(Shift::person).findFirst();
                boolean inGap = gaps.stream().anyMatch(g -> !t.isBefore(g.start()) && t.isBefore(g.end()));
                assertThat(s.onCall(layer.id(), t).person()).isEqualTo(listed);
                assertThat(inGap).isEqualTo(listed.isEmpty());
            }
        }
    }

    /** A daylight-saving (or other offset) transition of one of {@link #ZONES}. */
    record ZoneTransition(ZoneId zone, ZoneOffsetTransition transition) {
    }

    @Provide
    Arbitrary<ZoneTransition> transitions() {
        List<ZoneTransition> all = new ArrayList<>();
        Instant end = Instant.parse("2036-01-01T00:00:00Z");
        for (String id : ZONES) {
            ZoneId zone = ZoneId.of(id);
            for (ZoneOffsetTransition t = zone.getRules().nextTransition(Instant.parse("2020-01-01T00:00:00Z"));
                 t != null && t.getInstant().isBefore(end); t = zone.getRules().nextTransition(t.getInstant())) {
                all.add(new ZoneTransition(zone, t));
            }
        }
        return Arbitraries.of(all);
    }

    /**
     * The one rule (LocalTimes): a local time in a gap is the instant it has with the offset before the
     * gap, i.e. it moves forward by the gap's length; a local time that happens twice is its first occurrence.
     */
    @Property(tries = 1000)
    void aLocalTimeInAGapMovesForwardByTheGapAndOneThatHappensTwiceIsItsFirstOccurrence(
            @ForAll("transitions") ZoneTransition zt, @ForAll @IntRange(min = -180, max = 180) int minutes) {
        ZoneOffsetTransition t = zt.transition();
        LocalDateTime local = t.getDateTimeBefore().plusMinutes(minutes);
        Instant got = LocalTimes.instant(local, zt.zone());
        List<ZoneOffset> valid = zt.zone().getRules().getValidOffsets(local);
        if (valid.isEmpty()) {
            assertThat(got).isEqualTo(local.toInstant(t.getOffsetBefore()));
            assertThat(LocalDateTime.ofInstant(got, zt.zone())).isEqualTo(local.plus(t.getDuration()));
        } else {
            Instant first = valid.stream().map(local::toInstant).min(Instant::compareTo).orElseThrow();
            assertThat(got).isEqualTo(first);
            assertThat(LocalDateTime.ofInstant(got, zt.zone())).isEqualTo(local);
        }
    }

    /**
     * A daily rotation handing over at local time T, on call in a window opening at T: on the day of a
     * transition, whatever T is (before, in or after a gap or an overlap), the window opens exactly when
     * that day's person starts, so the previous day's person never covers the window's first minutes.
     */
    @Property(tries = 1000)
    void aHandoffAndARestrictionEdgeAtTheSameLocalTimeFallOnTheSameInstant(@ForAll("transitions") ZoneTransition zt,
            @ForAll @IntRange(min = -8, max = 12) int quarters, @ForAll @IntRange(min = 1, max = 16) int windowQuarters) {
        LocalDateTime handoff = zt.transition().getDateTimeBefore().plusMinutes(15L * quarters);
        LocalDate day = handoff.toLocalDate();
        Assume.that(day.equals(zt.transition().getDateTimeBefore().toLocalDate()));
        int from = handoff.getHour() * 60 + handoff.getMinute();
        Restriction window = new Restriction(all(), from, (from + 15 * windowQuarters) % Restriction.DAY_MINUTES);
        // Three people from ten days before: that day is shift 10 (b), the day before shift 9 (a).
        Layer layer = new Layer("l", "l", List.of("a", "b", "c"), ShiftLength.ofDays(1), Handoff.daily(handoff.toLocalTime()),
                day.minusDays(10), Numbering.SEQUENCE, List.of(window), zt.zone());
        Interval open = window.windowOpeningOn(day, zt.zone());
        Assume.that(!open.isEmpty());
        Instant start = Instant.ofEpochSecond(open.start());
        Instant end = Instant.ofEpochSecond(open.end());
        assertThat(start).isEqualTo(LocalTimes.instant(handoff, zt.zone()));
        Schedule s = new Schedule("s", "s", zt.zone(), List.of(layer), List.of());
        assertThat(s.shifts("l", start.minus(Duration.ofHours(6)), end).stream().filter(x -> x.end().isAfter(start)).toList())
                .containsExactly(new Shift("l", "b", start, end, false));
        assertThat(s.onCall("l", start.minusSeconds(1)).person()).isEmpty();
    }

    @Provide
    Arbitrary<List<Double>> fractions() {
        return Arbitraries.doubles().between(0, 0.999).ofScale(4).list().ofMinSize(6).ofMaxSize(12);
    }

    /** Restriction membership computed independently, minute by minute from local midnight. */
    static boolean inRestrictions(Layer layer, Instant t) {
        if (layer.restrictions().isEmpty()) {
            return true;
        }
        LocalDate today = LocalDateTime.ofInstant(t, layer.zone()).toLocalDate();
        for (Restriction r : layer.restrictions()) {
            for (LocalDate d : List.of(today.minusDays(1), today)) {
                if (!r.days().contains(d.getDayOfWeek())) {
                    continue;
                }
                Instant open = d.atStartOfDay().plusMinutes(r.fromMinute()).atZone(layer.zone()).toInstant();
                LocalDate endDay = r.toMinute() > r.fromMinute() ? d : d.plusDays(1);
                Instant close = endDay.atStartOfDay().plusMinutes(r.toMinute()).atZone(layer.zone()).toInstant();
                if (!t.isBefore(open) && t.isBefore(close)) {
                    return true;
                }
            }
        }
        return false;
    }

    static Set<DayOfWeek> all() {
        return EnumSet.allOf(DayOfWeek.class);
    }
}
