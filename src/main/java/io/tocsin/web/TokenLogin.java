package io.tocsin.web;

import io.tocsin.incident.Actors;
import io.tocsin.incident.IncidentEngine;
import io.tocsin.store.ApiTokenStore;
import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Signs a person in with the same API tokens the CLI uses, so there is no second password store to
 * keep. The token decides who acts, by the one rule of the API ({@link Actors}): a personal token signs
 * in its person, a service token itself and the bootstrap admin token itself; a name sent along is
 * accepted only when it names the token's owner. The token itself is dropped from the authentication
 * at once, so it never reaches the session or a log.
 */
final class TokenLogin implements AuthenticationProvider {
    /** The token is good but a name sent with it is not the token's owner. */
    static final class NotYours extends BadCredentialsException {
        NotYours(String message) {
            super(message);
        }
    }

    /** Which token a session signed in with, so revoking the token ends the session too. */
    record SignedInWith(long tokenId) implements java.io.Serializable {
    }

    private final ApiTokenStore tokens;
    private final IncidentEngine engine;

    TokenLogin(ApiTokenStore tokens, IncidentEngine engine) {
        this.tokens = tokens;
        this.engine = engine;
    }

    @java.lang.Override
    public Authentication authenticate(Authentication login) throws AuthenticationException {
        if (login.getDetails() instanceof PasswordLogin.LoginForm form && form.password() != null && !form.password().isEmpty()) {
            return null; // the password form, answered by PasswordLogin; its failure is the one to report
        }
        String token = login.getCredentials() == null ? "" : login.getCredentials().toString().trim();
        String named = login.getName() == null ? "" : login.getName().trim();
        Optional<ApiTokenStore.Issued> issued = token.isEmpty() ? Optional.empty() : tokens.find(token);
        if (issued.isEmpty()) {
            throw new BadCredentialsException("token not valid");
        }
        String person;
        try {
            person = Actors.requireSelf(engine.organisation(), issued.get(), issued.get().actor(), named);
        } catch (Actors.NotYours e) {
            throw new NotYours(e.getMessage());
        }
        UsernamePasswordAuthenticationToken signedIn = UsernamePasswordAuthenticationToken.authenticated(person, null,
                UiSecurity.authorities(issued.get().scopes()));
        signedIn.setDetails(new SignedInWith(issued.get().id()));
        return signedIn;
    }

    @java.lang.Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
