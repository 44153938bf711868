package io.tocsin.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of schedules over random rotations, restrictions and overrides in 20 time zones,
 * including 30-minute DST (Lord Howe), 45-minute offsets (Chatham, Kathmandu) and zones that moved
 * their offsets (Apia, Casablanca).
 */
class ScheduleProperties {
    static final List<String> ZONES = List.of("Europe/Bucharest", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata",
            "Pacific/Chatham", "America/Sao_Paulo", "Asia/Tehran", "Europe/London", "UTC", "America/St_Johns",
            "Asia/Kathmandu", "Pacific/Auckland", "America/Santiago", "Africa/Casablanca", "Europe/Dublin",
            "America/Los_Angeles", "Asia/Tokyo", "Australia/Adelaide", "Pacific/Apia", "America/Havana");
    static final List<String> SHIFTS = List.of("1h", "2h", "3h", "4h", "5h", "6h", "7h", "8h", "12h", "1d", "2d", "3d", "1w", "2w");

    record Case(Layer layer, Instant from, Instant to) {
        Schedule schedule(List<ScheduleOverride> overrides) {
            return new Schedule("s", "s", layer.zone(), List.of(layer), overrides);
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        return layers(true);
    }

    @Provide
    Arbitrary<Case> unrestricted() {
        return layers(false);
    }

    Arbitrary<Case> layers(boolean withRestrictions) {
        Arbitrary<ZoneId> zone = Arbitraries.of(ZONES).map(ZoneId::of);
        Arbitrary<List<String>> people = Arbitraries.of("a", "b", "c", "d", "e").list().ofMinSize(1).ofMaxSize(5);
        Arbitrary<String> shift = Arbitraries.of(SHIFTS);
        Arbitrary<DayOfWeek> day = Arbitraries.of(DayOfWeek.class);
        Arbitrary<LocalTime> time = Arbitraries.integers().between(0, 47).map(i -> LocalTime.MIN.plusMinutes(30L * i));
        Arbitrary<LocalDate> start = Arbitraries.integers().between(0, 3650).map(d -> LocalDate.of(2020, 1, 1).plusDays(d));
        Arbitrary<List<Restriction>> restrictions = withRestrictions
                ? restriction().list().ofMaxSize(2) : Arbitraries.just(List.of());
        Arbitrary<Integer> offsetDays = Arbitraries.integers().between(-3, 400);
        Arbitrary<Integer> lengthHours = Arbitraries.integers().between(1, 24 * 45);
        return Combinators.combine(zone, people, shift, day, time, start, restrictions, Combinators.combine(offsetDays, lengthHours).as(List::of))
                .as((z, p, sh, d, t, st, r, range) -> {
                    ShiftLength length = ShiftLength.parse(sh);
                    Numbering numbering = length.days() == 7 && p.size() == 2 && t.getMinute() == 0 ? Numbering.ISO_WEEK : Numbering.SEQUENCE;
                    Layer layer = new Layer("l", "l", p, length, new Handoff(length.isWholeWeeks() ? d : null, t), st, numbering, r, z);
                    Instant from = st.atStartOfDay(z).toInstant().plus(Duration.ofDays(range.get(0)));
                    return new Case(layer, from, from.plus(Duration.ofHours(range.get(1))));
                });
    }

    Arbitrary<Restriction> restriction() {
        Arbitrary<Set<DayOfWeek>> days = Arbitraries.of(DayOfWeek.class).set().ofMinSize(1).ofMaxSize(7);
        Arbitrary<Integer> minute = Arbitraries.integers().between(0, 47).map(i -> i * 30);
        return Combinators.combine(days, minute, minute).as(Restriction::new);
    }

    @Provide
    Arbitrary<Case> withOverride() {
        return cases();
    }

    @Property(tries = 400)
    void shiftsTileTimeWithoutOverlapAndHolesOnlyWhereRestrictionsSay(@ForAll("cases") Case c) {
        Schedule s = c.schedule(List.of());
        List<Shift> shifts = s.shifts("l", c.from(), c.to());
        for (int i = 0; i < shifts.size(); i++) {
            Shift x = shifts.get(i);
            assertThat(x.end()).isAfter(x.start());
            assertThat(x.start()).isAfterOrEqualTo(c.from());
            assertThat(x.end()).isBeforeOrEqualTo(c.to());
            if (i > 0) {
                assertThat(x.start()).isAfterOrEqualTo(shifts.get(i - 1).end());
            }
            Instant mid = x.start().plus(Duration.between(x.start(), x.end()).dividedBy(2));
            assertThat(inRestrictions(c.layer(), mid)).as("shift midpoint inside the restriction windows").isTrue();
        }
        for (Gap g : s.gaps("l", c.from(), c.to())) {
            Instant mid = g.start().plus(Duration.between(g.start(), g.end()).dividedBy(2));
            assertThat(mid.isBefore(c.layer().firstHandoff()) || !inRestrictions(c.layer(), mid))
                    .as("a gap is before the rotation starts or outside the restrictions: %s", g).isTrue();
        }
    }

