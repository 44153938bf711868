package io.tocsin.web;

import io.tocsin.config.Organisation;
import io.tocsin.config.OrganisationConfig;
import io.tocsin.config.PublicUrl;
import io.tocsin.incident.IncidentEngine;
import io.tocsin.store.ApiTokenStore;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.client.web.HttpSessionOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestRedirectFilter;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.OidcUserInfo;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Sign-in through an OpenID Connect provider ({@link OidcSettings}): Spring Security's authorization
 * code flow, with the provider's user mapped to a person of the organisation by one claim (the
 * e-mail address by default) matching one of the person's e-mail contact methods. The session then
 * acts as that person everywhere, as a password session does: its name is the person's id, which is
 * what every page records as the actor. Who the provider says someone is decides nothing else; a
 * provider's user with no person is refused on the sign-in page.
 */
final class OidcLogin {
    /** The one registration; its paths are /oauth2/authorization/oidc and /login/oauth2/code/oidc. */
    static final String REGISTRATION = "oidc";
    static final String CALLBACK = "/login/oauth2/code/" + REGISTRATION;
    static final String START = "/oauth2/authorization/" + REGISTRATION;
    /** The session attribute that carries the refused address to the sign-in page (never the URL: it would sit in logs). */
    static final String REFUSED_ADDRESS = OidcLogin.class.getName() + ".refused";

    /** Why a sign-in through the provider was refused, as the sign-in page's {@code ?error=} code. */
    enum Refusal {
        /** No person has the address the provider gave. */
        UNKNOWN_PERSON("oidc-person"),
        /** The provider says the address is not verified: anyone could have typed it. */
        UNVERIFIED("oidc-unverified"),
        /** The provider sent no value for the configured claim. */
        NO_CLAIM("oidc-claim"),
        /** The provider's discovery document could not be read. */
        UNREACHABLE("oidc-unreachable"),
        /** Anything else the flow reports (the person cancelled at the provider, a stale state, a refused code). */
        FAILED("oidc");

        final String code;

        Refusal(String code) {
            this.code = code;
        }

        OAuth2AuthenticationException exception(String description, Throwable cause) {
            OAuth2Error error = new OAuth2Error("tocsin_" + name().toLowerCase(), description, null);
            return cause == null ? new OAuth2AuthenticationException(error, description)
                    : new OAuth2AuthenticationException(error, description, cause);
        }

        static Refusal of(AuthenticationException ex) {
            OAuth2Error error = error(ex);
            for (Refusal r : values()) {
                if (error != null && error.getErrorCode().equals("tocsin_" + r.name().toLowerCase())) {
                    return r;
                }
            }
            return FAILED;
        }

