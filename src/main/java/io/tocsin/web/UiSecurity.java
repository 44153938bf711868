package io.tocsin.web;

import io.tocsin.incident.IncidentEngine;
import io.tocsin.store.ApiTokenStore;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;

/**
 * The browser UI signs in once and keeps a session, unlike the API: a person at 03:00 pastes their
 * token once, not on every click. Because a session cookie is sent by the browser on its own, every
 * change needs the CSRF token. Ordered before the API chain, which matches everything else.
 */
@Configuration
class UiSecurity {
    /** With the OpenID Connect flow's own two (OidcLogin), which answer nothing while it is not configured. */
    static final String[] PATHS = {"/ui", "/ui/**", "/login", "/logout", "/webjars/**", "/css/**", "/js/**", "/status", "/status/**",
            "/oauth2/authorization/*", "/login/oauth2/code/*"};

    /**
     * Scripts, styles and everything else only from Tocsin itself, none inline: an alert's text that
     * slipped past escaping still could not run. htmx comes from /webjars and is told by a meta tag
     * not to add an inline style of its own (parts.html).
     */
    static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /** Which message the sign-in page shows after a failure; never what was typed. */
    private static String error(org.springframework.security.core.AuthenticationException ex) {
        if (ex instanceof PasswordLogin.Throttled) {
            return "throttled";
        }
        if (ex instanceof PasswordLogin.WrongPassword) {
            return "password";
        }
        return ex instanceof TokenLogin.NotYours ? "not-yours" : "token";
    }

    /** What a signed-in session may do, as the scopes of the token (or the password sign-in) it came from. */
    static java.util.List<org.springframework.security.core.GrantedAuthority> authorities(java.util.Set<io.tocsin.store.ApiTokenStore.Scope> scopes) {
        java.util.List<org.springframework.security.core.GrantedAuthority> all = new java.util.ArrayList<>();
        all.add(new org.springframework.security.core.authority.SimpleGrantedAuthority("ROLE_UI"));
        scopes.forEach(s -> all.add(new org.springframework.security.core.authority.SimpleGrantedAuthority("SCOPE_" + s.wire())));
        return all;
    }

    private static boolean mayRead(org.springframework.security.core.Authentication who, ApiTokenStore tokens,
                                   io.tocsin.incident.Permissions permissions, jakarta.servlet.http.HttpServletRequest request) {
        if (who == null || !who.isAuthenticated() || who instanceof org.springframework.security.authentication.AnonymousAuthenticationToken) {
            return false;
        }
        if (who.getAuthorities().stream().noneMatch(a -> "SCOPE_read".equals(a.getAuthority()))) {
            return false;
        }
        // an incident's own pages: also whoever it paged, holding no role (its page decides the buttons)
        java.util.Optional<Long> incident = io.tocsin.incident.Permissions.incidentOf(
                request.getRequestURI().substring(request.getContextPath().length()));
        return (incident.isPresent() ? permissions.toReach(Sessions.caller(tokens, who), incident.get())
                : permissions.check(Sessions.caller(tokens, who), io.tocsin.incident.Permissions.Action.READ, java.util.Set.of())).isEmpty();
    }