    @Property(tries = 400)
    void withoutRestrictionsThereIsNoHoleAfterTheFirstHandoff(@ForAll("unrestricted") Case c) {
        Schedule s = c.schedule(List.of());
        Instant from = c.from().isBefore(c.layer().firstHandoff()) ? c.layer().firstHandoff() : c.from();
        if (!from.isBefore(c.to())) {
            return;
        }
        List<Shift> shifts = s.shifts("l", from, c.to());
        assertThat(shifts.get(0).start()).isEqualTo(from);
        assertThat(shifts.get(shifts.size() - 1).end()).isEqualTo(c.to());
        for (int i = 1; i < shifts.size(); i++) {
            assertThat(shifts.get(i).start()).isEqualTo(shifts.get(i - 1).end());
        }
        assertThat(s.gaps("l", from, c.to())).isEmpty();
    }

    @Property(tries = 400)
    void everyHandoffFallsOnTheConfiguredLocalTime(@ForAll("unrestricted") Case c) {
        Layer layer = c.layer();
        ShiftLength length = layer.shift();
        if (!length.isCalendar() && !length.tilesADay()) {
            return;
        }
        Instant from = c.from().isBefore(layer.firstHandoff()) ? layer.firstHandoff() : c.from();
        if (!from.isBefore(c.to())) {
            return;
        }
        List<Shift> shifts = c.schedule(List.of()).shifts("l", from, c.to());
        for (int i = 1; i < shifts.size(); i++) {
            LocalDateTime local = LocalDateTime.ofInstant(shifts.get(i).start(), layer.zone());
            List<LocalTime> allowed = new ArrayList<>();
            int step = length.isCalendar() ? 24 : length.hours();
            for (int h = 0; h < 24; h += step) {
                allowed.add(layer.handoff().time().plusHours(h));
            }
            if (allowed.contains(local.toLocalTime())) {
                if (length.isWholeWeeks()) {
                    assertThat(local.getDayOfWeek()).isEqualTo(layer.handoff().day());
                }
                continue;
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
    }

    @Property(tries = 400)
    void anOverrideChangesExactlyItsInterval(@ForAll("withOverride") Case c, @ForAll("fractions") List<Double> at) {
        Schedule base = c.schedule(List.of());
        long span = Duration.between(c.from(), c.to()).getSeconds();
        Instant os = c.from().plusSeconds((long) (span * Math.min(at.get(0), at.get(1))));
        Instant oe = c.from().plusSeconds((long) (span * Math.max(at.get(0), at.get(1))) + 60);
        Schedule overridden = base.withOverrides(List.of(new ScheduleOverride("o", "l", "zed", os, oe, null)));
        for (double f : at.subList(2, at.size())) {
            Instant t = c.from().plusSeconds((long) (span * f));
            OnCall answer = overridden.onCall("l", t);
            if (!t.isBefore(os) && t.isBefore(oe)) {
                assertThat(answer.person()).contains("zed");
                assertThat(answer.override()).isTrue();
            } else {
                assertThat(answer).isEqualTo(base.onCall("l", t));
            }
        }
        List<Shift> outside = new ArrayList<>();
        for (Shift x : overridden.shifts("l", c.from(), c.to())) {
            if (!x.override()) {
                outside.add(x);
            } else {
                assertThat(x.start()).isAfterOrEqualTo(os);
                assertThat(x.end()).isBeforeOrEqualTo(oe);
            }
        }
        List<Shift> expected = new ArrayList<>();
        for (Shift x : base.shifts("l", c.from(), c.to())) {
            if (x.end().isAfter(os) && x.start().isBefore(oe)) {
                if (x.start().isBefore(os)) {
                    expected.add(new Shift("l", x.person(), x.start(), os, false));
                }
                if (x.end().isAfter(oe)) {
                    expected.add(new Shift("l", x.person(), oe, x.end(), false));
                }
            } else {
                expected.add(x);
            }
        }
        assertThat(outside).containsExactlyElementsOf(expected);
    }

    @Property(tries = 400)
    void onCallAgreesWithTheShiftListingAndGapsAreItsComplement(@ForAll("cases") Case c, @ForAll("fractions") List<Double> at) {
        Schedule s = c.schedule(List.of());
        List<Shift> shifts = s.shifts("l", c.from(), c.to());
        List<Gap> gaps = s.gaps("l", c.from(), c.to());
        long covered = 0;
        for (Shift x : shifts) {
            covered += Duration.between(x.start(), x.end()).getSeconds();
        }
        for (Gap g : gaps) {
            covered += Duration.between(g.start(), g.end()).getSeconds();
        }
        assertThat(covered).isEqualTo(Duration.between(c.from(), c.to()).getSeconds());
        long span = Duration.between(c.from(), c.to()).getSeconds();
        for (double f : at) {
            Instant t = c.from().plusSeconds((long) (span * f));
            Optional<String> listed = shifts.stream().filter(x -> !t.isBefore(x.start()) && t.isBefore(x.end()))
                    .map(Shift::person).findFirst();
            boolean inGap = gaps.stream().anyMatch(g -> !t.isBefore(g.start()) && t.isBefore(g.end()));
            assertThat(s.onCall("l", t).person()).isEqualTo(listed);
            assertThat(inGap).isEqualTo(listed.isEmpty());
        }
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
