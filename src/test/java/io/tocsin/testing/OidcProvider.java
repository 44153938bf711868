package io.tocsin.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * A real OpenID Connect provider in the test's JVM: Spring Authorization Server on a random port of
 * 127.0.0.1 with its own sign-in form, discovery document, keys, token and userinfo endpoints. Tocsin
 * runs on {@code localhost}, so the browser keeps the two sites' session cookies apart (cookies do not
 * tell ports apart). Its users carry an {@code email} claim and say whether it is verified, as
 * Keycloak, Google and Okta do.
 */
public final class OidcProvider implements AutoCloseable {
    /** A user of the provider: signs in with name and password; the ID token says {@code email} and {@code email_verified}. */
    public record Account(String username, String password, String email, boolean verified) {
    }

    private final ConfigurableApplicationContext context;
    private final int port;

    private OidcProvider(ConfigurableApplicationContext context, int port) {
        this.context = context;
        this.port = port;
    }

    public static OidcProvider start(List<Account> accounts) {
        int port = freePort();
        String issuer = "http://127.0.0.1:" + port;
        ConfigurableApplicationContext context = new SpringApplicationBuilder(Server.class)
                .initializers(c -> c.getBeanFactory().registerSingleton("accounts", new Accounts(accounts)))
                .properties(Map.of(
                        // not Tocsin's application.yaml: this is another server
                        "spring.config.name", "oidc-provider",
                        "server.address", "127.0.0.1",
                        "server.port", String.valueOf(port),
                        "spring.security.oauth2.authorizationserver.issuer", issuer,
                        "spring.flyway.enabled", "false",
                        "spring.main.banner-mode", "off",
                        "management.endpoints.web.exposure.include", "",
                        "springdoc.api-docs.enabled", "false",
                        "springdoc.swagger-ui.enabled", "false"))
                .run();
        return new OidcProvider(context, port);
    }

    public String issuer() {
        return "http://127.0.0.1:" + port;
    }

    /** Registers Tocsin as a confidential client that may be sent back to {@code redirectUri} only. */
    public void register(String clientId, String secret, String redirectUri) {
        context.getBean(Clients.class).save(RegisteredClient.withId(clientId)
                .clientId(clientId)
                .clientSecret("{noop}" + secret)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri(redirectUri)
                .scope(OidcScopes.OPENID).scope(OidcScopes.EMAIL).scope(OidcScopes.PROFILE)
                .build());
    }

    @java.lang.Override
    public void close() {
        context.close();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Accounts(List<Account> all) {
        Account named(String username) {
            return all.stream().filter(a -> a.username().equals(username)).findFirst().orElseThrow();
        }
    }

    /** Clients registered while the provider runs: Tocsin's redirect URI names its port, known only once it started. */
    static final class Clients implements RegisteredClientRepository {
        private final Map<String, RegisteredClient> byId = new ConcurrentHashMap<>();

        @java.lang.Override
        public void save(RegisteredClient client) {
            byId.put(client.getId(), client);
        }

        @java.lang.Override
        public RegisteredClient findById(String id) {
            return byId.get(id);
        }

        @java.lang.Override
        public RegisteredClient findByClientId(String clientId) {
            return byId.values().stream().filter(c -> c.getClientId().equals(clientId)).findFirst().orElse(null);
        }
    }

    /**
     * Spring Boot's authorization server: its auto-configuration adds the OpenID Connect endpoints and a
     * form sign-in once a client repository exists. No component scan: nothing of Tocsin runs here. And
     * no stereotype annotation either, so Tocsin's own scan of io.tocsin never picks this up.
     */
    @EnableAutoConfiguration
    static class Server {
        @Bean
        Clients registeredClients() {
            return new Clients();
        }

        @Bean
        UserDetailsService users(Accounts accounts) {
            return new InMemoryUserDetailsManager(accounts.all().stream()
                    .map(a -> User.withUsername(a.username()).password("{noop}" + a.password()).roles("USER").build())
                    .toList());
        }

        @Bean
        OAuth2TokenCustomizer<JwtEncodingContext> emailInTheIdToken(Accounts accounts) {
            return context -> {
                if (OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
                    Account account = accounts.named(context.getPrincipal().getName());
                    context.getClaims().claim("email", account.email()).claim("email_verified", account.verified());
                }
            };
        }
    }
}
