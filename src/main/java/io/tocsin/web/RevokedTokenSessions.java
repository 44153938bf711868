package io.tocsin.web;

import io.tocsin.store.ApiTokenStore;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A session lives longer than the sign-in that started it: when the API token it signed in with is
 * revoked or runs out, the session ends at its next request, so revoking a token takes away the UI as well as
 * the API and the CLI.
 */
final class RevokedTokenSessions extends OncePerRequestFilter {
    private final ApiTokenStore tokens;

    RevokedTokenSessions(ApiTokenStore tokens) {
        this.tokens = tokens;
    }

    @java.lang.Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication who = SecurityContextHolder.getContext().getAuthentication();
        if (who != null && who.getDetails() instanceof TokenLogin.SignedInWith signedIn && tokens.live(signedIn.tokenId()).isEmpty()) {
            end(request);
        }
        chain.doFilter(request, response);
    }

    /** Ends the request's session: this request goes on signed out, and the browser's cookie names nothing any more. */
    static void end(HttpServletRequest request) {
        SecurityContextHolder.clearContext();
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
    }
}
