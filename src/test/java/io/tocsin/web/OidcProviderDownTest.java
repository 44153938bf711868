package io.tocsin.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.testing.TestClockConfig;
import io.tocsin.testing.TestDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The identity provider is down (nothing listens at its address): Tocsin still starts, since it reads
 * the provider at the first sign-in, and the button answers with the sign-in page saying so, never a
 * 500; a callback that belongs to no sign-in this browser started is refused the same way.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=oidc-down-token-0123456789",
        "tocsin.config.path=src/test/resources/orgs/acme",
        "tocsin.admin-token-file=target/test-admin-token",
        "tocsin.oidc.client-id=tocsin-ui",
        "tocsin.oidc.client-secret=tocsin-ui-secret",
        "tocsin.oidc.display-name=Acme SSO"})
@Import(TestClockConfig.class)
// No other test class shares this context; closing it gives its database connections back to the suite.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class OidcProviderDownTest {
    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        TestDatabases.use(registry, TestDatabases.h2());
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        registry.add("tocsin.oidc.issuer-uri", () -> "http://127.0.0.1:" + closed);
    }

    @LocalServerPort
    int port;

    final HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).build();

    HttpResponse<String> get(String path) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(60))
                .header("Accept", "text/html").GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theButtonSaysTheProviderCannotBeReachedAndTheOtherWaysStay() throws Exception {
        HttpResponse<String> page = get("/login");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Sign in with Acme SSO").contains("id=\"sign-in-password\"").contains("id=\"sign-in\"");

        HttpResponse<String> start = get("/oauth2/authorization/oidc");
        assertThat(start.statusCode()).isEqualTo(302);
        assertThat(OidcSignInTest.location(start)).isEqualTo("http://localhost:" + port + "/login?error=oidc-unreachable");
        HttpResponse<String> refused = get("/login?error=oidc-unreachable");
        assertThat(refused.statusCode()).isEqualTo(200);
        assertThat(OidcSignInTest.text(refused.body()))
                .contains("Acme SSO cannot be reached right now; sign in with your password or a token, or try again.");
    }

    @Test
    void aCallbackThatNoSignInStartedIsRefusedNotAnError() throws Exception {
        HttpResponse<String> forged = get("/login/oauth2/code/oidc?code=guessed&state=guessed");
        assertThat(forged.statusCode()).isEqualTo(302);
        assertThat(OidcSignInTest.location(forged)).isEqualTo("http://localhost:" + port + "/login?error=oidc");
        assertThat(OidcSignInTest.text(get("/login?error=oidc").body())).contains("Signing in with Acme SSO did not complete; try again.");
        assertThat(get("/ui").statusCode()).isEqualTo(302);
    }
}
