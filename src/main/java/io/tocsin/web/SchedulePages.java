package io.tocsin.web;

import io.tocsin.config.Rotas;
import io.tocsin.store.StoredOverride;
import io.tocsin.store.SwapRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Who is on call now, and the schedules: a week or a month by layer with overrides marked, an override
 * made from the page, swaps asked for, accepted and declined, and the iCal feed's address. Every answer
 * and every change is {@link Rotas}' (the organisation the server pages from, the API's rules), with the
 * signed-in person as the actor and "ui" as the interface.
 */
@Controller
@RequestMapping("/ui")
class SchedulePages {
    /** One layer's answer now, in words for the page. */
    record LayerLine(String layer, String name, String person, String personName, boolean override, String reason,
                     String until, String next, String nextName) {
    }

    record ScheduleLine(String id, String name, String zone, List<LayerLine> layers) {
    }

    record TeamLine(String id, String name, List<ScheduleLine> schedules) {
    }

    /** Part of a shift within one day of the calendar, its times in the viewer's zone. */
    record Piece(String person, String name, String from, String to, boolean override) {
    }

    record Day(LocalDate date, String label, String weekday, boolean inRange, boolean today, List<Piece> pieces) {
    }

    record LayerCalendar(String layer, String name, List<Day> days) {
    }

    record OverrideLine(long id, String layer, String person, String name, String start, String end, String reason, String by) {
    }

    record SwapLine(long id, String layer, String requester, String counterpart, String start, String end, String status,
                    String decidedBy) {
    }

    /** What a form was filled in with, so a refused one comes back as it was with its problems. */
    record OverrideForm(String layer, String person, String start, String end, String reason) {
    }

    record SwapForm(String layer, String requester, String counterpart, String start, String end) {
    }

