package io.tocsin.web;

import io.tocsin.incident.KillSwitches;
import io.tocsin.report.Reports;
import io.tocsin.store.KillSwitch;
import io.tocsin.store.KillSwitchStore;
import java.security.Principal;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The reports page (the figures of {@link Reports}, with bars drawn as server-rendered SVG: no script,
 * no build) and the kill switches, set from the browser like from the API (audited with the signed-in
 * person and the interface "ui").
 */
@Controller
@RequestMapping("/ui")
class ReportPages {
    /** One bar of a chart: its label, its value in words, and its length in SVG units out of {@link #WIDTH}. */
    record Bar(String label, String value, int length, int y) {
    }

    /** A stacked bar: business, off and sleep lengths one after another. */
    record Stack(String label, String value, int business, int off, int sleep, int y) {
    }

    record SwitchLine(String id, boolean on, String state, String changed) {
    }

    record Chart(String title, List<Bar> bars) {
    }

    static final int WIDTH = 400;
    static final int ROW = 22;
    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");


    private final Reports reports;
    private final KillSwitches switches;
    private final io.tocsin.incident.IncidentEngine engine;
    private final io.tocsin.incident.Permissions permissions;
    private final io.tocsin.store.ApiTokenStore tokens;

    ReportPages(Reports reports, KillSwitches switches, io.tocsin.incident.IncidentEngine engine,
                io.tocsin.incident.Permissions permissions, io.tocsin.store.ApiTokenStore tokens) {
        this.permissions = permissions;
        this.tokens = tokens;
        this.reports = reports;
        this.switches = switches;
        this.engine = engine;
    }

    @GetMapping("/reports")
    String reports(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
                   @RequestParam(required = false) String by, Principal who, Model model) {
        // the switches' buttons show only to whom may press them
        model.addAttribute("mayAdminister", permissions.check(Sessions.caller(tokens, who),
                io.tocsin.incident.Permissions.Action.ADMINISTER, java.util.Set.of()).isEmpty());
        ZoneId zone = reports.zone();
        LocalDate end = date(to).orElse(LocalDate.ofInstant(reports.now(), zone).plusDays(1));
        LocalDate start = date(from).orElse(end.minusDays(30));
        if (!start.isBefore(end) || Duration.between(start.atStartOfDay(), end.atStartOfDay()).compareTo(Reports.MAX_PERIOD) > 0) {
            start = end.minusDays(30);
            model.addAttribute("message", "from must be before to, at most 366 days apart: showing the 30 days before " + end);
        }
        Reports.GroupBy group = Reports.GroupBy.of(by).orElse(Reports.GroupBy.SEVERITY);
        Instant a = start.atStartOfDay(zone).toInstant();
        Instant b = end.atStartOfDay(zone).toInstant();
        Reports.IncidentReport incidents = reports.incidents(a, b, group);
        Reports.PeopleReport people = reports.people(a, b);
        Reports.WeeklyReport weekly = reports.weekly(reports.now().minus(Duration.ofDays(7)));
        model.addAttribute("from", start.toString());
        model.addAttribute("to", end.toString());
        model.addAttribute("by", group.id());
        model.addAttribute("groupings", List.of(Reports.GroupBy.values()).stream().map(Reports.GroupBy::id).toList());
        model.addAttribute("incidents", incidents);
        List<Reports.IncidentFigures> rows = new ArrayList<>(incidents.groups());
        rows.add(incidents.total());
        model.addAttribute("rows", rows);
        model.addAttribute("charts", List.of(
                new Chart("Incidents", bars(incidents.groups(), f -> f.incidents(), f -> Integer.toString(f.incidents()))),
                new Chart("MTTA", bars(incidents.groups(), f -> orZero(f.mttaSeconds()), f -> minutes(f.mttaSeconds()))),
                new Chart("MTTR", bars(incidents.groups(), f -> orZero(f.mttrSeconds()), f -> minutes(f.mttrSeconds())))));
        model.addAttribute("people", people);
        model.addAttribute("hourStacks", stacks(people.people()));
        model.addAttribute("weekly", weekly);
        model.addAttribute("switches", switchLines(switches.current(), zone));
        model.addAttribute("chartWidth", WIDTH);
        return "ui/reports";
    }

