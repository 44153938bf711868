package io.tocsin.api;

import io.tocsin.incident.Permissions;
import io.tocsin.store.ApiTokenStore.Scope;
import java.util.Optional;
import java.util.Set;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpMethod;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Which scope a request needs, in one place for the decision and for the 403 that explains it:
 * {@code admin} for what governs Tocsin itself (activating configuration, the switches, the audit log,
 * everyone's feed links), {@code read} for reading (and for the two POSTs that only compute: validating
 * a configuration and simulating a scenario), {@code write} for every other change. Tokens are managed
 * with read (list) and write (issue, revoke), the controller deciding whose.
 */
final class TokenScopes {
    private static final PathPatternRequestMatcher.Builder PATHS = PathPatternRequestMatcher.withDefaults();

    private static final RequestMatcher ADMIN = new OrRequestMatcher(
            PATHS.matcher(HttpMethod.POST, "/api/v1/config"),
            PATHS.matcher(HttpMethod.PUT, "/api/v1/switches"),
            PATHS.matcher("/api/v1/audit"),
            PATHS.matcher("/api/v1/feeds"),
            PATHS.matcher("/api/v1/feeds/**"));

    private static final RequestMatcher READ = new OrRequestMatcher(
            PATHS.matcher(HttpMethod.GET, "/**"),
            PATHS.matcher(HttpMethod.HEAD, "/**"),
            PATHS.matcher(HttpMethod.POST, "/api/v1/config/validate"),
            PATHS.matcher(HttpMethod.POST, "/api/v1/simulate"));

    private TokenScopes() {
    }

    static Scope needed(HttpServletRequest request) {
        if (ADMIN.matches(request)) {
            return Scope.ADMIN;
        }
        return READ.matches(request) ? Scope.READ : Scope.WRITE;
    }

    static String authority(Scope scope) {
        return "SCOPE_" + scope.wire();
    }

    /** Where a refusal by role waits for the 403 that explains it ({@link ApiSecurity#lacksScope}). */
    static final String REFUSAL = TokenScopes.class.getName() + ".refusal";

    /**
     * Every request not opened before this needs an API token holding the scope it needs, and its person
     * a role ({@link Permissions}): any role to read, admin where the admin scope is needed. What a change
     * needs beyond that depends on its subject (an incident's team, a schedule's), which the controller
     * asks {@link Permissions} about once it has read the subject.
     */
    static void require(AuthorizeHttpRequestsConfigurer<?>.AuthorizationManagerRequestMatcherRegistry rules, Permissions permissions) {
        rules.anyRequest().access((authentication, context) -> {
            var who = authentication.get();
            Scope scope = needed(context.getRequest());
            String wanted = authority(scope);
            if (who == null || !who.isAuthenticated() || who.getAuthorities().stream().noneMatch(a -> wanted.equals(a.getAuthority()))) {
                return new AuthorizationDecision(false);
            }
            Optional<Long> incident = Permissions.incidentOf(context.getRequest().getRequestURI()
                    .substring(context.getRequest().getContextPath().length()));
            Optional<Permissions.Refusal> refusal = ApiSecurity.caller(who).flatMap(caller -> scope == Scope.ADMIN
                    ? permissions.check(caller, Permissions.Action.ADMINISTER, Set.of())
                    // an incident's own paths: also whoever it paged, holding no role (the controller decides acting)
                    : incident.isPresent() ? permissions.toReach(caller, incident.get())
                    : permissions.check(caller, Permissions.Action.READ, Set.of()));
            refusal.ifPresent(r -> context.getRequest().setAttribute(REFUSAL, r));
            return new AuthorizationDecision(refusal.isEmpty());
        });
    }
}
