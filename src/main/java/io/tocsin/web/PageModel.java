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
@ControllerAdvice(assignableTypes = {IncidentPages.class, ReportPages.class, TokenPages.class, SchedulePages.class,
        PolicyPages.class, PeoplePages.class, AdminPages.class})
class PageModel {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("EEE d MMM HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ENGLISH);

    /**
     * The person looking at the page. {@code mayAct} is the one condition every action button on the
     * new pages is shown under: today it is what the server itself requires of a change from the
     * browser (UiSecurity: a session whose token has the write scope), so a button is never offered
     * that would be refused. A finer rule of who may do what plugs in here, in {@link #viewer}.
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

    PageModel(IncidentEngine engine) {
        this.engine = engine;
    }

    @ModelAttribute
    void page(Model model, Authentication who, CsrfToken csrf) {
        model.addAttribute("organisation", engine.organisation().name());
        model.addAttribute("person", who == null ? null : who.getName());
        model.addAttribute("viewer", viewer(engine.organisation(), who));
        if (csrf != null) {
            model.addAttribute("csrfHeaders", JSON.writeValueAsString(Map.of(csrf.getHeaderName(), csrf.getToken())));
        }
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
