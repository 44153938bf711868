package io.tocsin.bench;

import io.tocsin.schedule.Handoff;
import io.tocsin.schedule.Layer;
import io.tocsin.schedule.Numbering;
import io.tocsin.schedule.OnCall;
import io.tocsin.schedule.Restriction;
import io.tocsin.schedule.Schedule;
import io.tocsin.schedule.ScheduleOverride;
import io.tocsin.schedule.ShiftLength;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * On-call lookups on a schedule with 3 layers (weekly primary, weekly secondary, 12-hour business-hours
 * layer) and 100 overrides spread over a year, in Europe/Bucharest. Run:
 * {@code ./mvnw -Pbench test-compile exec:exec}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class OnCallLookupBenchmark {
    static final ZoneId ZONE = ZoneId.of("Europe/Bucharest");
    static final Instant YEAR_START = Instant.parse("2026-01-01T00:00:00Z");
    static final int N = 4096;

    Schedule schedule;
    Instant[] randomInstants;
    Instant[] sameWeekInstants;
    int i;

    @Setup(Level.Trial)
    public void setUp() {
        LocalDate start = LocalDate.of(2026, 1, 5);
        Layer primary = new Layer("primary", "primary", List.of("a", "b", "c", "d"), ShiftLength.parse("1w"),
                Handoff.weekly(DayOfWeek.MONDAY, LocalTime.of(9, 0)), start, Numbering.SEQUENCE, List.of(), ZONE);
        Layer secondary = new Layer("secondary", "secondary", List.of("c", "d", "a", "b"), ShiftLength.parse("1w"),
                Handoff.weekly(DayOfWeek.MONDAY, LocalTime.of(9, 0)), start, Numbering.SEQUENCE, List.of(), ZONE);
        Layer business = new Layer("business", "business", List.of("e", "f"), ShiftLength.parse("12h"), Handoff.daily(LocalTime.of(9, 0)),
                start, Numbering.SEQUENCE, List.of(new Restriction(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), 9 * 60, 17 * 60)), ZONE);
        SplittableRandom random = new SplittableRandom(42);
        List<ScheduleOverride> overrides = new ArrayList<>();
        String[] layers = {"primary", "secondary", "business"};
        for (int k = 0; k < 100; k++) {
            Instant s = YEAR_START.plusSeconds(random.nextLong(365L * 86_400));
            overrides.add(new ScheduleOverride("o" + k, layers[k % 3], "x" + k, s, s.plus(Duration.ofHours(1 + random.nextInt(48))), null));
        }
        schedule = new Schedule("bench", "bench", ZONE, List.of(primary, secondary, business), overrides);
        randomInstants = new Instant[N];
        sameWeekInstants = new Instant[N];
        Instant week = Instant.parse("2026-06-09T10:00:00Z");
        for (int k = 0; k < N; k++) {
            randomInstants[k] = YEAR_START.plusSeconds(random.nextLong(365L * 86_400));
            sameWeekInstants[k] = week.plusSeconds(random.nextLong(3 * 86_400));
        }
    }

    @Benchmark
    public OnCall primaryLayerRandomInstantInAYear() {
        return schedule.onCall("primary", randomInstants[i++ & (N - 1)]);
    }

    @Benchmark
    public OnCall primaryLayerWithinOneWeek() {
        return schedule.onCall("primary", sameWeekInstants[i++ & (N - 1)]);
    }

    @Benchmark
    public OnCall restrictedLayerRandomInstantInAYear() {
        return schedule.onCall("business", randomInstants[i++ & (N - 1)]);
    }

    @Benchmark
    public List<OnCall> allThreeLayersRandomInstantInAYear() {
        return schedule.onCall(randomInstants[i++ & (N - 1)]);
    }
}
