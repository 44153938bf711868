package io.tocsin.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A severity's postmortem rule: whether an incident needs one once it is resolved, and by when.
 * {@code required} is {@link Requirement#WHEN_REPEATED} with {@code repeatCount} and {@code repeatWithin}:
 * a postmortem is required when this resolution is at least the {@code repeatCount}-th resolved incident
 * of the same service within {@code repeatWithin} (counting this one, whatever their dedup keys: a
 * service that keeps breaking in different ways needs looking at as much as one alert that repeats).
 * {@code within} is null when no deadline is set.
 */
public record PostmortemRule(Requirement required, Deadline within, int repeatCount, Duration repeatWithin) {
    public enum Requirement { ALWAYS, OPTIONAL, NEVER, WHEN_REPEATED }

    public static final PostmortemRule NONE = new PostmortemRule(Requirement.NEVER, null, 0, null);

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm", Locale.ROOT);

    /** What the rule decided for one resolution: required or not, due when (null: no deadline), and why, in words. */
    public record Decision(boolean required, Instant due, String text) {
    }

    /**
     * The decision at {@code resolvedAt}. {@code earlier}: when other incidents of the same service were
     * resolved (any order; only those within {@code repeatWithin} before this one count). Empty when no
     * postmortem is asked for (never, optional, or not repeated often enough): nothing goes on the timeline.
     */
    public Optional<Decision> decide(Instant resolvedAt, List<Instant> earlier, BusinessCalendar calendar) {
        String why;
        switch (required) {
            case ALWAYS -> why = "postmortem required";
            case WHEN_REPEATED -> {
                Instant since = resolvedAt.minus(repeatWithin);
                long count = 1 + earlier.stream().filter(t -> !t.isBefore(since) && !t.isAfter(resolvedAt)).count();
                if (count < repeatCount) {
                    return Optional.empty();
                }
                why = "postmortem required: " + count + " incidents of this service resolved within " + EscalationEngine.human(repeatWithin);
            }
            default -> {
                return Optional.empty();
            }
        }
        Instant due = due(resolvedAt, calendar);
        ZoneId zone = calendar.zone();
        String text = due == null ? why + ", no deadline"
                : why + ", due " + due.atZone(zone).format(LOCAL) + " (" + within.describe() + " after resolution)";
        return Optional.of(new Decision(true, due, text));
    }

    /**
     * The deadline for a postmortem of an incident resolved at {@code resolvedAt}: a fixed duration
     * after it, or the end of business hours on the n-th business day after the day it was resolved.
     * A postmortem is written in working days, not counted to the minute as a response target is:
     * resolved on Friday at 15:00 with {@code 2bd} it is due at the end of Tuesday.
     */
    public Instant due(Instant resolvedAt, BusinessCalendar calendar) {
        if (within == null) {
            return null;
        }
        if (within instanceof Deadline.BusinessDays bd) {
            return calendar.endOfBusinessDay(resolvedAt, bd.days());
        }
        return within.from(resolvedAt, calendar);
    }
}
