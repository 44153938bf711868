package io.tocsin.config;

import io.tocsin.schedule.Layer;
import io.tocsin.schedule.LocalTimes;
import io.tocsin.schedule.OnCall;
import io.tocsin.schedule.Schedule;
import io.tocsin.schedule.Shift;
import io.tocsin.store.AuditLog;
import io.tocsin.store.Columns;
import io.tocsin.store.FeedTokenStore;
import io.tocsin.store.ScheduleOverrideStore;
import io.tocsin.store.StoredOverride;
import io.tocsin.store.SwapRequest;
import io.tocsin.store.SwapRequestStore;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The schedules as people see and change them, for every interface: who is on call now and who is
 * next, a schedule's shifts by layer, and the changes (overrides, swaps, feed links) with their rules
 * and audit entries. Every answer comes from {@link LiveSchedules}, the organisation the server pages
 * from, so the pages, the API and the pages sent never disagree. Answers use plain values (ids, names,
 * instants) so the browser UI stays away from the schedule module's types.
 */
@Service
public class Rotas {
    /** How far ahead "until when" and "who is next" look; no rotation's shift is longer. */
    static final int HORIZON_DAYS = 400;

    /** One thing wrong with a change, named by the field it came from. */
    public record Problem(String field, String message) {
    }

    /** A change refused for what it said: every problem at once (the API answers 400, a form shows them). */
    public static final class Invalid extends RuntimeException {
        private final List<Problem> problems;

        Invalid(List<Problem> problems) {
            super(problems.stream().map(p -> p.field() + ": " + p.message()).reduce((a, b) -> a + "; " + b).orElse(""));
            this.problems = List.copyOf(problems);
        }

        public List<Problem> problems() {
            return problems;
        }
    }

    /** What a change names does not exist (the API answers 404). */
    public static final class Missing extends RuntimeException {
        Missing(String message) {
            super(message);
        }
    }

    /** A change that came too late: the swap was decided already (the API answers 409). */
    public static final class Conflict extends RuntimeException {
        Conflict(String message) {
            super(message);
        }
    }

    /**
     * One layer now: who ({@code person} null when nobody is), until when ({@code until} null when the
     * answer does not change within the horizon), and who comes after ({@code next} null for nobody).
     */
    public record LayerNow(String layer, String layerName, String person, String name, boolean override, String reason,
                           Instant until, String next, String nextName) {
    }

    public record ScheduleNow(String schedule, String name, String zone, List<LayerNow> layers) {
    }

    /** A team with the schedules its services' escalation policies page; a null team holds the schedules no team's do. */
    public record TeamNow(String team, String name, List<ScheduleNow> schedules) {
    }

    public record ShiftLine(String person, String name, Instant start, Instant end, boolean override) {
    }

    public record LayerShifts(String layer, String name, List<ShiftLine> shifts) {
    }

    public record ScheduleSummary(String id, String name, String zone, List<String> layers) {
    }

    /** A schedule's final shifts in [from, to) per layer, overrides applied and marked. */
    public record Shifts(String schedule, String name, String zone, Instant from, Instant to, List<LayerShifts> layers) {
    }

    /**
     * Tells a person about a swap (the notify module's deliveries): called inside the transaction that
     * records the request or the decision, so the notice goes out exactly when the change is stored.
     * {@code key} makes telling twice a no-op.
     */
    public interface Notifier {
        void tell(String personId, String key, String text);
    }

    /** A change to the schedule: {@code layer} null for the first layer. */
    public record NewOverride(String layer, String person, Instant start, Instant end, String reason) {
    }

    public record NewSwap(String layer, String requester, String counterpart, Instant start, Instant end) {
    }

    /**
     * Whether the one acting may change these people's shifts on this schedule (their own, or as a
     * manager of its team): the caller's rule (access roles), asked after the change was found valid
     * and before anything is written, so API and UI refuse the same changes. Refuses by throwing.
     */
    @FunctionalInterface
    public interface ShiftGuard {
        void check(String scheduleId, Set<String> people);
    }