    static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d MMM", Locale.ENGLISH);
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);
    static final DateTimeFormatter LOCAL_INPUT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm");

    private final Rotas rotas;
    private final io.tocsin.incident.IncidentEngine engine;
    private final io.tocsin.incident.Permissions permissions;
    private final io.tocsin.store.ApiTokenStore tokens;

    SchedulePages(Rotas rotas, io.tocsin.incident.IncidentEngine engine, io.tocsin.incident.Permissions permissions,
                  io.tocsin.store.ApiTokenStore tokens) {
        this.rotas = rotas;
        this.engine = engine;
        this.permissions = permissions;
        this.tokens = tokens;
    }

    /** The signed-in person's access roles, asked by the schedules' rule before it changes anyone's shifts (as the API does). */
    private Rotas.ShiftGuard guard(Authentication who) {
        io.tocsin.store.ApiTokenStore.Issued caller = Sessions.caller(tokens, who);
        return (schedule, people) -> permissions.requireToChangeShifts(caller, schedule, people);
    }

    @GetMapping("/oncall")
    String onCall(Model model, Authentication who) {
        PageModel.Viewer viewer = viewer(who);
        Instant now = rotas.now();
        model.addAttribute("teams", teams(viewer, now));
        model.addAttribute("zone", viewer.zoneName(now));
        model.addAttribute("now", viewer.at(now));
        return "ui/oncall";
    }

    /** The on-call board alone, which the page fetches again every minute: a hand-off shows without a reload. */
    @GetMapping("/fragments/oncall")
    String onCallFragment(Model model, Authentication who) {
        onCall(model, who);
        return "ui/oncall :: board";
    }

    @GetMapping("/schedules")
    String schedules(Model model) {
        model.addAttribute("schedules", rotas.schedules());
        return "ui/schedules";
    }

    @GetMapping("/schedules/{id}")
    String schedule(@PathVariable String id, @RequestParam(required = false) String view, @RequestParam(required = false) String date,
                    Model model, Authentication who, HttpServletResponse response) {
        if (rotas.schedule(id).isEmpty()) {
            return notFound("Schedule " + id, model, response);
        }
        PageModel.Viewer viewer = viewer(who);
        ZoneId zone = viewer.zone();
        LocalDate today = LocalDate.ofInstant(rotas.now(), zone);
        LocalDate on = parseDate(date).orElse(today);
        boolean month = "month".equals(view);
        fill(model, id, month, on, viewer, null, null);
        return "ui/schedule";
    }

    @PostMapping("/schedules/{id}/overrides")
    String addOverride(@PathVariable String id, @RequestParam Map<String, String> form, Model model, Authentication who,
                       HttpServletResponse response, RedirectAttributes redirect) {
        PageModel.Viewer viewer = viewer(who);
        OverrideForm filled = new OverrideForm(form.get("layer"), form.get("person"), form.get("start"), form.get("end"), form.get("reason"));
        List<Rotas.Problem> problems = new ArrayList<>();
        Instant start = local(problems, "start", filled.start(), viewer.zone());
        Instant end = local(problems, "end", filled.end(), viewer.zone());
        try {
            if (problems.isEmpty()) {
                StoredOverride o = rotas.addOverride(id, new Rotas.NewOverride(blank(filled.layer()), blank(filled.person()), start, end,
                        blank(filled.reason())), who.getName(), "ui", guard(who));
                redirect.addFlashAttribute("message", Rotas.name(engine.organisation(), o.personId()) + " covers " + o.layerId()
                        + " from " + viewer.at(o.start()) + " to " + viewer.at(o.end()));
                return "redirect:/ui/schedules/" + id + "?date=" + LocalDate.ofInstant(o.start(), viewer.zone());
            }
        } catch (Rotas.Missing missing) {
            return notFound("Schedule " + id, model, response);
        } catch (Rotas.Invalid invalid) {
            problems.addAll(invalid.problems());
        }
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        fill(model, id, false, start == null ? LocalDate.ofInstant(rotas.now(), viewer.zone()) : LocalDate.ofInstant(start, viewer.zone()),
                viewer, filled, null);
        model.addAttribute("overrideProblems", byField(problems));
        return "ui/schedule";
    }

    @PostMapping("/schedules/{id}/overrides/{overrideId}/delete")
    String deleteOverride(@PathVariable String id, @PathVariable long overrideId, Model model, Authentication who,
                          HttpServletResponse response, RedirectAttributes redirect) {
        try {
            rotas.deleteOverride(id, overrideId, who.getName(), "ui", guard(who));
        } catch (Rotas.Missing missing) {
            return notFound("Override " + overrideId, model, response);
        }
        redirect.addFlashAttribute("message", "override " + overrideId + " removed");
        return "redirect:/ui/schedules/" + id;
    }

    @PostMapping("/schedules/{id}/swaps")
    String requestSwap(@PathVariable String id, @RequestParam Map<String, String> form, Model model, Authentication who,
                       HttpServletResponse response, RedirectAttributes redirect) {
        PageModel.Viewer viewer = viewer(who);
        SwapForm filled = new SwapForm(form.get("layer"), form.get("requester"), form.get("counterpart"), form.get("start"), form.get("end"));
        List<Rotas.Problem> problems = new ArrayList<>();
        Instant start = local(problems, "start", filled.start(), viewer.zone());
        Instant end = local(problems, "end", filled.end(), viewer.zone());
        try {
            if (problems.isEmpty()) {
                SwapRequest swap = rotas.requestSwap(id, new Rotas.NewSwap(blank(filled.layer()), blank(filled.requester()),
                        blank(filled.counterpart()), start, end), who.getName(), "ui", guard(who));
                redirect.addFlashAttribute("message", "swap " + swap.id() + " asked of " + Rotas.name(engine.organisation(), swap.counterpart()));
                return "redirect:/ui/schedules/" + id;
            }
        } catch (Rotas.Missing missing) {
            return notFound("Schedule " + id, model, response);
        } catch (Rotas.Invalid invalid) {
            problems.addAll(invalid.problems());
        }
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        fill(model, id, false, LocalDate.ofInstant(rotas.now(), viewer.zone()), viewer, null, filled);
        model.addAttribute("swapProblems", byField(problems));
        return "ui/schedule";
    }

    @PostMapping("/schedules/{id}/swaps/{swapId}/{decision}")
    String decideSwap(@PathVariable String id, @PathVariable long swapId, @PathVariable String decision, Model model,
                      Authentication who, HttpServletResponse response, RedirectAttributes redirect) {
        boolean accept = decision.equals("accept");
        if (!accept && !decision.equals("decline")) {
            return notFound("This page", model, response);
        }
        try {
            SwapRequest swap = accept ? rotas.acceptSwap(swapId, who.getName(), "ui", guard(who))
                    : rotas.declineSwap(swapId, who.getName(), "ui", guard(who));
            redirect.addFlashAttribute("message", "swap " + swap.id() + " " + swap.status().name().toLowerCase(Locale.ROOT));
        } catch (Rotas.Missing missing) {
            return notFound("Swap " + swapId, model, response);
        } catch (Rotas.Conflict conflict) {
            redirect.addFlashAttribute("error", conflict.getMessage());
        }
        return "redirect:/ui/schedules/" + id;
    }

    /** A new address of the schedule's calendar feed, shown once on the page to copy into a calendar app. */
    @PostMapping("/schedules/{id}/feed")
    String feed(@PathVariable String id, Model model, Authentication who, HttpServletResponse response) {
        try {
            String url = rotas.issueScheduleFeed(id, who.getName(), "ui");
            PageModel.Viewer viewer = viewer(who);
            fill(model, id, false, LocalDate.ofInstant(rotas.now(), viewer.zone()), viewer, null, null);
            model.addAttribute("feedUrl", url);
            return "ui/schedule";
        } catch (Rotas.Missing missing) {
            return notFound("Schedule " + id, model, response);
        }
    }

    private void fill(Model model, String id, boolean month, LocalDate on, PageModel.Viewer viewer, OverrideForm overrideForm,
                      SwapForm swapForm) {
        ZoneId zone = viewer.zone();
        Instant now = rotas.now();
        LocalDate today = LocalDate.ofInstant(now, zone);
        LocalDate first = month ? on.withDayOfMonth(1) : on.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        LocalDate last = month ? on.with(TemporalAdjusters.lastDayOfMonth()) : first.plusDays(6);
        // A month is drawn in whole weeks, Monday first; the days outside it are shown dimmed.
        LocalDate gridFrom = first.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        LocalDate gridTo = last.with(TemporalAdjusters.nextOrSame(DayOfWeek.SUNDAY));
        Instant from = Rotas.instant(gridFrom.atStartOfDay(), zone);
        Instant to = Rotas.instant(gridTo.plusDays(1).atStartOfDay(), zone);
        Rotas.Shifts shifts = rotas.shifts(id, from, to);
        List<LayerCalendar> layers = new ArrayList<>();
        for (Rotas.LayerShifts layer : shifts.layers()) {
            List<Day> days = new ArrayList<>();
            for (LocalDate d = gridFrom; !d.isAfter(gridTo); d = d.plusDays(1)) {
                Instant dayStart = Rotas.instant(d.atStartOfDay(), zone);
                Instant dayEnd = Rotas.instant(d.plusDays(1).atStartOfDay(), zone);
                List<Piece> pieces = new ArrayList<>();
                for (Rotas.ShiftLine s : layer.shifts()) {
                    if (s.end().isAfter(dayStart) && s.start().isBefore(dayEnd)) {
                        Instant a = s.start().isAfter(dayStart) ? s.start() : dayStart;
                        Instant b = s.end().isBefore(dayEnd) ? s.end() : dayEnd;
                        pieces.add(new Piece(s.person(), s.name(), TIME.format(a.atZone(zone)),
                                b.equals(dayEnd) ? "24:00" : TIME.format(b.atZone(zone)), s.override()));
                    }
                }
                days.add(new Day(d, DAY.format(d), d.getDayOfWeek().getDisplayName(java.time.format.TextStyle.SHORT, Locale.ENGLISH),
                        !d.isBefore(first) && !d.isAfter(last), d.equals(today), pieces));
            }
            layers.add(new LayerCalendar(layer.layer(), layer.name(), days));
        }
        Rotas.ScheduleSummary summary = rotas.schedule(id).orElseThrow();
        model.addAttribute("schedule", summary);
        model.addAttribute("view", month ? "month" : "week");
        model.addAttribute("title", month ? on.format(DateTimeFormatter.ofPattern("MMMM yyyy", Locale.ENGLISH))
                : "Week of " + DAY.format(first));
        model.addAttribute("previous", (month ? first.minusMonths(1) : first.minusWeeks(1)).toString());
        model.addAttribute("next", (month ? first.plusMonths(1) : first.plusWeeks(1)).toString());
        model.addAttribute("date", on.toString());
        model.addAttribute("calendar", layers);
        model.addAttribute("zone", viewer.zoneName(now));
        model.addAttribute("current", teams(viewer, now).stream().flatMap(t -> t.schedules().stream())
                .filter(s -> s.id().equals(id)).findFirst().orElse(null));
        var org = engine.organisation();
        model.addAttribute("people", org.people().values().stream()
                .map(p -> Map.entry(p.id(), p.name() == null ? p.id() : p.name())).toList());
        model.addAttribute("overrides", rotas.overrides(id).stream().filter(o -> o.end().isAfter(now))
                .map(o -> new OverrideLine(o.id(), o.layerId(), o.personId(), Rotas.name(org, o.personId()), viewer.at(o.start()),
                        viewer.at(o.end()), o.reason(), o.createdBy())).toList());
        model.addAttribute("swaps", rotas.swaps(id).stream().filter(w -> w.end().isAfter(now))
                .map(w -> new SwapLine(w.id(), w.layerId(), Rotas.name(org, w.requester()), Rotas.name(org, w.counterpart()),
                        viewer.at(w.start()), viewer.at(w.end()), w.status().name().toLowerCase(Locale.ROOT), w.decidedBy())).toList());
        // The forms start at the next full hour for the next eight hours: an override is most often "cover me tonight".
        LocalDateTime nextHour = LocalDateTime.ofInstant(now, zone).withMinute(0).withSecond(0).withNano(0).plusHours(1);
        model.addAttribute("overrideForm", overrideForm != null ? overrideForm
                : new OverrideForm(summary.layers().get(0), viewer.person(), LOCAL_INPUT.format(nextHour),
                        LOCAL_INPUT.format(nextHour.plusHours(8)), ""));
        model.addAttribute("swapForm", swapForm != null ? swapForm
                : new SwapForm(summary.layers().get(0), viewer.person(), "", LOCAL_INPUT.format(nextHour), LOCAL_INPUT.format(nextHour.plusHours(8))));
        model.addAttribute("overrideProblems", Map.of());
        model.addAttribute("swapProblems", Map.of());
    }

    private List<TeamLine> teams(PageModel.Viewer viewer, Instant now) {
        return rotas.onCallByTeam(now).stream().map(t -> new TeamLine(t.team(), t.name(), t.schedules().stream()
                .map(s -> new ScheduleLine(s.schedule(), s.name(), s.zone(), s.layers().stream()
                        .map(l -> new LayerLine(l.layer(), l.layerName(), l.person(), l.name(), l.override(), l.reason(),
                                viewer.at(l.until()), l.next(), l.nextName()))
                        .toList()))
                .toList())).toList();
    }

    private PageModel.Viewer viewer(Authentication who) {
        return PageModel.viewer(engine.organisation(), who);
    }

    /** A form's date and time, read in the viewer's zone by the schedules' rule; its problem recorded when it is not one. */
    private static Instant local(List<Rotas.Problem> problems, String field, String value, ZoneId zone) {
        if (value == null || value.isBlank()) {
            problems.add(new Rotas.Problem(field, "required"));
            return null;
        }
        try {
            return Rotas.instant(LocalDateTime.parse(value.strip()), zone);
        } catch (DateTimeParseException e) {
            problems.add(new Rotas.Problem(field, "not a date and time like 2026-03-29T21:00"));
            return null;
        }
    }

    private static Optional<LocalDate> parseDate(String date) {
        try {
            return date == null ? Optional.empty() : Optional.of(LocalDate.parse(date));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** Problems by the field they belong to, each field's messages joined, in the order they were found. */
    private static Map<String, String> byField(List<Rotas.Problem> problems) {
        Map<String, String> out = new LinkedHashMap<>();
        problems.forEach(p -> out.merge(p.field(), p.message(), (a, b) -> a + "; " + b));
        return out;
    }

    private static String notFound(String what, Model model, HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_NOT_FOUND);
        model.addAttribute("what", what);
        return "ui/not-found";
    }
}
