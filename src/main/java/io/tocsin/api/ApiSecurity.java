package io.tocsin.api;

import io.tocsin.store.ApiTokenStore;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bearer API tokens for the API; the token's actor (a person, "service:NAME" or the admin token's
 * name) is who acts and who the audit log names, and its scopes decide what it may call
 * ({@link TokenScopes}). The schema, the iCal feeds (own tokens) and health/metrics endpoints are open.
 */
@Configuration
class ApiSecurity {
    /**
     * The API answers JSON and, for signed links, a page with one form: nothing it serves runs a
     * script, so nothing may; its one stylesheet comes from Tocsin. The link's token is in its path,
     * so no page of the API names itself in a Referer.
     */
    static final String POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";

    /**
     * Where monitoring sends events. They authenticate with the service's integration key, which the
     * controller checks; no session, cookie, token or CSRF applies, so this chain runs only what every
     * answer needs (its security headers) and none of the filters that would look for a session, a
     * saved request or a bearer token in an alert storm, thousands of times a second.
     */
    static final String[] INGEST = {"/v2/enqueue", "/v2/change/enqueue", "/api/v1/integrations/**", "/api/v1/events"};

    /**
     * Routes open without a token (ApiDescription documents them as such from this list): the
     * configuration's schema, iCal feeds (their own token in the path), health and metrics for load
     * balancers and scrapers, and acknowledgement links, which carry their own signature.
     */
    static final String[] OPEN = {"/api/v1/config/schema", "/ical/**", "/actuator/health/**", "/actuator/health",
            "/actuator/prometheus", "/error", "/links/**"};

    /** A beat carries its key in the path; the list of monitors (GET) needs a token. */
    static final String[] OPEN_POST = {"/api/v1/heartbeats/*"};

    /**
     * The API's description and its interactive page. Open on purpose: the description says which
     * routes exist and what they take, all of which is in the public source and the README already,
     * and nothing in it is a secret or acts; every route it describes still needs its token. A client
     * generator or a person evaluating Tocsin reads it without one. (springdoc's page lives under
     * /api/swagger-ui/, its settings under /api/openapi.json/.)
     */
    static final String[] DOCS = {"/api/openapi.json", "/api/openapi.json.yaml", "/api/openapi.json/**", "/api/docs", "/api/docs/**", "/api/swagger-ui/**"};

