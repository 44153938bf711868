package io.tocsin.coverage;

import io.tocsin.config.Durations;
import io.tocsin.config.EngineModel;
import io.tocsin.config.Organisation;
import io.tocsin.config.OrganisationConfig;
import io.tocsin.engine.Directory;
import io.tocsin.engine.EscalationPolicy;
import io.tocsin.engine.Level;
import io.tocsin.engine.Severity;
import io.tocsin.engine.TimelineEntry;
import io.tocsin.engine.TimelineEntry.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Proof that every page has someone to reach. For each service and each severity whose response is
 * {@code page}, a hypothetical unacknowledged incident is opened at the start of the horizon and again
 * at every instant where what it would meet can change, and the real engine ({@link EngineProbe})
 * escalates it. Between two such instants the answer is the same: the engine's timing is relative to
 * the opening, and only schedule layers answer differently over time, so the next instant to look at
 * is the earliest moment one of the instants the engine ran at, shifted along with the opening,
 * reaches a hand-off, restriction edge or override boundary ({@link ScheduleChanges}).
 */
public final class Coverage {
    public static final int DEFAULT_WEEKS = 8;
    public static final int MAX_WEEKS = 52;
    /** How long after opening a hypothetical incident is followed, at most; ladders end long before. */
    static final Duration FOLLOW_FOR = Duration.ofDays(2);
    /** Bound on wake-ups per hypothetical incident, so a configuration can never spin the check. */
    static final int MAX_WAKES = 500;

    private Coverage() {
    }

    public static CoverageReport of(Organisation org, Instant from, int weeks) {
        if (weeks < 1 || weeks > MAX_WEEKS) {
            throw new IllegalArgumentException("weeks must be between 1 and " + MAX_WEEKS);
        }
        Instant to = from.plus(Duration.ofDays(7L * weeks));
        Map<String, EscalationPolicy> policies = EngineModel.policies(org.config());
        Map<String, Severity> severities = EngineModel.severities(org.config());
        EngineProbe probe = new EngineProbe(org);
        List<CoverageReport.Check> checks = new ArrayList<>();
        for (OrganisationConfig.Service service : org.config().services()) {
            EscalationPolicy policy = policies.get(service.escalationPolicy());
            ScheduleChanges changes = ScheduleChanges.of(org, policy);
            for (Severity severity : severities.values()) {
                if (!severity.pages()) {
                    continue;
                }
                if (!service.enabled()) {
                    checks.add(new CoverageReport.Check(service.id(), severity.id(), false, null, null, describe(severity.acknowledge()),
                            List.of(), List.of()));
                    continue;
                }
                checks.add(check(probe, changes, service.id(), policy, severity, from, to));
            }
        }
        return new CoverageReport(org.id(), org.zone(), from, to, checks);
    }

    private static String describe(io.tocsin.engine.Deadline d) {
        return d == null ? null : d.describe();
    }

    /** What a hypothetical incident opened at one instant meets. */
    private record Verdict(String path, String firstLevel, String firstLevelGap, String acknowledgeGap, List<Instant> steps) {
    }

    private static CoverageReport.Check check(EngineProbe probe, ScheduleChanges changes, String service, EscalationPolicy policy,
                                              Severity severity, Instant from, Instant to) {
        Periods first = new Periods();
        Periods acknowledge = new Periods();
        Verdict v = null;
        Instant t = from;
        while (t.isBefore(to)) {
            v = verdict(probe, service, policy, severity, t);
            Instant next = to;
            for (Instant step : v.steps()) {
                Duration offset = Duration.between(t, step);
                Instant change = changes.nextAfter(step).minus(offset);
                if (change.isBefore(next)) {
                    next = change;
                }
            }
            if (!next.isAfter(t)) {
                next = t.plusSeconds(1);
            }
            first.add(t, next, v.firstLevelGap());
            acknowledge.add(t, next, v.acknowledgeGap());
            t = next;
        }
        return new CoverageReport.Check(service, severity.id(), true, v == null ? null : v.path(), v == null ? null : v.firstLevel(),
                describe(severity.acknowledge()), first.periods, acknowledge.periods);
    }