    private final LiveSchedules live;
    private final ScheduleOverrideStore overrides;
    private final SwapRequestStore swaps;
    private final FeedTokenStore feeds;
    private final AuditLog audit;
    private final PublicUrl publicUrl;
    private final Clock clock;
    private final List<Notifier> notifiers;

    public Rotas(LiveSchedules live, ScheduleOverrideStore overrides, SwapRequestStore swaps, FeedTokenStore feeds, AuditLog audit,
                 PublicUrl publicUrl, Clock clock, List<Notifier> notifiers) {
        this.notifiers = List.copyOf(notifiers);
        this.live = live;
        this.overrides = overrides;
        this.swaps = swaps;
        this.feeds = feeds;
        this.audit = audit;
        this.publicUrl = publicUrl;
        this.clock = clock;
    }

    public Instant now() {
        return clock.instant();
    }

    /** A wall-clock time in {@code zone} as an instant, by the schedules' one rule for gaps and overlaps. */
    public static Instant instant(LocalDateTime local, ZoneId zone) {
        return LocalTimes.instant(local, zone);
    }

    public List<ScheduleSummary> schedules() {
        return live.organisation().schedules().values().stream()
                .map(s -> new ScheduleSummary(s.id(), s.name(), s.zone().getId(), s.layers().stream().map(Layer::id).toList()))
                .toList();
    }

