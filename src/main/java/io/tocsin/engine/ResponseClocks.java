package io.tocsin.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A severity's response targets as clocks on one incident: when each runs out, when it was met, and
 * how much time is left or how late it is. The deadlines are the ones {@link Timing} breaches on, so
 * what the API, the CLI and the UI show is what the timeline records.
 */
public final class ResponseClocks {
    /** {@code MET}/{@code LATE}: met before/after its deadline; {@code RUNNING}/{@code OVERDUE}: not met yet; {@code MISSED}: resolved without it. */
    public enum State { MET, LATE, RUNNING, OVERDUE, MISSED }

    /**
     * @param deadline the target as written ("15m", "1 business day")
     * @param due when it runs out (for the acknowledgement: counted from the last re-trigger)
     * @param metAt when it was met, or null
     * @param left time left while running, or how late it is (negative) when overdue or met late
     */
    public record Clock(ResponseTarget target, String name, String deadline, Instant due, Instant metAt, State state, Duration left) {
        private static final java.time.format.DateTimeFormatter LOCAL = java.time.format.DateTimeFormatter.ofPattern("EEE HH:mm",
                Locale.ROOT);

        /** In words, local times in {@code zone}: "12m left (due Wed 10:15)", "overdue by 5m", "met at Wed 10:03". */
        public String describe(java.time.ZoneId zone) {
            String due = this.due == null ? "" : " (due " + LOCAL.format(this.due.atZone(zone)) + ")";
            return switch (state) {
                case MET -> "met at " + LOCAL.format(metAt.atZone(zone));
                case LATE -> "met " + EscalationEngine.human(left.negated()) + " late, at " + LOCAL.format(metAt.atZone(zone));
                case RUNNING -> (left == null ? "running" : EscalationEngine.human(left) + " left") + due;
                case OVERDUE -> "overdue by " + EscalationEngine.human(left.negated()) + due;
                case MISSED -> "missed: resolved without it";
            };
        }
    }

    private ResponseClocks() {
    }

    public static String name(ResponseTarget target) {
        return target.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** What a {@code TARGET_BREACHED} entry says: "acknowledge target of P1 (5m) breached". */
    public static String breachText(ResponseTarget target, String severity, Deadline deadline) {
        return name(target) + " target of " + severity + " (" + deadline.describe() + ") breached";
    }

    /** Which target a {@code TARGET_BREACHED} entry's text (from {@link #breachText}) names; reports count breaches by it. */
    public static java.util.Optional<ResponseTarget> breached(String text) {
        for (ResponseTarget target : ResponseTarget.values()) {
            if (text != null && text.startsWith(name(target) + " target of ")) {
                return java.util.Optional.of(target);
            }
        }
        return java.util.Optional.empty();
    }

    public static List<Clock> of(IncidentState s, EscalationRules rules, Instant now) {
        List<Clock> out = new ArrayList<>();
        Severity severity = rules.severities().get(s.severity());
        if (severity == null) {
            return out;
        }
        for (ResponseTarget target : ResponseTarget.values()) {
            Deadline deadline = severity.target(target);
            if (deadline == null) {
                continue;
            }
            Instant start = target == ResponseTarget.ACKNOWLEDGE ? s.unacknowledgedSince() : s.openedAt();
            Instant due = deadline.from(start, rules.calendar());
            Instant met = switch (target) {
                // A resolution answers the page too: nobody acknowledges what is already fixed.
                case ACKNOWLEDGE -> s.acknowledgedAt() != null ? s.acknowledgedAt() : s.resolvedAt();
                case FIRST_UPDATE -> s.firstUpdateAt();
                case RESOLVE -> s.resolvedAt();
            };
            State state;
            Duration left = null;
            if (met != null) {
                // The deadline instant itself is already late, as it is for the breach and for target_breached triggers.
                boolean onTime = due == null || met.isBefore(due);
                state = onTime ? State.MET : State.LATE;
                left = due == null ? null : Duration.between(met, due);
            } else if (!s.isOpen()) {
                state = State.MISSED;
            } else if (due == null || now.isBefore(due)) {
                state = State.RUNNING;
                left = due == null ? null : Duration.between(now, due);
            } else {
                state = State.OVERDUE;
                left = Duration.between(now, due);
            }
            out.add(new Clock(target, name(target), deadline.describe(), due, met, state, left));
        }
        return out;
    }
}
