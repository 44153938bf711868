package io.tocsin.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.testing.HeadlessChromium;
import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.MonitorEvents;
import io.tocsin.testing.OidcProvider;
import io.tocsin.testing.TestClockConfig;
import io.tocsin.testing.TestDatabases;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Issue 12: people sign in to the UI through an OpenID Connect provider. The provider is real (Spring
 * Authorization Server, started here on 127.0.0.1 with its own sign-in form); Tocsin discovers it, sends
 * the browser there, exchanges the code, checks the ID token and maps its e-mail claim to a person of
 * the acme organisation. Nothing of the flow is mocked: the browser case types a password into the
 * provider's form, the HTTP cases follow the same redirects with a cookie jar.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + OidcSignInTest.TOKEN,
        "tocsin.config.path=src/test/resources/orgs/acme",
        "tocsin.admin-token-file=target/test-admin-token",
        "tocsin.oidc.client-id=" + OidcSignInTest.CLIENT,
        "tocsin.oidc.client-secret=" + OidcSignInTest.SECRET,
        "tocsin.oidc.display-name=Acme SSO"})
@Import(TestClockConfig.class)
// No other test class shares this context; closing it gives its database connections back to the suite.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class OidcSignInTest {
    static final String TOKEN = "oidc-test-token-0123456789";
    static final String CLIENT = "tocsin-ui";
    static final String SECRET = "tocsin-ui-secret-0123456789";
    static final String KEY = "a1111111111111111111111111111111";
    static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    static OidcProvider provider;
    static HeadlessChromium chromium;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        TestDatabases.use(registry, TestDatabases.h2());
        provider = OidcProvider.start(List.of(
                new OidcProvider.Account("carol.radu", "carol's provider password", "carol@example.com", true),
                // addresses are matched ignoring case, as mail delivers them
                new OidcProvider.Account("dan.g", "dan's provider password", "Dan@Example.COM", true),
                new OidcProvider.Account("mallory", "mallory's provider password", "mallory@example.com", true),
                // a provider that lets people type their own address and says it did not check it
                new OidcProvider.Account("eve", "eve's provider password", "alice@example.com", false)));
        registry.add("tocsin.oidc.issuer-uri", provider::issuer);
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
            chromium = null;
        }
        if (provider != null) {
            provider.close();
            provider = null;
        }
    }

    @LocalServerPort
    int port;

    HttpCalls api;

    @BeforeEach
    void setUp() {
        api = new HttpCalls(base(), TOKEN);
        // Tocsin's redirect URI names its port, known only now; it is built from tocsin.public-url (unset: this host and port)
        provider.register(CLIENT, SECRET, base() + "/login/oauth2/code/oidc");
    }

    String base() {
        return "http://localhost:" + port;
    }

    long openIncident(String summary) {
        return MonitorEvents.openIncident(api, KEY, "oidc-", summary);
    }

    @Test
    void carolSignsInAtTheProviderLandsOnTheDashboardAndHerAcknowledgementIsHers() throws Exception {
        if (chromium == null) {
            chromium = HeadlessChromium.start();
        }
        WebDriver browser = chromium.driver();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        long id = openIncident("Payments queue backing up");

        browser.get(base() + "/ui/incidents/" + id);
        wait.until(ExpectedConditions.urlToBe(base() + "/login"));
        WebElement button = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in-oidc")));
        assertThat(button.getText()).isEqualTo("Sign in with Acme SSO");
        // the password and token forms stay for those who have no account at the provider
        assertThat(browser.findElement(By.id("sign-in-password")).isDisplayed()).isTrue();
        screenshot(browser, "oidc-login");
        button.click();

        // the provider's own sign-in form, on the provider's own address
        wait.until(ExpectedConditions.urlContains(provider.issuer() + "/login"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys("carol.radu");
        browser.findElement(By.id("password")).sendKeys("carol's provider password");
        screenshot(browser, "oidc-provider-form");
        browser.findElement(By.cssSelector("button[type=submit]")).click();

        // back at Tocsin, signed in as carol, on the page she first asked for
        // (Spring Security marks the page it kept for after the sign-in with "?continue")
        wait.until(ExpectedConditions.urlMatches("^" + Pattern.quote(base() + "/ui/incidents/" + id) + "(\\?continue)?$"));
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("person"))).getText()).isEqualTo("carol");
        browser.get(base() + "/ui");
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("person"))).getText()).isEqualTo("carol");
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("incident-" + id))).getText())
                .contains("Payments queue backing up");
        screenshot(browser, "oidc-dashboard");

        browser.findElement(By.id("incident-" + id)).findElement(By.linkText("INC-" + id)).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("acknowledge"))).click();
        wait.until(ExpectedConditions.textToBe(By.id("status"), "ACKNOWLEDGED"));
        assertThat(browser.findElement(By.id("acknowledged-by")).getText()).isEqualTo("carol");

        JsonNode detail = api.get("/api/v1/incidents/" + id).json();
        assertThat(detail.path("incident").path("status").asString()).isEqualTo("ACKNOWLEDGED");
        List<String> acknowledgements = new ArrayList<>();
        detail.path("timeline").forEach(e -> {
            if (e.path("kind").asString().equals("ACKNOWLEDGED")) {
                acknowledgements.add(e.path("actor").asString() + " via " + e.path("via").asString());
            }
        });
        assertThat(acknowledgements).containsExactly("carol via ui");

        // signing out ends the session: the dashboard asks for a sign-in again
        browser.findElement(By.cssSelector("form[action='/logout'] button")).click();
        wait.until(ExpectedConditions.urlToBe(base() + "/login?logout"));
        assertThat(browser.findElement(By.id("notice")).getText()).isEqualTo("You are signed out.");
        browser.get(base() + "/ui");
        wait.until(ExpectedConditions.urlToBe(base() + "/login"));
    }

    @Test
    void anAddressNoPersonHasIsRefusedOnTheSignInPageNotWithAnError() throws Exception {
        Flow flow = new Flow();
        HttpResponse<String> back = flow.signInAtTheProvider("mallory", "mallory's provider password");
        assertThat(back.statusCode()).isEqualTo(302);
        assertThat(location(back)).isEqualTo(base() + "/login?error=oidc-person");
        HttpResponse<String> page = flow.get(base() + "/login?error=oidc-person");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(text(page.body())).contains("Acme SSO signed you in as mallory@example.com, but no person of Acme Test Org "
                + "has that e-mail address.");
        // nobody is signed in
        HttpResponse<String> ui = flow.get(base() + "/ui");
        assertThat(ui.statusCode()).isEqualTo(302);
        assertThat(location(ui)).isEqualTo(base() + "/login");
    }

    @Test
    void anAddressTheProviderDidNotVerifyNamesNobody() throws Exception {
        Flow flow = new Flow();
        HttpResponse<String> back = flow.signInAtTheProvider("eve", "eve's provider password");
        assertThat(location(back)).isEqualTo(base() + "/login?error=oidc-unverified");
        assertThat(text(flow.get(base() + "/login?error=oidc-unverified").body()))
                .contains("Acme SSO has not verified alice@example.com, so it cannot stand for a person");
        assertThat(flow.get(base() + "/ui").statusCode()).isEqualTo(302);
    }

    /**
     * Over plain HTTP: the session acts as dan (the address matched whatever its case), and ends at its
     * next request once the configuration no longer gives dan that address, as a revoked token's does.
     */
    @Test
    void theSessionIsThePersonUntilTheDirectoryTakesTheAddressAway() throws Exception {
        Flow flow = new Flow();
        HttpResponse<String> back = flow.signInAtTheProvider("dan.g", "dan's provider password");
        assertThat(location(back)).isEqualTo(base() + "/ui");
        HttpResponse<String> ui = flow.get(base() + "/ui");
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.body()).contains("<strong id=\"person\">dan</strong>");
        // "Your access" treats the session as dan's own: it lists what dan manages and issues dan's tokens
        assertThat(flow.get(base() + "/ui/account").statusCode()).isEqualTo(200);

        Path acme = Path.of("src/test/resources/orgs/acme");
        List<Map<String, String>> files = new ArrayList<>();
        try (var list = Files.list(acme)) {
            for (Path f : list.sorted().toList()) {
                files.add(Map.of("name", f.getFileName().toString(),
                        "text", Files.readString(f).replace("dan@example.com", "dan.georgescu@example.com")));
            }
        }
        HttpCalls.Answer applied = api.postJson("/api/v1/config", Map.of("files", files, "confirm", true));
        assertThat(applied.status()).as(applied.body()).isEqualTo(201);
        try {
            HttpResponse<String> after = flow.get(base() + "/ui");
            assertThat(after.statusCode()).isEqualTo(302);
            assertThat(location(after)).isEqualTo(base() + "/login");
        } finally {
            List<Map<String, String>> original = new ArrayList<>();
            for (Map<String, String> f : files) {
                original.add(Map.of("name", f.get("name"), "text", Files.readString(acme.resolve(f.get("name")))));
            }
            assertThat(api.postJson("/api/v1/config", Map.of("files", original, "confirm", true)).status()).isEqualTo(201);
        }
    }

    /** A browser without a browser: one cookie jar for both sites, every redirect followed by hand so each step is seen. */
    final class Flow {
        final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

        HttpResponse<String> get(String url) throws Exception {
            // as a browser navigating: the provider sends only a page's visitor to its sign-in form
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).header("Accept", "text/html").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String url, Map<String, String> form) throws Exception {
            String body = form.entrySet().stream()
                    .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        /** Follows redirects from {@code response} while they stay off Tocsin's own pages; answers the first answer from Tocsin that is not the flow's. */
        HttpResponse<String> follow(HttpResponse<String> response) throws Exception {
            HttpResponse<String> r = response;
            for (int hops = 0; hops < 10 && r.statusCode() == 302; hops++) {
                String next = location(r);
                if (next.startsWith(base()) && !next.startsWith(base() + "/login/oauth2/") && !next.startsWith(base() + "/oauth2/")) {
                    return r;
                }
                r = get(next);
            }
            return r;
        }

        /**
         * "Sign in with Acme SSO", the provider's form with name and password, and back to Tocsin's
         * callback; answers Tocsin's answer to the callback (a redirect to the dashboard or to the
         * sign-in page with the refusal).
         */
        HttpResponse<String> signInAtTheProvider(String username, String password) throws Exception {
            HttpResponse<String> atProvider = follow(get(base() + "/oauth2/authorization/oidc"));
            assertThat(atProvider.statusCode()).as(atProvider.body()).isEqualTo(200);
            assertThat(atProvider.uri().toString()).isEqualTo(provider.issuer() + "/login");
            Matcher csrf = CSRF_FIELD.matcher(atProvider.body());
            assertThat(csrf.find()).as(atProvider.body()).isTrue();
            return follow(post(provider.issuer() + "/login", Map.of("username", username, "password", password, "_csrf", csrf.group(1))));
        }
    }

    /** Where a redirect sends the browser, as an absolute address (Tomcat sends a path for its own pages). */
    static String location(HttpResponse<String> response) {
        return response.uri().resolve(response.headers().firstValue("Location").orElseThrow()).toString();
    }

    /** The page's text without its markup, with the entities the refusal's words contain decoded. */
    static String text(String html) {
        return html.replaceAll("<[^>]+>", " ").replace("&#39;", "'").replace("&quot;", "\"").replace("&amp;", "&")
                .replaceAll("\\s+", " ");
    }

    static void screenshot(WebDriver browser, String name) throws Exception {
        Files.createDirectories(Path.of("target/screenshots"));
        Files.write(Path.of("target/screenshots/" + name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
