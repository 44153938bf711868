package io.tocsin.api;

import io.tocsin.incident.Actors;
import io.tocsin.incident.IncidentEngine;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.security.Principal;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The HTTP {@code From} header no longer chooses who acts: the authenticated caller does
 * ({@link Actors}). PagerDuty-style clients still send it with every request, so a {@code From} that
 * names the caller itself (its id or a contact address) passes unnoticed; one that names anybody else
 * is refused (403 naming {@code From}) before the handler runs, so nothing is written under the wrong
 * name and nothing is quietly recorded as someone the client did not mean. Checked here, once, for
 * every authenticated request, rather than by each endpoint that records an actor.
 */
@Configuration
class FromHeader implements WebMvcConfigurer, HandlerInterceptor {
    static final String HEADER = "From";

    private final IncidentEngine engine;

    FromHeader(IncidentEngine engine) {
        this.engine = engine;
    }

    @java.lang.Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this);
    }

    @java.lang.Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        String named = request.getHeader(HEADER);
        Principal who = request.getUserPrincipal();
        if (named != null && who != null) {
            try {
                Actors.requireSelf(engine.organisation(), ApiSecurity.caller(who).orElse(null), who.getName(), named);
            } catch (Actors.NotYours e) {
                throw new ForbiddenException(HEADER, e.getMessage());
            }
        }
        return true;
    }

    /** Who acts for a request: the authenticated caller ({@link Actors}); a {@code From} header was checked above. */
    static String actor(Principal who) {
        return Actors.actor(ApiSecurity.caller(who).orElse(null), who.getName());
    }
}
