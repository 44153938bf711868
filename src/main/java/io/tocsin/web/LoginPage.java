package io.tocsin.web;

import io.tocsin.incident.IncidentEngine;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The sign-in form; Spring Security's form login handles the POST with {@link PasswordLogin} and {@link TokenLogin},
 * and its OAuth 2 login the button of the identity provider when one is configured ({@link OidcLogin}).
 */
@Controller
class LoginPage {
    private final IncidentEngine engine;
    private final OidcSettings oidc;

    LoginPage(IncidentEngine engine, OidcSettings oidc) {
        this.engine = engine;
        this.oidc = oidc;
    }

    @GetMapping("/login")
    String login(@RequestParam(required = false) String error, @RequestParam(required = false) String logout, Model model,
                 jakarta.servlet.http.HttpServletRequest request) {
        model.addAttribute("organisation", engine.organisation().name());
        if (oidc.configured()) {
            model.addAttribute("oidcProvider", oidc.providerName());
            model.addAttribute("oidcStart", OidcLogin.START);
        }
        if (error != null && error.startsWith("oidc")) {
            model.addAttribute("error", oidcRefusal(error, refusedAddress(request)));
        } else if (error != null) {
            // Say which half was wrong, but never echo what was typed: it may be a token.
            model.addAttribute("error", switch (error) {
                case "not-yours" -> "A token signs in as its own owner, never as someone else: sign in with your own token "
                        + "(tocsin token create NAME --person PERSON) or your password.";
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

    /** What the provider's sign-in ended with, in words; the address is the one the provider vouched for. */
    private String oidcRefusal(String code, String address) {
        String provider = oidc.configured() ? oidc.providerName() : "the identity provider";
        String who = address == null ? "the address " + provider + " gave" : address;
        return switch (code) {
            case "oidc-person" -> provider + " signed you in as " + who + ", but no person of " + engine.organisation().name()
                    + " has that e-mail address. Ask an administrator to add it to your person's e-mail contact method.";
            case "oidc-unverified" -> provider + " has not verified " + who + ", so it cannot stand for a person; verify it at "
                    + provider + " and try again.";
            case "oidc-claim" -> provider + " did not say your e-mail address (claim \"" + oidc.emailClaim()
                    + "\"); ask an administrator to check tocsin.oidc.email-claim and the client's scopes.";
            case "oidc-unreachable" -> provider + " cannot be reached right now; sign in with your password or a token, or try again.";
            default -> "Signing in with " + provider + " did not complete; try again.";
        };
    }

    /** Read once: a reload of the page does not repeat it. */
    private static String refusedAddress(jakarta.servlet.http.HttpServletRequest request) {
        jakarta.servlet.http.HttpSession session = request.getSession(false);
        if (session == null || !(session.getAttribute(OidcLogin.REFUSED_ADDRESS) instanceof String address)) {
            return null;
        }
        session.removeAttribute(OidcLogin.REFUSED_ADDRESS);
        return address;
    }
}
