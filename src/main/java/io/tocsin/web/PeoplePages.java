package io.tocsin.web;

import io.tocsin.config.OrganisationConfig;
import io.tocsin.incident.IncidentEngine;
import io.tocsin.incident.TestPaging;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Map;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The people of the organisation as the configuration has them: their contact methods and notification
 * rules, and a test page to every contact method ({@link TestPaging}, the API's own), each provider's
 * answer shown.
 */
@Controller
@RequestMapping("/ui")
class PeoplePages {
    /** One step of a person's notification rules: "after 0m via sms". */
    record RuleLine(String urgency, String after, String via) {
    }

    record PersonLine(String id, String name, String timeZone, List<OrganisationConfig.ContactMethod> contactMethods, List<RuleLine> rules) {
    }

    private final IncidentEngine engine;
    private final TestPaging testPaging;

    private final io.tocsin.incident.Permissions permissions;
    private final io.tocsin.store.ApiTokenStore tokens;

    PeoplePages(IncidentEngine engine, TestPaging testPaging, io.tocsin.incident.Permissions permissions, io.tocsin.store.ApiTokenStore tokens) {
        this.engine = engine;
        this.testPaging = testPaging;
        this.permissions = permissions;
        this.tokens = tokens;
    }

    @GetMapping("/people")
    String people(Model model) {
        model.addAttribute("people", lines());
        return "ui/people";
    }

    @PostMapping("/people/{id}/test-page")
    String testPage(@PathVariable String id, Model model, Authentication who, HttpServletResponse response) {
        permissions.requireToTestPage(Sessions.caller(tokens, who), id);
        var sent = testPaging.send(id, who.getName(), "ui");
        if (sent.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            model.addAttribute("what", "Person " + id);
            return "ui/not-found";
        }
        model.addAttribute("people", lines());
        model.addAttribute("tested", id);
        model.addAttribute("testResult", sent.get());
        return "ui/people";
    }

    private List<PersonLine> lines() {
        return engine.organisation().people().values().stream().map(p -> new PersonLine(p.id(), p.name() == null ? p.id() : p.name(),
                p.timeZone(), p.contactMethods(), rules(p.notificationRules()))).toList();
    }

    private static List<RuleLine> rules(OrganisationConfig.NotificationRules rules) {
        java.util.ArrayList<RuleLine> out = new java.util.ArrayList<>();
        for (Map.Entry<String, List<OrganisationConfig.NotificationStep>> e : Map.of("high urgency", orEmpty(rules.highUrgency()),
                "low urgency", orEmpty(rules.lowUrgency())).entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
            e.getValue().forEach(s -> out.add(new RuleLine(e.getKey(), s.after(), s.via())));
        }
        return out;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