    @Bean
    @Order(1)
    SecurityFilterChain ui(HttpSecurity http, ApiTokenStore tokens, IncidentEngine engine,
                           io.tocsin.store.PasswordStore passwords, java.time.Clock clock, OidcSettings oidc,
                           io.tocsin.config.PublicUrl publicUrl, io.tocsin.incident.Permissions permissions) throws Exception {
        LoginUrlAuthenticationEntryPoint toLogin = new LoginUrlAuthenticationEntryPoint("/login");
        AccessDeniedHandlerImpl denied = new AccessDeniedHandlerImpl();
        http.securityMatcher(PATHS)
                .authenticationProvider(new PasswordLogin(passwords, engine, new LoginThrottle(clock)))
                .authenticationProvider(new TokenLogin(tokens, engine))
                .addFilterBefore(new RevokedTokenSessions(tokens), AuthorizationFilter.class);
        if (oidc.configured()) {
            OidcLogin.configure(http, oidc, engine, publicUrl);
        }
        http
                .formLogin(f -> f.loginPage("/login")
                        .usernameParameter("person")
                        .passwordParameter("token")
                        .authenticationDetailsSource(PasswordLogin.LoginForm::of)
                        .defaultSuccessUrl("/ui", false)
                        .failureHandler((req, res, ex) -> res.sendRedirect(req.getContextPath() + "/login?error="
                                + error(ex)))
                        .permitAll())
                .logout(l -> l.logoutUrl("/logout").logoutSuccessUrl("/login?logout").permitAll())
                .httpBasic(b -> b.disable())
                .headers(h -> h.contentSecurityPolicy(c -> c.policyDirectives(POLICY))
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)))
                .exceptionHandling(e -> e.accessDeniedHandler((req, res, ex) -> {
                    // A stale CSRF token (the session expired behind an open page) would make a button do
                    // nothing at all under htmx; reloading gives a fresh token or the login page.
                    if (req.getHeader("HX-Request") != null) {
                        res.setHeader("HX-Refresh", "true");
                    }
                    denied.handle(req, res, ex);
                }).authenticationEntryPoint((req, res, ex) -> {
                    // htmx would swap the login page into a fragment; tell it to load the whole page instead.
                    if (req.getHeader("HX-Request") != null) {
                        res.setHeader("HX-Redirect", req.getContextPath() + "/login");
                        res.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
                        return;
                    }
                    toLogin.commence(req, res, ex);
                }))
                .authorizeHttpRequests(a -> a
                        // with its ?error=... variants, which form login's own permitAll does not cover
                        .requestMatchers("/login").permitAll()
                        // the provider's flow (OidcLogin) signs in; without it nothing answers there but a 404
                        .requestMatchers("/oauth2/authorization/*", "/login/oauth2/code/*").permitAll()
                        .requestMatchers("/webjars/**", "/css/**", "/js/**").permitAll()
                        // the public status page, its feed and its subscription forms (CSRF-protected like every form)
                        .requestMatchers("/status", "/status/**").permitAll()
                        // a session acts with its token's scopes: reading pages needs read (and, where roles are
                        // granted, a role: Permissions), every form write; what a form changes is decided by its page
                        .requestMatchers(org.springframework.http.HttpMethod.GET, "/ui", "/ui/**").access((authentication, context) ->
                                new org.springframework.security.authorization.AuthorizationDecision(mayRead(authentication.get(), tokens, permissions,
                                        context.getRequest())))
                        .anyRequest().access((authentication, context) -> new org.springframework.security.authorization.AuthorizationDecision(
                                authentication.get() != null && authentication.get().getAuthorities().stream()
                                        .anyMatch(g -> "SCOPE_write".equals(g.getAuthority()))
                                        && mayRead(authentication.get(), tokens, permissions, context.getRequest()))));
        return http.build();
    }

    /**
     * The browser's pages in the API's description (api.ApiDescription): signed in with a session
     * cookie from the login form, their forms carrying a CSRF token; not API tokens. Runs while the
     * description is built only.
     */
    @Bean
    @org.springframework.context.annotation.Lazy
    org.springdoc.core.customizers.GlobalOpenApiCustomizer uiPagesInTheDescription() {
        // Pages answer HTML through views rather than @ResponseBody, which springdoc would otherwise leave out;
        // OpenApiCompletenessTest fails when a page controller is missing here.
        org.springdoc.core.utils.SpringDocUtils.getConfig().addRestControllers(IncidentPages.class, ReportPages.class, TokenPages.class,
                LoginPage.class, StatusPages.class, SchedulePages.class, PolicyPages.class, PeoplePages.class,
                AdminPages.class);
        org.springframework.util.AntPathMatcher matcher = new org.springframework.util.AntPathMatcher();
        return api -> {
            api.getComponents().addSecuritySchemes(SESSION, new io.swagger.v3.oas.models.security.SecurityScheme()
                    .type(io.swagger.v3.oas.models.security.SecurityScheme.Type.APIKEY)
                    .in(io.swagger.v3.oas.models.security.SecurityScheme.In.COOKIE).name("JSESSIONID")
                    .description("The browser's session after signing in at /login; forms also carry _csrf"));
            api.getPaths().forEach((path, item) -> {
                if (java.util.Arrays.stream(PATHS).noneMatch(p -> matcher.match(p, path))) {
                    return;
                }
                item.readOperations().forEach(op -> {
                    boolean open = path.equals("/login") || path.startsWith("/status");
                    op.setSecurity(open ? java.util.List.of()
                            : java.util.List.of(new io.swagger.v3.oas.models.security.SecurityRequirement().addList(SESSION)));
                    op.addTagsItem("browser pages");
                });
            });
        };
    }

    static final String SESSION = "browserSession";
}