        /** The flow's own error, however deep a filter wrapped it. */
        static OAuth2Error error(AuthenticationException ex) {
            for (Throwable t = ex; t != null; t = t.getCause()) {
                if (t instanceof OAuth2AuthenticationException o && o.getError().getErrorCode().startsWith("tocsin_")) {
                    return o.getError();
                }
            }
            return ex instanceof OAuth2AuthenticationException o ? o.getError() : null;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(OidcLogin.class);

    private OidcLogin() {
    }

    /** Adds the provider's sign-in to the UI's chain; the form sign-in stays as it is. */
    static void configure(HttpSecurity http, OidcSettings settings, IncidentEngine engine, PublicUrl publicUrl) throws Exception {
        AuthenticationFailureHandler refused = OidcLogin::refused;
        http.oauth2Login(o -> o.loginPage("/login")
                .clientRegistrationRepository(new Provider(settings, publicUrl))
                .authorizedClientRepository(new HttpSessionOAuth2AuthorizedClientRepository())
                .userInfoEndpoint(u -> u.oidcUserService(new People(settings, engine)))
                .defaultSuccessUrl("/ui", false)
                .failureHandler(refused)
                // an unreachable provider while starting the flow is the same page, not the filter's bare 500
                .withObjectPostProcessor(new ObjectPostProcessor<OAuth2AuthorizationRequestRedirectFilter>() {
                    @java.lang.Override
                    public <O extends OAuth2AuthorizationRequestRedirectFilter> O postProcess(O filter) {
                        filter.setAuthenticationFailureHandler(refused);
                        return filter;
                    }
                }))
                .addFilterBefore(new Sessions(engine), org.springframework.security.web.access.intercept.AuthorizationFilter.class);
    }

    private static void refused(HttpServletRequest request, HttpServletResponse response, AuthenticationException ex) throws IOException {
        Refusal refusal = Refusal.of(ex);
        if (refusal == Refusal.FAILED || refusal == Refusal.UNREACHABLE) {
            // the person sees a sentence; what the provider or the network said is for the operator
            log.warn("sign-in through the identity provider failed: {}", ex.getMessage(), ex.getCause());
        }
        if (refusal == Refusal.UNKNOWN_PERSON || refusal == Refusal.UNVERIFIED) {
            request.getSession().setAttribute(REFUSED_ADDRESS, Refusal.error(ex).getDescription());
        }
        response.sendRedirect(request.getContextPath() + "/login?error=" + refusal.code);
    }

    /**
     * The provider, read from its discovery document on the first sign-in rather than at start: a
     * provider that is down must not keep the paging service from starting, and a failed read is tried
     * again at the next sign-in. The redirect URI is built from {@code tocsin.public-url}.
     */
    static final class Provider implements ClientRegistrationRepository {
        private final OidcSettings settings;
        private final PublicUrl publicUrl;
        private volatile ClientRegistration discovered;

        Provider(OidcSettings settings, PublicUrl publicUrl) {
            this.settings = settings;
            this.publicUrl = publicUrl;
        }

        @java.lang.Override
        public ClientRegistration findByRegistrationId(String registrationId) {
            if (!REGISTRATION.equals(registrationId)) {
                return null;
            }
            ClientRegistration found = discovered;
            if (found == null) {
                synchronized (this) {
                    if (discovered == null) {
                        discovered = discover();
                    }
                    found = discovered;
                }
            }
            return found;
        }

        private ClientRegistration discover() {
            try {
                return ClientRegistrations.fromOidcIssuerLocation(settings.issuerUri())
                        .registrationId(REGISTRATION)
                        .clientId(settings.clientId())
                        .clientSecret(settings.clientSecret())
                        .scope("openid", "email", "profile")
                        .redirectUri(publicUrl.resolve(CALLBACK))
                        .userNameAttributeName(IdTokenClaimNames.SUB)
                        .clientName(settings.providerName())
                        .build();
            } catch (RuntimeException e) {
                throw Refusal.UNREACHABLE.exception("cannot read the discovery document of " + settings.issuerUri() + ": "
                        + e.getMessage(), e);
            }
        }
    }

    /** The provider's user, as the person of the organisation whose e-mail address the configured claim carries. */
    static final class People implements OAuth2UserService<OidcUserRequest, OidcUser> {
        private final OidcUserService provider = new OidcUserService();
        private final OidcSettings settings;
        private final IncidentEngine engine;

        People(OidcSettings settings, IncidentEngine engine) {
            this.settings = settings;
            this.engine = engine;
        }

        @java.lang.Override
        public OidcUser loadUser(OidcUserRequest request) {
            OidcUser user = provider.loadUser(request);
            Object claim = user.getClaims().get(settings.emailClaim());
            if (!(claim instanceof String address) || address.isBlank()) {
                throw Refusal.NO_CLAIM.exception("the provider sent no " + settings.emailClaim() + " claim", null);
            }
            // Providers that let people type their own address say whether they checked it (Keycloak, Google, Okta);
            // an unchecked address is anybody's claim to be that person. email_verified speaks of the email claim only.
            Object verified = user.getClaims().get("email_verified");
            if (settings.emailClaim().equals("email") && (Boolean.FALSE.equals(verified) || "false".equals(verified))) {
                throw Refusal.UNVERIFIED.exception(address.trim(), null);
            }
            String person = personByEmail(engine.organisation(), address.trim())
                    .orElseThrow(() -> Refusal.UNKNOWN_PERSON.exception(address.trim(), null));
            return new SignedIn(person, address.trim(), user.getIdToken(), user.getUserInfo());
        }
    }

    /**
     * The person whose e-mail contact method is {@code address}, ignoring case as mail does in practice.
     * Only e-mail methods: a phone number or a webhook address in the claim names nobody.
     */
    static Optional<String> personByEmail(Organisation organisation, String address) {
        return organisation.people().values().stream()
                .filter(p -> p.contactMethods().stream()
                        .anyMatch(c -> "email".equals(c.type()) && c.address() != null && c.address().trim().equalsIgnoreCase(address)))
                .map(OrganisationConfig.Person::id)
                .findFirst();
    }

    /**
     * A session signed in through the provider: named by the person's id, so every page records the
     * person as the actor; it reads and acts like a password session (scopes read and write).
     */
    record SignedIn(String person, String address, OidcIdToken idToken, OidcUserInfo userInfo) implements OidcUser, java.io.Serializable {
        @java.lang.Override
        public String getName() {
            return person;
        }

        @java.lang.Override
        public Map<String, Object> getClaims() {
            return userInfo == null ? idToken.getClaims() : merged();
        }

        private Map<String, Object> merged() {
            Map<String, Object> all = new java.util.HashMap<>(userInfo.getClaims());
            all.putAll(idToken.getClaims());
            return all;
        }

        @java.lang.Override
        public OidcUserInfo getUserInfo() {
            return userInfo;
        }

        @java.lang.Override
        public OidcIdToken getIdToken() {
            return idToken;
        }

        @java.lang.Override
        public Map<String, Object> getAttributes() {
            return getClaims();
        }

        @java.lang.Override
        public Collection<? extends GrantedAuthority> getAuthorities() {
            return UiSecurity.authorities(EnumSet.of(ApiTokenStore.Scope.READ, ApiTokenStore.Scope.WRITE));
        }
    }

    /**
     * A session lives longer than the sign-in that started it: when the configuration no longer gives
     * the session's address to its person (the person or the address was removed), the session ends at
     * its next request, as a revoked token's does ({@link RevokedTokenSessions}).
     */
    static final class Sessions extends OncePerRequestFilter {
        private final IncidentEngine engine;

        Sessions(IncidentEngine engine) {
            this.engine = engine;
        }

        @java.lang.Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            Authentication who = SecurityContextHolder.getContext().getAuthentication();
            if (who != null && who.getPrincipal() instanceof SignedIn signedIn
                    && !personByEmail(engine.organisation(), signedIn.address()).equals(Optional.of(signedIn.person()))) {
                RevokedTokenSessions.end(request);
            }
            chain.doFilter(request, response);
        }
    }
}
