package io.tocsin.api;

import io.tocsin.config.LiveSchedules;
import io.tocsin.config.Organisation;
import io.tocsin.config.Rotas;
import io.tocsin.schedule.Gap;
import io.tocsin.schedule.Layer;
import io.tocsin.schedule.OnCall;
import io.tocsin.schedule.Schedule;
import io.tocsin.schedule.Shift;
import io.tocsin.store.StoredOverride;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/schedules")
class ScheduleController {
    /** The longest range one shifts/gaps query may span, so one request cannot ask for centuries of shifts. */
    static final Duration MAX_RANGE = Duration.ofDays(366 * 2);

    /** The layer's newest definition; {@code effectiveFrom} is when it takes over from the one before (null: always). */
    record LayerView(String id, String name, List<String> participants, String shift, String handoff, String start, int restrictions,
                     Instant effectiveFrom) {
    }

    record ScheduleView(String id, String name, String timeZone, List<LayerView> layers) {
    }

    record OnCallView(String layer, String person, String name, boolean override, String overrideReason) {
    }

    record OnCallAnswer(String schedule, Instant at, String timeZone, List<OnCallView> layers) {
    }

    record ShiftView(String layer, String person, String name, Instant start, Instant end, boolean override) {
    }

    record ShiftsAnswer(String schedule, String timeZone, Instant from, Instant to, List<ShiftView> shifts, List<Gap> gaps) {
    }

    record HandoffAnswer(String schedule, String layer, Instant at, Instant nextHandoff) {
    }

    record OverrideBody(String layer, String person, String start, String end, String reason) implements FieldErrors.Checked {
        @java.lang.Override
        public void check(FieldErrors errors) {
            errors.required("person", person);
            errors.ordered(errors.instant("start", start), errors.instant("end", end));
            errors.length("reason", reason, io.tocsin.store.Columns.OVERRIDE_REASON);
        }
    }

    private final LiveSchedules schedules;
    private final Rotas rotas;
    private final Clock clock;
    private final io.tocsin.incident.Permissions permissions;

    ScheduleController(LiveSchedules schedules, Rotas rotas, Clock clock, io.tocsin.incident.Permissions permissions) {
        this.permissions = permissions;
        this.schedules = schedules;
        this.rotas = rotas;
        this.clock = clock;
    }

    @GetMapping
    List<ScheduleView> list() {
        return schedules.organisation().schedules().values().stream().map(ScheduleController::view).toList();
    }

    @GetMapping("/{id}")
    ScheduleView get(@PathVariable String id) {
        return view(schedule(id));
    }

    @GetMapping("/{id}/oncall")
    OnCallAnswer onCall(@PathVariable String id, @RequestParam(required = false) String at,
                        @RequestParam(required = false) String layer) {
        Schedule s = schedule(id);
        Instant when = at == null ? clock.instant() : RequestValues.instant("at", at);
        List<OnCall> answers = layer == null ? s.onCall(when) : List.of(s.onCall(requireLayer(s, layer).id(), when));
        Organisation org = schedules.organisation();
        return new OnCallAnswer(s.id(), when, s.zone().getId(), answers.stream()
                .map(a -> new OnCallView(a.layer(), a.person().orElse(null), a.person().map(p -> displayName(org, p)).orElse(null), a.override(), a.reason()))
                .toList());
    }

    @GetMapping("/{id}/shifts")
    ShiftsAnswer shifts(@PathVariable String id, @RequestParam String from, @RequestParam String to,
                        @RequestParam(required = false) String layer) {
        Schedule s = schedule(id);
        Instant start = RequestValues.instantOrDate("from", from, s.zone());
        Instant end = RequestValues.instantOrDate("to", to, s.zone());
        checkRange(start, end);
        Organisation org = schedules.organisation();
        List<Shift> shifts = layer == null ? s.shifts(start, end) : s.shifts(requireLayer(s, layer).id(), start, end);
        List<Gap> gaps = layer == null ? s.gaps(start, end) : s.gaps(layer, start, end);
        return new ShiftsAnswer(s.id(), s.zone().getId(), start, end, shifts.stream()
                .map(x -> new ShiftView(x.layer(), x.person(), displayName(org, x.person()), x.start(), x.end(), x.override()))
                .toList(), gaps);
    }

