package io.tocsin.web;

import io.tocsin.incident.Actors;
import io.tocsin.incident.IncidentEngine;
import io.tocsin.store.ApiTokenStore;
import io.tocsin.store.PasswordStore;
import jakarta.servlet.http.HttpServletRequest;
import java.util.EnumSet;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

/**
 * Signs a person in with their own password (for installations without an identity provider). The
 * sign-in form sends either a token or a password; this provider answers only the password form and
 * leaves the token form to {@link TokenLogin}. A password session reads and acts (scopes read and
 * write) as its person; administering Tocsin takes a token with the admin scope.
 */
final class PasswordLogin implements AuthenticationProvider {
    /** What the form sent besides the person and the token field. */
    record LoginForm(String client, String password) {
        static LoginForm of(HttpServletRequest request) {
            return new LoginForm(request.getRemoteAddr(), request.getParameter("password"));
        }
    }

    /** A session signed in with a password, for whom. */
    record SignedInWithPassword(String person) implements java.io.Serializable {
    }

    static final class Throttled extends BadCredentialsException {
        Throttled() {
            super("too many failed sign-ins");
        }
    }

    static final class WrongPassword extends BadCredentialsException {
        WrongPassword() {
            super("person and password do not match");
        }
    }

    private final PasswordStore passwords;
    private final IncidentEngine engine;
    private final LoginThrottle throttle;

    PasswordLogin(PasswordStore passwords, IncidentEngine engine, LoginThrottle throttle) {
        this.passwords = passwords;
        this.engine = engine;
        this.throttle = throttle;
    }

    @java.lang.Override
    public Authentication authenticate(Authentication login) throws AuthenticationException {
        if (!(login.getDetails() instanceof LoginForm form) || form.password() == null || form.password().isEmpty()) {
            return null;
        }
        String named = login.getName() == null ? "" : login.getName().trim();
        String person = Actors.person(engine.organisation(), named).orElse(null);
        // an unknown name is counted as its own account, so probing names is throttled like guessing passwords
        String account = person != null ? person : "?" + named.toLowerCase();
        if (!throttle.allows(account, form.client())) {
            throw new Throttled();
        }
        if (person == null || !passwords.matches(person, form.password())) {
            throttle.failed(account, form.client());
            throw new WrongPassword();
        }
        throttle.succeeded(account);
        UsernamePasswordAuthenticationToken signedIn = UsernamePasswordAuthenticationToken.authenticated(person, null,
                UiSecurity.authorities(EnumSet.of(ApiTokenStore.Scope.READ, ApiTokenStore.Scope.WRITE)));
        signedIn.setDetails(new SignedInWithPassword(person));
        return signedIn;
    }

    @java.lang.Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
