package io.tocsin.web;

import io.tocsin.incident.IncidentEngine;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The sign-in form; Spring Security's form login handles the POST with {@link TokenLogin}. */
@Controller
class LoginPage {
    private final IncidentEngine engine;

    LoginPage(IncidentEngine engine) {
        this.engine = engine;
    }

    @GetMapping("/login")
    String login(@RequestParam(required = false) String error, @RequestParam(required = false) String logout, Model model) {
        model.addAttribute("organisation", engine.organisation().name());
        if (error != null) {
            // Say which half was wrong, but never echo what was typed: it may be a token.
            model.addAttribute("error", switch (error) {
                case "person" -> "The token is valid, but that person is not in the organisation's configuration (give a person id or e-mail).";
                case "not-yours" -> "That token acts as its own person or service; it cannot sign in as someone else.";
                case "password" -> "That person and password do not match.";
                case "throttled" -> "Too many failed sign-ins; wait a quarter of an hour and try again.";
                default -> "That token is not valid.";
            });
        }
        if (logout != null) {
            model.addAttribute("notice", "You are signed out.");
        }
        return "login";
    }
}