    @GetMapping("/{id}/gaps")
    List<Gap> gaps(@PathVariable String id, @RequestParam String from, @RequestParam String to,
                   @RequestParam(required = false) String layer) {
        Schedule s = schedule(id);
        Instant start = RequestValues.instantOrDate("from", from, s.zone());
        Instant end = RequestValues.instantOrDate("to", to, s.zone());
        checkRange(start, end);
        return layer == null ? s.gaps(start, end) : s.gaps(requireLayer(s, layer).id(), start, end);
    }

    @GetMapping("/{id}/next-handoff")
    HandoffAnswer nextHandoff(@PathVariable String id, @RequestParam(required = false) String layer,
                              @RequestParam(required = false) String at) {
        Schedule s = schedule(id);
        Layer l = layer == null ? s.layers().get(0) : requireLayer(s, layer);
        Instant when = at == null ? clock.instant() : RequestValues.instant("at", at);
        return new HandoffAnswer(s.id(), l.id(), when, s.nextHandoff(l.id(), when, 400).orElse(null));
    }

    @GetMapping("/{id}/overrides")
    List<StoredOverride> listOverrides(@PathVariable String id) {
        return rotas.overrides(id);
    }

    @PostMapping("/{id}/overrides")
    @ResponseStatus(HttpStatus.CREATED)
    StoredOverride addOverride(@PathVariable String id, @RequestBody OverrideBody body, Principal principal) {
        schedule(id);
        // the body's own fields were checked as it was read (RequestBodies); the rest is the schedules' rule (Rotas)
        return rotas.addOverride(id, new Rotas.NewOverride(body.layer(), body.person(), RequestValues.instant("start", body.start()),
                RequestValues.instant("end", body.end()), body.reason()), principal.getName(), "api", guard(principal));
    }

    @DeleteMapping("/{id}/overrides/{overrideId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void deleteOverride(@PathVariable String id, @PathVariable long overrideId, Principal principal) {
        rotas.deleteOverride(id, overrideId, principal.getName(), "api", guard(principal));
    }

    /** The caller's access roles, asked by the schedules' rule before it changes anyone's shifts. */
    private Rotas.ShiftGuard guard(Principal principal) {
        io.tocsin.store.ApiTokenStore.Issued caller = ApiSecurity.asking(principal);
        return (schedule, people) -> permissions.requireToChangeShifts(caller, schedule, people);
    }

    Schedule schedule(String id) {
        return schedules.schedule(id).orElseThrow(() -> new NotFoundException("no schedule \"" + id + "\""));
    }

    static Layer requireLayer(Schedule s, String layer) {
        return s.layer(layer).orElseThrow(() -> new BadRequestException("layer",
                "schedule \"" + s.id() + "\" has no layer \"" + layer + "\""));
    }

    static void checkRange(Instant start, Instant end) {
        if (!end.isAfter(start)) {
            throw new BadRequestException("to", "must be after from");
        }
        if (Duration.between(start, end).compareTo(MAX_RANGE) > 0) {
            throw new BadRequestException("to", "a range may span at most " + MAX_RANGE.toDays() + " days");
        }
    }

    static String displayName(Organisation org, String personId) {
        return Rotas.name(org, personId);
    }

    private static ScheduleView view(Schedule s) {
        return new ScheduleView(s.id(), s.name(), s.zone().getId(), s.layers().stream()
                .map(l -> new LayerView(l.id(), l.name(), l.participants(), l.shift().toString(),
                        (l.handoff().day() == null ? "" : l.handoff().day() + " ") + l.handoff().time(),
                        l.start().toString(), l.restrictions().size(), l.effectiveFrom().orElse(null)))
                .toList());
    }
}
