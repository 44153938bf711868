package io.tocsin.report;

import io.tocsin.config.EngineModel;
import io.tocsin.config.LiveSchedules;
import io.tocsin.config.Organisation;
import io.tocsin.config.OrganisationConfig;
import io.tocsin.engine.BusinessCalendar;
import io.tocsin.engine.EscalationRules;
import io.tocsin.engine.ResponseClocks;
import io.tocsin.engine.ResponseTarget;
import io.tocsin.engine.Severity;
import io.tocsin.engine.SeverityChange;
import io.tocsin.engine.TimelineEntry;
import io.tocsin.schedule.LocalTimes;
import io.tocsin.schedule.Schedule;
import io.tocsin.schedule.Shift;
import io.tocsin.store.EntryRow;
import io.tocsin.store.IncidentRow;
import io.tocsin.store.IncidentStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * Every report, computed in this one place from the incidents' timelines (the {@code incident_entry}
 * rows) and, for on-call hours, from the schedules' shifts. The API (JSON and CSV), the CLI (through
 * the API) and the UI all show what this computes.
 *
 * <p>What the figures mean, per incident of the period (opened in [from, to)):
 * <ul>
 * <li>its severity: the most severe it had while open ({@link #severityWhileOpen}); it groups the
 * report by severity and chooses the targets and cadence it is measured against.</li>
 * <li>time to acknowledge: first {@code ACKNOWLEDGED} entry minus the {@code OPENED} one; to resolve:
 * the {@code RESOLVED} entry minus {@code OPENED}; MTTA/MTTR are their means.</li>
 * <li>target adherence, per target the incident's severity sets: met unless the engine recorded its
 * breach ({@code TARGET_BREACHED}, the same deadlines the incident page counts down); measured once it
 * is decided (acknowledge: acknowledged, resolved or breached; first update: an update, a breach or
 * the resolution; resolve: resolved or breached). Open incidents still inside a target are not counted.</li>
 * <li>update-cadence adherence: of the incidents whose severity wants updates and that someone held
 * (acknowledged), those without a single {@code UPDATE_DUE} reminder.</li>
 * <li>an escalation: a moment after the first page at which the incident paged people again
 * ({@code NOTIFIED}: a later level, a trigger, a hand escalation, a repeat); several pages at one
 * moment are one escalation. Escalation rate: incidents with at least one, over all incidents.</li>
 * </ul>
 */
@Component
public class Reports {
    /** At most this many incidents a report reads; more is flagged {@code truncated}. */
    public static final int MAX_INCIDENTS = 10_000;
    /** The longest period a report covers. */
    public static final Duration MAX_PERIOD = Duration.ofDays(366);
    static final int NOISIEST = 10;
    static final int OPEN_LIMIT = 200;

    /** How a report's incidents are grouped. */
    public enum GroupBy {
        SEVERITY, SERVICE, TEAM, DAY, WEEK, MONTH;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<GroupBy> of(String text) {
            for (GroupBy g : values()) {
                if (g.id().equalsIgnoreCase(text == null ? "" : text.trim())) {
                    return Optional.of(g);
                }
            }
            return Optional.empty();
        }
    }

    /** When a moment falls for a person: business hours, off hours, or sleep hours. */
    public enum Hours { BUSINESS, OFF, SLEEP }

    /** One incident as the reports read its timeline. */
    public record IncidentFacts(long id, String severity, String service, String team, Instant opened, Instant acknowledged,
                                Instant firstUpdate, Instant resolved, Set<ResponseTarget> breached, int statusUpdates,
                                int updateReminders, List<Instant> escalations) {
    }

    /** One response target over a group: how many incidents were measured against it and how many met it. */
    public record TargetFigures(String target, int measured, int met, Double adherence) {
    }

    public record IncidentFigures(String group, int incidents, int acknowledged, Double mttaSeconds, int resolved, Double mttrSeconds,
                                  List<TargetFigures> targets, int cadenceIncidents, int cadenceKept, Double cadenceAdherence,
                                  int statusUpdates, int updateReminders, int escalations, Double escalationsPerIncident,
                                  int escalatedIncidents, Double escalationRate, Double meanTimeToFirstEscalationSeconds) {
    }

    public record IncidentReport(Instant from, Instant to, String by, List<IncidentFigures> groups, IncidentFigures total,
                                 boolean truncated) {
    }

    public record PersonFigures(String person, String name, String timeZone, long onCallSecondsBusiness, long onCallSecondsOff,
                                long onCallSecondsSleep, long onCallSeconds, double onCallHours, int pagesBusiness, int pagesOff,
                                int pagesSleep, int pages) {
    }

    public record PeopleReport(Instant from, Instant to, String sleepHours, List<PersonFigures> people) {
    }

    public record NoisyAlert(String service, String dedupKey, String summary, long events, int incidents) {
    }

    public record OpenIncident(String number, String severity, String service, String summary, String status, Instant openedAt) {
    }

    public record WeeklyReport(Instant from, Instant to, int incidents, int previousWeek, int change, Double changePercent, String trend,
                               Map<String, Integer> bySeverity, Map<String, Integer> bySeverityPreviousWeek,
                               List<OpenIncident> openIncidents, List<NoisyAlert> noisiestAlerts) {
    }

    private final IncidentStore incidents;
    private final LiveSchedules live;
    private final Clock clock;

    public Reports(IncidentStore incidents, LiveSchedules live, Clock clock) {
        this.incidents = incidents;
        this.live = live;
        this.clock = clock;
    }

    public Instant now() {
        return clock.instant();
    }

    public ZoneId zone() {
        return live.organisation().zone();
    }

    // ---- incidents ----

    public IncidentReport incidents(Instant from, Instant to, GroupBy by) {
        Organisation org = live.organisation();
        EscalationRules rules = EngineModel.rules(org.config());
        List<IncidentRow> rows = incidents.openedBetween(from, to, MAX_INCIDENTS);
        List<IncidentFacts> facts = facts(org, rows);
        Function<IncidentFacts, String> key = groupKey(by, org.zone());
        Map<String, List<IncidentFacts>> groups = new TreeMap<>(by == GroupBy.SEVERITY
                ? Comparator.comparingInt((String s) -> rules.severities().containsKey(s) ? rules.rank(s) : Integer.MAX_VALUE)
                        .thenComparing(Comparator.naturalOrder())
                : Comparator.naturalOrder());
        facts.forEach(f -> groups.computeIfAbsent(key.apply(f), k -> new ArrayList<>()).add(f));
        List<IncidentFigures> out = new ArrayList<>();
        groups.forEach((k, list) -> out.add(figures(k, list, rules.severities())));
        return new IncidentReport(from, to, by.id(), out, figures("all", facts, rules.severities()), rows.size() >= MAX_INCIDENTS);
    }

    List<IncidentFacts> facts(Organisation org, List<IncidentRow> rows) {
        Map<Long, List<EntryRow>> timelines = incidents.timelines(rows.stream().map(IncidentRow::id).toList());
        Map<String, String> teams = new java.util.HashMap<>();
        org.config().services().forEach(s -> teams.put(s.id(), s.team()));
        EscalationRules rules = EngineModel.rules(org.config());
        return rows.stream().map(r -> facts(r, timelines.getOrDefault(r.id(), List.of()), teams.get(r.serviceId()), rules)).toList();
    }

    /**
     * The severity an incident is reported under: the most severe it had while it was open (opening it, or
     * raised to it before it was resolved). A P3 raised to P1 was a P1 incident, and one lowered from P1 to
     * P3 once it was contained was a P1 incident too; a change after the resolution is not what it was.
     * A severity no longer configured ranks below every configured one.
     */
    static String severityWhileOpen(IncidentRow row, List<EntryRow> timeline, EscalationRules rules) {
        List<SeverityChange> changes = new ArrayList<>();
        Instant resolved = null;
        for (EntryRow e : timeline) {
            if (TimelineEntry.Kind.RESOLVED.name().equals(e.kind()) && resolved == null) {
                resolved = e.at();
            } else if (TimelineEntry.Kind.SEVERITY_CHANGED.name().equals(e.kind()) && (resolved == null || e.at().isBefore(resolved))) {
                SeverityChange.of(e.text()).ifPresent(changes::add);
            }
        }
        String highest = changes.isEmpty() ? row.severity() : changes.get(0).from();
        for (SeverityChange c : changes) {
            if (rules.rank(c.to()) < rules.rank(highest)) {
                highest = c.to();
            }
        }
        return highest;
    }

    static IncidentFacts facts(IncidentRow row, List<EntryRow> timeline, String team, EscalationRules rules) {
        Instant opened = null;
        Instant acknowledged = null;
        Instant firstUpdate = null;
        Instant resolved = null;
        Instant firstPage = null;
        Set<ResponseTarget> breached = EnumSet.noneOf(ResponseTarget.class);
        int updates = 0;
        int reminders = 0;
        TreeSet<Instant> pagedAt = new TreeSet<>();
        for (EntryRow e : timeline) {
            Optional<TimelineEntry.Kind> kind = kind(e.kind());
            if (kind.isEmpty()) {
                continue;
            }
            switch (kind.get()) {
                case OPENED -> opened = opened == null ? e.at() : opened;
                case ACKNOWLEDGED -> acknowledged = acknowledged == null ? e.at() : acknowledged;
                case STATUS_UPDATE -> {
                    firstUpdate = firstUpdate == null ? e.at() : firstUpdate;
                    updates++;
                }
                case RESOLVED -> resolved = resolved == null ? e.at() : resolved;
                case TARGET_BREACHED -> ResponseClocks.breached(e.text()).ifPresent(breached::add);
                case UPDATE_DUE -> reminders++;
                case NOTIFIED -> {
                    if (!e.people().isEmpty()) {
                        pagedAt.add(e.at());
                    }
                }
                default -> {
                }
            }
        }
        firstPage = pagedAt.isEmpty() ? null : pagedAt.first();
        List<Instant> escalations = firstPage == null ? List.of() : List.copyOf(pagedAt.tailSet(firstPage, false));
        return new IncidentFacts(row.id(), severityWhileOpen(row, timeline, rules), row.serviceId(), team, opened == null ? row.openedAt() : opened, acknowledged,
                firstUpdate, resolved, breached, updates, reminders, escalations);
    }

    private static Optional<TimelineEntry.Kind> kind(String kind) {
        try {
            return Optional.of(TimelineEntry.Kind.valueOf(kind));
        } catch (IllegalArgumentException notTheEngines) {
            // delivery entries: not what these figures count
            return Optional.empty();
        }
    }

    static Function<IncidentFacts, String> groupKey(GroupBy by, ZoneId zone) {
        return switch (by) {
            case SEVERITY -> IncidentFacts::severity;
            case SERVICE -> IncidentFacts::service;
            case TEAM -> f -> f.team() == null ? "(no team)" : f.team();
            case DAY -> f -> f.opened().atZone(zone).toLocalDate().toString();
            case WEEK -> f -> {
                ZonedDateTime z = f.opened().atZone(zone);
                return String.format(Locale.ROOT, "%d-W%02d", z.get(IsoFields.WEEK_BASED_YEAR), z.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            };
            case MONTH -> f -> f.opened().atZone(zone).toLocalDate().toString().substring(0, 7);
        };
    }

    static IncidentFigures figures(String group, List<IncidentFacts> facts, Map<String, Severity> severities) {
        int acknowledged = 0;
        long ackMillis = 0;
        int resolved = 0;
        long resolveMillis = 0;
        Map<ResponseTarget, int[]> targets = new EnumMap<>(ResponseTarget.class);
        for (ResponseTarget t : ResponseTarget.values()) {
            targets.put(t, new int[2]);
        }
        int cadenceIncidents = 0;
        int cadenceKept = 0;
        int updates = 0;
        int reminders = 0;
        int escalations = 0;
        int escalated = 0;
        long firstEscalationMillis = 0;
        for (IncidentFacts f : facts) {
            if (f.acknowledged() != null) {
                acknowledged++;
                ackMillis += Duration.between(f.opened(), f.acknowledged()).toMillis();
            }
            if (f.resolved() != null) {
                resolved++;
                resolveMillis += Duration.between(f.opened(), f.resolved()).toMillis();
            }
            Severity severity = severities.get(f.severity());
            for (ResponseTarget t : ResponseTarget.values()) {
                if (severity == null || severity.target(t) == null) {
                    continue;
                }
                boolean breached = f.breached().contains(t);
                Instant reached = switch (t) {
                    case ACKNOWLEDGE -> f.acknowledged() != null ? f.acknowledged() : f.resolved();
                    case FIRST_UPDATE -> f.firstUpdate();
                    case RESOLVE -> f.resolved();
                };
                boolean decided = breached || reached != null || f.resolved() != null;
                if (decided) {
                    targets.get(t)[0]++;
                    if (!breached && reached != null) {
                        targets.get(t)[1]++;
                    }
                }
            }
            if (severity != null && !severity.cadence().bands().isEmpty() && f.acknowledged() != null) {
                cadenceIncidents++;
                if (f.updateReminders() == 0) {
                    cadenceKept++;
                }
            }
            updates += f.statusUpdates();
            reminders += f.updateReminders();
            escalations += f.escalations().size();
            if (!f.escalations().isEmpty()) {
                escalated++;
                firstEscalationMillis += Duration.between(f.opened(), f.escalations().get(0)).toMillis();
            }
        }
        List<TargetFigures> targetFigures = new ArrayList<>();
        targets.forEach((t, n) -> targetFigures.add(new TargetFigures(ResponseClocks.name(t).replace(' ', '_'), n[0], n[1], ratio(n[1], n[0]))));
        int count = facts.size();
        return new IncidentFigures(group, count, acknowledged, meanSeconds(ackMillis, acknowledged), resolved,
                meanSeconds(resolveMillis, resolved), targetFigures, cadenceIncidents, cadenceKept, ratio(cadenceKept, cadenceIncidents),
                updates, reminders, escalations, ratio(escalations, count), escalated, ratio(escalated, count),
                meanSeconds(firstEscalationMillis, escalated));
    }

    static Double ratio(long part, long whole) {
        return whole == 0 ? null : (double) part / whole;
    }

    static Double meanSeconds(long millis, int count) {
        return count == 0 ? null : (double) millis / count / 1000.0;
    }

    // ---- people ----

    public PeopleReport people(Instant from, Instant to) {
        Organisation org = live.organisation();
        BusinessCalendar calendar = EngineModel.rules(org.config()).calendar();
        OrganisationConfig.SleepHours night = org.config().organisation().sleepHours();
        Map<String, List<Instant[]>> onCall = new java.util.HashMap<>();
        for (Schedule s : org.schedules().values()) {
            for (Shift shift : s.shifts(from, to)) {
                Instant start = shift.start().isBefore(from) ? from : shift.start();
                Instant end = shift.end().isAfter(to) ? to : shift.end();
                if (start.isBefore(end)) {
                    onCall.computeIfAbsent(shift.person(), k -> new ArrayList<>()).add(new Instant[] {start, end});
                }
            }
        }
        Map<String, Map<Hours, Integer>> pages = new java.util.HashMap<>();
        for (EntryRow e : incidents.entriesBetween(TimelineEntry.Kind.NOTIFIED.name(), from, to)) {
            for (String person : new java.util.LinkedHashSet<>(e.people())) {
                org.person(person).ifPresent(p -> pages.computeIfAbsent(p.id(), k -> new EnumMap<>(Hours.class))
                        .merge(hours(e.at(), zoneOf(org, p), calendar, night), 1, Integer::sum));
            }
        }
        List<PersonFigures> out = new ArrayList<>();
        for (OrganisationConfig.Person p : org.people().values()) {
            ZoneId zone = zoneOf(org, p);
            Map<Hours, Long> seconds = new EnumMap<>(Hours.class);
            for (Hours h : Hours.values()) {
                seconds.put(h, 0L);
            }
            for (Instant[] span : union(onCall.getOrDefault(p.id(), List.of()))) {
                split(span[0], span[1], zone, calendar, night).forEach((h, s) -> seconds.merge(h, s, Long::sum));
            }
            Map<Hours, Integer> paged = pages.getOrDefault(p.id(), Map.of());
            long total = seconds.values().stream().mapToLong(Long::longValue).sum();
            int b = paged.getOrDefault(Hours.BUSINESS, 0);
            int o = paged.getOrDefault(Hours.OFF, 0);
            int s = paged.getOrDefault(Hours.SLEEP, 0);
            out.add(new PersonFigures(p.id(), p.name(), zone.getId(), seconds.get(Hours.BUSINESS), seconds.get(Hours.OFF),
                    seconds.get(Hours.SLEEP), total, total / 3600.0, b, o, s, b + o + s));
        }
        out.sort(Comparator.comparing(PersonFigures::person));
        return new PeopleReport(from, to, night.toString(), out);
    }

    static ZoneId zoneOf(Organisation org, OrganisationConfig.Person p) {
        return p.timeZone() == null || p.timeZone().isBlank() ? org.zone() : ZoneId.of(p.timeZone());
    }

    /**
     * Business hours by the organisation's calendar (its working week, hours and holidays) read on the
     * person's own clock; else the organisation's sleep hours ({@code organisation.sleep_hours}, 22:00-07:00
     * unless configured); else off.
     */
    public static Hours hours(Instant at, ZoneId zone, BusinessCalendar calendar, OrganisationConfig.SleepHours night) {
        LocalDateTime local = LocalDateTime.ofInstant(at, zone);
        int minute = local.getHour() * 60 + local.getMinute();
        if (calendar.isBusinessDay(local.toLocalDate()) && minute >= calendar.startMinute() && minute < calendar.endMinute()) {
            return Hours.BUSINESS;
        }
        return night.contains(minute) ? Hours.SLEEP : Hours.OFF;
    }

    /** Seconds of [from, to) in each kind of hours: cut at every local instant the kind can change, each piece one kind. */
    static Map<Hours, Long> split(Instant from, Instant to, ZoneId zone, BusinessCalendar calendar, OrganisationConfig.SleepHours night) {
        Map<Hours, Long> out = new EnumMap<>(Hours.class);
        TreeSet<Instant> cuts = new TreeSet<>(List.of(from, to));
        LocalDate last = LocalDateTime.ofInstant(to, zone).toLocalDate();
        for (LocalDate d = LocalDateTime.ofInstant(from, zone).toLocalDate(); !d.isAfter(last); d = d.plusDays(1)) {
            for (int minute : new int[] {0, night.endMinute(), calendar.startMinute(), calendar.endMinute(), night.startMinute(), 24 * 60}) {
                Instant cut = LocalTimes.instant(d.atStartOfDay().plusMinutes(minute), zone);
                if (cut.isAfter(from) && cut.isBefore(to)) {
                    cuts.add(cut);
                }
            }
        }
        Instant previous = null;
        for (Instant cut : cuts) {
            if (previous != null) {
                out.merge(hours(previous, zone, calendar, night), Duration.between(previous, cut).toSeconds(), Long::sum);
            }
            previous = cut;
        }
        return out;
    }

    /** Overlapping spans (one person on two layers at once) counted once. */
    static List<Instant[]> union(List<Instant[]> spans) {
        List<Instant[]> sorted = new ArrayList<>(spans);
        sorted.sort(Comparator.comparing((Instant[] s) -> s[0]));
        List<Instant[]> out = new ArrayList<>();
        for (Instant[] s : sorted) {
            Instant[] lastSpan = out.isEmpty() ? null : out.get(out.size() - 1);
            if (lastSpan != null && !s[0].isAfter(lastSpan[1])) {
                if (s[1].isAfter(lastSpan[1])) {
                    lastSpan[1] = s[1];
                }
            } else {
                out.add(new Instant[] {s[0], s[1]});
            }
        }
        return out;
    }

    // ---- weekly hand-off ----

    public WeeklyReport weekly(Instant from) {
        Instant to = from.plus(Duration.ofDays(7));
        List<IncidentRow> week = incidents.openedBetween(from, to, MAX_INCIDENTS);
        List<IncidentRow> previous = incidents.openedBetween(from.minus(Duration.ofDays(7)), from, MAX_INCIDENTS);
        int change = week.size() - previous.size();
        Double percent = previous.isEmpty() ? null : 100.0 * change / previous.size();
        String trend = change > 0 ? "up" : change < 0 ? "down" : "flat";
        Map<String, NoisyAlert> noisy = new LinkedHashMap<>();
        for (IncidentRow r : week) {
            String key = r.serviceId() + "\u0000" + r.dedupKey();
            NoisyAlert before = noisy.get(key);
            noisy.put(key, new NoisyAlert(r.serviceId(), r.dedupKey(), r.summary(), (before == null ? 0 : before.events()) + r.eventCount(),
                    (before == null ? 0 : before.incidents()) + 1));
        }
        List<NoisyAlert> noisiest = noisy.values().stream()
                .sorted(Comparator.comparingLong(NoisyAlert::events).reversed().thenComparing(Comparator.comparingInt(NoisyAlert::incidents).reversed())
                        .thenComparing(NoisyAlert::service).thenComparing(NoisyAlert::dedupKey))
                .limit(NOISIEST).toList();
        List<OpenIncident> open = incidents.list(true, OPEN_LIMIT).stream()
                .sorted(Comparator.comparing(IncidentRow::openedAt))
                .map(r -> new OpenIncident(r.number(), r.severity(), r.serviceId(), r.summary(), r.status(), r.openedAt())).toList();
        return new WeeklyReport(from, to, week.size(), previous.size(), change, percent, trend, bySeverity(week), bySeverity(previous),
                open, noisiest);
    }

    private Map<String, Integer> bySeverity(List<IncidentRow> rows) {
        EscalationRules rules = EngineModel.rules(live.organisation().config());
        Map<String, Integer> out = new TreeMap<>(Comparator.comparingInt((String s) -> rules.severities().containsKey(s) ? rules.rank(s)
                : Integer.MAX_VALUE).thenComparing(Comparator.naturalOrder()));
        rows.forEach(r -> out.merge(r.severity(), 1, Integer::sum));
        return out;
    }
}
