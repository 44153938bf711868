package io.tocsin.web;

import io.tocsin.incident.AccessTokens;
import io.tocsin.store.ApiTokenStore;
import java.security.Principal;
import org.springframework.security.core.Authentication;

/**
 * What a browser session signed in with, as the caller that {@link AccessTokens} and
 * {@link io.tocsin.incident.Permissions} decide about: the token it signed in with (still live), or for
 * any other sign-in (a password, the identity provider) its person with read and write.
 */
final class Sessions {
    private Sessions() {
    }

    static ApiTokenStore.Issued caller(ApiTokenStore tokens, Principal who) {
        if (who instanceof Authentication a && a.getDetails() instanceof TokenLogin.SignedInWith t) {
            // RevokedTokenSessions ended every session whose token is gone before a controller runs
            return tokens.live(t.tokenId()).orElseThrow(() -> new IllegalStateException("the session's token is gone"));
        }
        if (who == null || who instanceof org.springframework.security.authentication.AnonymousAuthenticationToken) {
            throw new IllegalStateException("a session without a sign-in");
        }
        if (who instanceof Authentication a && a.getPrincipal() instanceof OidcLogin.SignedIn o) {
            // signed in through the identity provider: the person, with what a password session holds
            return AccessTokens.passwordSession(o.person());
        }
        return AccessTokens.passwordSession(who instanceof Authentication a && a.getDetails() instanceof PasswordLogin.SignedInWithPassword p
                ? p.person() : who.getName());
    }
}
