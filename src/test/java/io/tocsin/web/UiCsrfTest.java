package io.tocsin.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.MonitorEvents;
import io.tocsin.testing.TestClockConfig;
import io.tocsin.testing.TestDatabases;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The UI's session cookie is sent by the browser on its own, so another site could make a signed-in
 * browser post an acknowledgement; the CSRF token is what stops it. Plain HTTP, no browser: a real
 * signed-in session posting without the token must be refused and change nothing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + UiCsrfTest.TOKEN,
        "tocsin.config.path=src/test/resources/orgs/acme",
        "tocsin.admin-token-file=target/test-admin-token"})
@Import(TestClockConfig.class)
// No other test class shares this context; closing it gives its database connections back to the suite.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class UiCsrfTest {
    static final String TOKEN = "ui-csrf-token-0123456789";
    static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.use(registry, TestDatabases.h2());
    }

    @LocalServerPort
    int port;

    HttpCalls api;
    HttpClient session;

    @BeforeEach
    void setUp() throws Exception {
        api = new HttpCalls(base(), TOKEN);
        session = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
        String csrf = csrfFrom(get("/login").body());
        HttpResponse<String> login = post("/login", Map.of("token", api.personalToken("carol"), "_csrf", csrf), Map.of());
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location").orElse("")).endsWith("/ui");
    }

    String base() {
        return "http://localhost:" + port;
    }

    @Test
    void anActionWithoutTheCsrfTokenIsRefusedAndChangesNothing() throws Exception {
        long id = openIncident();
        HttpResponse<String> page = get("/ui/incidents/" + id);
        assertThat(page.statusCode()).isEqualTo(200);

        HttpResponse<String> forged = post("/ui/incidents/" + id + "/acknowledge", Map.of(), Map.of("HX-Request", "true"));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.headers().firstValue("HX-Refresh")).contains("true");
        HttpResponse<String> wrong = post("/ui/incidents/" + id + "/resolve", Map.of("_csrf", "made-up"), Map.of("HX-Request", "true"));
        assertThat(wrong.statusCode()).isEqualTo(403);
        JsonNode detail = api.get("/api/v1/incidents/" + id).json();
        assertThat(detail.path("incident").path("status").asString()).isEqualTo("TRIGGERED");
        assertThat(detail.path("timeline").toString()).doesNotContain("\"via\":\"ui\"");

        // The same session with the page's token is accepted, so the 403 above was the missing token and nothing else.
        HttpResponse<String> real = post("/ui/incidents/" + id + "/acknowledge", Map.of("_csrf", csrfFrom(page.body())),
                Map.of("HX-Request", "true"));
        assertThat(real.statusCode()).isEqualTo(200);
        assertThat(real.body()).contains("acknowledged by carol");
        assertThat(api.get("/api/v1/incidents/" + id).json().path("incident").path("status").asString()).isEqualTo("ACKNOWLEDGED");
    }

    @Test
    void theApiKeepsItsBearerTokensAndNeverRedirectsToTheLoginPage() throws Exception {
        HttpResponse<String> noToken = session.send(HttpRequest.newBuilder(URI.create(base() + "/api/v1/incidents")).build(),
                HttpResponse.BodyHandlers.ofString());
        // a UI session cookie is no API credential
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(noToken.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(api.postJson("/api/v1/incidents/" + openIncident() + "/acknowledge", "{}").status()).isEqualTo(200);
    }

    @Test
    void theRefreshFragmentOfAnExpiredSessionAsksHtmxToLoadTheLoginPage() throws Exception {
        HttpClient fresh = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> r = fresh.send(HttpRequest.newBuilder(URI.create(base() + "/ui/fragments/open-incidents"))
                .header("HX-Request", "true").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("HX-Redirect").orElse("")).isEqualTo("/login");
    }

    long openIncident() {
        return MonitorEvents.openIncident(api, UiFlowContract.KEY, "csrf-", "Queue backlog growing");
    }

    static String csrfFrom(String html) {
        Matcher m = CSRF_FIELD.matcher(html);
        assertThat(m.find()).as("a _csrf field in the page").isTrue();
        return m.group(1);
    }

    HttpResponse<String> get(String path) throws Exception {
        return session.send(HttpRequest.newBuilder(URI.create(base() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, Map<String, String> form, Map<String, String> headers) throws Exception {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        headers.forEach(b::header);
        return session.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