    public Optional<ScheduleSummary> schedule(String id) {
        return schedules().stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** Who is on call at {@code at} in every layer of every schedule, grouped by team. */
    public List<TeamNow> onCallByTeam(Instant at) {
        Organisation org = live.organisation();
        Map<String, ScheduleNow> bySchedule = new LinkedHashMap<>();
        for (Schedule s : org.schedules().values()) {
            bySchedule.put(s.id(), onCall(org, s, at));
        }
        List<TeamNow> out = new ArrayList<>();
        Set<String> placed = new LinkedHashSet<>();
        for (OrganisationConfig.Team team : org.config().teams()) {
            List<ScheduleNow> theirs = schedulesPagedFor(org, team.id()).stream()
                    .filter(bySchedule::containsKey).map(bySchedule::get).toList();
            if (!theirs.isEmpty()) {
                out.add(new TeamNow(team.id(), team.name() == null ? team.id() : team.name(), theirs));
                theirs.forEach(s -> placed.add(s.schedule()));
            }
        }
        List<ScheduleNow> rest = bySchedule.values().stream().filter(s -> !placed.contains(s.schedule())).toList();
        if (!rest.isEmpty()) {
            out.add(new TeamNow(null, null, rest));
        }
        return out;
    }

    /** The schedules the escalation policies of a team's services name, in the order the policies name them. */
    static Set<String> schedulesPagedFor(Organisation org, String team) {
        OrganisationConfig c = org.config();
        Set<String> policies = new LinkedHashSet<>();
        c.services().stream().filter(s -> team.equals(s.team()) && s.escalationPolicy() != null)
                .forEach(s -> policies.add(s.escalationPolicy()));
        Set<String> out = new LinkedHashSet<>();
        for (OrganisationConfig.EscalationPolicy p : c.escalationPolicies()) {
            if (!policies.contains(p.id())) {
                continue;
            }
            for (OrganisationConfig.Path path : p.paths()) {
                path.levels().forEach(l -> l.targets().forEach(t -> addSchedule(out, t)));
                path.triggers().forEach(t -> t.action().targets().forEach(x -> addSchedule(out, x)));
            }
            p.triggers().forEach(t -> t.action().targets().forEach(x -> addSchedule(out, x)));
        }
        return out;
    }

    private static void addSchedule(Set<String> out, OrganisationConfig.Target t) {
        if (t.schedule() != null) {
            out.add(t.schedule());
        }
    }

    private static ScheduleNow onCall(Organisation org, Schedule s, Instant at) {
        List<LayerNow> layers = new ArrayList<>();
        for (Layer layer : s.layers()) {
            OnCall now = s.onCall(layer.id(), at);
            Instant until = s.nextHandoff(layer.id(), at, HORIZON_DAYS).orElse(null);
            String next = until == null ? null : s.onCall(layer.id(), until).person().orElse(null);
            String person = now.person().orElse(null);
            layers.add(new LayerNow(layer.id(), layer.name() == null ? layer.id() : layer.name(), person, name(org, person),
                    now.override(), now.reason(), until, next, name(org, next)));
        }
        return new ScheduleNow(s.id(), s.name(), s.zone().getId(), layers);
    }

    /** The final shifts of a schedule in [from, to), per layer in priority order. */
    public Shifts shifts(String scheduleId, Instant from, Instant to) {
        Organisation org = live.organisation();
        Schedule s = org.schedule(scheduleId).orElseThrow(() -> new Missing("no schedule \"" + scheduleId + "\""));
        List<LayerShifts> layers = new ArrayList<>();
        for (Layer layer : s.layers()) {
            List<ShiftLine> lines = new ArrayList<>();
            for (Shift x : s.shifts(layer.id(), from, to)) {
                lines.add(new ShiftLine(x.person(), name(org, x.person()), x.start(), x.end(), x.override()));
            }
            layers.add(new LayerShifts(layer.id(), layer.name() == null ? layer.id() : layer.name(), lines));
        }
        return new Shifts(s.id(), s.name(), s.zone().getId(), from, to, layers);
    }

    /** A person's name as the configuration gives it, else their id; null for nobody. */
    public static String name(Organisation org, String personId) {
        return personId == null ? null : org.person(personId).map(OrganisationConfig.Person::name).orElse(personId);
    }

    public List<StoredOverride> overrides(String scheduleId) {
        requireSchedule(scheduleId);
        return overrides.forSchedule(scheduleId);
    }

    public List<SwapRequest> swaps(String scheduleId) {
        return swaps.forSchedule(scheduleId);
    }

    /**
     * Someone covers a layer for a while. The person and the layer must exist; a missing layer means
     * the first. Audited with who did it and through which interface.
     */
    @Transactional
    public StoredOverride addOverride(String scheduleId, NewOverride o, String actor, String via, ShiftGuard guard) {
        Schedule s = requireSchedule(scheduleId);
        List<Problem> problems = new ArrayList<>();
        knownLayer(problems, s, o.layer());
        required(problems, "person", o.person());
        known(problems, "person", "person", o.person(), live.organisation().people().keySet());
        ordered(problems, o.start(), o.end());
        if (o.reason() != null && o.reason().length() > Columns.OVERRIDE_REASON) {
            problems.add(new Problem("reason", "at most " + Columns.OVERRIDE_REASON + " characters, got " + o.reason().length()));
        }
        refuseIfAny(problems);
        guard.check(scheduleId, Set.of(o.person()));
        String layer = o.layer() == null ? s.layers().get(0).id() : o.layer();
        StoredOverride created = overrides.add(scheduleId, layer, o.person(), o.start(), o.end(), o.reason(), actor);
        audit.record(actor, via, "schedule.override.create", "schedule/" + scheduleId + "/overrides/" + created.id(), null,
                created, o.person() + " covers " + layer + " " + o.start() + " - " + o.end());
        live.invalidate();
        return created;
    }

    @Transactional
    public void deleteOverride(String scheduleId, long overrideId, String actor, String via, ShiftGuard guard) {
        StoredOverride o = overrides.find(overrideId).filter(x -> x.scheduleId().equals(scheduleId))
                .orElseThrow(() -> new Missing("schedule " + scheduleId + " has no override " + overrideId));
        guard.check(scheduleId, Set.of(o.personId()));
        overrides.delete(o.id());
        audit.record(actor, via, "schedule.override.delete", "schedule/" + scheduleId + "/overrides/" + overrideId, o, null,
                o.personId());
        live.invalidate();
    }

    /** {@code requester} asks {@code counterpart} to cover a stretch of a layer; nothing changes until they accept. */
    @Transactional
    public SwapRequest requestSwap(String scheduleId, NewSwap w, String actor, String via, ShiftGuard guard) {
        Schedule s = requireSchedule(scheduleId);
        List<Problem> problems = new ArrayList<>();
        knownLayer(problems, s, w.layer());
        Set<String> people = live.organisation().people().keySet();
        required(problems, "requester", w.requester());
        required(problems, "counterpart", w.counterpart());
        known(problems, "requester", "person", w.requester(), people);
        known(problems, "counterpart", "person", w.counterpart(), people);
        if (w.requester() != null && w.requester().equals(w.counterpart())) {
            problems.add(new Problem("counterpart", "must be someone other than the requester"));
        }
        ordered(problems, w.start(), w.end());
        refuseIfAny(problems);
        // asking for one's own shift to be covered is one's own change; asking for someone else's is a manager's
        guard.check(scheduleId, Set.of(w.requester()));
        String layer = w.layer() == null ? s.layers().get(0).id() : w.layer();
        SwapRequest created = swaps.request(scheduleId, layer, w.requester(), w.counterpart(), w.start(), w.end());
        audit.record(actor, via, "schedule.swap.request", "swap/" + created.id(), null, created,
                w.requester() + " asks " + w.counterpart() + " to cover " + layer + " " + w.start() + " - " + w.end());
        Organisation org = live.organisation();
        tell(created.counterpart(), "swap|" + created.id() + "|requested", name(org, created.requester()) + " asks you to cover "
                + stretch(org, s, created, created.counterpart()) + ".\nAccept or decline it on the schedule's page: "
                + publicUrl.resolve("/ui/schedules/" + s.id()));
        return created;
    }

    /** The counterpart takes the stretch: it becomes an override in their name. */
    @Transactional
    public SwapRequest acceptSwap(long swapId, String actor, String via, ShiftGuard guard) {
        SwapRequest swap = pending(swapId);
        // the one asked to cover answers for themselves; a manager of the schedule's team may answer for them
        guard.check(swap.scheduleId(), Set.of(swap.counterpart()));
        StoredOverride o = overrides.add(swap.scheduleId(), swap.layerId(), swap.counterpart(), swap.start(), swap.end(),
                "swap " + swapId + " with " + swap.requester(), actor);
        if (!swaps.decide(swapId, SwapRequest.Status.ACCEPTED, o.id(), actor)) {
            throw new Conflict("swap " + swapId + " was decided concurrently");
        }
        SwapRequest accepted = swaps.find(swapId).orElseThrow();
        audit.record(actor, via, "schedule.swap.accept", "swap/" + swapId, swap, accepted, "override " + o.id());
        live.invalidate();
        toldOfDecision(accepted, "accepted");
        return accepted;
    }

    @Transactional
    public SwapRequest declineSwap(long swapId, String actor, String via, ShiftGuard guard) {
        SwapRequest swap = pending(swapId);
        guard.check(swap.scheduleId(), Set.of(swap.counterpart()));
        if (!swaps.decide(swapId, SwapRequest.Status.DECLINED, null, actor)) {
            throw new Conflict("swap " + swapId + " was decided concurrently");
        }
        SwapRequest declined = swaps.find(swapId).orElseThrow();
        audit.record(actor, via, "schedule.swap.decline", "swap/" + swapId, swap, declined, null);
        toldOfDecision(declined, "declined");
        return declined;
    }

    /** The one who asked hears the answer. */
    private void toldOfDecision(SwapRequest swap, String what) {
        Organisation org = live.organisation();
        org.schedule(swap.scheduleId()).ifPresent(s -> tell(swap.requester(), "swap|" + swap.id() + "|" + what,
                name(org, swap.counterpart()) + " " + what + " to cover " + stretch(org, s, swap, swap.requester()) + " (decided by "
                        + swap.decidedBy() + ")."));
    }

    /** "Backend on-call, layer primary, from Wed 1 Apr 18:00 to Wed 1 Apr 22:00 (Europe/Bucharest)", in the reader's zone. */
    private static String stretch(Organisation org, Schedule s, SwapRequest swap, String reader) {
        ZoneId zone = org.person(reader).map(OrganisationConfig.Person::timeZone).filter(z -> z != null && !z.isBlank())
                .map(ZoneId::of).orElse(org.zone());
        java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("EEE d MMM HH:mm", java.util.Locale.ENGLISH);
        return s.name() + ", layer " + swap.layerId() + ", from " + f.format(swap.start().atZone(zone)) + " to "
                + f.format(swap.end().atZone(zone)) + " (" + zone.getId() + ")";
    }

    private void tell(String personId, String key, String text) {
        notifiers.forEach(n -> n.tell(personId, key, text));
    }

    private SwapRequest pending(long swapId) {
        SwapRequest swap = swaps.find(swapId).orElseThrow(() -> new Missing("no swap request " + swapId));
        if (swap.status() != SwapRequest.Status.REQUESTED) {
            throw new Conflict("swap " + swapId + " is already " + swap.status().name().toLowerCase(java.util.Locale.ROOT));
        }
        return swap;
    }

    /** A new secret address of the schedule's iCal feed (only its hash is kept: the address is shown once). */
    @Transactional
    public String issueScheduleFeed(String scheduleId, String actor, String via) {
        requireSchedule(scheduleId);
        String token = feeds.issue(FeedTokenStore.Kind.SCHEDULE, scheduleId);
        audit.record(actor, via, "feed.issue", "schedule/" + scheduleId, null, Map.of("feed", "schedule", "schedule", scheduleId), null);
        return feedUrl(FeedTokenStore.Kind.SCHEDULE, scheduleId, token);
    }

    @Transactional
    public String issuePersonFeed(String personId, String actor, String via) {
        live.organisation().person(personId).orElseThrow(() -> new Missing("no person \"" + personId + "\""));
        String token = feeds.issue(FeedTokenStore.Kind.PERSON, personId);
        audit.record(actor, via, "feed.issue", "person/" + personId, null, Map.of("feed", "person", "person", personId), null);
        return feedUrl(FeedTokenStore.Kind.PERSON, personId, token);
    }

    /** Where a feed is served, without its token. */
    public static String feedPath(FeedTokenStore.Kind kind, String subject) {
        return (kind == FeedTokenStore.Kind.SCHEDULE ? "/ical/schedules/" : "/ical/people/") + subject + ".ics";
    }

    /** From the configured public address, never from the Host header a client chose. */
    private String feedUrl(FeedTokenStore.Kind kind, String subject, String token) {
        return org.springframework.web.util.UriComponentsBuilder.fromUriString(publicUrl.base()).path(feedPath(kind, subject))
                .queryParam("token", token).toUriString();
    }

    private Schedule requireSchedule(String id) {
        return live.schedule(id).orElseThrow(() -> new Missing("no schedule \"" + id + "\""));
    }

    private static void knownLayer(List<Problem> problems, Schedule s, String layer) {
        if (layer != null && s.layer(layer).isEmpty()) {
            problems.add(new Problem("layer", "schedule \"" + s.id() + "\" has no layer \"" + layer + "\""
                    + DidYouMean.suggestion(layer, s.layers().stream().map(Layer::id).toList())));
        }
    }

    private static void required(List<Problem> problems, String field, String value) {
        if (value == null || value.isBlank()) {
            problems.add(new Problem(field, "required"));
        }
    }

    private static void known(List<Problem> problems, String field, String what, String value, Collection<String> known) {
        if (value != null && !value.isBlank() && !known.contains(value)) {
            problems.add(new Problem(field, "unknown " + what + " \"" + value + "\"" + DidYouMean.suggestion(value, known)));
        }
    }

    private static void ordered(List<Problem> problems, Instant start, Instant end) {
        if (start == null) {
            problems.add(new Problem("start", "required"));
        }
        if (end == null) {
            problems.add(new Problem("end", "required"));
        }
        if (start != null && end != null && !end.isAfter(start)) {
            problems.add(new Problem("end", "must be after start"));
        }
    }

    private static void refuseIfAny(List<Problem> problems) {
        if (!problems.isEmpty()) {
            throw new Invalid(problems);
        }
    }
}
