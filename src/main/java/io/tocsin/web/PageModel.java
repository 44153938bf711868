package io.tocsin.web;

import io.tocsin.incident.IncidentEngine;
import io.tocsin.config.Organisation;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every signed-in page shows around its content: the organisation, who is signed in, the CSRF
 * header htmx sends with every request, and the {@link Viewer} whose zone the page's times are in and
 * who may or may not see action buttons.
 */
// Ahead of the API's problem answers (ApiProblems handles the same refusal as JSON for every controller).
@org.springframework.core.annotation.Order(org.springframework.core.Ordered.HIGHEST_PRECEDENCE)
@ControllerAdvice(assignableTypes = {IncidentPages.class, ReportPages.class, TokenPages.class, SchedulePages.class,
        PolicyPages.class, PeoplePages.class, AdminPages.class})
class PageModel {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("EEE d MMM HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ENGLISH);

    /**
     * The person looking at the page. {@code mayAct} is the one condition every action button on the
     * new pages is shown under: what the server itself requires of a change from the browser
     * (UiSecurity: a session whose token has the write scope) and, where the configuration grants
     * access roles, a role that allows some change (Permissions: responder or more, in some team).
     */
    record Viewer(String person, ZoneId zone, boolean mayAct) {
        /** "Europe/Bucharest (EEST)": the zone every time on the page is in, named once. */
        String zoneName(Instant at) {
            return zone.getId() + " (" + abbreviation(at) + ")";
        }

        /** "Mon 30 Mar 09:00 EEST": a time in the viewer's zone, with the zone. */
        String at(Instant instant) {
            return instant == null ? null : AT.format(instant.atZone(zone)) + " " + abbreviation(instant);
        }

        /** "2026-03-29 04:00 EEST", for lists where the year matters. */
        String minutes(Instant instant) {
            return instant == null ? null : MINUTES.format(instant.atZone(zone)) + " " + abbreviation(instant);
        }

        private String abbreviation(Instant at) {
            return DateTimeFormatter.ofPattern("zzz", Locale.ENGLISH).format(at.atZone(zone));
        }
    }

    private final IncidentEngine engine;
    private final io.tocsin.store.ApiTokenStore tokens;

    PageModel(IncidentEngine engine, io.tocsin.store.ApiTokenStore tokens) {
        this.engine = engine;
        this.tokens = tokens;
    }

    /** A change the signed-in person may not make, on any page without a handler of its own: 403, saying which role it needs. */
    @org.springframework.web.bind.annotation.ExceptionHandler(io.tocsin.incident.Permissions.Refused.class)
    String refused(io.tocsin.incident.Permissions.Refused refused, Model model, jakarta.servlet.http.HttpServletResponse response) {
        return IncidentPages.forbidden(refused, model, response);
    }

    @ModelAttribute
    void page(Model model, Authentication who, CsrfToken csrf) {
        model.addAttribute("organisation", engine.organisation().name());
        model.addAttribute("person", who == null ? null : who.getName());
        Viewer viewer = viewer(engine.organisation(), who);
        // Buttons also need a role that allows a change somewhere (Permissions); each form's own rule
        // (this incident's team, one's own shift) still decides on the server.
        model.addAttribute("viewer", viewer.mayAct() && !maySomeChange(who) ? new Viewer(viewer.person(), viewer.zone(), false) : viewer);
        if (csrf != null) {
            model.addAttribute("csrfHeaders", JSON.writeValueAsString(Map.of(csrf.getHeaderName(), csrf.getToken())));
        }
    }

    private boolean maySomeChange(Authentication who) {
        io.tocsin.store.ApiTokenStore.Issued caller;
        try {
            caller = Sessions.caller(tokens, who);
        } catch (IllegalStateException notSignedIn) {
            return false;
        }
        return io.tocsin.incident.Permissions.check(engine.organisation(), caller, io.tocsin.incident.Permissions.Action.OWN_SHIFTS,
                java.util.Set.of()).isEmpty();
    }

    /**
     * Times in the person's own zone when the configuration gives one ({@code people[].time_zone}), else
     * the organisation's.
     */
    static Viewer viewer(Organisation org, Authentication who) {
        String person = who == null ? null : who.getName();
        ZoneId zone = org.zone();
        if (person != null) {
            zone = org.person(person).map(p -> p.timeZone()).filter(z -> z != null && !z.isBlank()).map(ZoneId::of).orElse(zone);
        }
        boolean mayAct = who != null && who.getAuthorities().stream().anyMatch(a -> "SCOPE_write".equals(a.getAuthority()));
        return new Viewer(person, zone, mayAct);
    }
}