    /**
     * The interactive page runs Swagger UI's scripts (from Tocsin itself, none inline) and sets inline
     * styles on what it draws; it still loads and sends nothing elsewhere.
     */
    static final String DOCS_POLICY = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    @Bean
    @org.springframework.core.annotation.Order(2)
    SecurityFilterChain docs(HttpSecurity http) throws Exception {
        http.securityMatcher(DOCS)
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.disable())
                .securityContext(c -> c.disable())
                .requestCache(c -> c.disable())
                .logout(l -> l.disable())
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .headers(h -> h.contentSecurityPolicy(c -> c.policyDirectives(DOCS_POLICY))
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER)))
                .authorizeHttpRequests(a -> a.anyRequest().permitAll());
        return http.build();
    }

    @Bean
    @org.springframework.core.annotation.Order(0)
    SecurityFilterChain ingest(HttpSecurity http) throws Exception {
        http.securityMatcher(INGEST)
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.disable())
                .securityContext(c -> c.disable())
                .requestCache(c -> c.disable())
                .anonymous(a -> a.disable())
                .logout(l -> l.disable())
                .servletApi(s -> s.disable())
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .headers(h -> h.contentSecurityPolicy(c -> c.policyDirectives(POLICY))
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER)));
        return http.build();
    }

    /**
     * Spring Security's own observations (a timer around every filter of every chain) are not among
     * the metrics Tocsin documents, and wrapping each filter cost more than the rest of the chain
     * (docs/benchmarks.md, "Where the time goes"); requests are still timed as a whole
     * ({@code http_server_requests_seconds}).
     */
    @Bean
    org.springframework.security.config.observation.SecurityObservationSettings securityObservations() {
        return org.springframework.security.config.observation.SecurityObservationSettings.noObservations();
    }

    @Bean
    SecurityFilterChain api(HttpSecurity http, ApiTokenStore tokens, io.tocsin.incident.Permissions permissions) throws Exception {
        http.csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .headers(h -> h.contentSecurityPolicy(c -> c.policyDirectives(POLICY))
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER)))
                .addFilterBefore(new BearerTokenFilter(tokens), AnonymousAuthenticationFilter.class)
                .exceptionHandling(e -> e.authenticationEntryPoint((req, res, ex) -> unauthorized(res))
                        .accessDeniedHandler((req, res, ex) -> lacksScope(req, res)))
                .authorizeHttpRequests(a -> a
                        .requestMatchers(OPEN).permitAll()
                        .requestMatchers(org.springframework.http.HttpMethod.POST, OPEN_POST).permitAll());
        // kept apart from the open paths above: everything else needs a token with the right scope
        http.authorizeHttpRequests(rules -> TokenScopes.require(rules, permissions));
        return http.build();
    }

    static void unauthorized(HttpServletResponse res) throws IOException {
        res.setStatus(HttpStatus.UNAUTHORIZED.value());
        res.setContentType("application/problem+json");
        res.setHeader("WWW-Authenticate", "Bearer");
        res.getWriter().write("{\"type\":\"https://tocsin.io/problems/unauthorized\",\"title\":\"Unauthorized\","
                + "\"status\":401,\"detail\":\"Authorization: Bearer <API token> is missing or not valid\"}");
    }

    /** The API token behind a request's principal, when it came with one. */
    static Optional<ApiTokenStore.Issued> caller(java.security.Principal who) {
        // every authenticated API request has its token here; a test's own principal has none
        return who instanceof org.springframework.security.core.Authentication a && a.getDetails() instanceof ApiTokenStore.Issued i
                ? Optional.of(i) : Optional.empty();
    }

    /**
     * Who asks, for {@link io.tocsin.incident.Permissions}: the API token, or for any other principal (a
     * sign-in that is not a token) its person with read and write, as a password session holds.
     */
    static ApiTokenStore.Issued asking(java.security.Principal who) {
        return caller(who).orElseGet(() -> io.tocsin.incident.AccessTokens.passwordSession(who.getName()));
    }

    static void lacksScope(HttpServletRequest req, HttpServletResponse res) throws IOException {
        if (req.getAttribute(TokenScopes.REFUSAL) instanceof io.tocsin.incident.Permissions.Refusal refusal) {
            res.setStatus(HttpStatus.FORBIDDEN.value());
            res.setContentType("application/problem+json");
            res.getWriter().write(ApiProblems.forbiddenJson(refusal));
            return;
        }
        String scope = TokenScopes.needed(req).wire();
        res.setStatus(HttpStatus.FORBIDDEN.value());
        res.setContentType("application/problem+json");
        res.getWriter().write("{\"type\":\"https://tocsin.io/problems/forbidden\",\"title\":\"Forbidden\",\"status\":403,"
                + "\"detail\":\"Authorization: this API token lacks the " + scope + " scope\","
                + "\"errors\":[{\"field\":\"Authorization\",\"message\":\"needs the " + scope + " scope\"}]}");
    }

    static final class BearerTokenFilter extends OncePerRequestFilter {
        private final ApiTokenStore tokens;

        BearerTokenFilter(ApiTokenStore tokens) {
            this.tokens = tokens;
        }

        @java.lang.Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String header = request.getHeader("Authorization");
            if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                Optional<ApiTokenStore.Issued> token = tokens.find(header.substring(7).trim());
                if (token.isEmpty()) {
                    unauthorized(response);
                    return;
                }
                // The principal's name is the actor (a person's id for their own token); the token rides along
                // as the details, so Actors and Permissions can tell which kind of token acts.
                List<SimpleGrantedAuthority> authorities = new java.util.ArrayList<>(List.of(new SimpleGrantedAuthority("ROLE_API")));
                token.get().scopes().forEach(s -> authorities.add(new SimpleGrantedAuthority(TokenScopes.authority(s))));
                UsernamePasswordAuthenticationToken authenticated = UsernamePasswordAuthenticationToken.authenticated(
                        token.get().actor(), null, authorities);
                authenticated.setDetails(token.get());
                SecurityContextHolder.getContext().setAuthentication(authenticated);
            }
            chain.doFilter(request, response);
        }
    }
}
