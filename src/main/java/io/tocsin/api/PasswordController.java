package io.tocsin.api;

import io.tocsin.incident.AccessTokens;
import io.tocsin.incident.Actors;
import io.tocsin.incident.IncidentEngine;
import io.tocsin.store.ApiTokenStore;
import io.tocsin.store.AuditLog;
import io.tocsin.store.PasswordStore;
import java.security.Principal;
import java.util.Map;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * A person's UI password, set by an administrator (a token with the admin scope) or by the person
 * themselves with their own token. The password is never answered, logged or audited, only that it changed.
 */
@RestController
class PasswordController {
    record NewPassword(String password) {
    }

    private final PasswordStore passwords;
    private final IncidentEngine engine;
    private final AuditLog audit;

    PasswordController(PasswordStore passwords, IncidentEngine engine, AuditLog audit) {
        this.passwords = passwords;
        this.engine = engine;
        this.audit = audit;
    }

    @PutMapping("/api/v1/people/{id}/password")
    @Transactional
    Map<String, Object> set(@PathVariable String id, @RequestBody NewPassword body, Principal principal) {
        String person = Actors.person(engine.organisation(), id)
                .orElseThrow(() -> new NotFoundException("no person " + id + " in the organisation"));
        ApiTokenStore.Issued caller = ApiSecurity.asking(principal);
        boolean own = caller.kind() == ApiTokenStore.Kind.PERSON && person.equals(caller.person());
        if (!own && !AccessTokens.administers(engine.organisation(), caller)) {
            throw new ForbiddenException("id", "only " + person + " (with their own token) or an admin sets this password");
        }
        PasswordStore.problem(body.password()).ifPresent(p -> {
            throw new BadRequestException("password", p);
        });
        passwords.set(person, body.password());
        audit.record(principal.getName(), "api", "password.set", "person/" + person, null, null, null);
        return Map.of("person", person, "password_set", true);
    }
}