    @PostMapping("/switches/{name}/{state}")
    String setSwitch(@PathVariable String name, @PathVariable String state, Principal who, RedirectAttributes redirect) {
        // the switches are the admin's, here as in the API (PUT /api/v1/switches)
        permissions.require(Sessions.caller(tokens, who), io.tocsin.incident.Permissions.Action.ADMINISTER, java.util.Set.of());
        Optional<KillSwitch> s = KillSwitch.of(name);
        if (s.isEmpty() || !(state.equals("on") || state.equals("off"))) {
            redirect.addFlashAttribute("message", "no switch " + name + " " + state);
            return "redirect:/ui/reports";
        }
        KillSwitches.Change change = switches.set(Map.of(s.get(), state.equals("on")), who.getName(), "ui");
        redirect.addFlashAttribute("message", change.changed() ? s.get().id() + " switched " + state + " by " + who.getName()
                : s.get().id() + " was already " + state);
        return "redirect:/ui/reports";
    }

    @org.springframework.web.bind.annotation.ExceptionHandler(io.tocsin.incident.Permissions.Refused.class)
    String refused(io.tocsin.incident.Permissions.Refused refused, Model model, jakarta.servlet.http.HttpServletResponse response) {
        return IncidentPages.forbidden(refused, model, response);
    }

    static List<SwitchLine> switchLines(Map<KillSwitch, KillSwitchStore.State> states, ZoneId zone) {
        List<SwitchLine> out = new ArrayList<>();
        states.forEach((s, st) -> out.add(new SwitchLine(s.id(), st.on(), st.on() ? "on" : "off", st.changedAt() == null ? "never changed"
                : "by " + st.changedBy() + " via " + st.via() + ", " + MINUTES.format(st.changedAt().atZone(zone)))));
        return out;
    }

    private static Optional<LocalDate> date(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(text.trim()));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    static List<Bar> bars(List<Reports.IncidentFigures> groups, ToDoubleFunction<Reports.IncidentFigures> value,
                          java.util.function.Function<Reports.IncidentFigures, String> words) {
        double max = groups.stream().mapToDouble(value).max().orElse(0);
        List<Bar> out = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            Reports.IncidentFigures g = groups.get(i);
            out.add(new Bar(g.group(), words.apply(g), max <= 0 ? 0 : (int) Math.round(value.applyAsDouble(g) / max * WIDTH), i * ROW));
        }
        return out;
    }

    static List<Stack> stacks(List<Reports.PersonFigures> people) {
        long max = people.stream().mapToLong(Reports.PersonFigures::onCallSeconds).max().orElse(0);
        List<Stack> out = new ArrayList<>();
        for (int i = 0; i < people.size(); i++) {
            Reports.PersonFigures p = people.get(i);
            out.add(new Stack(p.person(), String.format(java.util.Locale.ROOT, "%.1f h", p.onCallHours()), scale(p.onCallSecondsBusiness(), max),
                    scale(p.onCallSecondsOff(), max), scale(p.onCallSecondsSleep(), max), i * ROW));
        }
        return out;
    }

    private static int scale(long part, long max) {
        return max <= 0 ? 0 : (int) Math.round((double) part / max * WIDTH);
    }

    private static double orZero(Double d) {
        return d == null ? 0 : d;
    }

    static String minutes(Double seconds) {
        return seconds == null ? "—" : String.format(java.util.Locale.ROOT, "%.1f min", seconds / 60);
    }

    static String percent(Double ratio) {
        return ratio == null ? "—" : Math.round(ratio * 100) + "%";
    }
}
