package io.tocsin.web;

import io.tocsin.incident.AccessTokens;
import io.tocsin.incident.IncidentEngine;
import io.tocsin.store.ApiTokenStore;
import io.tocsin.store.AuditLog;
import io.tocsin.store.PasswordStore;
import java.util.List;
import java.util.Map;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The signed-in person's own access: their API tokens (issued, shown once, revoked) and their password.
 * Whose tokens a session manages is {@link AccessTokens}' rule, as in the API: everyone's with an admin
 * token, else the person's own.
 */
@Controller
@RequestMapping("/ui/account")
class TokenPages {
    private final AccessTokens access;
    private final ApiTokenStore tokens;
    private final PasswordStore passwords;
    private final IncidentEngine engine;
    private final AuditLog audit;

    TokenPages(AccessTokens access, ApiTokenStore tokens, PasswordStore passwords, IncidentEngine engine, AuditLog audit) {
        this.audit = audit;
        this.access = access;
        this.tokens = tokens;
        this.passwords = passwords;
        this.engine = engine;
    }

    @GetMapping
    String show(Authentication who, Model model) {
        ApiTokenStore.Issued caller = caller(who);
        model.addAttribute("tokens", access.visibleTo(caller).stream().map(access::view).toList());
        model.addAttribute("personal", caller.kind() == ApiTokenStore.Kind.PERSON);
        model.addAttribute("admin", AccessTokens.administers(engine.organisation(), caller));
        model.addAttribute("hasPassword", caller.kind() == ApiTokenStore.Kind.PERSON && passwords.has(caller.person()));
        return "ui/account";
    }

    @PostMapping("/tokens")
    String issue(Authentication who, @RequestParam String name, @RequestParam(required = false) String person,
                 @RequestParam(required = false) List<String> scopes, @RequestParam(required = false) Integer days, Model model) {
        try {
            AccessTokens.New issued = access.issue(caller(who), who.getName(), "ui",
                    new AccessTokens.Ask(name, null, person, scopes == null ? List.of() : scopes, days));
            model.addAttribute("issued", Map.of("id", issued.issued().id(), "name", issued.issued().name(), "token", issued.token()));
        } catch (AccessTokens.Invalid e) {
            model.addAttribute("error", e.getMessage());
        } catch (AccessTokens.Refused e) {
            model.addAttribute("error", e.field + ": " + e.getMessage());
        }
        return show(who, model);
    }

    @PostMapping("/tokens/{id}/revoke")
    String revoke(Authentication who, @PathVariable long id, Model model) {
        switch (access.revoke(caller(who), who.getName(), "ui", id)) {
            case REVOKED -> model.addAttribute("notice", "Token " + id + " is revoked.");
            case LAST_ADMIN -> model.addAttribute("error", "Token " + id + " is the last admin token; it stays.");
            case NOT_FOUND -> model.addAttribute("error", "No token " + id + ".");
        }
        return show(who, model);
    }

    /** A person changes their own password, giving the current one when there is one (a left-open session is not enough). */
    @PostMapping("/password")
    String password(Authentication who, @RequestParam(required = false) String current, @RequestParam String password, Model model) {
        ApiTokenStore.Issued caller = caller(who);
        if (caller.kind() != ApiTokenStore.Kind.PERSON) {
            model.addAttribute("error", "password: only a person has one; an admin sets it with tocsin password set");
        } else if (passwords.has(caller.person()) && !passwords.matches(caller.person(), current)) {
            model.addAttribute("error", "current: that is not your current password");
        } else {
            PasswordStore.problem(password).ifPresentOrElse(p -> model.addAttribute("error", "password: " + p), () -> {
                passwords.set(caller.person(), password);
                audit.record(who.getName(), "ui", "password.set", "person/" + caller.person(), null, null, null);
                model.addAttribute("notice", "Your password is set.");
            });
        }
        return show(who, model);
    }

    private ApiTokenStore.Issued caller(Authentication who) {
        return Sessions.caller(tokens, who);
    }
}
