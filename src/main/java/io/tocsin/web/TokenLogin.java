package io.tocsin.web;

import io.tocsin.config.OrganisationConfig;
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
 * keep; the person they name becomes the actor on every timeline entry they cause. The token itself is
 * dropped from the authentication at once, so it never reaches the session or a log.
 */
final class TokenLogin implements AuthenticationProvider {
    /** The token was good but the person is not in the running configuration. */
    static final class UnknownPerson extends BadCredentialsException {
        UnknownPerson(String message) {
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
        String token = login.getCredentials() == null ? "" : login.getCredentials().toString().trim();
        String named = login.getName() == null ? "" : login.getName().trim();
        Optional<ApiTokenStore.Issued> issued = token.isEmpty() ? Optional.empty() : tokens.find(token);
        if (issued.isEmpty()) {
            throw new BadCredentialsException("token not valid");
        }
        String person = named.isEmpty() ? issued.get().name() : person(named)
                .orElseThrow(() -> new UnknownPerson("no such person"));
        UsernamePasswordAuthenticationToken signedIn = UsernamePasswordAuthenticationToken.authenticated(person, null,
                List.of(new SimpleGrantedAuthority("ROLE_UI")));
        signedIn.setDetails(new SignedInWith(issued.get().id()));
        return signedIn;
    }

    /** By id or by any contact address, as the API's From header and the CLI's --as take it. */
    private Optional<String> person(String wanted) {
        return engine.organisation().people().values().stream()
                .filter(p -> p.id().equals(wanted) || p.contactMethods().stream()
                        .anyMatch(c -> c.address() != null && c.address().equalsIgnoreCase(wanted)))
                .map(OrganisationConfig.Person::id)
                .findFirst();
    }

    @java.lang.Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