    /** Opens a hypothetical incident at {@code at} and follows it until both questions are answered. */
    private static Verdict verdict(EngineProbe probe, String service, EscalationPolicy policy, Severity severity, Instant at) {
        EngineProbe.Run run = probe.open(service, severity.id(), at);
        String path = run.entries().stream().filter(e -> e.kind() == Kind.OPENED).map(TimelineEntry::path).filter(Objects::nonNull)
                .findFirst().orElseThrow(() -> new IllegalStateException("the engine opened no path for " + severity.id()));
        Level level = policy.path(path).orElseThrow().levels().get(0);
        Instant deadline = severity.acknowledge() == null ? null : probe.deadline(severity.acknowledge(), at);
        Instant limit = at.plus(FOLLOW_FOR);
        for (int wakes = 0; wakes < MAX_WAKES; wakes++) {
            if (firstLevelEntry(run, path, level).isPresent() && (deadline == null || firstNotified(run).isPresent())) {
                break;
            }
            Optional<Instant> wake = run.nextWake();
            if (wake.isEmpty() || wake.get().isAfter(limit)) {
                break;
            }
            run.wake();
        }
        return new Verdict(path, level.id(), firstLevelGap(run, path, level, at),
                deadline == null ? null : acknowledgeGap(run, at, deadline), List.copyOf(run.steps()));
    }

    private static Optional<TimelineEntry> firstLevelEntry(EngineProbe.Run run, String path, Level level) {
        return run.entries().stream().filter(e -> (e.kind() == Kind.NOTIFIED || e.kind() == Kind.LEVEL_SKIPPED)
                && path.equals(e.path()) && level.id().equals(e.level())).findFirst();
    }

    private static Optional<TimelineEntry> firstNotified(EngineProbe.Run run) {
        return run.entries().stream().filter(e -> e.kind() == Kind.NOTIFIED && !e.people().isEmpty()).findFirst();
    }

    /** Why the first level reaches nobody, or null when it reaches someone. */
    private static String firstLevelGap(EngineProbe.Run run, String path, Level level, Instant at) {
        Optional<TimelineEntry> entry = firstLevelEntry(run, path, level);
        if (entry.isEmpty()) {
            return "level " + level.id() + " is not notified within " + Durations.format(FOLLOW_FOR) + " of the opening";
        }
        if (entry.get().kind() == Kind.NOTIFIED) {
            return null;
        }
        // Skipped: either nobody was there, or everyone it names had just been paged by something else.
        String nobody = nobody(run, level, entry.get().at());
        return nobody == null ? null : "level " + level.id() + " reaches nobody (" + nobody + ")";
    }

    /** The targets of {@code level} that reach nobody at {@code at}, in words; null when one of them reaches someone. */
    private static String nobody(EngineProbe.Run run, Level level, Instant at) {
        List<Directory.Resolution> reach = run.reach(level.targets(), at);
        if (reach.stream().anyMatch(r -> !r.people().isEmpty())) {
            return null;
        }
        return String.join("; ", reach.stream().map(Directory.Resolution::description).toList());
    }

    /** Why nobody is notified before {@code deadline}, or null when someone is. */
    private static String acknowledgeGap(EngineProbe.Run run, Instant at, Instant deadline) {
        Optional<TimelineEntry> first = firstNotified(run);
        if (first.isPresent() && first.get().at().isBefore(deadline)) {
            return null;
        }
        StringBuilder why = new StringBuilder("nobody is notified within " + Durations.format(Duration.between(at, deadline)));
        List<String> skipped = new ArrayList<>();
        for (TimelineEntry e : run.entries()) {
            if (e.kind() == Kind.LEVEL_SKIPPED && e.level() != null && e.at().isBefore(deadline)) {
                skipped.add(e.level());
            }
        }
        if (!skipped.isEmpty()) {
            why.append(": level ").append(String.join(", ", skipped)).append(" reach").append(skipped.size() == 1 ? "es" : "")
                    .append(" nobody");
        }
        if (first.isPresent()) {
            TimelineEntry e = first.get();
            why.append(skipped.isEmpty() ? ": " : "; ").append("first notified after ")
                    .append(Durations.format(Duration.between(at, e.at()))).append(" (")
                    .append(e.level() != null ? "level " + e.level() : "trigger " + e.trigger()).append(": ")
                    .append(String.join(", ", e.people())).append(')');
        } else {
            why.append(skipped.isEmpty() ? ": " : "; ").append(run.nextWake().isEmpty() ? "the ladder ends without notifying anyone"
                    : "nobody is notified in the " + Durations.format(FOLLOW_FOR) + " after the opening");
        }
        return why.toString();
    }

    /** Consecutive spans with the same reason, merged into periods; spans without one (covered) are left out. */
    private static final class Periods {
        final List<CoverageReport.Period> periods = new ArrayList<>();

        void add(Instant start, Instant end, String reason) {
            if (reason == null) {
                return;
            }
            int last = periods.size() - 1;
            if (last >= 0 && periods.get(last).end().equals(start) && periods.get(last).reason().equals(reason)) {
                periods.set(last, new CoverageReport.Period(periods.get(last).start(), end, reason));
            } else {
                periods.add(new CoverageReport.Period(start, end, reason));
            }
        }
    }
}
