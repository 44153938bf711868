package io.tocsin.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.notify.AckLinks;
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
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What the server tells a browser to refuse: every page carries a Content-Security-Policy without
 * inline script or style (and the pages have none), the session cookie is HttpOnly and SameSite=Lax,
 * and Secure when the request came over HTTPS through a proxy (X-Forwarded-Proto).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + BrowserSecurityTest.TOKEN,
        "tocsin.config.path=src/test/resources/orgs/acme",
        "tocsin.admin-token-file=target/test-admin-token"})
@Import(TestClockConfig.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class BrowserSecurityTest {
    static final String TOKEN = "browser-security-token-0123456789";
    static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    /** A script element without src, or a style attribute or inline event handler inside a tag (escaped text is no tag). */
    static final Pattern INLINE = Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>|<[^>]*\\s(?:style|on[a-z]+)\\s*=", Pattern.CASE_INSENSITIVE);

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.use(registry, TestDatabases.h2());
    }

    @LocalServerPort
    int port;

    @Autowired
    AckLinks links;

    @Test
    void everyUiPageCarriesAStrictPolicyAndHasNothingInline() throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> login = get(browser, "/login", Map.of());
        assertStrictUiPolicy(login);
        Matcher csrf = CSRF_FIELD.matcher(login.body());
        assertThat(csrf.find()).isTrue();
        HttpResponse<String> signedIn = post(browser, "/login", Map.of("token", new HttpCalls(base(), TOKEN).personalToken("carol"), "_csrf", csrf.group(1)));
        assertThat(signedIn.headers().firstValue("Location").orElse("")).endsWith("/ui");
        long id = openIncident();
        for (String path : List.of("/ui", "/ui/incidents/" + id, "/ui/fragments/open-incidents", "/ui/incidents/999999")) {
            HttpResponse<String> page = get(browser, path, Map.of());
            assertThat(page.statusCode()).as(path).isIn(200, 404);
            assertStrictUiPolicy(page);
        }
    }

    @Test
    void theSessionCookieIsHttpOnlyAndSameSiteAndSecureWhenTheBrowserCameOverHttps() throws Exception {
        String plain = sessionCookie(get(HttpClient.newHttpClient(), "/login", Map.of()));
        assertThat(plain).contains("HttpOnly").contains("SameSite=Lax").doesNotContain("Secure");
        String proxied = sessionCookie(get(HttpClient.newHttpClient(), "/login", Map.of("X-Forwarded-Proto", "https")));
        assertThat(proxied).contains("HttpOnly").contains("SameSite=Lax").contains("Secure");
    }

    @Test
    void theApiAndItsSignedLinkPagesAllowNoScriptAtAll() throws Exception {
        HttpResponse<String> api = get(HttpClient.newHttpClient(), "/api/v1/incidents", Map.of("Authorization", "Bearer " + TOKEN));
        assertThat(api.headers().firstValue("Content-Security-Policy").orElse("")).startsWith("default-src 'none';")
                .contains("frame-ancestors 'none'").doesNotContain("script-src");
        HttpResponse<String> link = get(HttpClient.newHttpClient(), links.url(openIncident(), "acknowledge", "carol")
                .replaceFirst("^https?://[^/]+", ""), Map.of());
        assertThat(link.statusCode()).isEqualTo(200);
        assertThat(link.body()).contains("Acknowledge as carol").contains("/css/tocsin.css");
        assertThat(INLINE.matcher(link.body()).find()).as(link.body()).isFalse();
        assertThat(link.headers().firstValue("Content-Security-Policy").orElse("")).startsWith("default-src 'none';")
                .contains("style-src 'self'").contains("form-action 'self'");
        // the link's token is in its path: the page never sends it on as a Referer
        assertThat(link.headers().firstValue("Referrer-Policy")).contains("no-referrer");
    }

    void assertStrictUiPolicy(HttpResponse<String> page) {
        String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertThat(policy).contains("default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
                "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'").doesNotContain("unsafe-inline", "unsafe-eval");
        Matcher inline = INLINE.matcher(page.body());
        assertThat(inline.find()).as(() -> page.uri() + " has " + inline.group()).isFalse();
    }

    long openIncident() {
        return MonitorEvents.openIncident(new HttpCalls(base(), TOKEN), UiFlowContract.KEY, "csp-", "Disk <b onmouseover=alert(1)>full</b>");
    }

    static String sessionCookie(HttpResponse<String> r) {
        return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("JSESSIONID=")).findFirst()
                .orElseThrow(() -> new AssertionError("no session cookie in " + r.headers().map()));
    }

    String base() {
        return "http://localhost:" + port;
    }

    HttpResponse<String> get(HttpClient client, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path));
        headers.forEach(b::header);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(HttpClient client, String path, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return client.send(HttpRequest.newBuilder(URI.create(base() + path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
